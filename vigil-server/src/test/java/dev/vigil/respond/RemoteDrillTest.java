package dev.vigil.respond;

import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.cli.CliRunForTests;
import dev.vigil.drill.DrillFile;
import dev.vigil.drill.DrillRunner;
import dev.vigil.server.TestVigil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drills against a running server: they pass, nobody but the drill channel hears of them, a
 * missing key is said up front, and the drill leaves nothing behind that could alarm later.
 */
class RemoteDrillTest {
    @TempDir
    Path data;
    ResponseFixture f;
    TestVigil vigil;

    @AfterEach
    void stop() {
        if (f != null) f.close();
        if (vigil != null) vigil.close();
    }

    @Test
    void drillsAgainstARunningServerPageNobody() throws Exception {
        f = new ResponseFixture(data, "");
        List<DrillFile.Case> cases = DrillFile.defaults().drills().stream()
                .filter(c -> List.of("malformed-input", "policy-violation", "silent-agent").contains(c.name())).toList();
        List<DrillRunner.Result> results = DrillRunner.remote(f.vigil.url(""), TestVigil.ADMIN).run(cases);
        assertThat(results).extracting(DrillRunner.Result::name).containsExactly("malformed-input", "policy-violation", "silent-agent");
        assertThat(results.subList(0, 2)).allSatisfy(r -> {
            assertThat(r.passed()).as(r.message()).isTrue();
            assertThat(r.skipped()).as(r.message()).isFalse();
        });
        assertThat(results.get(2).skipped()).isTrue(); // 11 minutes of silence need the embedded clock
        assertThat(results.get(2).message()).isEqualTo("skipped: needs the embedded virtual clock (11m of silence would pass in real time)");

        await().atMost(Duration.ofSeconds(10)).until(() -> !f.drillHook.requests.isEmpty());
        assertThat(f.pagerduty.requests).isEmpty();
        assertThat(f.slack.requests).isEmpty();
        assertThat(f.hook.requests).isEmpty();
        assertThat(f.mail.getReceivedMessages()).isEmpty();
        JsonNode violation = f.vigil.incidents("?rule=policy-violation").get(0);
        assertThat(violation.get("drill").booleanValue()).isTrue();
        assertThat(violation.get("status").textValue()).isEqualTo("resolved"); // the drill cleaned up after itself
    }

    /** Without a key, one sentence saying which key to give and how, exit 2, and nothing sent to the server. */
    @Test
    void aMissingOrWrongKeyIsSaidUpFrontAndNoCaseRuns() {
        vigil = TestVigil.start(data, null, "");
        String url = vigil.url("");

        assumeThat(System.getenv("VIGIL_ADMIN_KEY")).as("VIGIL_ADMIN_KEY is set in this environment").isNull();
        CliRunForTests none = new CliRunForTests();
        assertThat(none.run("drill", "run", "--url", url)).isEqualTo(2);
        assertThat(none.err.toString()).isEqualTo("vigil: a drill against " + url
                + " needs an operator or admin key of that server: pass --key KEY or set VIGIL_ADMIN_KEY" + System.lineSeparator());
        assertThat(none.out.toString()).isEmpty();

        CliRunForTests unknown = new CliRunForTests();
        assertThat(unknown.run("drill", "run", "--url", url, "--key", "not-a-key")).isEqualTo(2);
        assertThat(unknown.err.toString()).isEqualTo("vigil: the server at " + url + " does not accept this key (401: unknown API key): "
                + "pass an operator or admin key of that server with --key KEY or VIGIL_ADMIN_KEY" + System.lineSeparator());
        assertThat(unknown.out.toString()).isEmpty();

        CliRunForTests agent = new CliRunForTests();
        assertThat(agent.run("drill", "run", "--url", url, "--key", TestVigil.AGENT)).isEqualTo(2);
        assertThat(agent.err.toString()).startsWith("vigil: this key may not run drills against " + url + " (403: ")
                .contains("has role agent; this needs operator").contains("drills need an operator or admin key").hasLineCount(1);

        assertThat(vigil.get("/v1/events", OPERATOR).json().get("events")).isEmpty();
        assertThat(vigil.incidents("")).isEmpty();
    }

