package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
    private static final String KEY = "crash-test-key";

    @TempDir
    Path data;
    private final HttpClient http = HttpClient.newHttpClient();
    private Process server;
    private final List<String> output = new CopyOnWriteArrayList<>();

    @AfterEach
    void kill() {
        if (server != null) server.destroyForcibly();
    }

    private int start(String... extraArgs) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "dev.vigil.cli.Main", "serve", "--port", Integer.toString(port), "--data", data.toString()));
        command.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("VIGIL_ADMIN_KEY", KEY);
        server = pb.start();
        Process p = server;
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) output.add(line);
            } catch (IOException ignored) {
                // the process died; that is the point of this test
            }
        });
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> get(port, "/readyz").statusCode() == 200);
        return port;
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(int port, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String batch(String prefix, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> "{\"id\":\"%s-%03d\",\"agent\":\"agent-%d\",\"kind\":\"tool_call\",\"tool\":\"t\"}".formatted(prefix, i, i % 7))
                .collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void everyAcknowledgedEventSurvivesSigkillExactlyOnce() throws Exception {
        int first = start("--log-format", "json");
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
                        if (post(first, body).statusCode() == 202) {
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
        server.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no flush
        sending.set(false);
        for (Thread t : senders) t.join();
        int acknowledgedBeforeKill = acknowledged.size();
        assertThat(acknowledgedBeforeKill).isGreaterThanOrEqualTo(5_000);

        // Logs were one JSON object per line.
        String listening = output.stream().filter(l -> l.contains("Vigil listening")).findFirst().orElseThrow();
        assertThat(JSON.readTree(listening).get("level").textValue()).isEqualTo("INFO");

        int port = start();
        Map<String, Integer> stored = new HashMap<>();
        String cursor = null;
        do {
            JsonNode page = JSON.readTree(get(port, "/v1/events?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)).body());
            page.get("events").forEach(e -> stored.merge(e.get("id").textValue(), 1, Integer::sum));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").textValue();
        } while (cursor != null);

        assertThat(stored.keySet()).containsAll(acknowledged);
        assertThat(stored.values()).allMatch(count -> count == 1);

        // A client retrying an acknowledged batch after the restart is told it was a duplicate.
        String retried = sentBatches.values().iterator().next();
        JsonNode again = JSON.readTree(post(port, retried).body());
        assertThat(again.get("accepted").intValue()).isEqualTo(50);
        assertThat(again.get("duplicates").intValue()).isEqualTo(50);
    }
}
