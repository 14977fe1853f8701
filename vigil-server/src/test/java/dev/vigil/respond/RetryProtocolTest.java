package dev.vigil.respond;

import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The high protocol: retry with safer parameters, resolve on success, escalate on failure, timeout or a new incident. */
class RetryProtocolTest {
    private static final String FAIL = "{\"agent\":\"refunder\",\"task\":\"refund-1\",\"kind\":\"outcome\",\"status\":\"error\"}";
    @TempDir
    Path data;
    ResponseFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    /** Makes the agent fail one task three times (task-failure-storm, high) after an LLM call at temperature 0.8. */
    private JsonNode storm() {
        f.vigil.accept("[{\"agent\":\"refunder\",\"kind\":\"llm_call\",\"temperature\":0.8,\"attrs\":{\"max_context_tokens\":4000}},"
                + FAIL + "," + FAIL + "," + FAIL + "]");
        await().atMost(Duration.ofSeconds(10)).until(() -> !directives().isEmpty());
        return directives().get(0);
    }

    private JsonNode control() {
        return f.vigil.get("/v1/agents/refunder/control", OPERATOR).json();
    }

    private JsonNode directives() {
        return control().get("directives");
    }

    private JsonNode incident() {
        return f.incident("?rule=task-failure-storm");
    }

