package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesAndReplayCliTest {
    @TempDir
    Path dir;
    private final CliRun cli = new CliRun();
    private final java.io.StringWriter out = cli.out;
    private final java.io.StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void rulesCheckExitsZeroForValidFilesAndOneWithEveryError() throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "rules:\n  - {id: ok, severity: low, category: suboptimal}\n");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                rules:
                  - {id: a, severity: high, category: loop, match: 'event.kind ==', count: {at_least: 3}}
                  - {id: b, severity: huge, category: loop, colour: red}
                """);
        assertThat(run("rules", "check", good.toString())).isZero();
        assertThat(out.toString()).contains(good + ": ok, 1 rules");

        assertThat(run("rules", "check", good.toString(), bad.toString())).isEqualTo(1);
        assertThat(err.toString())
                .contains(bad + ": rule 'a': match: CEL: ")
                .contains(bad + ": rule 'a': count.within: is required")
                .contains(bad + ": rule 'b': severity: unknown severity 'huge'")
                .contains(bad + ": rule 'b': colour: unknown field")
                .contains("4 errors");
    }

    @Test
    void rulesListShowsTheDefaultPackAndConfiguredRules() throws Exception {
        Path rules = dir.resolve("mine.yaml");
        Files.writeString(rules, "rules:\n  - {id: mine, title: My rule, severity: low, category: suboptimal}\n");
        Path config = dir.resolve("vigil.yaml");
        Files.writeString(config, "rules: [" + rules + "]\n");
        assertThat(run("rules", "list", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("task-failure-storm").contains("agent-silent").contains("e.g. ")
                .contains("mine").contains(rules.toString());
    }

    @Test
    void replayRunsTheRulesOnEventTimeIncludingAbsence() throws Exception {
        Instant t0 = Instant.parse("2026-01-10T09:00:00Z"); // long ago: replay has no maximum age
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            lines.add("{\"ts\":\"" + t0.plusSeconds(i * 60) + "\",\"agent\":\"storm\",\"task\":\"t1\",\"kind\":\"outcome\",\"status\":\"error\"}");
        }
        lines.add("{\"ts\":\"" + t0.plusSeconds(200) + "\",\"agent\":\"storm\",\"task\":\"t1\",\"kind\":\"outcome\",\"status\":\"error\"}");
        lines.add("not json");
        // An hour later another agent speaks: on event time, "storm" has now been silent for 10 minutes.
        lines.add("{\"ts\":\"" + t0.plus(Duration.ofHours(1)) + "\",\"agent\":\"other\",\"kind\":\"heartbeat\"}");
        Path events = dir.resolve("events.ndjson");
        Files.write(events, lines);

        assertThat(run("replay", events.toString())).isZero();
        assertThat(out.toString())
                .contains("high     task-failure-storm")
                .contains("agent=storm,task=t1")
                .contains("x2")
                .contains("medium   agent-silent")
                .contains("5 events replayed (1 skipped), 2 incidents {HIGH=1, MEDIUM=1}");
        assertThat(err.toString()).contains(events + " line 5: skipped");

        out.getBuffer().setLength(0);
        assertThat(run("replay", "--json", events.toString())).isZero();
        List<JsonNode> incidents = new ArrayList<>();
        for (String line : out.toString().split("\n")) incidents.add(new ObjectMapper().readTree(line));
        assertThat(incidents).extracting(i -> i.get("rule").textValue()).containsExactly("task-failure-storm", "agent-silent");
        assertThat(incidents.get(0).get("count").intValue()).isEqualTo(2);
        assertThat(incidents.get(1).get("detected_at").textValue()).isEqualTo(t0.plus(Duration.ofHours(1)).toString());
    }

    @Test
    void replayUsesExtraRuleFiles() throws Exception {
        Path rules = dir.resolve("extra.yaml");
        Files.writeString(rules, "rules:\n  - {id: any-beat, severity: low, category: suboptimal, match: 'event.kind == \"heartbeat\"'}\n");
        Path events = dir.resolve("e.ndjson");
        Files.writeString(events, "{\"ts\":\"2026-01-01T00:00:00Z\",\"agent\":\"a\",\"kind\":\"heartbeat\"}\n");
        assertThat(run("replay", "--rules", rules.toString(), "--", events.toString())).isZero();
        assertThat(out.toString()).contains("any-beat");
    }
}
