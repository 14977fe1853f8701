package dev.vigil.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.server.TestVigil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick start of docs/SDK.md, compiled and run, so the documentation cannot go stale. */
class QuickStartTest {
    @TempDir
    Path data;

    @Test
    void theQuickStartRecordsItsEvents() {
        try (TestVigil server = TestVigil.start(data, null, "")) {
            String url = server.url("");
            String key = TestVigil.AGENT;
            BlockingQueue<RetryDirective> retries = new LinkedBlockingQueue<>();

            // --- docs/SDK.md, "Quick start" (with the test server's URL, key and clock) ---
            try (Vigil vigil = Vigil.builder().url(url).key(key).clock(server.clock).build()) {
                AgentHandle agent = vigil.agent("billing-bot");
                agent.onRetry(directive -> retries.add(directive));
                RunHandle run = agent.run("run-81f2");
                TaskHandle task = run.task("refund-4471");

                task.guard();
                task.toolCall("payments.refund").params(Map.of("amount", 30)).latencyMs(84).ok();
                task.llmCall("gpt-x").temperature(0.7).tokens(1200, 300).costUsd(0.012).latencyMs(840).ok();
                task.outcome().quality(0.92).ok();
            }
            // ---

            await().atMost(Duration.ofSeconds(10)).until(() -> Server.events(server, "billing-bot").size() == 3);
            assertThat(Server.events(server, "billing-bot")).allSatisfy(e -> {
                assertThat(e.get("run").textValue()).isEqualTo("run-81f2");
                assertThat(e.get("task").textValue()).isEqualTo("refund-4471");
            });
            assertThat(retries).isEmpty();
        }
    }
}
