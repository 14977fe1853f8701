package dev.vigil.respond;

import static dev.vigil.server.TestVigil.AGENT;
import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.auth.KeyRing;
import dev.vigil.server.TestVigil;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControlPlaneApiTest {
    @TempDir
    Path data;
    TestVigil vigil;

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
    }

    private TestVigil start() {
        vigil = TestVigil.start(data, null, """
                auth:
                  keys:
                    - {name: billing, role: agent, sha256: %s, agents: ["billing-*"]}
                agents:
                  - {id: billing-eu, owner: payments, labels: {tier: gold}}
                """.formatted(HexFormat.of().formatHex(KeyRing.sha256("billing-key"))));
        return vigil;
    }

    private int stream(String agent, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(vigil.url("/v1/agents/" + agent + "/control/stream")))
                .header("Accept", "text/event-stream");
        if (key != null) b.header("Authorization", "Bearer " + key);
        HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        r.body().close();
        return r.statusCode();
    }

    @ParameterizedTest(name = "{0} {1} with {2} -> {3}")
    @CsvSource({
            "GET,  /v1/agents/billing-eu/control, none,        401",
            "GET,  /v1/agents/billing-eu/control, billing-key, 200",
            "GET,  /v1/agents/support-1/control,  billing-key, 403",
            "GET,  /v1/agents/support-1/control,  agent,       200",
            "GET,  /v1/agents/billing-eu/control, operator,    200",
            "POST, /v1/agents/billing-eu/pause,   billing-key, 403",
            "POST, /v1/agents/billing-eu/resume,  billing-key, 403",
            "POST, /v1/agents/billing-eu/resume,  agent,       403",
            "POST, /v1/agents/billing-eu/pause,   none,        401",
            "POST, /v1/agents/billing-eu/pause,   operator,    200",
            "GET,  /v1/agents,                    agent,       403",
            "GET,  /v1/agents,                    operator,    200",
            "GET,  /v1/agents/billing-eu,         billing-key, 403",
            "GET,  /v1/review,                    agent,       403",
            "GET,  /v1/reports/weekly,            agent,       403",
    })
    void authOnEveryControlEndpoint(String method, String path, String who, int status) {
        start();
        String key = switch (who) {
            case "agent" -> AGENT;
            case "operator" -> OPERATOR;
            case "none" -> null;
            default -> who;
        };
        TestVigil.Response r = method.equals("POST")
                ? vigil.post(path, key, "application/json", "{\"reason\":\"test\"}")
                : vigil.get(path, key);
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
    }

    @Test
    void theStreamIsAuthorizedLikeTheDocument() throws Exception {
        start();
        assertThat(stream("billing-eu", null)).isEqualTo(401);
        assertThat(stream("support-1", "billing-key")).isEqualTo(403);
        assertThat(stream("billing-eu", "billing-key")).isEqualTo(200);
    }

    /**
     * A control stream accepted just as the server stops: its handler may run after the streams
     * were closed for the stop, and its sender then wrote to a response Jetty had recycled, which
     * Javalin reported as NullPointerExceptions from the generic exception handler. It raced,
     * so the test stops a server right after opening streams, many times over.
     */
    @Test
    void aControlStreamOpenedAsTheServerStopsEndsWithoutAnError() throws Exception {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            for (int n = 0; n < 20; n++) {
                vigil = TestVigil.start(java.nio.file.Files.createDirectory(data.resolve("run-" + n)), null, "");
                assertThat(stream("billing-eu", AGENT)).isEqualTo(200);
                assertThat(stream("support-1", AGENT)).isEqualTo(200);
                vigil.close();
                vigil = null;
            }
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).noneMatch(e -> e.getThrowableProxy() != null
                && List.of("java.lang.NullPointerException", "java.lang.IllegalStateException").contains(e.getThrowableProxy().getClassName()));
    }

    @Test
    void pauseAndResumeNeedAReasonAndRaiseTheVersion() {
        start();
        TestVigil.Response missing = vigil.post("/v1/agents/billing-eu/pause", OPERATOR, "application/json", "{}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("error").textValue()).isEqualTo("reason: required; say why the agent is paused");
        JsonNode paused = vigil.post("/v1/agents/billing-eu/pause", OPERATOR, "application/json", "{\"reason\":\"maintenance\"}").json();
        assertThat(paused.get("state").textValue()).isEqualTo("paused");
        assertThat(paused.get("reason").textValue()).isEqualTo("maintenance (by operator (env key))");
        assertThat(paused.get("since").textValue()).isEqualTo("2026-11-29T04:00:00Z");
        assertThat(paused.get("version").longValue()).isEqualTo(1);
        JsonNode resumed = vigil.post("/v1/agents/billing-eu/resume", OPERATOR, "application/json", "{\"reason\":\"done\"}").json();
        assertThat(resumed.get("state").textValue()).isEqualTo("running");
        assertThat(resumed.get("version").longValue()).isEqualTo(2);
        // The agent reads what it must do.
        assertThat(vigil.get("/v1/agents/billing-eu/control", "billing-key").json().get("version").longValue()).isEqualTo(2);
    }

    @Test
    void theFleetShowsStateUsageAndOpenIncidents() {
        start();
        vigil.accept("""
                [{"agent":"billing-eu","kind":"llm_call","tokens":{"input":100,"output":20},"cost_usd":0.25},
                 {"agent":"billing-eu","kind":"llm_call","tokens":{"input":50,"output":5},"cost_usd":0.5},
                 {"agent":"billing-eu","kind":"decision","flags":["suboptimal"]},
                 {"agent":"support-1","kind":"policy_violation"}]""");
        await().atMost(Duration.ofSeconds(10)).until(() -> vigil.get("/v1/agents/support-1", OPERATOR).json().get("state").textValue().equals("paused"));
        JsonNode billing = vigil.get("/v1/agents/billing-eu", OPERATOR).json();
        assertThat(billing.get("owner").textValue()).isEqualTo("payments");
        assertThat(billing.get("state").textValue()).isEqualTo("running");
        assertThat(billing.get("events_today").longValue()).isEqualTo(3);
        assertThat(billing.get("tokens_today").longValue()).isEqualTo(175);
        assertThat(billing.get("cost_usd_today").doubleValue()).isEqualTo(0.75);
        assertThat(billing.get("last_seen").textValue()).isEqualTo("2026-11-29T04:00:00Z");
        assertThat(billing.get("open_incidents").get("low").intValue()).isEqualTo(1);
        assertThat(billing.get("control").get("agent").textValue()).isEqualTo("billing-eu");

        JsonNode fleet = vigil.get("/v1/agents", OPERATOR).json().get("agents");
        assertThat(fleet).extracting(a -> a.get("agent").textValue()).containsExactly("billing-eu", "support-1");
        assertThat(fleet.get(1).get("state").textValue()).isEqualTo("paused");
        assertThat(fleet.get(1).get("open_incidents").get("critical").intValue()).isEqualTo(1);
        assertThat(fleet.get(1).get("reason").textValue()).contains("Agent reported a policy violation");
    }

    @Test
    void theWeeklyReportAggregatesTheWeekAsJsonAndMarkdown() {
        start();
        vigil.accept("""
                [{"agent":"billing-eu","kind":"decision","flags":["suboptimal"]},
                 {"agent":"support-1","kind":"policy_violation"},
                 {"agent":"support-1","kind":"outcome","task":"t","quality":0.1}]""");
        // 20 failing calls: a medium error-rate incident, so all four severities are in the week.
        vigil.accept("[" + String.join(",", java.util.Collections.nCopies(20, "{\"agent\":\"rate-bot\",\"kind\":\"llm_call\",\"status\":\"error\"}")) + "]");
        await().atMost(Duration.ofSeconds(10)).until(() -> vigil.incidents("").size() == 4);
        JsonNode r = vigil.get("/v1/reports/weekly?week=2026-W48", OPERATOR).json();
        assertThat(r.get("week").textValue()).isEqualTo("2026-W48");
        assertThat(r.get("from").textValue()).isEqualTo("2026-11-23T00:00:00Z");
        assertThat(r.get("total").intValue()).isEqualTo(4);
        // Most severe first, as people read them, not alphabetically (which puts low before medium).
        assertThat(r.get("by_severity").toString()).isEqualTo("{\"critical\":1,\"high\":1,\"medium\":1,\"low\":1}");
        assertThat(r.get("by_agent").toString()).isEqualTo("{\"billing-eu\":1,\"rate-bot\":1,\"support-1\":2}");
        assertThat(r.get("low").get(0).get("rule").textValue()).isEqualTo("suboptimal-decision");
        assertThat(vigil.get("/v1/reports/weekly?week=2026-W47", OPERATOR).json().get("total").intValue()).isZero();
        String markdown = vigil.get("/v1/reports/weekly?week=2026-W48&format=markdown", OPERATOR).body();
        assertThat(markdown).startsWith("# Vigil weekly report, 2026-W48").contains("| support-1 | 2 |")
                .contains("## By severity\n\n| | incidents |\n|---|---|\n| critical | 1 |\n| high | 1 |\n| medium | 1 |\n| low | 1 |\n")
                .contains("**billing-eu**: Decision flagged suboptimal (`suboptimal-decision`, 1x)");
        assertThat(vigil.get("/v1/reports/weekly?week=48", OPERATOR).status()).isEqualTo(400);
    }
}
