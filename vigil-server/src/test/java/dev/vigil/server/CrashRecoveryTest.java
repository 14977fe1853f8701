package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts {@code vigil serve} as a separate JVM, kills it with SIGKILL in the middle of a stream
 * of acknowledged requests, restarts it on the same data directory, and checks that every
 * acknowledged event is stored exactly once.
 */
class CrashRecoveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    private ServerProcess server;

    @AfterEach
    void kill() {
        if (server != null) server.close();
    }

    private static String batch(String prefix, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> "{\"id\":\"%s-%03d\",\"agent\":\"agent-%d\",\"kind\":\"tool_call\",\"tool\":\"t\"}".formatted(prefix, i, i % 7))
                .collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void everyAcknowledgedEventSurvivesSigkillExactlyOnce() throws Exception {
        server = ServerProcess.start(data, "--log-format", "json");
        ServerProcess first = server;
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Map<String, String> sentBatches = new ConcurrentHashMap<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            senders.add(Thread.ofPlatform().start(() -> {
                for (int b = 0; sending.get(); b++) {
                    String prefix = "s" + thread + "-b" + b;
                    String body = batch(prefix, 50);
                    try {
                        if (first.post("/v1/events", body).statusCode() == 202) {
                            IntStream.range(0, 50).forEach(i -> acknowledged.add("%s-%03d".formatted(prefix, i)));
                            sentBatches.put(prefix, body);
                        }
                    } catch (Exception e) {
                        return; // the server is gone
                    }
                }
            }));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 5_000);
        first.kill();
        sending.set(false);
        for (Thread t : senders) t.join();
        assertThat(acknowledged.size()).isGreaterThanOrEqualTo(5_000);

        // Logs were one JSON object per line.
        String listening = first.output.stream().filter(l -> l.contains("Vigil listening")).findFirst().orElseThrow();
        assertThat(JSON.readTree(listening).get("level").textValue()).isEqualTo("INFO");

        server = ServerProcess.start(data);
        Map<String, Integer> stored = new HashMap<>();
        String cursor = null;
        do {
            JsonNode page = JSON.readTree(server.get("/v1/events?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)).body());
            page.get("events").forEach(e -> stored.merge(e.get("id").textValue(), 1, Integer::sum));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").textValue();
        } while (cursor != null);

        assertThat(stored.keySet()).containsAll(acknowledged);
        assertThat(stored.values()).allMatch(count -> count == 1);

        // A client retrying an acknowledged batch after the restart is told it was a duplicate.
        String retried = sentBatches.values().iterator().next();
        JsonNode again = JSON.readTree(server.post("/v1/events", retried).body());
        assertThat(again.get("accepted").intValue()).isEqualTo(50);
        assertThat(again.get("duplicates").intValue()).isEqualTo(50);
    }
}
