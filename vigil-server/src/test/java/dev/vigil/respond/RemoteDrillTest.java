package dev.vigil.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.drill.DrillFile;
import dev.vigil.drill.DrillRunner;
import dev.vigil.server.TestVigil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drills against a running server: they pass, and nobody but the drill channel hears of them. */
class RemoteDrillTest {
    @TempDir
    Path data;
    ResponseFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
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
            assertThat(r.skipped()).isFalse();
        });
        assertThat(results.get(2).skipped()).isTrue(); // 11 minutes of silence need the embedded clock
        assertThat(results.get(2).message()).startsWith("skipped: needs the embedded virtual clock");

        await().atMost(Duration.ofSeconds(10)).until(() -> !f.drillHook.requests.isEmpty());
        assertThat(f.pagerduty.requests).isEmpty();
        assertThat(f.slack.requests).isEmpty();
        assertThat(f.hook.requests).isEmpty();
        assertThat(f.mail.getReceivedMessages()).isEmpty();
        assertThat(f.vigil.incidents("?rule=policy-violation").get(0).get("drill").booleanValue()).isTrue();
    }
}
