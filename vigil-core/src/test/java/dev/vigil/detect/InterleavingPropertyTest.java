package dev.vigil.detect;

import static dev.vigil.detect.Fixtures.event;
import static dev.vigil.detect.Fixtures.rules;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.Event;
import dev.vigil.rule.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Property: groups are independent. Whatever the interleaving of several groups' event streams,
 * the engine raises exactly the signals it raises for each group processed alone (each group's
 * own order kept). Checked over random streams and random interleavings, every primitive on
 * event time at once.
 */
class InterleavingPropertyTest {
    private static final RuleSet RULES = rules("""
            rules:
              - {id: storm, severity: high, category: loop, match: 'event.status == "error"', group_by: [agent, task], count: {at_least: 3, within: 2m}}
              - {id: rate, severity: medium, category: performance, match: 'event.status == "error"', rate: {above: 0.4, of: 'true', within: 5m, min_events: 5}}
              - {id: spend, severity: high, category: budget, match: has(event.cost_usd), sum: {value: event.cost_usd, above: 3, within: 10m}}
              - {id: loop, severity: high, category: loop, match: 'event.kind == "tool_call"', group_by: [agent, run], repeat: {same: [tool, params], at_least: 3, within: 1m}}
              - {id: surge, severity: medium, category: token_usage, match: 'event.kind == "llm_call"', surge: {value: 'event.tokens.input', window: 2m, factor: 3, baseline_windows: 2}}
              - {id: seq, severity: critical, category: security, group_by: [agent, run], sequence: {steps: ['event.tool == "read"', 'event.tool == "send"'], within: 3m}}
              - {id: each, severity: low, category: suboptimal, match: '"odd" in event.flags'}
            """);

    @RepeatedTest(25)
    void anyInterleavingOfGroupsGivesTheSameSignalsAsEachGroupAlone(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition() * 7919L);
        Map<String, List<Event>> byAgent = new HashMap<>();
        for (int a = 0; a < 4; a++) byAgent.put("agent-" + a, stream("agent-" + a, random));

        List<String> alone = new ArrayList<>();
        for (List<Event> events : byAgent.values()) alone.addAll(run(events));

        List<Event> interleaved = new ArrayList<>();
        Map<String, Integer> next = new HashMap<>();
        List<String> remaining = new ArrayList<>(byAgent.keySet());
        while (!remaining.isEmpty()) {
            String agent = remaining.get(random.nextInt(remaining.size()));
            int i = next.merge(agent, 1, Integer::sum) - 1;
            interleaved.add(byAgent.get(agent).get(i));
            if (i + 1 == byAgent.get(agent).size()) remaining.remove(agent);
        }
        List<String> together = run(interleaved);

        assertThat(together).isNotEmpty();
        assertThat(together).containsExactlyInAnyOrderElementsOf(alone);
        assertThat(run(interleaved)).containsExactlyElementsOf(together); // and the same order again: deterministic
    }

    private static List<String> run(List<Event> events) {
        Fixtures.Harness h = new Fixtures.Harness(RULES);
        List<String> signals = new ArrayList<>();
        for (Event e : events) {
            for (Signal s : h.feed(e)) signals.add(s.fingerprint() + "@" + e.id() + ":" + s.reason());
        }
        return signals;
    }

    /** A random but plausible stream for one agent, in time order. */
    private static List<Event> stream(String agent, Random random) {
        List<Event> events = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 150; i++) {
            t += random.nextInt(20_000);
            String common = "\"id\":\"%s-%d\",\"agent\":\"%s\",\"run\":\"r%d\",\"task\":\"t%d\"".formatted(agent, i, agent, random.nextInt(2), random.nextInt(2));
            String fields = switch (random.nextInt(6)) {
                case 0 -> common + ",\"kind\":\"outcome\",\"status\":\"" + (random.nextBoolean() ? "error" : "ok") + "\"";
                case 1 -> common + ",\"kind\":\"llm_call\",\"tokens\":{\"input\":" + (random.nextInt(10) == 0 ? 5000 : 100) + "},\"cost_usd\":" + random.nextInt(100) / 100.0;
                case 2 -> common + ",\"kind\":\"tool_call\",\"tool\":\"search\",\"params\":{\"q\":" + random.nextInt(3) + "}";
                case 3 -> common + ",\"kind\":\"tool_call\",\"tool\":\"" + (random.nextBoolean() ? "read" : "send") + "\",\"status\":\"error\"";
                case 4 -> common + ",\"kind\":\"decision\",\"flags\":[\"odd\"]";
                default -> common + ",\"kind\":\"heartbeat\"";
            };
            events.add(event(Duration.ofMillis(t), fields));
        }
        return events;
    }
}
