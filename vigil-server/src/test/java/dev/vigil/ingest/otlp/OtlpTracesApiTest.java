package dev.vigil.ingest.otlp;

import static dev.vigil.ingest.otlp.OtlpClient.decimal;
import static dev.vigil.ingest.otlp.OtlpClient.integer;
import static dev.vigil.ingest.otlp.OtlpClient.request;
import static dev.vigil.ingest.otlp.OtlpClient.span;
import static dev.vigil.ingest.otlp.OtlpClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.auth.KeyRing;
import dev.vigil.server.TestVigil;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/traces} with hand-built OTLP requests: the attribute conventions other than the
 * SDK's GenAI ones, partial success, malformed bodies, auth and dedup. Each case uses agents of
 * its own, so the cases share one server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpTracesApiTest {
    private static final String BILLING_KEY = "billing-key";
    private static final Instant T0 = TestVigil.START.minusSeconds(20);

    @TempDir
    static Path data;
    TestVigil vigil;
    OtlpClient otlp;

    @BeforeAll
    void start() {
        vigil = TestVigil.start(data, null, """
                auth:
                  keys:
                    - {name: billing, role: agent, sha256: %s, agents: ["billing-*"]}
                """.formatted(HexFormat.of().formatHex(KeyRing.sha256(BILLING_KEY))));
        otlp = new OtlpClient(vigil);
    }

    @AfterAll
    void stop() {
        vigil.close();
    }

    private List<JsonNode> events(String agent) {
        TestVigil.Response r = vigil.get("/v1/events?limit=1000" + (agent == null ? "" : "&agent=" + agent), TestVigil.OPERATOR);
        assertThat(r.status()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        r.json().get("events").forEach(events::add);
        return events;
    }

    private static JsonNode ofKind(List<JsonNode> events, String kind) {
        return events.stream().filter(e -> e.get("kind").textValue().equals(kind)).findFirst().orElseThrow();
    }

    private void assertAccepted(OtlpClient.Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.response().hasPartialSuccess()).as(answer.toString()).isFalse();
    }

    @Test
    void openInferenceSpansMap() {
        Span llm = span("ChatCompletion", T0, 1500,
                text("openinference.span.kind", "LLM"), text("llm.model_name", "gpt-oi"),
                integer("llm.token_count.prompt", 900), integer("llm.token_count.completion", 100),
                text("llm.invocation_parameters", "{\"temperature\":0.1,\"max_tokens\":256}"),
                decimal("llm.cost.total", 0.0125), text("session.id", "sess-7"), text("llm.provider", "openai")).build();
        Span tool = span("lookup_order", T0.plusSeconds(2), 40,
                text("openinference.span.kind", "TOOL"), text("tool.name", "crm.lookup"),
                text("tool.parameters", "{\"order\":4471}"), text("session.id", "sess-7")).build();
        Span agent = span("agent", T0, 5000, text("openinference.span.kind", "AGENT"), text("session.id", "sess-7")).build();
        Span chain = span("chain", T0, 5000, text("openinference.span.kind", "CHAIN")).build();

        assertAccepted(otlp.post(request(List.of(text("service.name", "oi-bot")), llm, tool, agent, chain)));

        List<JsonNode> events = events("oi-bot");
        assertThat(events).hasSize(3);
        JsonNode call = ofKind(events, "llm_call");
        assertThat(call.get("model").textValue()).isEqualTo("gpt-oi");
        assertThat(call.get("tokens").toString()).isEqualTo("{\"input\":900,\"output\":100}");
        assertThat(call.get("temperature").doubleValue()).isEqualTo(0.1);
        assertThat(call.get("cost_usd").doubleValue()).isEqualTo(0.0125);
        assertThat(call.get("task").textValue()).as("OpenInference's session is the task").isEqualTo("sess-7");
        assertThat(call.get("run").textValue()).as("the trace is the run").isEqualTo(call.get("attrs").get("trace_id").textValue());
        assertThat(call.get("attrs").get("provider").textValue()).isEqualTo("openai");
        JsonNode toolCall = ofKind(events, "tool_call");
        assertThat(toolCall.get("tool").textValue()).isEqualTo("crm.lookup");
        assertThat(toolCall.get("params").toString()).isEqualTo("{\"order\":4471}");
        assertThat(ofKind(events, "outcome").get("status").textValue()).isEqualTo("ok");
    }

    @Test
    void deprecatedGenAiNamesMap() {
        Span legacy = span("openai.chat", T0, 700,
                text("gen_ai.system", "openai"), text("gen_ai.request.model", "gpt-legacy"),
                integer("gen_ai.usage.prompt_tokens", 42), integer("gen_ai.usage.completion_tokens", 8),
                text("gen_ai.agent.name", "legacy-bot")).build();

        assertAccepted(otlp.post(request(List.of(text("service.name", "some-service")), legacy)));

        JsonNode call = ofKind(events("legacy-bot"), "llm_call");
        assertThat(call.get("model").textValue()).isEqualTo("gpt-legacy");
        assertThat(call.get("tokens").toString()).isEqualTo("{\"input\":42,\"output\":8}");
        assertThat(call.get("attrs").get("provider").textValue()).isEqualTo("openai");
        assertThat(call.get("latency_ms").doubleValue()).isEqualTo(700.0);
    }

    @Test
    void invalidSpansAreRejectedInPartialSuccessAndTheOthersStored() {
        Span good = span("chat", T0, 10, text("gen_ai.operation.name", "chat"), text("gen_ai.agent.id", "partial-bot")).build();
        Span longAgent = span("chat", T0, 10, text("gen_ai.operation.name", "chat"), text("gen_ai.agent.id", "a".repeat(129))).build();
        Span old = span("chat", TestVigil.START.minus(Duration.ofHours(48)), 10,
                text("gen_ai.operation.name", "chat"), text("gen_ai.agent.id", "partial-bot")).build();
        Span http = span("GET /", T0, 10, text("http.request.method", "GET")).build();

        OtlpClient.Answer answer = otlp.post(request(List.of(), good, longAgent, old, http));

        assertThat(answer.status()).isEqualTo(200);
        ExportTraceServiceResponse response = answer.response();
        assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
        assertThat(response.getPartialSuccess().getErrorMessage())
                .startsWith("2 span(s) rejected: ")
                .contains("span " + hex(longAgent) + ": agent: longer than 128 characters (129)")
                .contains("span " + hex(old) + ": ts: older than the maximum age");
        List<JsonNode> stored = events("partial-bot");
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).get("attrs").get("span_id").textValue()).isEqualTo(hex(good));
    }

    @Test
    void reExportingTheSameSpansStoresThemOnce() {
        ExportTraceServiceRequest request = request(List.of(text("gen_ai.agent.id", "retry-bot")),
                span("execute_tool", T0, 30, text("gen_ai.operation.name", "execute_tool"), text("gen_ai.tool.name", "fs.read")).build(),
                span("chat", T0, 30, text("gen_ai.operation.name", "chat")).build());

        assertAccepted(otlp.post(request));
        assertAccepted(otlp.post(OtlpClient.gzip(request.toByteArray()), "application/x-protobuf", "gzip", TestVigil.AGENT));

        List<JsonNode> stored = events("retry-bot");
        assertThat(stored).hasSize(2);
        assertThat(stored).extracting(e -> e.get("id").textValue())
                .allSatisfy(id -> assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    }

    @Test
    void otlpJsonWithHexIdsEnumNamesAndStringIntegers() {
        String traceId = "5b8efff798038103d269b633813fc60c";
        String spanId = "eee19b7ec3c1b174";
        long start = T0.getEpochSecond() * 1_000_000_000L;
        String json = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-bot"}}]},
                  "scopeSpans":[{"scope":{"name":"hand"},"spans":[{
                    "traceId":"%s","spanId":"%s","name":"chat","kind":3,
                    "startTimeUnixNano":"%d","endTimeUnixNano":"%d",
                    "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                                  {"key":"gen_ai.usage.input_tokens","value":{"intValue":"77"}},
                                  {"key":"someFutureField","value":{"stringValue":"x"}}],
                    "status":{"code":"STATUS_CODE_ERROR","message":"boom"},
                    "aFieldFromANewerOtlp":true}]}]}]}
                """.formatted(traceId, spanId, start, start + 250_000_000L);

        OtlpClient.Answer answer = otlp.post(json.getBytes(StandardCharsets.UTF_8), "application/json", null, TestVigil.AGENT);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/json");
        JsonNode event = ofKind(events("json-bot"), "llm_call");
        assertThat(event.get("attrs").get("trace_id").textValue()).isEqualTo(traceId);
        assertThat(event.get("attrs").get("span_id").textValue()).isEqualTo(spanId);
        assertThat(event.get("run").textValue()).isEqualTo(traceId);
        assertThat(event.get("tokens").get("input").longValue()).isEqualTo(77);
        assertThat(event.get("status").textValue()).isEqualTo("error");
        assertThat(event.get("latency_ms").doubleValue()).isEqualTo(250.0);
    }

    @Test
    void aJsonRequestGetsItsPartialSuccessInOtlpJson() {
        long start = T0.getEpochSecond() * 1_000_000_000L;
        String json = """
                {"resourceSpans":[{"scopeSpans":[{"spans":[{
                    "traceId":"5b8efff798038103d269b633813fc60d","spanId":"eee19b7ec3c1b175","name":"chat",
                    "startTimeUnixNano":"%d","endTimeUnixNano":"%d",
                    "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                                  {"key":"gen_ai.agent.id","value":{"stringValue":"json-partial-bot"}}]}]}]}]}
                """.formatted(start - 48 * 3600_000_000_000L, start - 48 * 3600_000_000_000L);

        OtlpClient.Answer answer = otlp.post(json.getBytes(StandardCharsets.UTF_8), "application/json", null, TestVigil.AGENT);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("\"partialSuccess\"");
        assertThat(answer.response().getPartialSuccess().getRejectedSpans()).isEqualTo(1);
        assertThat(answer.response().getPartialSuccess().getErrorMessage())
                .startsWith("1 span(s) rejected: span eee19b7ec3c1b175: ts: older than the maximum age");
        assertThat(events("json-partial-bot")).isEmpty();
    }

    @Test
    void malformedBodiesAre400InTheRequestsEncodingAndStoreNothing() {
        int before = events(null).size();
        byte[] spans = request(List.of(text("gen_ai.agent.id", "malformed-bot")),
                span("chat", T0, 1, text("gen_ai.operation.name", "chat")).build()).toByteArray();
        byte[] truncated = java.util.Arrays.copyOf(spans, spans.length - 3);

        OtlpClient.Answer badProtobuf = otlp.post(truncated, "application/x-protobuf", null, TestVigil.AGENT);
        assertThat(badProtobuf.status()).isEqualTo(400);
        assertThat(badProtobuf.contentType()).isEqualTo("application/x-protobuf");
        assertThat(badProtobuf.statusMessage()).startsWith("body is not an OTLP ExportTraceServiceRequest in protobuf");

        OtlpClient.Answer badJson = otlp.post("{\"resourceSpans\": [".getBytes(StandardCharsets.UTF_8), "application/json", null, TestVigil.AGENT);
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.statusMessage()).startsWith("body is not valid JSON");

        OtlpClient.Answer wrongShape = otlp.post("{\"resourceSpans\": {\"spans\": 3}}".getBytes(StandardCharsets.UTF_8),
                "application/json", null, TestVigil.AGENT);
        assertThat(wrongShape.status()).isEqualTo(400);
        assertThat(wrongShape.statusMessage()).startsWith("body is not an OTLP ExportTraceServiceRequest in JSON");

        OtlpClient.Answer tooDeep = otlp.post(("{\"resourceSpans\":" + "[".repeat(40) + "]".repeat(40) + "}").getBytes(StandardCharsets.UTF_8),
                "application/json", null, TestVigil.AGENT);
        assertThat(tooDeep.status()).isEqualTo(400);
        assertThat(tooDeep.statusMessage()).isEqualTo("body nests JSON deeper than the limit of 32 levels");

        OtlpClient.Answer badHex = otlp.post("""
                {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"not-hex","spanId":"eee19b7ec3c1b174"}]}]}]}
                """.getBytes(StandardCharsets.UTF_8), "application/json", null, TestVigil.AGENT);
        assertThat(badHex.status()).isEqualTo(400);
        assertThat(badHex.statusMessage())
                .isEqualTo("a span's traceId is not hex; OTLP JSON writes trace ids as 32 hex digits and span ids as 16");

        OtlpClient.Answer badGzip = otlp.post(spans, "application/x-protobuf", "gzip", TestVigil.AGENT);
        assertThat(badGzip.status()).isEqualTo(400);
        assertThat(badGzip.statusMessage()).startsWith("body is not valid gzip");

        OtlpClient.Answer truncatedGzip = otlp.post(java.util.Arrays.copyOf(OtlpClient.gzip(spans), 20), "application/x-protobuf", "gzip", TestVigil.AGENT);
        assertThat(truncatedGzip.status()).isEqualTo(400);

        OtlpClient.Answer brotli = otlp.post(spans, "application/x-protobuf", "br", TestVigil.AGENT);
        assertThat(brotli.status()).isEqualTo(415);

        OtlpClient.Answer text = otlp.post(spans, "text/plain", null, TestVigil.AGENT);
        assertThat(text.status()).isEqualTo(415);
        assertThat(new String(text.body(), StandardCharsets.UTF_8)).contains("\"error\":\"Content-Type must be application/x-protobuf or application/json");

        assertThat(events(null)).hasSize(before);
    }

    @Test
    void aGzipBombIsRefusedAt413() {
        byte[] zeros = new byte[9 * 1024 * 1024]; // just over the default 8 MiB body bound once inflated
        byte[] bomb = OtlpClient.gzip(zeros);
        assertThat(bomb.length).isLessThan(64 * 1024);

        OtlpClient.Answer answer = otlp.post(bomb, "application/x-protobuf", "gzip", TestVigil.AGENT);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.statusMessage()).contains("once decompressed");
    }

    @Test
    void withoutAKeyIs401() {
        byte[] spans = request(List.of(text("gen_ai.agent.id", "anonymous-bot")),
                span("chat", T0, 1, text("gen_ai.operation.name", "chat")).build()).toByteArray();

        OtlpClient.Answer answer = otlp.post(spans, "application/x-protobuf", null, null);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(events("anonymous-bot")).isEmpty();
    }

    @Test
    void aScopedKeysSpansForOtherAgentsAreRejectedAndItsOwnStored() {
        Span own = span("chat", T0, 1, text("gen_ai.operation.name", "chat"), text("gen_ai.agent.id", "billing-eu")).build();
        Span other = span("chat", T0, 1, text("gen_ai.operation.name", "chat"), text("gen_ai.agent.id", "support-bot")).build();

        OtlpClient.Answer answer = otlp.post(request(List.of(), own, other).toByteArray(), "application/x-protobuf", null, BILLING_KEY);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.response().getPartialSuccess().getRejectedSpans()).isEqualTo(1);
        assertThat(answer.response().getPartialSuccess().getErrorMessage())
                .isEqualTo("1 span(s) rejected: span " + hex(other) + ": key 'billing' may not send events for agent 'support-bot'");
        assertThat(events("billing-eu")).hasSize(1);
        assertThat(events("support-bot")).isEmpty();
    }

    @Test
    void aSpanWithoutAnyAgentNameIsRejected() {
        Span anonymous = span("chat", T0, 1, text("gen_ai.operation.name", "chat"),
                text("gen_ai.agent.id", "  ")).setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK)).build();

        OtlpClient.Answer answer = otlp.post(request(List.of(), anonymous));

        assertThat(answer.response().getPartialSuccess().getErrorMessage())
                .contains("agent: none of gen_ai.agent.id, gen_ai.agent.name (resource or span) or the resource's service.name is set");
    }

    /** Posts a chunked body whose second chunk header is garbage, as a connection cut mid-way looks to the server. */
    private String postBrokenBody(String path, String contentType) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", URI.create(vigil.url("/")).getPort())) {
            socket.setSoTimeout(10_000);
            String request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestVigil.AGENT
                    + "\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4\r\nabcd\r\nnot-a-chunk-size\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aBodyThatBreaksOffMidwayIs400InTheRequestsEncoding() throws IOException {
        String answer = postBrokenBody("/v1/traces", "application/x-protobuf");

        String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
        byte[] body = answer.substring(head.length() + 4).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(head).startsWith("HTTP/1.1 400").containsIgnoringCase("Content-Type: application/x-protobuf");
        assertThat(new OtlpClient.Answer(400, "application/x-protobuf", null, body).rpcStatus())
                .isEqualTo(new OtlpClient.Answer.RpcStatus(3, "the request body could not be read: Early EOF"));

        assertThat(postBrokenBody("/v1/events", "application/json"))
                .startsWith("HTTP/1.1 400")
                .endsWith("{\"error\":\"the request body could not be read: Early EOF\"}");
    }

    /** A failed invoke_agent span: an outcome with status error, in a conversation unless it is null. */
    private static Span failedRun(String conversation, Instant start) {
        Span.Builder run = span("invoke_agent billing", start, 500, text("gen_ai.operation.name", "invoke_agent"))
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("gave up"));
        if (conversation != null) run.addAttributes(text("gen_ai.conversation.id", conversation));
        return run.build();
    }

    @Test
    void theConversationIsTheTaskAndSpansWithoutOneCountTowardsNoTask() {
        // Three conversations that each fail once, and three runs without a conversation: no storm.
        assertAccepted(otlp.post(request(List.of(text("gen_ai.agent.id", "storm-free-bot")),
                failedRun("conv-1", T0), failedRun("conv-2", T0.plusSeconds(1)), failedRun("conv-3", T0.plusSeconds(2)),
                failedRun(null, T0.plusSeconds(3)), failedRun(null, T0.plusSeconds(4)), failedRun(null, T0.plusSeconds(5)))));
        // One conversation that fails three times, in three runs (traces): the same task failing.
        assertAccepted(otlp.post(request(List.of(text("gen_ai.agent.id", "storm-bot")),
                failedRun("conv-9", T0), failedRun("conv-9", T0.plusSeconds(1)), failedRun("conv-9", T0.plusSeconds(2)))));

        List<JsonNode> outcomes = events("storm-bot");
        assertThat(outcomes).hasSize(3).allSatisfy(e -> assertThat(e.get("task").textValue()).isEqualTo("conv-9"));
        assertThat(outcomes).extracting(e -> e.get("run").textValue()).as("each trace is a run").doesNotHaveDuplicates();
        assertThat(events("storm-free-bot")).filteredOn(e -> !e.has("task")).hasSize(3);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(vigil.incidents("?rule=task-failure-storm&agent=storm-bot")).singleElement().satisfies(i ->
                        assertThat(i.get("group").toString()).isEqualTo("{\"agent\":\"storm-bot\",\"task\":\"conv-9\"}")));
        // Detection runs in log order: the first request's events were seen before the storm opened.
        assertThat(vigil.incidents("?rule=task-failure-storm&agent=storm-free-bot")).isEmpty();
    }

    @Test
    void theResourcesAgentIdWinsOverTheProviderIdOnTheAgentSpan() {
        Span run = span("invoke_agent", T0, 900, text("gen_ai.operation.name", "invoke_agent"),
                text("gen_ai.agent.id", "asst_Q1w2E3"), text("gen_ai.agent.name", "Refund helper"),
                text("gen_ai.conversation.id", "conv-span")).build();
        Span chat = span("chat", T0, 100, text("gen_ai.operation.name", "chat")).build();

        assertAccepted(otlp.post(request(List.of(text("gen_ai.agent.id", "resource-bot"),
                text("gen_ai.conversation.id", "conv-resource")), run, chat)));

        List<JsonNode> events = events("resource-bot");
        assertThat(events).hasSize(2);
        assertThat(events("asst_Q1w2E3")).isEmpty();
        JsonNode outcome = ofKind(events, "outcome");
        assertThat(outcome.get("attrs").get("gen_ai.agent.id").textValue()).as("the span's own id is kept").isEqualTo("asst_Q1w2E3");
        assertThat(outcome.get("attrs").get("gen_ai.agent.name").textValue()).isEqualTo("Refund helper");
        assertThat(outcome.get("task").textValue()).as("the task: the span's first").isEqualTo("conv-span");
        assertThat(ofKind(events, "llm_call").get("task").textValue()).isEqualTo("conv-resource");
    }

    @Test
    void theSpansAgentIdWinsOverTheResourcesAgentNameAndIsNotRepeatedInAttrs() {
        Span chat = span("chat", T0, 100, text("gen_ai.operation.name", "chat"), text("gen_ai.agent.id", "span-id-bot"),
                text("gen_ai.response.model", "gpt-r")).build();

        assertAccepted(otlp.post(request(List.of(text("gen_ai.agent.name", "resource-name-bot"),
                text("service.name", "resource-service")), chat)));

        JsonNode event = ofKind(events("span-id-bot"), "llm_call");
        assertThat(event.get("model").textValue()).isEqualTo("gpt-r");
        assertThat(event.get("attrs").has("gen_ai.agent.id")).isFalse();
        assertThat(event.get("attrs").has("gen_ai.response.model")).isFalse();
    }

    @Test
    void theSdkDefaultServiceNameIsNoAgent() {
        Span java = span("chat", T0, 1, text("gen_ai.operation.name", "chat")).build();
        Span plain = span("chat", T0, 1, text("gen_ai.operation.name", "chat")).build();

        OtlpClient.Answer answer = otlp.post(ExportTraceServiceRequest.newBuilder()
                .addAllResourceSpans(request(List.of(text("service.name", "unknown_service:java")), java).getResourceSpansList())
                .addAllResourceSpans(request(List.of(text("service.name", "unknown_service")), plain).getResourceSpansList())
                .build());

        assertThat(answer.response().getPartialSuccess().getRejectedSpans()).isEqualTo(2);
        assertThat(answer.response().getPartialSuccess().getErrorMessage())
                .contains("span " + hex(java) + ": agent: none of gen_ai.agent.id")
                .contains("OTEL_RESOURCE_ATTRIBUTES=gen_ai.agent.id=");
        assertThat(events("unknown_service:java")).isEmpty();
        assertThat(events("unknown_service")).isEmpty();
    }

    @Test
    void optionalFieldsBeyondTheEventLimitsAreDroppedOrCutAndTheSpanStillStored() {
        String bigArguments = "{\"text\":\"" + "x".repeat(17_000) + "\"}";
        String deepArguments = "{\"a\":".repeat(10) + "1" + "}".repeat(10);
        Span bigTool = span("execute_tool", T0, 5, text("gen_ai.operation.name", "execute_tool"),
                text("gen_ai.tool.name", "t".repeat(300)), text("gen_ai.tool.call.arguments", bigArguments)).build();
        Span deepTool = span("execute_tool", T0, 5, text("gen_ai.operation.name", "execute_tool"),
                text("gen_ai.tool.name", "deep.tool"), text("gen_ai.tool.call.arguments", deepArguments)).build();
        Span chat = span("chat", T0, 5, text("gen_ai.operation.name", "chat"), text("gen_ai.request.model", "m".repeat(200)),
                decimal("gen_ai.request.temperature", Double.NaN), decimal("llm.cost.total", Double.POSITIVE_INFINITY),
                integer("gen_ai.usage.input_tokens", -5), integer("gen_ai.usage.output_tokens", 12),
                text("gen_ai.conversation.id", "c".repeat(200))).build();

        assertAccepted(otlp.post(request(List.of(text("gen_ai.agent.id", "oversize-bot")), bigTool, deepTool, chat)));

        List<JsonNode> events = events("oversize-bot");
        assertThat(events).hasSize(3);
        JsonNode big = events.stream().filter(e -> e.get("attrs").get("span_id").textValue().equals(hex(bigTool))).findFirst().orElseThrow();
        assertThat(big.has("params")).isFalse();
        assertThat(big.get("tool").textValue()).hasSize(256).endsWith("t…");
        assertThat(big.get("attrs").get("dropped").toString())
                .contains("tool: cut to 256 characters from 300")
                .contains("params: is 17011 bytes of JSON; the limit is 16384");
        JsonNode deep = events.stream().filter(e -> e.get("attrs").get("span_id").textValue().equals(hex(deepTool))).findFirst().orElseThrow();
        assertThat(deep.has("params")).isFalse();
        assertThat(deep.get("attrs").get("dropped").toString()).contains("params: nested 10 levels deep; the limit is 8");

        JsonNode call = ofKind(events, "llm_call");
        assertThat(call.get("model").textValue()).hasSize(128);
        assertThat(call.get("task").textValue()).hasSize(128);
        assertThat(call.has("temperature")).isFalse();
        assertThat(call.has("cost_usd")).isFalse();
        assertThat(call.get("tokens").toString()).as("a dropped count reads as 0, as when it is not sent").isEqualTo("{\"input\":0,\"output\":12}");
        assertThat(call.get("attrs").get("dropped")).extracting(JsonNode::textValue).containsExactly(
                "task: cut to 128 characters from 200",
                "model: cut to 128 characters from 200",
                "temperature: NaN is not a finite number of at least 0",
                "tokens.input: -5 is not a finite number of at least 0",
                "cost_usd: Infinity is not a finite number of at least 0");
    }

    @Test
    void oneLargeAttributeDoesNotCrowdOutTheSmallerOnesAfterIt() {
        io.opentelemetry.proto.common.v1.ArrayValue.Builder reasons = io.opentelemetry.proto.common.v1.ArrayValue.newBuilder();
        for (int i = 0; i < 20; i++) {
            reasons.addValues(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("r".repeat(250)));
        }
        Span chat = span("chat", T0, 5, text("gen_ai.operation.name", "chat"),
                io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("gen_ai.response.finish_reasons")
                        .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setArrayValue(reasons)).build(),
                text("gen_ai.response.id", "resp-after-the-big-one")).build();

        assertAccepted(otlp.post(request(List.of(text("gen_ai.agent.id", "budget-bot")), chat)));

        JsonNode attrs = ofKind(events("budget-bot"), "llm_call").get("attrs");
        assertThat(attrs.has("gen_ai.response.finish_reasons")).isFalse();
        assertThat(attrs.get("gen_ai.response.id").textValue()).isEqualTo("resp-after-the-big-one");
    }

    @Test
    void textIsNeverCutBetweenTheHalvesOfASurrogatePair() {
        String name = "a".repeat(254) + "\uD83D\uDE00" + "tail";

        assertAccepted(otlp.post(request(List.of(text("gen_ai.agent.id", "emoji-bot")),
                span(name, T0, 5, text("gen_ai.operation.name", "chat")).build())));

        assertThat(ofKind(events("emoji-bot"), "llm_call").get("attrs").get("span_name").textValue())
                .isEqualTo("a".repeat(254) + "…");
    }

    @Test
    void allZeroTraceOrSpanIdsAreRejected() {
        Span zeroTrace = span("chat", T0, 5, text("gen_ai.operation.name", "chat"))
                .setTraceId(com.google.protobuf.ByteString.copyFrom(new byte[16])).build();
        Span zeroSpan = span("chat", T0, 5, text("gen_ai.operation.name", "chat"))
                .setSpanId(com.google.protobuf.ByteString.copyFrom(new byte[8])).build();
        Span good = span("chat", T0, 5, text("gen_ai.operation.name", "chat")).build();

        OtlpClient.Answer answer = otlp.post(request(List.of(text("gen_ai.agent.id", "zero-bot")), zeroTrace, zeroSpan, good));

        assertThat(answer.response().getPartialSuccess().getRejectedSpans()).isEqualTo(2);
        assertThat(answer.response().getPartialSuccess().getErrorMessage())
                .contains("span " + hex(zeroTrace) + ": the span has no valid trace_id and span_id (16 and 8 bytes, not all zero)")
                .contains("span 0000000000000000: the span has no valid trace_id");
        assertThat(events("zero-bot")).hasSize(1);
    }

    @Test
    void anEmptyRequestIs200WithNothingStoredInBothEncodings() {
        int before = events(null).size();
        for (String json : List.of("", " \n", "{}")) {
            OtlpClient.Answer answer = otlp.post(json.getBytes(StandardCharsets.UTF_8), "application/json", null, TestVigil.AGENT);
            assertThat(answer.status()).as("'" + json + "': " + answer).isEqualTo(200);
            assertThat(answer.response().hasPartialSuccess()).isFalse();
        }
        assertAccepted(otlp.post(new byte[0], "application/x-protobuf", null, TestVigil.AGENT));
        assertThat(events(null)).hasSize(before);
    }

    @Test
    void jsonWithSnakeCaseNamesIsReadLikeCamelCase() {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        String spanId = "b7ad6b7169203331";
        long start = T0.getEpochSecond() * 1_000_000_000L;
        String json = """
                {"resource_spans":[{"resource":{"attributes":[{"key":"gen_ai.agent.id","value":{"string_value":"snake-bot"}}]},
                  "scope_spans":[{"spans":[{"trace_id":"%s","span_id":"%s","parent_span_id":"","name":"chat",
                    "start_time_unix_nano":"%d","end_time_unix_nano":"%d",
                    "attributes":[{"key":"gen_ai.operation.name","value":{"string_value":"chat"}}]}]}]}]}
                """.formatted(traceId, spanId, start, start + 1_000_000);

        assertAccepted(otlp.post(json.getBytes(StandardCharsets.UTF_8), "application/json", null, TestVigil.AGENT));

        JsonNode attrs = ofKind(events("snake-bot"), "llm_call").get("attrs");
        assertThat(attrs.get("trace_id").textValue()).isEqualTo(traceId);
        assertThat(attrs.get("span_id").textValue()).isEqualTo(spanId);
    }

    @Test
    void jsonWithAnythingAfterTheRequestObjectIs400() {
        byte[] spans = ("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"gen_ai.agent.id\","
                + "\"value\":{\"stringValue\":\"trailing-bot\"}}]}}]} {\"more\": 1}").getBytes(StandardCharsets.UTF_8);

        OtlpClient.Answer answer = otlp.post(spans, "application/json", null, TestVigil.AGENT);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.statusMessage()).startsWith("body is not valid JSON: more after the request object (line 1");
    }

    private static String hex(Span span) {
        return HexFormat.of().formatHex(span.getSpanId().toByteArray());
    }
}