    /**
     * The default pack against a running server with no channels at all: each case passes or is
     * skipped saying why; afterwards no drill incident is open, no drill agent is paused or even
     * known, and 15 minutes later nothing has been raised about the drill's agents.
     */
    @Test
    void theDefaultPackAgainstARunningServerWithoutChannelsPassesOrSaysWhyAndLeavesNothingBehind() throws Exception {
        vigil = TestVigil.start(data, null, "");
        CliRunForTests cli = new CliRunForTests();
        long started = System.nanoTime();
        int exit = cli.run("drill", "run", "--url", vigil.url(""), "--key", TestVigil.ADMIN, "--json");
        long seconds = (System.nanoTime() - started) / 1_000_000_000;
        assertThat(exit).as(cli.out + "\n" + cli.err).isZero();
        assertThat(seconds).as("the default pack against a running server").isLessThan(60);

        Map<String, JsonNode> results = new LinkedHashMap<>();
        for (String line : cli.out.toString().lines().toList()) {
            JsonNode r = new ObjectMapper().readTree(line);
            results.put(r.get("name").textValue(), r);
        }
        assertThat(results.keySet()).containsExactlyElementsOf(DrillFile.defaults().drills().stream().map(DrillFile.Case::name).toList());
        Map<String, String> skipped = new LinkedHashMap<>();
        results.forEach((name, r) -> {
            assertThat(r.get("passed").booleanValue()).as(name + ": " + r.get("message").textValue()).isTrue();
            if (r.get("skipped").booleanValue()) skipped.put(name, r.get("message").textValue());
        });
        assertThat(skipped).containsOnlyKeys("budget-exceeded", "policy-violation", "silent-agent", "failing-notification-channel");
        assertThat(skipped.get("policy-violation")).startsWith("skipped: no channel for notify: no drill channel among notify every channel")
                .endsWith("the rest passed: pause_agent completed");
        assertThat(skipped.get("failing-notification-channel")).startsWith("skipped: no channel that the drill can make fail");
        assertThat(skipped.get("budget-exceeded")).isEqualTo("skipped: needs the registry entry the drill file gives spender "
                + "(budget_usd_per_day: 5), which a running server has for no drill agent");
        assertThat(skipped.get("silent-agent")).startsWith("skipped: needs the embedded virtual clock");

        // Progress on standard error, a line per case as it starts; then what the clean-up did.
        List<String> progress = cli.err.toString().lines().toList();
        assertThat(progress).startsWith("[1/9] malformed-input …", "[2/9] token-flood …");
        assertThat(progress).anyMatch(l -> l.matches("cleaned up drill run \\w+: 5 incidents resolved, 1 agent resumed, 6 of 6 agents forgotten"));
        assertThat(progress.get(progress.size() - 1)).isEqualTo("9 cases, 0 failed");

        List<JsonNode> incidents = vigil.incidents("?limit=1000");
        assertThat(incidents).isNotEmpty().allSatisfy(i -> {
            assertThat(i.get("drill").booleanValue()).isTrue();
            assertThat(i.get("status").textValue()).as(i.get("rule") + " of " + i.get("agent")).isEqualTo("resolved");
        });
        assertThat(incidents).filteredOn(i -> !i.get("rule").textValue().equals("task-failure-storm") || i.get("escalated").booleanValue())
                .allSatisfy(i -> assertThat(vigil.get("/v1/incidents/" + i.get("id").textValue(), OPERATOR).json().get("timeline")
                        .findValuesAsText("detail")).anyMatch(d -> d.startsWith("drill: resolved by vigil drill run")));
        List<String> agents = new ArrayList<>(vigil.get("/v1/agents", OPERATOR).json().get("agents").findValuesAsText("agent"));
        assertThat(agents).as("drill agents still known to the server").noneMatch(a -> a.contains("-drill-"));

        vigil.clock.advance(Duration.ofMinutes(15));
        vigil.server.pipeline().awaitQuiet();
        assertThat(vigil.incidents("?rule=agent-silent")).isEmpty();
        assertThat(vigil.incidents("?status=open")).isEmpty();
        assertThat(vigil.incidents("?status=acknowledged")).isEmpty();
    }
}
