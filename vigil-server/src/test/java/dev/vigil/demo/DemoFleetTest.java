package dev.vigil.demo;

import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.control.ControlDocument;
import dev.vigil.rule.Rule;
import dev.vigil.rule.RuleSet;
import dev.vigil.server.TestVigil;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo fleet against a real embedded server (SQLite) on the virtual clock: one step per
 * virtual second, never waiting for time to pass, only for Vigil to finish what it was sent.
 */
class DemoFleetTest {
    /** Seven minutes into a 10-minute window: the surge rules must not depend on where the demo starts. */
    private static final Instant OFF_WINDOW = TestVigil.START.plusSeconds(7 * 60 + 13);

    @TempDir
    Path data;
    TestVigil vigil;

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
    }

    /**
     * Runs the fleet from {@code start} for {@code seconds} virtual seconds, paced: after a second
     * in which the fleet sent events, the clock moves on only once Vigil has seen them all (the fleet
     * figures count every event on the detection thread), so detection times are demo times rather
     * than how far the loop ran ahead of detection.
     */
    private DemoFleet run(Instant start, long seconds) {
        return run(start, seconds, second -> {});
    }

    /** The same, with {@code after} called after each second, for what people do meanwhile. */
    private DemoFleet run(Instant start, long seconds, LongConsumer after) {
        DemoFleet fleet = new DemoFleet(vigil.url(""), TestVigil.ADMIN, vigil.clock::instant);
        long seen = 0;
        for (long second = 0; second < seconds; second++) {
            vigil.clock.set(start.plusSeconds(second));
            fleet.step(second);
            if (fleet.accepted() > seen) {
                seen = fleet.accepted();
                quiet(); // detected on and responded to at this second, as a real second would allow
            }
            after.accept(second);
        }
        return fleet;
    }

    private void quiet() {
        try {
            vigil.server.pipeline().awaitQuiet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyDefaultRuleFiresWithinAMinuteAndAgentSilentAfterTenQuietMinutes() {
        vigil = TestVigil.start(data, null, DemoFleet.REGISTRY);
        DemoFleet fleet = run(OFF_WINDOW, 11 * 60);

        // The rule list comes from the default pack: a new default rule without a demo scenario fails here.
        Set<String> defaults = RuleSet.load(List.of()).rules().enabled().stream().map(Rule::id).collect(Collectors.toSet());
        assertThat(defaults).hasSizeGreaterThanOrEqualTo(13);
        Map<String, Duration> firstFired = new TreeMap<>();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            firstFired.clear();
            for (JsonNode i : all(vigil, "")) {
                Duration after = Duration.between(OFF_WINDOW, Instant.parse(i.get("detected_at").textValue()));
                firstFired.merge(i.get("rule").textValue(), after, (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
            assertThat(firstFired.keySet()).containsAll(defaults);
        });
        System.out.println("DemoFleetTest: first detection per rule after the demo started: " + firstFired);
        firstFired.forEach((rule, after) -> {
            if (!defaults.contains(rule)) return; // Vigil's own health rule is not the demo's
            // agent-silent needs 10 minutes of silence by definition: nightly-bot works in the first second only.
            Duration bound = rule.equals("agent-silent") ? Duration.ofMinutes(11) : Duration.ofMinutes(1);
            assertThat(after).as(rule).isLessThanOrEqualTo(bound);
        });
        assertThat(fleet.problems()).isEmpty();
    }

    @Test
    void theFirstMinuteShowsEverySeverityAPauseBothRetryOutcomesAndTheReviewQueue() {
        vigil = TestVigil.start(data, null, DemoFleet.REGISTRY);
        DemoFleet fleet = run(TestVigil.START, 60);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<JsonNode> incidents = all(vigil, "");
            Set<String> severities = incidents.stream().map(i -> i.get("severity").textValue()).collect(Collectors.toSet());
            assertThat(severities).containsExactlyInAnyOrder("critical", "high", "medium", "low");
            assertThat(incidents).anySatisfy(i -> {
                assertThat(i.get("rule").textValue()).isEqualTo("task-failure-storm");
                assertThat(i.get("escalated").booleanValue()).isTrue();
                assertThat(i.get("timeline").toString()).contains("retry failed: directive");
            });
            for (String rule : List.of("tool-loop", "low-quality")) {
                assertThat(incidents).anySatisfy(i -> {
                    assertThat(i.get("rule").textValue()).isEqualTo(rule);
                    assertThat(i.get("status").textValue()).isEqualTo("resolved");
                    assertThat(i.get("timeline").toString()).contains("retry succeeded");
                });
            }
            for (String agent : List.of("support-bot", "writer-bot", "coder-bot", "billing-bot", "analyst-bot")) {
                assertThat(vigil.get("/v1/agents/" + agent + "/control", OPERATOR).json().get("state").textValue()).as(agent).isEqualTo("paused");
            }
        });
        assertThat(vigil.incidents("?rule=error-rate")).hasSize(1);
        assertThat(vigil.incidents("?agent=flaky-bot")).hasSize(1); // failing, but not looping
        assertThat(vigil.get("/v1/review", OPERATOR).json().get("batches")).isNotEmpty();
        // Healthy agents work every 30 s, never interrupted: twice in the first minute, a tool and an LLM call each.
        assertThat(vigil.get("/v1/agents/research-bot", OPERATOR).json().get("events_today").longValue()).isEqualTo(4);
        assertThat(fleet.problems()).isEmpty();
    }

    @Test
    void threeHoursLaterTheStoryStillRunsWithBothRetryOutcomesAndPausesRespected() {
        vigil = TestVigil.start(data, null, DemoFleet.REGISTRY);
        // When each change became visible to agents: a pause's `since` is stamped before it is saved and shown.
        Map<String, List<Change>> changes = new ConcurrentHashMap<>();
        vigil.server.control().subscribeAll(d -> changes.computeIfAbsent(d.agent(), a -> Collections.synchronizedList(new ArrayList<>()))
                .add(new Change(d, vigil.clock.instant())));
        Instant end = OFF_WINDOW.plus(Duration.ofHours(3));
        DemoFleet fleet = run(OFF_WINDOW, Duration.ofHours(3).toSeconds(), second -> {
            // Someone trying the dashboard pauses an agent by hand: the simulated operator leaves it to them.
            if (second == 100) {
                assertThat(vigil.post("/v1/agents/research-bot/pause", OPERATOR, "application/json", "{\"reason\":\"trying the pause button\"}")
                        .status()).isEqualTo(200);
            }
        });
        Instant lastHour = end.minus(Duration.ofHours(1));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(all(vigil, "&since=" + q(end.minusSeconds(300))))
                .anySatisfy(i -> assertThat(i.get("timeline").toString()).contains("retry failed")));
        List<JsonNode> incidents = all(vigil, "");
        List<JsonNode> timeline = new ArrayList<>();
        incidents.forEach(i -> i.get("timeline").forEach(timeline::add));

        // Retries are never refused, time out or fall back: the replicas keep each agent under 3 retries an hour.
        assertThat(timeline).noneSatisfy(e -> assertThat(e.get("detail").textValue()).contains("retries of this agent in the last hour"));
        assertThat(timeline).noneSatisfy(e -> assertThat(e.get("detail").textValue()).contains("retry timed out"));
        assertThat(timeline).noneSatisfy(e -> assertThat(e.get("detail").textValue()).contains("retry raised a new incident"));

        // In each cycle of the last hour, one retry fails and escalates and another succeeds.
        for (Instant cycle = lastHour; cycle.isBefore(end); cycle = cycle.plusSeconds(DemoFleet.CYCLE)) {
            Instant from = cycle, to = cycle.plusSeconds(DemoFleet.CYCLE);
            List<String> details = timeline.stream().filter(e -> within(e, from, to)).map(e -> e.get("detail").textValue()).toList();
            assertThat(details).as("cycle from " + from).anySatisfy(d -> assertThat(d).startsWith("retry failed: directive"));
            assertThat(details).as("cycle from " + from).anySatisfy(d -> assertThat(d).startsWith("retry succeeded: directive"));
        }

        // New incidents keep opening: in the last hour, for every default rule but the once-a-day budget.
        Set<String> openedLastHour = incidents.stream().filter(i -> !Instant.parse(i.get("detected_at").textValue()).isBefore(lastHour))
                .map(i -> i.get("rule").textValue()).collect(Collectors.toSet());
        Set<String> expected = RuleSet.load(List.of()).rules().enabled().stream().map(Rule::id)
                .filter(r -> !r.equals(DemoOperator.BUDGET_RULE)).collect(Collectors.toSet());
        assertThat(openedLastHour).containsAll(expected);

        // No agent sent an event while paused; the resumed ones went back to work.
        int pauses = 0;
        for (var agent : changes.entrySet()) {
            Instant pausedAt = null;
            List<Instant[]> paused = new ArrayList<>();
            List<Change> docs;
            synchronized (agent.getValue()) {
                docs = new ArrayList<>(agent.getValue());
            }
            docs.sort(Comparator.comparingLong(c -> c.document().version()));
            for (Change d : docs) {
                if (d.document().paused() && pausedAt == null) pausedAt = d.shown();
                else if (!d.document().paused() && pausedAt != null) {
                    paused.add(new Instant[] {pausedAt, d.shown()});
                    pausedAt = null;
                }
            }
            if (pausedAt != null) paused.add(new Instant[] {pausedAt, end.plusSeconds(1)});
            for (Instant[] p : paused) {
                pauses++;
                // Events stamped in the very second of the pause were sent before the agent could know.
                JsonNode sent = vigil.get("/v1/events?agent=" + agent.getKey() + "&since=" + q(p[0].plusMillis(1)) + "&until=" + q(p[1]), OPERATOR).json();
                assertThat(sent.get("events")).as(agent.getKey() + " paused from " + p[0] + " to " + p[1]).isEmpty();
            }
        }
        assertThat(pauses).as("pauses in 3 hours").isGreaterThanOrEqualTo(4 * 36);
        for (String agent : List.of("support-bot", "writer-bot", "coder-bot", "billing-bot")) {
            assertThat(vigil.get("/v1/agents/" + agent + "/control", OPERATOR).json().get("state").textValue()).as(agent).isEqualTo("running");
            assertThat(vigil.get("/v1/events?agent=" + agent + "&since=" + q(end.minusSeconds(60)), OPERATOR).json().get("events")).as(agent).isNotEmpty();
        }
        assertThat(vigil.get("/v1/agents/analyst-bot/control", OPERATOR).json().get("state").textValue()).isEqualTo("paused"); // over budget all day
        assertThat(vigil.get("/v1/agents/research-bot/control", OPERATOR).json().get("state").textValue()).isEqualTo("paused");
        assertThat(vigil.get("/v1/events?agent=research-bot&since=" + q(OFF_WINDOW.plusSeconds(101)), OPERATOR).json().get("events")).isEmpty();
        assertThat(fleet.problems()).isEmpty();
    }

    @Test
    void aDemoStartedAgainOnItsDataDirectoryTellsTheStoryAgain() {
        vigil = TestVigil.start(data, null, DemoFleet.REGISTRY);
        run(TestVigil.START, 60);
        await().atMost(Duration.ofSeconds(10)).until(() -> vigil.get("/v1/agents/support-bot/control", OPERATOR).json()
                .get("state").textValue().equals("paused"));
        vigil.close();

        vigil = TestVigil.start(data, null, DemoFleet.REGISTRY);
        Instant again = TestVigil.START.plus(Duration.ofHours(1));
        DemoFleet fleet = run(again, 60);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<JsonNode> before = all(vigil, "").stream().filter(i -> Instant.parse(i.get("detected_at").textValue()).isBefore(again)).toList();
            assertThat(before).isNotEmpty().allSatisfy(i -> assertThat(i.get("status").textValue()).isEqualTo("resolved"));
            // The same fingerprints open again, and the agents paused last time were resumed and paused anew.
            Set<String> rules = all(vigil, "&since=" + q(again)).stream().map(i -> i.get("rule").textValue()).collect(Collectors.toSet());
            assertThat(rules).contains("policy-violation", "budget-exceeded", "task-failure-storm", "tool-loop", "error-rate", "suboptimal-decision");
            JsonNode support = vigil.get("/v1/agents/support-bot/control", OPERATOR).json();
            assertThat(support.get("state").textValue()).isEqualTo("paused");
            assertThat(Instant.parse(support.get("since").textValue())).isAfterOrEqualTo(again);
        });
        assertThat(fleet.problems()).isEmpty();
    }

    private record Change(ControlDocument document, Instant shown) {}

    private static boolean within(JsonNode entry, Instant from, Instant to) {
        Instant at = Instant.parse(entry.get("at").textValue());
        return !at.isBefore(from) && at.isBefore(to);
    }

    private static String q(Instant t) {
        return URLEncoder.encode(t.toString(), StandardCharsets.UTF_8);
    }

    /** Every incident, following the cursor. */
    static List<JsonNode> all(TestVigil vigil, String filters) {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = vigil.get("/v1/incidents?limit=1000" + filters + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), OPERATOR).json();
            page.get("incidents").forEach(out::add);
            cursor = page.path("next_cursor").asText(null);
        } while (cursor != null);
        return out;
    }
}
