package dev.vigil.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.TestVigil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events travel in batches, arrive complete, and are flushed by close(). */
class BatchingTest {
    @TempDir
    Path data;
    TestVigil server;

    @BeforeEach
    void start() {
        server = TestVigil.start(data, null, "");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Vigil.Builder sdk() {
        return Vigil.builder().url(server.url("")).key(TestVigil.AGENT).clock(server.clock);
    }

    @Test
    void manyEventsArriveInFewRequests() {
        try (Vigil vigil = sdk().batchSize(500).build()) {
            TaskHandle task = vigil.agent("batcher").run("run-1").task("t-1");
            for (int i = 0; i < 2000; i++) task.toolCall("search").params(Map.of("seq", i)).latencyMs(3).ok();

            await().atMost(Duration.ofSeconds(20)).until(() -> vigil.stats().sent() == 2000);
            List<JsonNode> stored = Server.events(server, "batcher");
            Set<Integer> seqs = stored.stream().map(e -> e.get("params").get("seq").intValue()).collect(Collectors.toSet());
            assertThat(stored).hasSize(2000);
            assertThat(seqs).hasSize(2000);
            // 2000 events one by one would be 2000 requests; batches of 500 are four, plus a partial one or two.
            assertThat(vigil.stats().requests()).isBetween(4L, 8L);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Server.eventPosts(server)).isEqualTo(vigil.stats().requests()));
            assertThat(vigil.stats()).extracting(VigilStats::dropped, VigilStats::rejected, VigilStats::buffered).containsExactly(0L, 0L, 0L);
        }
    }

    @Test
    void everyFieldReachesTheServerAsWritten() {
        try (Vigil vigil = sdk().build()) {
            TaskHandle task = vigil.agent("billing-bot").run("run-81f2").task("refund-4471");
            task.toolCall("payments.refund").params(Map.of("amount", 30)).latencyMs(84).error("timeout", "no answer in 5 s");
            task.llmCall("gpt-x").temperature(0.7).tokens(1200, 300).costUsd(0.012).latencyMs(840).flag("pii").ok();
            task.outcome().quality(0.92).attr("attempt", 2).ok();
            vigil.agent("billing-bot").decision("direct flight").suboptimal().send();
            vigil.agent("billing-bot").heartbeat();
            vigil.agent("billing-bot").llmCall("gpt-y").error(new java.util.concurrent.TimeoutException("no tokens in 30 s"));
            assertThat(vigil.flush(Duration.ofSeconds(10))).isTrue();
        }
        Map<String, JsonNode> byKind = Server.events(server, "billing-bot").stream()
                .collect(Collectors.toMap(e -> e.get("kind").textValue() + (e.has("model") ? ":" + e.get("model").textValue() : ""), e -> e));
        assertThat(byKind.keySet()).containsExactlyInAnyOrder("tool_call", "llm_call:gpt-x", "llm_call:gpt-y", "outcome", "decision", "heartbeat");
        assertThat(byKind.get("llm_call:gpt-y").get("error").get("type").textValue()).isEqualTo("java.util.concurrent.TimeoutException");
        assertThat(byKind.get("llm_call:gpt-y").get("error").get("message").textValue()).isEqualTo("no tokens in 30 s");
        JsonNode tool = byKind.get("tool_call");
        assertThat(tool.get("run").textValue()).isEqualTo("run-81f2");
        assertThat(tool.get("task").textValue()).isEqualTo("refund-4471");
        assertThat(tool.get("tool").textValue()).isEqualTo("payments.refund");
        assertThat(tool.get("params").get("amount").intValue()).isEqualTo(30);
        assertThat(tool.get("status").textValue()).isEqualTo("error");
        assertThat(tool.get("error").get("type").textValue()).isEqualTo("timeout");
        assertThat(tool.get("error").get("message").textValue()).isEqualTo("no answer in 5 s");
        assertThat(tool.get("ts").textValue()).isEqualTo("2026-11-29T04:00:00Z"); // the injected clock
        assertThat(tool.get("id").textValue()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(tool.has("clamped")).isFalse();
        JsonNode llm = byKind.get("llm_call:gpt-x");
        assertThat(llm.get("model").textValue()).isEqualTo("gpt-x");
        assertThat(llm.get("temperature").doubleValue()).isEqualTo(0.7);
        assertThat(llm.get("tokens").get("input").intValue()).isEqualTo(1200);
        assertThat(llm.get("tokens").get("output").intValue()).isEqualTo(300);
        assertThat(llm.get("cost_usd").doubleValue()).isEqualTo(0.012);
        assertThat(llm.get("flags").get(0).textValue()).isEqualTo("pii");
        assertThat(byKind.get("outcome").get("quality").doubleValue()).isEqualTo(0.92);
        assertThat(byKind.get("outcome").get("attrs").get("attempt").intValue()).isEqualTo(2);
        assertThat(byKind.get("decision").get("attrs").get("choice").textValue()).isEqualTo("direct flight");
        assertThat(byKind.get("decision").get("flags").get(0).textValue()).isEqualTo("suboptimal");
        assertThat(byKind.get("decision").has("status")).isFalse();
    }

    @Test
    void closeSendsWhatIsBuffered() {
        Vigil vigil = sdk().flushInterval(Duration.ofHours(1)).build(); // only close() will send
        TaskHandle task = vigil.agent("closer").task("t");
        for (int i = 0; i < 10; i++) task.heartbeat();
        vigil.close();
        assertThat(Server.events(server, "closer")).hasSize(10);
        assertThat(vigil.stats().sent()).isEqualTo(10);
    }

    @Test
    void instancesAreIndependent() {
        try (Vigil a = sdk().build(); Vigil b = sdk().build()) {
            a.agent("alpha").heartbeat();
            for (int i = 0; i < 3; i++) b.agent("beta").heartbeat();
            assertThat(a.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(b.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(a.stats().sent()).isEqualTo(1);
            assertThat(b.stats().sent()).isEqualTo(3);
            assertThat(a.agent("alpha")).isSameAs(a.agent("alpha")).isNotSameAs(b.agent("alpha"));
        }
    }
}
