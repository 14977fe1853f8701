package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.ConfigException;
import dev.vigil.config.VigilConfig;
import dev.vigil.detect.DetectionEngine;
import dev.vigil.detect.InMemoryStateStore;
import dev.vigil.event.Event;
import dev.vigil.event.EventLimits;
import dev.vigil.event.EventParser;
import dev.vigil.event.InvalidEventException;
import dev.vigil.incident.InMemoryIncidentStore;
import dev.vigil.incident.Incident;
import dev.vigil.incident.IncidentManager;
import dev.vigil.config.Json;
import dev.vigil.rule.RuleSet;
import dev.vigil.server.VigilServer;
import dev.vigil.time.ManualClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Stack;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil replay}: the rules over recorded events (NDJSON, such as {@code GET /v1/events}
 * output one per line) on their own timestamps. The clock follows event time, so windows and
 * absence rules behave as they would have live. Touches no database and notifies nobody.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Run the rules over recorded events (NDJSON) and print the incidents they would raise.")
final class ReplayCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--config", description = "configuration file: its agents and rule files (default: ./vigil.yaml if it exists)")
    Path config;

    @Option(names = "--rules", arity = "1..*", paramLabel = "FILE", parameterConsumer = RuleFiles.class,
            description = "more rule files, after the config's; the last argument after them is EVENTS.ndjson "
                    + "unless it was given before")
    List<Path> rules = new ArrayList<>();

    @Option(names = "--json", description = "one JSON line per incident")
    boolean json;

    @Parameters(paramLabel = "EVENTS.ndjson")
    Path events;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        VigilConfig cfg;
        try {
            cfg = Configs.load(config);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("vigil: configuration error: " + e.getMessage());
            return 2;
        }
        List<Path> ruleFiles = new ArrayList<>(cfg.rules());
        ruleFiles.addAll(rules);
        RuleSet.Loaded loaded = RuleSet.load(ruleFiles);
        if (!loaded.ok()) {
            loaded.errors().forEach(err::println);
            return 1;
        }
        ManualClock clock = new ManualClock(Instant.EPOCH);
        DetectionEngine engine = new DetectionEngine(loaded.rules(),
                new InMemoryStateStore(cfg.detection().maxGroupsPerRule(), rule -> {}), VigilServer.agentRegistry(cfg),
                cfg.detection().outOfOrder(), DetectionEngine.Observer.NONE);
        InMemoryIncidentStore store = new InMemoryIncidentStore();
        IncidentManager incidents = new IncidentManager(store, clock, cfg.detection().maxEvidence(), change -> {});
        // Replayed events are as old as they are; only their order and spacing matter.
        EventParser parser = new EventParser(clock, EventLimits.defaults().withTime(Duration.ofDays(36500), Duration.ofDays(36500)));

        long started = System.nanoTime();
        int read = 0;
        int skipped = 0;
        try (BufferedReader lines = Files.newBufferedReader(events)) {
            int lineNumber = 0;
            for (String line; (line = lines.readLine()) != null; ) {
                lineNumber++;
                if (line.isBlank()) continue;
                try {
                    JsonNode node = JSON.readTree(line);
                    Instant ts = Instant.parse(node.path("ts").asText());
                    if (ts.isAfter(clock.instant())) clock.set(ts);
                    engine.advance(clock.instant()).forEach(incidents::onSignal);
                    Event e = parser.parse(node, ts);
                    engine.onEvent(e, clock.instant()).forEach(incidents::onSignal);
                    read++;
                } catch (InvalidEventException | DateTimeParseException | IOException e) {
                    err.println(events + " line " + lineNumber + ": skipped: " + (e instanceof DateTimeParseException
                            ? "ts: every replayed event needs an ISO-8601 ts" : e.getMessage()));
                    skipped++;
                }
            }
        }
        incidents.flush();
        double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);

        Map<dev.vigil.rule.Severity, Integer> bySeverity = new EnumMap<>(dev.vigil.rule.Severity.class);
        for (Incident i : store.all()) {
            bySeverity.merge(i.severity(), 1, Integer::sum);
            if (json) {
                out.println(Json.MAPPER.writeValueAsString(i));
            } else {
                out.printf("%s  %-8s %-32s %-40s x%d  %s%n", i.firstSeen(), i.severity().wire(), i.rule(),
                        group(i.group()), i.count(), i.timeline().get(0).detail());
            }
        }
        String summary = String.format("%d events replayed (%d skipped), %d incidents %s, %.0f events/s",
                read, skipped, store.all().size(), bySeverity, read / seconds);
        (json ? err : out).println(summary);
        return 0;
    }

    /**
     * {@code --rules FILE...} without swallowing the events file: {@code vigil replay --rules
     * good-rules.yaml events.ndjson}, the documented form, leaves {@code events.ndjson} for the
     * positional. The option takes every argument up to the next option, except the last one when
     * it is the only candidate for {@code EVENTS.ndjson} (none was given before it, none comes
     * after it). {@code --rules a.yaml --rules b.yaml e.ndjson} and {@code ... -- e.ndjson} work too.
     */
    static final class RuleFiles implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec option, CommandSpec spec) {
            List<String> rest = new ArrayList<>(args);
            Collections.reverse(rest); // the top of the stack, the next argument, first
            int run = 0;
            while (run < rest.size() && !optionLike(rest.get(run))) run++;
            boolean eventsElsewhere = ((ReplayCommand) spec.userObject()).events != null || positionalFrom(rest, run, spec);
            int take = !eventsElsewhere && run > 1 ? run - 1 : run;
            if (take == 0) throw new ParameterException(spec.commandLine(), "Missing required parameter for option '--rules' (FILE)");
            List<Path> files = option.getValue();
            for (int i = 0; i < take; i++) files.add(Path.of(args.pop()));
        }

        /** Whether an argument at or after {@code i} ends up as the positional EVENTS.ndjson. */
        private static boolean positionalFrom(List<String> rest, int i, CommandSpec spec) {
            while (i < rest.size()) {
                String arg = rest.get(i++);
                if (arg.equals("--")) return i < rest.size();
                if (!optionLike(arg)) return true;
                OptionSpec o = arg.contains("=") ? null : spec.findOption(arg);
                if (o == null) continue;
                if (o.arity().isVariable()) { // another --rules: its files, and maybe the events file as its last
                    int run = 0;
                    while (i + run < rest.size() && !optionLike(rest.get(i + run))) run++;
                    if (run > 1 && !positionalFrom(rest, i + run, spec)) return true;
                    i += run;
                } else {
                    i += o.arity().max();
                }
            }
            return false;
        }

        private static boolean optionLike(String arg) {
            return arg.startsWith("-") && arg.length() > 1;
        }
    }

    private static String group(Map<String, String> group) {
        StringBuilder s = new StringBuilder();
        group.forEach((k, v) -> s.append(s.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return s.toString();
    }
}