    @Test
    void aRetryDirectiveCarriesSaferParametersAndFailureEscalatesToTheMediumProtocol() throws Exception {
        // The clock moves an hour below: without this, the quiet agent would also (rightly) be reported silent.
        Path rules = data.resolve("quiet.yaml");
        java.nio.file.Files.writeString(rules, "rules:\n  - {id: agent-silent, severity: medium, category: performance, enabled: false, absent: {for: 10m}}\n");
        f = new ResponseFixture(data, "rules: [" + rules + "]\n");
        JsonNode d = storm();
        assertThat(d.get("type").textValue()).isEqualTo("retry");
        assertThat(d.get("task").textValue()).isEqualTo("refund-1");
        assertThat(d.get("params").get("temperature").doubleValue()).isEqualTo(0.4);
        assertThat(d.get("params").get("max_context_tokens").longValue()).isEqualTo(8000);
        assertThat(d.get("expires_at").textValue()).isEqualTo("2026-11-29T04:02:00Z");
        // High notifies the non-paging channels only.
        await().atMost(Duration.ofSeconds(10)).until(() -> f.slack.requests.size() == 1);
        assertThat(f.pagerduty.requests).isEmpty();
        assertThat(control().get("state").textValue()).isEqualTo("running");

        f.vigil.accept("[{\"agent\":\"refunder\",\"task\":\"refund-1\",\"kind\":\"outcome\",\"status\":\"error\","
                + "\"error\":{\"type\":\"timeout\"},\"directive\":\"" + d.get("id").textValue() + "\"}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> incident().get("escalated").booleanValue());
        JsonNode i = incident();
        assertThat(i.get("status").textValue()).isEqualTo("open");
        assertThat(i.get("timeline").toString()).contains("retry failed: directive " + d.get("id").textValue() + " answered with an error (timeout)");
        assertThat(directives()).isEmpty();
        assertThat(control().get("telemetry").get("level").textValue()).isEqualTo("verbose");
        assertThat(control().get("telemetry").get("until").textValue()).isEqualTo("2026-11-29T05:00:00Z");

        JsonNode review = f.vigil.get("/v1/review", OPERATOR).json().get("batches");
        assertThat(review).hasSize(1);
        assertThat(review.get(0).get("incidents").get(0).get("id").textValue()).isEqualTo(i.get("id").textValue());

        // The batch's digest goes out once its 15-minute window has passed, to the non-paging channels.
        f.vigil.clock.advance(Duration.ofMinutes(15));
        await().atMost(Duration.ofSeconds(10)).until(() -> f.hook.requests.stream().anyMatch(r -> r.json().path("type").asText().equals("digest")));
        assertThat(f.hook.requests.stream().filter(r -> r.json().path("type").asText().equals("digest")).findFirst().orElseThrow()
                .json().get("link").textValue()).isEqualTo(f.vigil.url("/#/review")); // the dashboard's review queue
        // Each channel delivers on its own lane: Slack's digest may land after the webhook's.
        await().atMost(Duration.ofSeconds(10)).until(() -> f.slack.requests.stream()
                .anyMatch(r -> r.json().path("text").asText().contains("Vigil review queue: 1 incident to review")));

        // Monitoring reverts when its hour is up, on the timeline.
        f.vigil.clock.advance(Duration.ofMinutes(46));
        await().atMost(Duration.ofSeconds(10)).until(() -> control().get("telemetry").get("level").textValue().equals("normal"));
        await().atMost(Duration.ofSeconds(10)).until(() -> incident().get("timeline").toString().contains("telemetry back to normal"));
    }

    @Test
    void aSuccessfulRetryResolvesTheIncidentWithTheResult() throws Exception {
        f = new ResponseFixture(data, "");
        JsonNode d = storm();
        f.vigil.accept("[{\"agent\":\"refunder\",\"task\":\"refund-1\",\"kind\":\"outcome\",\"status\":\"ok\",\"quality\":0.9,"
                + "\"directive\":\"" + d.get("id").textValue() + "\"}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> incident().get("status").textValue().equals("resolved"));
        assertThat(incident().get("escalated").booleanValue()).isFalse();
        assertThat(incident().get("timeline").toString()).contains("retry succeeded: directive " + d.get("id").textValue() + " answered ok, quality 0.9");
        assertThat(directives()).isEmpty();
    }

    @Test
    void retriesAreBoundedPerAgentPerHour() throws Exception {
        f = new ResponseFixture(data, "");
        for (String task : new String[] {"a", "b", "c", "d"}) {
            String fail = FAIL.replace("refund-1", task);
            f.vigil.accept("[" + fail + "," + fail + "," + fail + "]");
            await().atMost(Duration.ofSeconds(10)).until(() -> f.incident("?rule=task-failure-storm&status=open") != null);
            JsonNode open = f.incident("?rule=task-failure-storm&status=open");
            if (!task.equals("d")) {
                // Answer each retry so the next storm is not a fallback case.
                await().atMost(Duration.ofSeconds(10)).until(() -> !directives().isEmpty());
                f.vigil.accept("[{\"agent\":\"refunder\",\"kind\":\"outcome\",\"status\":\"ok\",\"directive\":\""
                        + directives().get(0).get("id").textValue() + "\"}]");
                await().atMost(Duration.ofSeconds(10)).until(() -> f.incident("?rule=task-failure-storm&status=open") == null);
            } else {
                await().atMost(Duration.ofSeconds(10)).until(() -> f.incident("?rule=task-failure-storm&status=open").get("escalated").booleanValue());
                assertThat(f.incident("?rule=task-failure-storm&status=open").get("timeline").toString())
                        .contains("no retry: 3 retries of this agent in the last hour");
                assertThat(open.get("group").get("task").textValue()).isEqualTo("d");
            }
        }
        assertThat(directives()).isEmpty();
    }

    @Test
    void resolvingAnIncidentWithdrawsItsRetryDirective() throws Exception {
        f = new ResponseFixture(data, "");
        storm();
        String id = incident().get("id").textValue();
        f.vigil.post("/v1/incidents/" + id + "/resolve", OPERATOR, "application/json", "{\"note\":\"fixed by hand\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> directives().isEmpty());
        // Nothing left to time out or escalate.
        f.vigil.clock.advance(Duration.ofMinutes(3));
        f.vigil.server.pipeline().awaitQuiet(); // the response's timers ran at the new time
        assertThat(incident().get("escalated").booleanValue()).isFalse();
    }

    @Test
    void anUnansweredRetryTimesOutAndEscalates() throws Exception {
        f = new ResponseFixture(data, "");
        storm();
        f.vigil.clock.advance(Duration.ofMinutes(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> incident().get("escalated").booleanValue());
        assertThat(incident().get("timeline").toString()).contains("retry timed out");
    }

    @Test
    void aRetryThatRaisesANewIncidentStopsRetryingAndEscalates() throws Exception {
        f = new ResponseFixture(data, "");
        storm();
        // While retrying, the agent produces a low-quality outcome: a new high incident.
        f.vigil.accept("[{\"agent\":\"refunder\",\"task\":\"refund-1\",\"kind\":\"outcome\",\"quality\":0.1}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> incident().get("escalated").booleanValue());
        assertThat(incident().get("timeline").toString()).contains("retry raised a new incident (low-quality)");
        JsonNode lowQuality = f.incident("?rule=low-quality");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.incident("?rule=low-quality").get("escalated").booleanValue());
        assertThat(f.incident("?rule=low-quality").get("timeline").toString()).contains("no retry: an earlier retry of this agent raised a new incident");
        assertThat(directives()).isEmpty();
        assertThat(lowQuality).isNotNull();
    }
}
