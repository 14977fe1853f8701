package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One greedy agent and one calm one, on the virtual clock, as the commit queue's backlog grows and drains. */
class FairShareTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T04:00:00Z"));
    private final FairShare fair = new FairShare(clock, 1_000);
    private static final int SATURATED = FairShare.SATURATED_BACKLOG + 1;

    /** A second of traffic: the greedy agent's batches every 10 ms, the calm agent's one event every 100 ms. */
    private void aSecondOfTraffic(int backlog) {
        for (int ms = 0; ms < 1000; ms += 10) {
            clock.advance(Duration.ofMillis(10));
            fair.admit(Map.of("greedy", 100), backlog);
            if (ms % 100 == 0) fair.admit(Map.of("calm", 1), backlog);
        }
    }

    @Test
    void underSaturationTheAgentUsingMostOfTheCapacityIsRefusedFirstAndTheCalmOneNever() {
        aSecondOfTraffic(0);
        assertThat(fair.admit(Map.of("greedy", 100), 0)).as("not saturated: everyone goes through").isNull();

        FairShare.OverShare refused = fair.admit(Map.of("greedy", 100), SATURATED);
        assertThat(refused).isNotNull();
        assertThat(refused.agent()).isEqualTo("greedy");
        assertThat(refused.rate()).isGreaterThan(4_000);
        assertThat(fair.admit(Map.of("calm", 1), SATURATED)).as("the calm agent is admitted while the greedy one is refused").isNull();
        // A request with both agents is refused for the greedy one, which the answer names.
        assertThat(fair.admit(Map.of("calm", 1, "greedy", 1), SATURATED).agent()).isEqualTo("greedy");
    }

    @Test
    void aLoneAgentIsNeverOverItsShareAndABurstFades() {
        aSecondOfTraffic(0);
        assertThat(fair.admit(Map.of("greedy", 100), SATURATED)).isNotNull();
        clock.advance(Duration.ofSeconds(20)); // the burst's count has halved twenty times
        assertThat(fair.admit(Map.of("greedy", 100), SATURATED)).as("only the calm agent's few events were recent").isNull();

        FairShare alone = new FairShare(clock, 1_000);
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofMillis(10));
            assertThat(alone.admit(Map.of("only", 100), SATURATED)).as("one agent's share is all of it").isNull();
        }
    }

    @Test
    void evenlyBusyAgentsAreAllAdmitted() {
        for (int ms = 0; ms < 1000; ms += 10) {
            clock.advance(Duration.ofMillis(10));
            for (String a : new String[] {"a", "b", "c"}) assertThat(fair.admit(Map.of(a, 50), SATURATED)).isNull();
        }
    }
}
