package dev.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.DetectionEngine;
import dev.vigil.detect.InMemoryStateStore;
import dev.vigil.event.Event;
import dev.vigil.event.EventLimits;
import dev.vigil.event.EventParser;
import dev.vigil.rule.AgentProfile;
import dev.vigil.rule.AgentRegistry;
import dev.vigil.rule.RuleSet;
import dev.vigil.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Events per second through the detection engine with the whole default rule pack, over 10,000
 * agents and the realistic mix of {@link EventMix}; a tenth of the agents declare allow-lists and
 * budgets so every rule has work. Event time advances 1 ms per event (1,000 events/s of event
 * time), so windows fill and slide as they would live. Run with {@code -prof gc} for bytes per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class DetectionBenchmark {
    private static final int AGENTS = 10_000;
    private static final int TEMPLATES = 200_000;

    private Event[] templates;
    private DetectionEngine engine;
    private Instant now;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Instant start = Instant.parse("2026-11-29T00:00:00Z");
        EventParser parser = new EventParser(new ManualClock(start), EventLimits.defaults());
        ObjectMapper json = new ObjectMapper();
        EventMix mix = new EventMix(42, AGENTS);
        List<Event> events = new ArrayList<>(TEMPLATES);
        while (events.size() < TEMPLATES) {
            for (JsonNode node : json.readTree(mix.batch(1000, start))) events.add(parser.parse(node, start));
        }
        templates = events.toArray(Event[]::new);
        List<AgentProfile> declared = new ArrayList<>();
        for (int a = 0; a < AGENTS; a += 10) {
            declared.add(new AgentProfile("agent-" + a, "team", List.of("search.web", "crm.lookup", "fs.read"), 50.0, Map.of()));
        }
        engine = new DetectionEngine(RuleSet.load(List.of()).rules(), new InMemoryStateStore(100_000, rule -> {}),
                new AgentRegistry(declared), Duration.ofMinutes(1), DetectionEngine.Observer.NONE);
        now = start;
    }

    @Benchmark
    public int event() {
        Event t = templates[next];
        next = (next + 1) % templates.length;
        now = now.plusMillis(1);
        Event e = new Event(t.id(), now, now, false, t.agent(), t.run(), t.task(), t.kind(), t.status(), t.tool(),
                t.params(), t.model(), t.temperature(), t.tokens(), t.costUsd(), t.latencyMs(), t.quality(), t.error(),
                t.flags(), t.directive(), t.attrs());
        return engine.onEvent(e, now).size();
    }
}
