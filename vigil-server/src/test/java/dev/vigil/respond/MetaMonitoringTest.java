package dev.vigil.respond;

import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.TestVigil;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The response measures itself: metrics and /v1/stats/response reflect actions, escalations and feedback. */
class MetaMonitoringTest {
    @TempDir
    Path data;
    TestVigil vigil;

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
    }

    private String incident(String agent) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !vigil.incidents("?agent=" + agent).isEmpty());
        return vigil.incidents("?agent=" + agent).get(0).get("id").textValue();
    }

    private String storm(String agent) {
        String fail = "{\"agent\":\"" + agent + "\",\"task\":\"t\",\"kind\":\"outcome\",\"status\":\"error\"}";
        vigil.accept("[" + fail + "," + fail + "," + fail + "]");
        await().atMost(Duration.ofSeconds(10)).until(() -> vigil.get("/v1/agents/" + agent + "/control", OPERATOR).json().get("directives").size() == 1);
        return vigil.get("/v1/agents/" + agent + "/control", OPERATOR).json().get("directives").get(0).get("id").textValue();
    }

    private void feedback(String id, String verdict, String severity) {
        assertThat(vigil.post("/v1/incidents/" + id + "/feedback", OPERATOR, "application/json",
                "{\"verdict\":\"" + verdict + "\",\"severity\":\"" + severity + "\"}").status()).isEqualTo(200);
    }

    @Test
    void metricsAndStatsReflectActionsEscalationsAndFeedback() {
        vigil = TestVigil.start(data, null, "");
        vigil.accept("[{\"agent\":\"p\",\"kind\":\"policy_violation\"}]");
        String critical = incident("p");
        String recoveredDirective = storm("r");
        vigil.accept("[{\"agent\":\"r\",\"kind\":\"outcome\",\"status\":\"ok\",\"directive\":\"" + recoveredDirective + "\"}]");
        String failedDirective = storm("s");
        vigil.accept("[{\"agent\":\"s\",\"kind\":\"outcome\",\"status\":\"error\",\"directive\":\"" + failedDirective + "\"}]");
        vigil.accept("[{\"agent\":\"q\",\"kind\":\"decision\",\"flags\":[\"suboptimal\"]}]");
        String recovered = incident("r");
        String escalated = incident("s");
        String low = incident("q");
        await().atMost(Duration.ofSeconds(10)).until(() -> vigil.get("/v1/incidents/" + escalated, OPERATOR).json().get("escalated").booleanValue()
                && vigil.get("/v1/incidents/" + recovered, OPERATOR).json().get("status").textValue().equals("resolved")
                && vigil.get("/v1/agents/p/control", OPERATOR).json().get("state").textValue().equals("paused"));

        feedback(critical, "true_positive", "critical");  // right
        feedback(recovered, "true_positive", "high");     // right
        feedback(escalated, "false_positive", "medium");  // wrong severity, false positive
        feedback(low, "true_positive", "medium");         // wrong severity

        JsonNode stats = vigil.get("/v1/stats/response?since=2026-11-29T00:00:00Z", OPERATOR).json();
        assertThat(stats.get("escalation_accuracy").doubleValue()).isEqualTo(0.5);
        assertThat(stats.get("false_positive_rate").doubleValue()).isEqualTo(0.25);
        assertThat(stats.get("automatic_recovery_success_rate").doubleValue()).isEqualTo(0.5);
        JsonNode counts = stats.get("counts");
        assertThat(counts.get("incidents").intValue()).isEqualTo(4);
        assertThat(counts.get("by_severity").toString()).isEqualTo("{\"critical\":1,\"high\":2,\"low\":1}");
        assertThat(counts.get("with_feedback").intValue()).isEqualTo(4);
        assertThat(counts.get("escalated").intValue()).isEqualTo(1);
        assertThat(counts.get("retries").intValue()).isEqualTo(2);
        assertThat(counts.get("recovered_by_retry").intValue()).isEqualTo(1);
        // The virtual clock does not move: every incident was detected and acted on at once.
        assertThat(stats.get("detection_latency_ms").toString()).isEqualTo("{\"p50\":0,\"p95\":0,\"p99\":0}");
        assertThat(stats.get("action_latency_ms").get("p99").longValue()).isZero();
        assertThat(vigil.get("/v1/stats/response?since=2026-11-30T00:00:00Z", OPERATOR).json().get("escalation_accuracy").isNull()).isTrue();
        assertThat(vigil.get("/v1/stats/response", TestVigil.AGENT).status()).isEqualTo(403);

        String metrics = vigil.get("/metrics", null).body();
        assertThat(metrics)
                .contains("vigil_escalations_total{from=\"high\",to=\"medium\"} 1.0")
                .contains("vigil_feedback_total{verdict=\"false_positive\"} 1.0")
                .contains("vigil_feedback_total{verdict=\"true_positive\"} 3.0")
                .contains("vigil_actions_total{action=\"pause_agent\",outcome=\"succeeded\"} 1.0")
                .contains("vigil_actions_total{action=\"retry\",outcome=\"succeeded\"} 2.0")
                .contains("vigil_action_latency_seconds_count{action=\"pause_agent\"} 1")
                .contains("vigil_escalation_accuracy 0.5")
                .contains("vigil_false_positive_rate 0.25")
                .contains("vigil_detection_latency_seconds_count{severity=\"high\"} 2");
    }
}
