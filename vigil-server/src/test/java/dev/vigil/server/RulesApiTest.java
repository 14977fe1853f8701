package dev.vigil.server;

import static dev.vigil.server.TestVigil.ADMIN;
import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesApiTest {
    /** The default pack's enabled rules, which every server runs beside its own files. */
    private static final int DEFAULT_RULES = dev.vigil.rule.RuleSet.load(java.util.List.of()).rules().enabled().size();
    private static final String TWO_FAILS = """
            rules:
              - {id: two-fails, severity: high, category: loop, match: 'event.status == "error"', group_by: [agent], count: {at_least: 2, within: 5m}}
            """;
    @TempDir
    Path data;
    TestVigil vigil;

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
    }

    private TestVigil start(Path rules, boolean watch) {
        vigil = TestVigil.start(data, null, "rules: [" + rules + "]\ndetection: {watch_rules: " + watch + "}\n");
        return vigil;
    }

    private List<String> ruleIds() {
        List<String> ids = new ArrayList<>();
        vigil.get("/v1/rules", OPERATOR).json().get("rules").forEach(r -> ids.add(r.get("id").textValue()));
        return ids;
    }

    @Test
    void listsTheActiveRulesWithTheirDetails() throws Exception {
        Path rules = data.resolve("rules.yaml");
        Files.writeString(rules, TWO_FAILS);
        start(rules, false);
        JsonNode body = vigil.get("/v1/rules", OPERATOR).json();
        assertThat(ruleIds()).hasSize(DEFAULT_RULES + 1).contains("two-fails", "tool-loop", "agent-silent");
        JsonNode storm = null;
        for (JsonNode r : body.get("rules")) if (r.get("id").textValue().equals("task-failure-storm")) storm = r;
        assertThat(storm.get("severity").textValue()).isEqualTo("high");
        assertThat(storm.get("primitive").textValue()).isEqualTo("count: at least 3 within 5m");
        assertThat(storm.get("group_by").toString()).isEqualTo("[\"agent\",\"task\"]");
        assertThat(storm.get("runbook").textValue()).contains("same task keeps failing");
        assertThat(storm.get("source").textValue()).isEqualTo("builtin");
        assertThat(body.get("last_reload").get("applied").booleanValue()).isTrue();
    }

    @Test
    void validateReportsErrorsOfAPostedFile() {
        vigil = TestVigil.start(data, null, "");
        TestVigil.Response ok = vigil.post("/v1/rules/validate", ADMIN, "application/yaml", TWO_FAILS);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("valid").booleanValue()).isTrue();
        TestVigil.Response bad = vigil.post("/v1/rules/validate", ADMIN, "application/yaml",
                TWO_FAILS.replace("within: 5m", "within: soon").replace("high", "dire"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors")).extracting(e -> e.get("text").textValue()).containsExactly(
                "posted: rule 'two-fails': severity: unknown severity 'dire'; expected critical, high, medium or low",
                "posted: rule 'two-fails': count.within: bad duration 'soon': use a whole number and a unit (ms, s, m, h, d), such as 30s, 5m, 1h or 7d");
        assertThat(vigil.post("/v1/rules/validate", OPERATOR, "application/yaml", TWO_FAILS).status()).isEqualTo(403);
        assertThat(vigil.post("/v1/rules/reload", OPERATOR, null, "").status()).isEqualTo(403);
    }

    @Test
    void reloadAppliesGoodRulesKeepsWindowStateAndRefusesBadOnes() throws Exception {
        Path rules = data.resolve("rules.yaml");
        Files.writeString(rules, TWO_FAILS);
        start(rules, false);
        vigil.accept("[{\"agent\":\"a\",\"kind\":\"outcome\",\"status\":\"error\"}]");

        // Add a rule; two-fails is unchanged, so its window (one failure so far) survives the reload.
        Files.writeString(rules, TWO_FAILS + "  - {id: any-decision, severity: low, category: suboptimal, match: 'event.kind == \"decision\"'}\n");
        TestVigil.Response reload = vigil.post("/v1/rules/reload", ADMIN, null, "");
        assertThat(reload.status()).isEqualTo(200);
        assertThat(reload.json().get("rules").intValue()).isEqualTo(DEFAULT_RULES + 2);
        assertThat(ruleIds()).contains("any-decision");
        vigil.accept("[{\"agent\":\"a\",\"kind\":\"outcome\",\"status\":\"error\"},{\"agent\":\"a\",\"kind\":\"decision\"}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> vigil.incidents("?agent=a").size() == 2);
        assertThat(vigil.incidents("?rule=two-fails")).hasSize(1);

        // A broken file: the running rules stay, and the errors are reported and kept.
        Files.writeString(rules, TWO_FAILS.replace("count:", "cuont:"));
        TestVigil.Response refused = vigil.post("/v1/rules/reload", ADMIN, null, "");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("applied").booleanValue()).isFalse();
        assertThat(refused.json().get("errors").get(0).get("text").textValue()).contains("rule 'two-fails': cuont: unknown field");
        assertThat(ruleIds()).contains("any-decision", "two-fails");
        assertThat(vigil.get("/v1/rules", OPERATOR).json().get("last_reload").get("errors")).hasSize(1);
        vigil.accept("[{\"agent\":\"b\",\"kind\":\"decision\"}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> vigil.incidents("?agent=b").size() == 1);
    }

    @Test
    void aChangedRuleFileIsReloadedByTheWatch() throws Exception {
        Path rules = data.resolve("watched.yaml");
        Files.writeString(rules, TWO_FAILS);
        start(rules, true);
        Files.writeString(rules, TWO_FAILS.replace("two-fails", "three-fails").replace("at_least: 2", "at_least: 3"));
        await().atMost(Duration.ofSeconds(20)).until(() -> ruleIds().contains("three-fails"));
        assertThat(ruleIds()).doesNotContain("two-fails");
    }

    @Test
    void theServerRefusesToStartOnInvalidRules() throws Exception {
        Path rules = data.resolve("bad.yaml");
        Files.writeString(rules, "rules:\n  - {id: x, severity: high, category: loop, match: 'event.kind =='}\n");
        assertThatThrownBy(() -> start(rules, false))
                .hasMessageStartingWith("invalid rules:\n  " + rules + ": rule 'x': match: CEL: ");
        vigil = null;
    }
}
