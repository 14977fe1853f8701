package dev.vigil.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.cli.CliRunForTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrillTest {
    @Test
    void theDefaultDrillPackPassesEmbedded() {
        List<DrillRunner.Result> results = DrillRunner.embedded(DrillFile.defaults().agents()).run(DrillFile.defaults().drills());
        assertThat(results).extracting(DrillRunner.Result::name).containsExactly("malformed-input", "token-flood", "budget-exceeded",
                "policy-violation", "task-failure-storm-retry-fails", "task-failure-storm-retry-succeeds", "tool-loop", "silent-agent",
                "failing-notification-channel");
        assertThat(results).allSatisfy(r -> assertThat(r.passed()).as(r.name() + ": " + r.message()).isTrue());
        assertThat(results.stream().filter(r -> r.detectionMs() != null)).hasSize(8);
    }

    @Test
    void aWrongExpectationFailsWithAMessageSayingWhatDiffered(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("wrong.yaml");
        Files.writeString(file, """
                drills:
                  - name: violation-expected-low
                    inject:
                      - {at: 0s, event: {agent: x, kind: policy_violation}}
                    expect:
                      incidents: [{rule: policy-violation, severity: low, actions: [retry]}]
                    within: 1s
                  - name: malformed-expected-accepted
                    inject:
                      - {at: 0s, malformed: 'nope'}
                    expect: {no_incident: true}
                """);
        CliRunForTests cli = new CliRunForTests();
        assertThat(cli.run("drill", "run", file.toString())).isEqualTo(1);
        assertThat(cli.out.toString())
                .contains("violation-expected-low               FAIL")
                .contains("policy-violation: severity critical, expected low")
                .contains("policy-violation: action retry not completed")
                .contains("malformed body answered 400, expected 2xx")
                .contains("2 cases, 2 failed");

        CliRunForTests json = new CliRunForTests();
        assertThat(json.run("drill", "run", "--json", file.toString())).isEqualTo(1);
        var first = new ObjectMapper().readTree(json.out.toString().lines().findFirst().orElseThrow());
        assertThat(first.get("passed").booleanValue()).isFalse();
        assertThat(first.get("message").textValue()).contains("severity critical, expected low");
    }

    @Test
    void theCommittedRunbookIsCurrent() throws Exception {
        Path committed = Path.of("..", "docs", "RUNBOOK.md");
        assertThat(Files.readString(committed))
                .as("docs/RUNBOOK.md is stale: regenerate it with `java -jar vigil-server/target/vigil.jar drill runbook -o docs/RUNBOOK.md`")
                .isEqualTo(Runbook.defaults());
        assertThat(Runbook.defaults()).contains("### task-failure-storm: Agent failed the same task 3+ times within 5 minutes")
                .contains("| critical | pause the agent; notify every channel; open a ticket on the ticket channel |")
                .contains("### failing-notification-channel");
    }
}
