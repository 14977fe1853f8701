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

/**
 * The quick start of docs/SDK.md, compiled and run against a real server. It is a copy, not the
 * page itself: the docs connect with {@code Vigil.connect(url, key)}, this test with
 * {@code builder()} to add the test server's virtual clock; {@link #theDocumentedCallsAreTheseCalls}
 * checks that every other line of the page's example is here, so the two cannot drift apart.
 */
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

    @Test
    void theDocumentedCallsAreTheseCalls() throws java.io.IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        String docs = java.nio.file.Files.readString(root.resolve("docs/SDK.md"));
        String example = docs.substring(docs.indexOf("## Quick start"));
        example = example.substring(example.indexOf("```java") + 7, example.indexOf("```", example.indexOf("```java") + 7));
        String test = java.nio.file.Files.readString(root.resolve("vigil-sdk/src/test/java/dev/vigil/sdk/QuickStartTest.java"));
        java.util.List<String> lines = example.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("try (") && !l.equals("}"))
                .map(l -> l.replaceAll("\\s*//.*$", "")).toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(test).contains(line));
        assertThat(example).contains("Vigil.connect(\"http://localhost:8080\", System.getenv(\"VIGIL_AGENT_KEY\"))");
    }
}
