package dev.vigil.respond;

import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.TestVigil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent's silence (the default pack's agent-silent, 10 minutes) as Vigil measures and answers it. */
class SilenceTest {
    @TempDir
    Path data;
    TestVigil vigil;

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
    }

    /** Lets virtual time pass a second at a time, the pipeline quiet after each, as the timers would see it. */
    private void pass(Duration d) throws InterruptedException {
        for (long s = 0; s < d.toSeconds(); s++) {
            vigil.clock.advance(Duration.ofSeconds(1));
            vigil.server.pipeline().awaitQuiet();
        }
    }

    @Test
    void anAbsenceIsDetectedFromItsDeadlineAndNeverDegradesVigilsOwnHealth() throws InterruptedException {
        vigil = TestVigil.start(data, null, "meta: {check_every: 1s}");
        vigil.accept("[{\"agent\":\"nightly\",\"kind\":\"heartbeat\"}]");
        pass(Duration.ofMinutes(10).plusSeconds(5));

        List<JsonNode> silent = vigil.incidents("?rule=agent-silent");
        assertThat(silent).singleElement().satisfies(i -> {
            assertThat(i.get("agent").textValue()).isEqualTo("nightly");
            // Found within a second of the deadline (the timers look every second here), not 600 s after the last event.
            assertThat(i.get("detection_latency_ms").longValue()).isBetween(0L, 1000L);
        });
        JsonNode stats = vigil.get("/v1/stats/response", OPERATOR).json();
        assertThat(stats.get("detection_latency_ms").get("p99").longValue()).isLessThanOrEqualTo(1000L);
        pass(Duration.ofSeconds(5)); // self-monitoring checks every second
        assertThat(vigil.incidents("?rule=vigil-self-monitoring")).isEmpty();
    }

    @Test
    void aPausedAgentIsSilentByDesign() throws InterruptedException {
        vigil = TestVigil.start(data, null, "");
        vigil.accept("[{\"agent\":\"held\",\"kind\":\"heartbeat\"},{\"agent\":\"free\",\"kind\":\"heartbeat\"}]");
        assertThat(vigil.post("/v1/agents/held/pause", OPERATOR, "application/json", "{\"reason\":\"maintenance\"}").status())
                .isEqualTo(200);
        pass(Duration.ofMinutes(10).plusSeconds(5));

        assertThat(vigil.incidents("?rule=agent-silent")).extracting(i -> i.get("agent").textValue()).containsExactly("free");
    }

    /**
     * {@code POST /v1/agents/{id}/forget} drops what detection holds of an agent (its silence
     * timer among it), its figures and its control document; a paused agent is refused.
     */
    @Test
    void aForgottenAgentsSilenceRaisesNothing() throws InterruptedException {
        vigil = TestVigil.start(data, null, "");
        vigil.accept("[{\"agent\":\"gone\",\"kind\":\"tool_call\",\"tool\":\"search\",\"tokens\":{\"input\":10,\"output\":5}},"
                + "{\"agent\":\"stays\",\"kind\":\"heartbeat\"},{\"agent\":\"held\",\"kind\":\"heartbeat\"}]");
        assertThat(vigil.post("/v1/agents/gone/pause", OPERATOR, "application/json", "{\"reason\":\"drill\"}").status()).isEqualTo(200);
        assertThat(vigil.post("/v1/agents/held/pause", OPERATOR, "application/json", "{\"reason\":\"maintenance\"}").status()).isEqualTo(200);

        assertThat(vigil.post("/v1/agents/gone/forget", null, null, "").status()).isEqualTo(401);
        assertThat(vigil.post("/v1/agents/gone/forget", TestVigil.AGENT, null, "").status()).isEqualTo(403);
        TestVigil.Response paused = vigil.post("/v1/agents/gone/forget", OPERATOR, null, "");
        assertThat(paused.status()).isEqualTo(409);
        assertThat(paused.json().get("error").textValue()).isEqualTo("agent gone is paused: resume it before forgetting it");

        assertThat(vigil.post("/v1/agents/gone/resume", OPERATOR, "application/json", "{\"reason\":\"drill over\"}").status()).isEqualTo(200);
        TestVigil.Response forgotten = vigil.post("/v1/agents/gone/forget", OPERATOR, null, "");
        assertThat(forgotten.status()).as(forgotten.toString()).isEqualTo(200);
        assertThat(forgotten.json().get("agent").textValue()).isEqualTo("gone");
        assertThat(forgotten.json().get("detection_groups").intValue()).isPositive(); // agent-silent's at least
        assertThat(forgotten.json().get("usage").booleanValue()).isTrue();
        assertThat(forgotten.json().get("control_document").booleanValue()).isTrue();
        assertThat(vigil.get("/v1/agents", OPERATOR).json().get("agents").findValuesAsText("agent")).containsExactly("held", "stays");
        assertThat(vigil.get("/v1/agents/gone/control", OPERATOR).json().get("version").longValue()).isZero();
        // Forgetting again, or an agent never seen, forgets nothing and is no error.
        JsonNode again = vigil.post("/v1/agents/gone/forget", OPERATOR, null, "").json();
        assertThat(again.get("detection_groups").intValue()).isZero();
        assertThat(again.get("usage").booleanValue()).isFalse();

        vigil.clock.advance(Duration.ofMinutes(15));
        vigil.server.pipeline().awaitQuiet();
        assertThat(vigil.incidents("?rule=agent-silent")).extracting(i -> i.get("agent").textValue()).containsExactly("stays");
    }
}
