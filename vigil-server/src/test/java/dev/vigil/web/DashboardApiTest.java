package dev.vigil.web;

import static dev.vigil.server.TestVigil.AGENT;
import static dev.vigil.server.TestVigil.OPERATOR;
import static dev.vigil.server.TestVigil.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.TestVigil;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the dashboard needs from the server: its files with safe headers, the operator stream, figures over time, rule counts. */
class DashboardApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    TestVigil vigil;

    @BeforeEach
    void start() {
        vigil = TestVigil.start(data, null, """
                channels:
                  slack: {type: slack, webhook_url: "http://127.0.0.1:1/hook"}
                response:
                  action_attempts: 1
                """);
    }

    @AfterEach
    void stop() {
        vigil.close();
    }

    private String openIncident(String agent, String kind) {
        vigil.accept("[{\"agent\":\"" + agent + "\",\"ts\":\"" + vigil.clock.instant() + "\"," + kind + "}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> !vigil.incidents("?agent=" + agent).isEmpty());
        return vigil.incidents("?agent=" + agent).getFirst().get("id").textValue();
    }

    private static final String SUBOPTIMAL = "\"kind\":\"decision\",\"flags\":[\"suboptimal\"]";
    private static final String VIOLATION = "\"kind\":\"policy_violation\"";

    @Test
    void theDashboardIsServedFromTheJarWithAStrictContentSecurityPolicy() {
        TestVigil.Response page = vigil.get("/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"/js/app.js\"></script>").doesNotContain("http");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");

        TestVigil.Response script = vigil.get("/js/app.js", null);
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        assertThat(vigil.get("/v1/agents", OPERATOR).headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    @Test
    void everyResponseCarriesTheSecurityHeadersEvenNotFoundAndErrors() {
        for (TestVigil.Response r : java.util.List.of(vigil.get("/", null), vigil.get("/v1/agents", OPERATOR),
                vigil.get("/no/such/page", null), vigil.get("/v1/agents", null), vigil.get("/v1/agents", AGENT),
                vigil.get("/v1/stats/response/series?step=soon", OPERATOR))) {
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(r.toString()).hasValueSatisfying(csp ->
                    assertThat(csp).contains("default-src 'self'", "frame-ancestors 'none'"));
            assertThat(r.headers().firstValue("X-Frame-Options")).as(r.toString()).contains("DENY");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(r.toString()).contains("no-referrer");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(r.toString()).contains("nosniff");
        }
    }

    @Test
    void theOperatorStreamCarriesIncidentChangesAndAgentControlChanges() throws Exception {
        assertThat(streamStatus(null)).isEqualTo(401);
        assertThat(streamStatus(AGENT)).isEqualTo(403);

        HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(streamRequest(OPERATOR), HttpResponse.BodyHandlers.ofLines());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try {
                stream.body().forEach(lines::add);
            } catch (java.io.UncheckedIOException closedByTheTest) {
                // the test is over
            }
        });
        try {
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo(": connected"); // subscribed from here on

            String id = openIncident("stream-bot", SUBOPTIMAL);
            JsonNode opened = nextChange(lines, "opened");
            assertThat(opened.get("incident").get("id").textValue()).isEqualTo(id);
            assertThat(opened.get("incident").has("evidence")).isFalse();

            vigil.post("/v1/incidents/" + id + "/ack", OPERATOR, "application/json", "{}");
            JsonNode acknowledged = nextChange(lines, "acknowledged");
            assertThat(acknowledged.get("incident").get("status").textValue()).isEqualTo("acknowledged");

            vigil.post("/v1/agents/stream-bot/pause", OPERATOR, "application/json", "{\"reason\":\"checking\"}");
            JsonNode paused = next(lines, "agent");
            assertThat(paused.get("agent").textValue()).isEqualTo("stream-bot");
            assertThat(paused.get("state").textValue()).isEqualTo("paused");

            // A critical incident pauses its agent: the action's result reaches the stream too.
            String critical = openIncident("acting-bot", VIOLATION);
            JsonNode updated = nextChange(lines, "updated");
            assertThat(updated.get("incident").get("id").textValue()).isEqualTo(critical);
            assertThat(updated.get("incident").get("timeline").findValuesAsText("type")).anyMatch(t -> t.startsWith("action_"));
        } finally {
            stream.body().close();
        }
    }

    private HttpRequest streamRequest(String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(vigil.url("/v1/stream"))).header("Accept", "text/event-stream");
        if (key != null) b.header("Authorization", "Bearer " + key);
        return b.build();
    }

    private int streamStatus(String key) throws Exception {
        HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(streamRequest(key), HttpResponse.BodyHandlers.ofInputStream());
        r.body().close();
        return r.statusCode();
    }

    /** The next incident event of {@code change}; others (such as the response stage's updates) are skipped. */
    private static JsonNode nextChange(BlockingQueue<String> lines, String change) throws Exception {
        JsonNode event;
        do event = next(lines, "incident"); while (!event.get("change").textValue().equals(change));
        return event;
    }

    /** The data of the next event of {@code type}, skipping comments and other events. */
    private static JsonNode next(BlockingQueue<String> lines, String type) throws Exception {
        boolean wanted = false;
        for (;;) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            if (line == null) throw new AssertionError("no '" + type + "' event within 10 s");
            if (line.startsWith("event:")) wanted = line.substring(6).trim().equals(type);
            else if (wanted && line.startsWith("data:")) return JSON.readTree(line.substring(5).trim());
        }
    }

    @Test
    void responseFiguresComePerTimeBucket() {
        openIncident("early-bot", SUBOPTIMAL);
        vigil.clock.set(START.plus(Duration.ofMinutes(5)).plusSeconds(30)); // before the silence rule's 10 minutes
        String late = openIncident("late-bot", VIOLATION); // critical: notifies slack, which cannot be reached
        vigil.post("/v1/incidents/" + late + "/feedback", OPERATOR, "application/json", "{\"verdict\":\"false_positive\",\"severity\":\"low\"}");
        String query = "/v1/stats/response/series?since=" + START + "&until=" + START.plus(Duration.ofMinutes(15)) + "&step=5m";

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(vigil.get(query, OPERATOR).json().get("buckets").get(1).get("delivery_failures").intValue()).isEqualTo(1));
        JsonNode body = vigil.get(query, OPERATOR).json();
        assertThat(body.get("step").textValue()).isEqualTo("5m");
        JsonNode buckets = body.get("buckets");
        assertThat(buckets).hasSize(3);
        assertThat(buckets.get(0).get("start").textValue()).isEqualTo(START.toString());
        assertThat(buckets.get(0).get("incidents").intValue()).isEqualTo(1);
        assertThat(buckets.get(0).get("detection_latency_ms").get("p50").isNumber()).isTrue();
        assertThat(buckets.get(0).get("false_positive_rate").isNull()).isTrue();
        assertThat(buckets.get(0).get("delivery_failures").intValue()).isZero();
        assertThat(buckets.get(1).get("incidents").intValue()).isEqualTo(1);
        assertThat(buckets.get(1).get("false_positive_rate").doubleValue()).isEqualTo(1.0);
        assertThat(buckets.get(1).get("escalation_accuracy").doubleValue()).isZero(); // critical, but low was right
        assertThat(buckets.get(1).get("action_latency_ms").get("p50").isNumber()).isTrue(); // the pause
        assertThat(buckets.get(2).get("incidents").intValue()).isZero();
        assertThat(buckets.get(2).get("detection_latency_ms").get("p99").isNull()).isTrue();

        // Without parameters: the last 24 hours by the hour, ending now.
        JsonNode defaults = vigil.get("/v1/stats/response/series", OPERATOR).json();
        assertThat(defaults.get("buckets")).hasSize(24);
        assertThat(defaults.get("until").textValue()).isEqualTo(vigil.clock.instant().toString());

        assertThat(vigil.get("/v1/stats/response/series?step=soon", OPERATOR).status()).isEqualTo(400);
        assertThat(vigil.get("/v1/stats/response/series?step=0s", OPERATOR).status()).isEqualTo(400);
        TestVigil.Response tooFine = vigil.get("/v1/stats/response/series?step=1s", OPERATOR);
        assertThat(tooFine.status()).isEqualTo(400);
        assertThat(tooFine.json().get("error").textValue()).contains("86400 buckets");
        assertThat(vigil.get("/v1/stats/response/series?since=" + START + "&until=" + START, OPERATOR).status()).isEqualTo(400);
        assertThat(vigil.get("/v1/stats/response/series", AGENT).status()).isEqualTo(403);
    }

    @Test
    void aSeriesCoversOnlyItsPeriodWhichIsBoundedAndOutlandishInstantsAreRefused() {
        openIncident("inside-bot", SUBOPTIMAL);
        vigil.clock.set(START.plus(Duration.ofHours(2)));
        openIncident("after-bot", VIOLATION);
        JsonNode first = vigil.get("/v1/stats/response/series?since=" + START + "&until=" + START.plus(Duration.ofHours(1)) + "&step=1h", OPERATOR).json();
        assertThat(first.get("buckets")).hasSize(1);
        assertThat(first.get("buckets").get(0).get("incidents").intValue()).isEqualTo(1);

        JsonNode lastHour = vigil.get("/v1/stats/response/series?period=1h&step=5m", OPERATOR).json();
        assertThat(lastHour.get("until").textValue()).isEqualTo(vigil.clock.instant().toString());
        assertThat(lastHour.get("since").textValue()).isEqualTo(vigil.clock.instant().minus(Duration.ofHours(1)).toString());
        assertThat(lastHour.get("buckets")).hasSize(12);

        TestVigil.Response tooLong = vigil.get("/v1/stats/response/series?since=" + START.minus(Duration.ofDays(91)) + "&until=" + START + "&step=7d", OPERATOR);
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("error").textValue()).contains("at most 90 days");
        for (String query : java.util.List.of("since=-1000000000-01-01T00:00:00Z", "until=+1000000000-12-31T23:59:59Z",
                "step=999999999999999d", "period=99999999999999999999d", "step=100d")) {
            assertThat(vigil.get("/v1/stats/response/series?" + query, OPERATOR).status()).as(query).isEqualTo(400);
        }
        assertThat(vigil.get("/v1/stats/response?since=-1000000000-01-01T00:00:00Z", OPERATOR).status()).isEqualTo(400);
    }

    @Test
    void oneKeyHoldingTooManyStreamsDoesNotLockOutTheOthers() throws Exception {
        java.util.List<java.io.InputStream> held = new java.util.ArrayList<>();
        try {
            String first;
            do {
                java.io.InputStream stream = HttpClient.newHttpClient().send(streamRequest(dev.vigil.server.TestVigil.ADMIN),
                        HttpResponse.BodyHandlers.ofInputStream()).body();
                held.add(stream);
                first = new java.io.BufferedReader(new java.io.InputStreamReader(stream)).readLine();
            } while (first.equals(": connected") && held.size() <= 64);
            assertThat(first).as("the admin key is turned away").contains("too many");
            assertThat(held.size()).as("after its own limit, far below the global one").isLessThan(64);

            java.io.InputStream other = HttpClient.newHttpClient().send(streamRequest(OPERATOR), HttpResponse.BodyHandlers.ofInputStream()).body();
            held.add(other);
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(other)).readLine()).isEqualTo(": connected");
        } finally {
            for (java.io.InputStream stream : held) stream.close();
        }
    }

    @Test
    void rulesCarryTheirOpenAndRecentIncidentCounts() {
        String first = openIncident("count-a", SUBOPTIMAL);
        openIncident("count-b", SUBOPTIMAL);
        vigil.post("/v1/incidents/" + first + "/resolve", OPERATOR, "application/json", "{}");

        JsonNode rules = vigil.get("/v1/rules", OPERATOR).json().get("rules");
        JsonNode suboptimal = null;
        JsonNode loop = null;
        for (JsonNode r : rules) {
            if (r.get("id").textValue().equals("suboptimal-decision")) suboptimal = r;
            if (r.get("id").textValue().equals("tool-loop")) loop = r;
        }
        assertThat(suboptimal.get("open_incidents").intValue()).isEqualTo(1);
        assertThat(suboptimal.get("incidents_7d").intValue()).isEqualTo(2);
        assertThat(loop.get("open_incidents").intValue()).isZero();
        assertThat(loop.get("incidents_7d").intValue()).isZero();
        assertThat(loop.get("dry_run").booleanValue()).isFalse();
    }
}
