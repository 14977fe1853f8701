package dev.vigil.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.Event;
import dev.vigil.event.EventLimits;
import dev.vigil.event.EventParser;
import dev.vigil.rule.AgentProfile;
import dev.vigil.rule.RuleParser;
import dev.vigil.rule.RuleSet;
import dev.vigil.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Events and rules for engine tests, written the way an agent and an operator write them. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2026-11-29T04:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventParser PARSER = new EventParser(new ManualClock(T0), EventLimits.defaults());

    private Fixtures() {}

    /** An event at {@code T0 + offset} (arriving then), with the given JSON fields. */
    static Event event(Duration offset, String fields) {
        Instant ts = T0.plus(offset);
        try {
            return PARSER.parse(JSON.readTree("{\"ts\":\"" + ts + "\"," + fields + "}"), ts);
        } catch (Exception e) {
            throw new IllegalArgumentException(fields, e);
        }
    }

    static Event event(long offsetMillis, String fields) {
        return event(Duration.ofMillis(offsetMillis), fields);
    }

    static RuleSet rules(String yaml) {
        RuleParser.Result r = RuleParser.parse("test.yaml", yaml);
        if (!r.errors().isEmpty()) throw new IllegalArgumentException(r.errors().toString());
        return RuleSet.of(r.rules());
    }

    /** An engine over these rules, with the given agent registry and 1 minute of out-of-order tolerance. */
    static final class Harness {
        final List<String> evicted = new ArrayList<>();
        final List<String> late = new ArrayList<>();
        final InMemoryStateStore store;
        final DetectionEngine engine;

        Harness(RuleSet rules, Map<String, AgentProfile> agents, int maxGroups) {
            store = new InMemoryStateStore(maxGroups, evicted::add);
            engine = new DetectionEngine(rules, store,
                    id -> agents.getOrDefault(id, AgentProfile.unlisted(id)).toCel(), Duration.ofMinutes(1),
                    new DetectionEngine.Observer() {
                        public void late(String rule) {
                            late.add(rule);
                        }

                        public void groupEvicted(String rule) {
                            evicted.add(rule);
                        }
                    });
        }

        Harness(RuleSet rules) {
            this(rules, Map.of(), 10_000);
        }

        /** Feeds the event (processing time = its timestamp) and returns the signals' reasons. */
        List<Signal> feed(Event e) {
            return engine.onEvent(e, e.ts());
        }

        int fired(List<Event> events) {
            int n = 0;
            for (Event e : events) n += feed(e).size();
            return n;
        }
    }
}
