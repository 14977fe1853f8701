package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackpressureTest {
    @TempDir
    Path data;
    TestVigil vigil;

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
    }

    private static String batch(String agent, String idPrefix, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> "{\"id\":\"%s-%d\",\"agent\":\"%s\",\"kind\":\"heartbeat\"}".formatted(idPrefix, i, agent))
                .collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void anAgentOverItsRateGets429WhileOthersKeepFlowing() {
        vigil = TestVigil.start(data, null, "ingest: {agent_rate: {events_per_second: 10, burst: 10}}");
        assertThat(vigil.postEvents(batch("noisy", "a", 10)).status()).isEqualTo(202);

        TestVigil.Response limited = vigil.postEvents(batch("noisy", "b", 1));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(limited.json().get("error").textValue()).startsWith("agent 'noisy' is over its rate limit of 10.0 events/s with bursts of 10");

        // Another agent is unaffected, and a mixed request with the noisy agent is refused whole.
        assertThat(vigil.postEvents(batch("quiet", "c", 10)).status()).isEqualTo(202);
        assertThat(vigil.postEvents("[" + batch("quiet2", "d", 1).replace("[", "").replace("]", "") + ","
                + batch("noisy", "e", 1).replace("[", "").replace("]", "") + "]").status()).isEqualTo(429);

        // Tokens come back with (virtual) time.
        vigil.clock.advance(Duration.ofMillis(500));
        assertThat(vigil.postEvents(batch("noisy", "f", 5)).status()).isEqualTo(202);
        assertThat(vigil.postEvents(batch("noisy", "g", 1)).status()).isEqualTo(429);
        // More events of one agent than its burst would never be admitted, however long the client waited: 413, not 429.
        TestVigil.Response big = vigil.postEvents(batch("noisy", "h", 30));
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.headers().firstValue("Retry-After")).isEmpty();
        assertThat(big.json().get("error").textValue()).startsWith("agent 'noisy' has 30 events in this request, more than its rate-limit burst of 10");

        assertThat(vigil.get("/v1/events?agent=noisy&limit=100", TestVigil.OPERATOR).json().get("events")).hasSize(15);
        assertThat(vigil.get("/metrics", null).body())
                .contains("vigil_events_rejected_total{reason=\"rate_limited\"} 4.0")
                .contains("vigil_events_rejected_total{reason=\"too_large\"} 30.0");
    }

    @Test
    void aFullCommitQueueAnswers503AndLosesNothingItAcknowledged() throws Exception {
        vigil = TestVigil.start(data, null, "ingest: {queue_events: 100}");
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> requests;
        // Another process holding the database's write lock stalls the writer, so the queue fills.
        try (Connection blocker = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("vigil.db"));
             Statement s = blocker.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            requests = List.of("first", "second").stream()
                    .map(prefix -> http.sendAsync(HttpRequest.newBuilder(URI.create(vigil.url("/v1/events")))
                            .header("Authorization", "Bearer " + TestVigil.AGENT)
                            .POST(HttpRequest.BodyPublishers.ofString(batch("a", prefix, 60))).build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .toList();
            // 60 + 60 events do not fit in a queue of 100: one request is refused at once,
            // while the other waits for the stalled commit.
            Object first = CompletableFuture.anyOf(requests.toArray(CompletableFuture[]::new)).get();
            @SuppressWarnings("unchecked")
            HttpResponse<String> refused = (HttpResponse<String>) first;
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.body()).contains("the commit queue is full (100 events)");
            assertThat(requests.stream().filter(CompletableFuture::isDone)).hasSize(1);
            s.execute("ROLLBACK");
        }
        List<HttpResponse<String>> answers = requests.stream().map(CompletableFuture::join).toList();
        assertThat(answers).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(202, 503);
        String acknowledged = answers.stream().filter(r -> r.statusCode() == 202).findFirst().orElseThrow().request()
                .uri().toString();
        assertThat(acknowledged).endsWith("/v1/events");
        assertThat(vigil.get("/v1/events?limit=1000", TestVigil.OPERATOR).json().get("events")).hasSize(60);
        assertThat(vigil.get("/metrics", null).body()).contains("vigil_events_rejected_total{reason=\"overloaded\"} 60.0");
    }
}
