package dev.vigil.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.TestVigil;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Past its failure threshold, Vigil opens an incident about itself. */
class SelfMonitorTest {
    @TempDir
    Path data;
    TestVigil vigil;

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
    }

    /** Moves the virtual clock to the next check and waits for it and what follows it; always true. */
    private boolean checked() throws InterruptedException {
        vigil.clock.advance(Duration.ofMillis(100));
        vigil.server.pipeline().awaitQuiet();
        return true;
    }

    @Test
    void failingDeliveriesRaiseAnIncidentAboutVigilItself() {
        vigil = TestVigil.start(data, null, """
                channels:
                  hook: {type: webhook, url: "http://127.0.0.1:1/nothing-listens"}
                response:
                  action_attempts: 1
                meta:
                  channel_failures: 2
                  check_every: 100ms
                """);
        vigil.accept("[{\"agent\":\"a\",\"kind\":\"policy_violation\"},{\"agent\":\"b\",\"kind\":\"policy_violation\"}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> checked() && !vigil.incidents("?rule=vigil-self-monitoring").isEmpty());
        JsonNode self = vigil.incidents("?rule=vigil-self-monitoring").get(0);
        assertThat(self.get("agent").textValue()).isEqualTo("vigil");
        assertThat(self.get("severity").textValue()).isEqualTo("high");
        assertThat(self.get("group").get("attrs.check").textValue()).isEqualTo("channel_failures");
        assertThat(self.get("timeline").get(0).get("detail").textValue()).contains("deliveries given up in the last 15m (threshold 2)");
        // Its own playbook tries to notify every channel (which is failing here too); later checks raise its count, not new incidents.
        await().atMost(Duration.ofSeconds(10)).until(() -> checked() && vigil.incidents("?rule=vigil-self-monitoring").get(0).get("count").intValue() > 1);
        assertThat(vigil.incidents("?rule=vigil-self-monitoring")).hasSize(1);
        // The notification's outcome reaches the timeline when the delivery finishes, which may be after the second check.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(vigil.get("/v1/incidents/" + self.get("id").textValue(),
                TestVigil.OPERATOR).json().get("timeline").toString()).contains("notify via hook"));
    }
}
