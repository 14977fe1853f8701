package dev.vigil.demo;

import static dev.vigil.server.TestVigil.ADMIN;
import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.TestVigil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's first simulated minute produces everything a newcomer should see. */
class DemoFleetTest {
    @TempDir
    Path data;
    TestVigil vigil;

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
    }

    private boolean hasDirective(String agent) {
        return vigil.get("/v1/agents/" + agent + "/control", OPERATOR).json().get("directives").size() > 0;
    }

    @Test
    void theFirstMinuteShowsEverySeverityAPauseARetryAndAnEscalation() {
        vigil = TestVigil.start(data, null, """
                agents:
                  - {id: billing-bot, owner: payments, allowed_tools: [search.web, payments.refund]}
                """);
        DemoFleet fleet = new DemoFleet(vigil.url(""), ADMIN, vigil.clock::instant);
        for (long second = 0; second < 60; second++) {
            vigil.clock.set(TestVigil.START.plusSeconds(second));
            // Simulated agents answer directives once detection has issued them.
            if (second == 20) await().atMost(Duration.ofSeconds(10)).until(() -> hasDirective("refund-bot"));
            if (second == 22) await().atMost(Duration.ofSeconds(10)).until(() -> hasDirective("search-bot"));
            fleet.step(second);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<JsonNode> incidents = vigil.incidents("?limit=1000");
            Set<String> severities = incidents.stream().map(i -> i.get("severity").textValue()).collect(Collectors.toSet());
            assertThat(severities).containsExactlyInAnyOrder("critical", "high", "medium", "low");
            assertThat(incidents).anySatisfy(i -> assertThat(i.get("escalated").booleanValue()).isTrue());
            assertThat(incidents).anySatisfy(i -> {
                assertThat(i.get("rule").textValue()).isEqualTo("tool-loop");
                assertThat(i.get("status").textValue()).isEqualTo("resolved");
            });
        });
        assertThat(vigil.incidents("?rule=error-rate")).hasSize(1);
        assertThat(vigil.incidents("?agent=flaky-bot")).hasSize(1); // failing, but not looping
        assertThat(vigil.get("/v1/agents/support-bot/control", OPERATOR).json().get("state").textValue()).isEqualTo("paused");
        assertThat(vigil.get("/v1/agents/coder-bot/control", OPERATOR).json().get("state").textValue()).isEqualTo("paused");
        assertThat(vigil.get("/v1/review", OPERATOR).json().get("batches")).isNotEmpty();
        JsonNode stats = vigil.get("/v1/stats/response", OPERATOR).json();
        assertThat(stats.get("automatic_recovery_success_rate").doubleValue()).isEqualTo(0.5);
        assertThat(stats.get("counts").get("incidents").intValue()).isGreaterThanOrEqualTo(6);
        // The healthy agents were never interrupted.
        assertThat(vigil.get("/v1/agents/research-bot", OPERATOR).json().get("events_today").longValue()).isEqualTo(120);
    }
}
