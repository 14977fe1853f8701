package dev.vigil.server;

import static dev.vigil.server.TestVigil.AGENT;
import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The incidents API over real HTTP, run once per database (SQLite and PostgreSQL). */
abstract class IncidentApiContract {
    @TempDir
    Path data;
    TestVigil vigil;

    /** The JDBC URL of a fresh, empty database; null for SQLite in the data directory. */
    abstract String freshDatabase();

    private TestVigil start() {
        vigil = TestVigil.start(data, freshDatabase(), "");
        return vigil;
    }

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
    }

    private JsonNode violation(String agent) {
        vigil.accept("[{\"agent\":\"" + agent + "\",\"kind\":\"policy_violation\"}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> !vigil.incidents("?agent=" + agent + "&status=open").isEmpty());
        return vigil.incidents("?agent=" + agent + "&status=open").get(0);
    }

    @Test
    void repeatsRaiseTheCountAndAResolvedIncidentReopensAsANewOne() {
        start();
        JsonNode first = violation("a");
        vigil.accept("[{\"agent\":\"a\",\"kind\":\"policy_violation\"},{\"agent\":\"a\",\"kind\":\"policy_violation\"}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> vigil.get("/v1/incidents/" + first.get("id").textValue(), OPERATOR)
                .json().get("count").intValue() == 3);
        assertThat(vigil.incidents("?agent=a")).hasSize(1);

        String id = first.get("id").textValue();
        TestVigil.Response resolved = vigil.post("/v1/incidents/" + id + "/resolve", OPERATOR, "application/json", "{\"note\":\"guardrail fixed\"}");
        assertThat(resolved.status()).isEqualTo(200);
        assertThat(resolved.json().get("status").textValue()).isEqualTo("resolved");

        JsonNode second = violation("a");
        assertThat(second.get("id").textValue()).isNotEqualTo(id);
        assertThat(vigil.incidents("?agent=a")).hasSize(2);
        assertThat(vigil.incidents("?agent=a&status=resolved")).extracting(i -> i.get("id").textValue()).containsExactly(id);
    }

    @Test
    void lifecycleAndFeedbackAreRecordedOnTheTimelineWithTheActor() {
        start();
        String id = violation("b").get("id").textValue();
        TestVigil.Response ack = vigil.post("/v1/incidents/" + id + "/ack", OPERATOR, null, "");
        assertThat(ack.status()).isEqualTo(200);
        assertThat(ack.json().get("status").textValue()).isEqualTo("acknowledged");
        assertThat(vigil.post("/v1/incidents/" + id + "/ack", OPERATOR, null, "").status()).isEqualTo(409);

        TestVigil.Response fb = vigil.post("/v1/incidents/" + id + "/feedback", OPERATOR, "application/json",
                "{\"verdict\":\"false_positive\",\"severity\":\"low\",\"note\":\"a test run\"}");
        assertThat(fb.status()).as(fb.toString()).isEqualTo(200);
        assertThat(fb.json().get("feedback").get("verdict").textValue()).isEqualTo("false_positive");
        assertThat(fb.json().get("feedback").get("severity").textValue()).isEqualTo("low");

        vigil.post("/v1/incidents/" + id + "/resolve", OPERATOR, "application/json", "{\"note\":\"done\"}");
        JsonNode detail = vigil.get("/v1/incidents/" + id, OPERATOR).json();
        List<JsonNode> lifecycle = new java.util.ArrayList<>();
        detail.get("timeline").forEach(t -> {
            if (List.of("detected", "acknowledged", "feedback", "resolved").contains(t.get("type").textValue())) lifecycle.add(t);
        });
        assertThat(lifecycle).extracting(t -> t.get("type").textValue()).containsExactly("detected", "acknowledged", "feedback", "resolved");
        assertThat(lifecycle.get(1).get("actor").textValue()).isEqualTo("operator (env key)");
        assertThat(lifecycle.get(3).get("detail").textValue()).isEqualTo("done");
        // The critical playbook ran too: the agent was paused, and that is on the timeline.
        assertThat(detail.get("timeline").toString()).contains("pause_agent: agent b paused");
        assertThat(detail.get("evidence").get(0).get("kind").textValue()).isEqualTo("policy_violation");
        assertThat(detail.get("detected_at").textValue()).isEqualTo("2026-11-29T04:00:00Z");
    }

    @Test
    void refusesBadRequestsWithTheReason() {
        start();
        String id = violation("c").get("id").textValue();
        assertThat(vigil.get("/v1/incidents/nope", OPERATOR).status()).isEqualTo(404);
        assertThat(vigil.post("/v1/incidents/nope/ack", OPERATOR, null, "").status()).isEqualTo(404);
        TestVigil.Response badVerdict = vigil.post("/v1/incidents/" + id + "/feedback", OPERATOR, "application/json", "{\"verdict\":\"maybe\"}");
        assertThat(badVerdict.status()).isEqualTo(400);
        assertThat(badVerdict.json().get("error").textValue()).isEqualTo("verdict: must be true_positive or false_positive");
        assertThat(vigil.post("/v1/incidents/" + id + "/feedback", OPERATOR, "application/json", "{\"verdict\":\"true_positive\",\"severity\":\"dire\"}").status()).isEqualTo(400);
        assertThat(vigil.post("/v1/incidents/" + id + "/resolve", OPERATOR, "application/json", "[1]").status()).isEqualTo(400);
        assertThat(vigil.get("/v1/incidents?severity=urgent", OPERATOR).json().get("error").textValue()).isEqualTo("severity: must be critical, high, medium or low");
        assertThat(vigil.get("/v1/incidents?status=closed", OPERATOR).status()).isEqualTo(400);
        assertThat(vigil.get("/v1/incidents?cursor=zzz", OPERATOR).status()).isEqualTo(400);
        // Agents cannot read or change incidents.
        assertThat(vigil.get("/v1/incidents", AGENT).status()).isEqualTo(403);
        assertThat(vigil.post("/v1/incidents/" + id + "/resolve", AGENT, null, "").status()).isEqualTo(403);
    }

    @Test
    void listsFilterAndPageNewestFirst() {
        start();
        for (int i = 0; i < 5; i++) {
            violation("p" + i);
            vigil.clock.advance(Duration.ofSeconds(1));
        }
        vigil.accept("[{\"agent\":\"p0\",\"kind\":\"decision\",\"flags\":[\"suboptimal\"]}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> vigil.incidents("").size() == 6);
        assertThat(vigil.incidents("?severity=low")).extracting(i -> i.get("rule").textValue()).containsExactly("suboptimal-decision");
        assertThat(vigil.incidents("?rule=policy-violation")).hasSize(5);
        assertThat(vigil.incidents("?since=2026-11-29T04:00:03Z")).hasSize(3);

        TestVigil.Response page1 = vigil.get("/v1/incidents?limit=4", OPERATOR);
        List<String> agents = new java.util.ArrayList<>();
        page1.json().get("incidents").forEach(i -> agents.add(i.get("agent").textValue()));
        TestVigil.Response page2 = vigil.get("/v1/incidents?limit=4&cursor=" + page1.json().get("next_cursor").textValue(), OPERATOR);
        page2.json().get("incidents").forEach(i -> agents.add(i.get("agent").textValue()));
        assertThat(page2.json().get("next_cursor").isNull()).isTrue();
        assertThat(agents).containsExactly("p0", "p4", "p3", "p2", "p1", "p0");
    }

    @Test
    void detectionIsMeasured() {
        start();
        violation("m");
        vigil.accept("[{\"agent\":\"m2\",\"kind\":\"decision\",\"flags\":[\"suboptimal\"]}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> vigil.incidents("?agent=m2").size() == 1);
        String metrics = vigil.get("/metrics", null).body();
        assertThat(metrics)
                .contains("vigil_incidents_total{rule=\"policy-violation\",severity=\"critical\"} 1.0")
                .contains("vigil_incidents_total{rule=\"suboptimal-decision\",severity=\"low\"} 1.0")
                .contains("vigil_detection_latency_seconds_count{severity=\"critical\"} 1")
                .contains("vigil_detection_latency_seconds_bucket{severity=\"low\",le=");
    }

    @Test
    void rulesCountTheirOpenIncidentsAndThoseOfTheLastSevenDays() {
        start();
        String resolved = violation("count-a").get("id").textValue();
        violation("count-b");
        vigil.post("/v1/incidents/" + resolved + "/resolve", OPERATOR, "application/json", "{}");
        vigil.clock.set(TestVigil.START.plus(Duration.ofDays(8)));
        violation("count-c");

        JsonNode rule = null;
        for (JsonNode r : vigil.get("/v1/rules", OPERATOR).json().get("rules")) {
            if (r.get("id").textValue().equals("policy-violation")) rule = r;
        }
        assertThat(rule.get("open_incidents").intValue()).as("b and c").isEqualTo(2);
        assertThat(rule.get("incidents_7d").intValue()).as("c only").isEqualTo(1);
    }
}
