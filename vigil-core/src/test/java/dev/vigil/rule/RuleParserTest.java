package dev.vigil.rule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleParserTest {
    private static List<String> errors(String yaml) {
        return RuleParser.parse("rules.yaml", yaml).errors().stream().map(RuleError::toString).toList();
    }

    private static String rule(String body) {
        return "rules:\n  - id: r1\n    severity: high\n    category: loop\n" + body.indent(4);
    }

    @Test
    void theDefaultPackIsValidAndComplete() {
        RuleSet.Loaded loaded = RuleSet.load(List.of());
        assertThat(loaded.errors()).isEmpty();
        assertThat(loaded.rules().all()).extracting(Rule::id).containsExactlyInAnyOrder(
                "task-failure-storm", "token-surge", "unauthorized-tool", "policy-violation", "budget-exceeded",
                "harmful-output", "destructive-without-confirmation", "tool-loop", "low-quality", "error-rate",
                "error-rate-above-norm", "latency-degraded", "agent-silent", "suboptimal-decision");
        assertThat(loaded.rules().all()).allSatisfy(r -> {
            assertThat(r.example()).as(r.id()).isNotBlank();
            assertThat(r.runbook()).as(r.id()).isNotBlank();
            assertThat(r.source()).isEqualTo(RuleSet.BUILTIN);
        });
        assertThat(loaded.rules().get("task-failure-storm").primitive()).isEqualTo(new Primitive.Count(3, java.time.Duration.ofMinutes(5)));
        assertThat(loaded.rules().get("error-rate-above-norm").primitive()).isInstanceOfSatisfying(Primitive.Rate.class, rate -> {
            assertThat(rate.above()).isEqualTo(0.1);
            assertThat(rate.baseline()).isEqualTo(new Primitive.Baseline(3, java.time.Duration.ofHours(1), 50));
            assertThat(rate.baselineSlices()).isEqualTo(60); // one-minute slices of the 10-minute window
        });
        assertThat(loaded.rules().get("tool-loop").primitive()).isInstanceOfSatisfying(Primitive.Repeat.class,
                repeat -> {
                    assertThat(repeat.inRun()).isEqualTo(10);
                    assertThat(repeat.except().text()).contains("event.attrs.poll");
                });
        assertThat(loaded.rules().get("policy-violation").severity()).isEqualTo(Severity.CRITICAL);
        assertThat(loaded.rules().get("suboptimal-decision").severity()).isEqualTo(Severity.LOW);
    }

    @Test
    void readsEveryField() {
        RuleParser.Result r = RuleParser.parse("rules.yaml", """
                rules:
                  - id: secret-exfil
                    title: Secret read then sent out
                    description: A run reads a secret and then calls an external URL.
                    severity: critical
                    category: security
                    match: event.kind == "tool_call"
                    group_by: [agent, run, attrs.region]
                    sequence:
                      steps: ['event.tool == "vault.read"', 'event.tool == "http.post"']
                      within: 10m
                    labels: {team: platform}
                    runbook: Rotate the secret.
                    example: Reads the DB password, then posts to pastebin.
                    dry_run: true
                    enabled: false
                    playbook: [{log: {}}]
                """);
        assertThat(r.errors()).isEmpty();
        Rule rule = r.rules().get(0);
        assertThat(rule.groupBy()).extracting(GroupField::name).containsExactly("agent", "run", "attrs.region");
        assertThat(rule.primitive()).isInstanceOf(Primitive.Sequence.class);
        assertThat(rule.labels()).containsEntry("team", "platform");
        assertThat(rule.dryRun()).isTrue();
        assertThat(rule.enabled()).isFalse();
        assertThat(rule.playbook().isArray()).isTrue();
    }

    @Test
    void namesFileRuleAndFieldForEveryError() {
        assertThat(errors(rule("match: 'event.kind == \"x\"'\ncolour: red"))).singleElement().asString()
                .startsWith("rules.yaml: rule 'r1': colour: unknown field; known fields are ");
        assertThat(errors("rules:\n  - id: r1\n    severity: urgent\n    category: loop\n"))
                .containsExactly("rules.yaml: rule 'r1': severity: unknown severity 'urgent'; expected critical, high, medium or low");
        assertThat(errors("rules:\n  - id: r1\n    severity: low\n    category: mood\n")).singleElement().asString()
                .startsWith("rules.yaml: rule 'r1': category: unknown category 'mood'; expected one of harmful_output, budget");
        assertThat(errors(rule("count: {at_least: 3, within: 5 minutes}")))
                .containsExactly("rules.yaml: rule 'r1': count.within: bad duration '5 minutes': use a whole number and a unit (ms, s, m, h, d), such as 30s, 5m, 1h or 7d");
        assertThat(errors(rule("count: {within: 5m}"))).containsExactly("rules.yaml: rule 'r1': count.at_least: is required");
        assertThat(errors(rule("count: {at_least: 3, within: 5m, every: 1m}"))).singleElement().asString()
                .isEqualTo("rules.yaml: rule 'r1': count.every: unknown option; count takes at_least, within");
        assertThat(errors(rule("sum: {value: event.cost_usd, within: 1h}")))
                .containsExactly("rules.yaml: rule 'r1': sum: needs exactly one of above or above_budget");
        assertThat(errors(rule("count: {at_least: 3, within: 5m}\nabsent: {for: 5m}")))
                .containsExactly("rules.yaml: rule 'r1': absent: a rule has at most one primitive; this one also has count");
        assertThat(errors(rule("group_by: [agent, colour]"))).singleElement().asString()
                .startsWith("rules.yaml: rule 'r1': group_by: cannot group by 'colour'");
        assertThat(errors("rules:\n  - title: no id\n    severity: low\n    category: loop\n"))
                .containsExactly("rules.yaml: rule 'rules[0]': id: is required");
        assertThat(errors("rules:\n  - {id: a, severity: low, category: loop}\n  - {id: a, severity: low, category: loop}\n"))
                .containsExactly("rules.yaml: rule 'a': id: defined twice in this file");
    }

    @Test
    void readsAndValidatesRatesAgainstABaseline() {
        RuleParser.Result ok = RuleParser.parse("rules.yaml", rule("""
                rate:
                  of: 'event.kind == "tool_call"'
                  within: 10m
                  min_events: 20
                  above_baseline: {factor: 3, baseline: 1h}
                """));
        assertThat(ok.errors()).isEmpty();
        assertThat(ok.rules().get(0).primitive()).isInstanceOfSatisfying(Primitive.Rate.class, rate -> {
            assertThat(rate.above()).isZero();
            assertThat(rate.baseline()).isEqualTo(new Primitive.Baseline(3, java.time.Duration.ofHours(1), 20)); // min_events: the rate's
            assertThat(rate.horizon()).isEqualTo(java.time.Duration.ofMinutes(70));
            assertThat(rate.describe()).isEqualTo("rate: share of (event.kind == \"tool_call\") within 10m above 3.0x the group's share in the 1h before, at least 20 events");
        });
        assertThat(errors(rule("rate: {within: 10m}")))
                .containsExactly("rules.yaml: rule 'r1': rate: needs above (a share, such as 0.3), above_baseline (relative to the group's own recent share), or both");
        assertThat(errors(rule("rate: {within: 10m, above_baseline: {factor: 1, baseline: 1h}}")))
                .containsExactly("rules.yaml: rule 'r1': rate.above_baseline.factor: must be above 1 (how many times the group's own share)");
        assertThat(errors(rule("rate: {within: 10m, above_baseline: {factor: 3}}")))
                .containsExactly("rules.yaml: rule 'r1': rate.above_baseline.baseline: is required");
        assertThat(errors(rule("rate: {within: 10m, above_baseline: {factor: 3, baseline: 5m}}")))
                .containsExactly("rules.yaml: rule 'r1': rate.above_baseline.baseline: must be at least rate.within (10m)");
        assertThat(errors(rule("rate: {within: 10m, above_baseline: {factor: 3, baseline: 2d}}")))
                .containsExactly("rules.yaml: rule 'r1': rate.above_baseline.baseline: must be at most 144 times rate.within (1d)");
        assertThat(errors(rule("rate: {within: 10m, above_baseline: {factor: 3, baseline: 1h, over: 2}}"))).singleElement().asString()
                .isEqualTo("rules.yaml: rule 'r1': rate.above_baseline.over: unknown option; rate.above_baseline takes factor, baseline, min_events");
        assertThat(errors(rule("rate: {within: 10m, above_baseline: 3}")))
                .containsExactly("rules.yaml: rule 'r1': rate.above_baseline: must be a map: {factor: 3, baseline: 1h}, optionally with min_events");
        assertThat(errors(rule("rate: {within: 10m, above_baseline: {factor: 3, baseline: 1h, min_events: 0}}")))
                .containsExactly("rules.yaml: rule 'r1': rate.above_baseline.min_events: must be a whole number of at least 1, not 0");
    }

    @Test
    void validatesRepeatInRunAndSurgeWindows() {
        assertThat(errors(rule("group_by: [agent, run]\nrepeat: {same: [tool, params], at_least: 5, within: 2m, in_run: 10}"))).isEmpty();
        assertThat(errors(rule("group_by: [agent]\nrepeat: {same: [tool, params], at_least: 5, within: 2m, in_run: 10}")))
                .containsExactly("rules.yaml: rule 'r1': repeat.in_run: needs run in group_by, so that each group is one run");
        assertThat(errors(rule("group_by: [agent, run]\nrepeat: {same: [tool], at_least: 5, within: 2m, in_run: 3}")))
                .containsExactly("rules.yaml: rule 'r1': repeat.in_run: must be at least at_least (5): it counts identical calls over the whole run");
        assertThat(errors(rule("group_by: [agent, run]\nrepeat: {same: [tool], at_least: 5, within: 2m, except: 'event.tool.size()'}")))
                .singleElement().asString().contains("repeat.except: CEL: must be a condition (bool)");
        assertThat(errors(rule("surge: {value: '1', window: 15ms, factor: 2, baseline_windows: 2}")))
                .containsExactly("rules.yaml: rule 'r1': surge.window: must be a multiple of 10ms: the sliding window moves in tenths of its length");
    }

    @Test
    void reportsCelErrorsWithTheirPosition() {
        assertThat(errors(rule("match: 'event.kind == '"))).singleElement().asString()
                .startsWith("rules.yaml: rule 'r1': match: CEL: ").contains("at line 1, column ");
        assertThat(errors(rule("match: 'evnt.kind == \"x\"'"))).singleElement().asString()
                .contains("match: CEL: ").contains("undeclared reference to 'evnt'").contains("at line 1, column 1");
        assertThat(errors(rule("match: '1 + 2'"))).singleElement().asString()
                .contains("match: CEL: must be a condition (bool), but '1 + 2' is int");
        assertThat(errors(rule("sum: {value: 'event.kind == \"x\"', above: 5, within: 1h}"))).singleElement().asString()
                .contains("sum.value: CEL: must be a number");
        assertThat(errors(rule("match: 'event.tool.matches(\"fs.(rm|\")'"))).singleElement().asString()
                .contains("match: CEL: bad regular expression 'fs.(rm|'");
    }

    @Test
    void collectsEveryErrorOfAFileAndKeepsTheValidRules() {
        RuleParser.Result r = RuleParser.parse("rules.yaml", """
                rules:
                  - {id: good, severity: low, category: loop}
                  - {id: bad-1, severity: never, category: loop}
                  - {id: bad-2, severity: low, category: loop, match: 'nope('}
                """);
        assertThat(r.rules()).extracting(Rule::id).containsExactly("good");
        assertThat(r.errors()).extracting(RuleError::rule).containsExactly("bad-1", "bad-2");
    }

    @Test
    void aFileOverridesADefaultRuleById(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("mine.yaml");
        java.nio.file.Files.writeString(file, """
                rules:
                  - {id: tool-loop, severity: medium, category: loop, repeat: {same: [tool], at_least: 10, within: 1m}}
                  - {id: agent-silent, severity: medium, category: performance, enabled: false, absent: {for: 10m}}
                  - {id: my-rule, severity: low, category: suboptimal}
                """);
        RuleSet set = RuleSet.load(List.of(file)).rules();
        assertThat(set.get("tool-loop").severity()).isEqualTo(Severity.MEDIUM);
        assertThat(set.get("tool-loop").source()).isEqualTo(file.toString());
        assertThat(set.enabled()).extracting(Rule::id).doesNotContain("agent-silent").contains("my-rule", "policy-violation");
    }
}
