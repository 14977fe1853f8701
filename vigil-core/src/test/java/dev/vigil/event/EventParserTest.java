package dev.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-29T04:00:00Z");
    private final EventParser parser = new EventParser(new ManualClock(NOW), EventLimits.defaults());

    private Event parse(String json) throws Exception {
        return parser.parse(JSON.readTree(json));
    }

    private InvalidEventException rejection(String json) throws Exception {
        JsonNode node = JSON.readTree(json);
        try {
            parser.parse(node);
        } catch (InvalidEventException e) {
            return e;
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void parsesEveryFieldOfTheWireFormat() throws Exception {
        Event e = parse("""
                {"id":"e1","ts":"2026-11-29T03:59:00.123Z","agent":"billing-bot","run":"run-81f2","task":"refund-4471",
                 "kind":"tool_call","status":"error","tool":"payments.refund","params":{"amount":30},
                 "model":"gpt-x","temperature":0.7,"tokens":{"input":1200,"output":300},"cost_usd":0.012,
                 "latency_ms":840,"quality":0.92,"error":{"type":"timeout","message":"took\\ntoo long"},
                 "flags":["harmful","pii"],"directive":"d-1","attrs":{"region":"eu"}}""");
        assertThat(e.id()).isEqualTo("e1");
        assertThat(e.ts()).isEqualTo(Instant.parse("2026-11-29T03:59:00.123Z"));
        assertThat(e.receivedAt()).isEqualTo(NOW);
        assertThat(e.clamped()).isFalse();
        assertThat(e.kind()).isEqualTo(Kind.TOOL_CALL);
        assertThat(e.status()).isEqualTo(Status.ERROR);
        assertThat(e.params().get("amount").intValue()).isEqualTo(30);
        assertThat(e.tokens()).isEqualTo(new Event.Tokens(1200, 300));
        assertThat(e.costUsd()).isEqualTo(0.012);
        assertThat(e.error()).isEqualTo(new Event.ErrorInfo("timeout", "took\ntoo long"));
        assertThat(e.flags()).containsExactly("harmful", "pii");
        assertThat(e.directive()).isEqualTo("d-1");
        assertThat(e.attrs().get("region").textValue()).isEqualTo("eu");
    }

    @Test
    void fillsDefaultsForIdAndTimestamp() throws Exception {
        Event e = parse("{\"agent\":\"a\",\"kind\":\"heartbeat\"}");
        assertThat(e.ts()).isEqualTo(NOW);
        assertThat(e.id()).hasSize(36);
        assertThat(parse("{\"agent\":\"a\",\"kind\":\"heartbeat\"}").id()).isNotEqualTo(e.id());
    }

    @Test
    void keepsUnknownTopLevelFieldsInAttrs() throws Exception {
        Event e = parse("{\"agent\":\"a\",\"kind\":\"metric\",\"attrs\":{\"x\":1},\"gpu\":\"h100\"}");
        assertThat(e.attrs().get("x").intValue()).isEqualTo(1);
        assertThat(e.attrs().get("gpu").textValue()).isEqualTo("h100");
    }

    @Test
    void clampsTimestampsTooFarInTheFutureAndMarksThem() throws Exception {
        Event withinSkew = parse("{\"agent\":\"a\",\"kind\":\"heartbeat\",\"ts\":\"2026-11-29T04:05:00Z\"}");
        assertThat(withinSkew.ts()).isEqualTo(Instant.parse("2026-11-29T04:05:00Z"));
        assertThat(withinSkew.clamped()).isFalse();

        Event beyond = parse("{\"agent\":\"a\",\"kind\":\"heartbeat\",\"ts\":\"2026-11-29T04:05:00.001Z\"}");
        assertThat(beyond.ts()).isEqualTo(NOW);
        assertThat(beyond.clamped()).isTrue();
        assertThat(EventJson.toJson(beyond)).contains("\"clamped\":true");
    }

    @Test
    void rejectsEventsOlderThanTheMaximumAge() throws Exception {
        assertThat(parse("{\"agent\":\"a\",\"kind\":\"heartbeat\",\"ts\":\"2026-11-28T04:00:00Z\"}").ts())
                .isEqualTo(NOW.minus(Duration.ofHours(24)));
        InvalidEventException e = rejection("{\"agent\":\"a\",\"kind\":\"heartbeat\",\"ts\":\"2026-11-28T03:59:59.999Z\"}");
        assertThat(e.field()).isEqualTo("ts");
        assertThat(e.getMessage()).contains("older than the maximum age");
        assertThat(e.rejection()).isEqualTo(InvalidEventException.Cause.TOO_OLD);
    }

    @Test
    void skewAndAgeAreConfigurable() throws Exception {
        EventParser strict = new EventParser(new ManualClock(NOW),
                EventLimits.defaults().withTime(Duration.ofSeconds(1), Duration.ofMinutes(1)));
        assertThat(strict.parse(JSON.readTree("{\"agent\":\"a\",\"kind\":\"heartbeat\",\"ts\":\"2026-11-29T04:00:02Z\"}")).clamped()).isTrue();
        assertThatThrownBy(() -> strict.parse(JSON.readTree("{\"agent\":\"a\",\"kind\":\"heartbeat\",\"ts\":\"2026-11-29T03:58:00Z\"}")))
                .hasMessageStartingWith("ts: older than");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"kind\":\"heartbeat\"}                                   | agent: is required",
            "{\"agent\":\"\",\"kind\":\"heartbeat\"}                    | agent: must not be blank",
            "{\"agent\":7,\"kind\":\"heartbeat\"}                       | agent: must be a string, got a number",
            "{\"agent\":\"a\\u0007b\",\"kind\":\"heartbeat\"}            | agent: contains a control character at position 1",
            "{\"agent\":\"a\"}                                          | kind: is required",
            "{\"agent\":\"a\",\"kind\":\"chat\"}                        | kind: unknown kind 'chat'; expected one of tool_call, llm_call, decision, outcome, metric, policy_violation, heartbeat",
            "{\"agent\":\"a\",\"kind\":\"outcome\",\"status\":\"fine\"}  | status: unknown status 'fine'; expected ok or error",
            "{\"agent\":\"a\",\"kind\":\"outcome\",\"ts\":\"yesterday\"} | ts: not an ISO-8601 instant such as 2026-11-29T04:00:00Z: 'yesterday'",
            "{\"agent\":\"a\",\"kind\":\"llm_call\",\"cost_usd\":-1}    | cost_usd: must not be negative (-1)",
            "{\"agent\":\"a\",\"kind\":\"llm_call\",\"latency_ms\":\"5\"}| latency_ms: must be a number, got a string",
            "{\"agent\":\"a\",\"kind\":\"llm_call\",\"latency_ms\":1e400}| latency_ms: must be a finite number",
            "{\"agent\":\"a\",\"kind\":\"llm_call\",\"tokens\":{\"input\":1.5}}   | tokens.input: must be a whole number of tokens (1.5)",
            "{\"agent\":\"a\",\"kind\":\"llm_call\",\"tokens\":{\"input\":-3}}    | tokens.input: must not be negative (-3)",
            "{\"agent\":\"a\",\"kind\":\"llm_call\",\"tokens\":{\"inputs\":3}}    | tokens.inputs: unknown field; expected input and output",
            "{\"agent\":\"a\",\"kind\":\"llm_call\",\"tokens\":5}                 | tokens: must be an object {input, output}, got a number",
            "{\"agent\":\"a\",\"kind\":\"tool_call\",\"params\":[1]}             | params: must be a JSON object, got an array",
            "{\"agent\":\"a\",\"kind\":\"tool_call\",\"flags\":\"harmful\"}      | flags: must be an array of strings, got a string",
            "{\"agent\":\"a\",\"kind\":\"tool_call\",\"flags\":[\"\"]}          | flags[0]: must be a non-empty string of at most 128 characters",
            "{\"agent\":\"a\",\"kind\":\"tool_call\",\"error\":{\"type\":5}}     | error.type: must be a string, got a number",
            "[1,2]                                                       | event: must be a JSON object, got an array",
    })
    void rejectsInvalidEventsNamingTheFieldAndReason(String json, String message) throws Exception {
        assertThat(rejection(json).getMessage()).isEqualTo(message.trim());
    }

    @Test
    void boundsStringLengths() throws Exception {
        String longAgent = "a".repeat(129);
        assertThat(rejection("{\"agent\":\"" + longAgent + "\",\"kind\":\"heartbeat\"}").getMessage())
                .isEqualTo("agent: longer than 128 characters (129)");
        assertThat(parse("{\"agent\":\"" + "a".repeat(128) + "\",\"kind\":\"heartbeat\"}").agent()).hasSize(128);
        assertThat(rejection("{\"agent\":\"a\",\"kind\":\"tool_call\",\"error\":{\"message\":\"" + "m".repeat(4097) + "\"}}").getMessage())
                .isEqualTo("error.message: longer than 4096 characters (4097)");
    }

    @Test
    void boundsParamsDepthAndSize() throws Exception {
        String deep8 = "{\"a\":".repeat(8) + "1" + "}".repeat(8);
        assertThat(parse("{\"agent\":\"a\",\"kind\":\"tool_call\",\"params\":" + deep8 + "}").params()).isNotNull();
        String deep9 = "{\"a\":".repeat(9) + "1" + "}".repeat(9);
        assertThat(rejection("{\"agent\":\"a\",\"kind\":\"tool_call\",\"params\":" + deep9 + "}").getMessage())
                .isEqualTo("params: nested 9 levels deep; the limit is 8");

        String big = "{\"blob\":\"" + "x".repeat(16 * 1024) + "\"}";
        assertThat(rejection("{\"agent\":\"a\",\"kind\":\"tool_call\",\"params\":" + big + "}").getMessage())
                .startsWith("params: is 16395 bytes of JSON; the limit is 16384");
        String bigAttr = "\"x".repeat(1) + "\":\"" + "y".repeat(16 * 1024) + "\"";
        assertThat(rejection("{\"agent\":\"a\",\"kind\":\"tool_call\",\"extra\":{" + bigAttr + "}}").field()).isEqualTo("attrs");
    }

    @Test
    void storedFormRoundTripsThroughTheParser() throws Exception {
        Event original = parse("""
                {"id":"e1","agent":"a","kind":"llm_call","model":"m","temperature":0.2,"tokens":{"input":5,"output":6},
                 "latency_ms":840,"cost_usd":0.5,"flags":["x"],"attrs":{"k":"v"}}""");
        String stored = EventJson.toJson(original);
        assertThat(stored).contains("\"latency_ms\":840,").contains("\"received_at\":\"2026-11-29T04:00:00Z\"");
        Event again = parser.parse(JSON.readTree(stored));
        assertThat(again).isEqualTo(original);
    }
}
