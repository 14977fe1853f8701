package dev.vigil.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}) for one test: its own
 * port and storage, gossip off. Alertmanager runs on the wall clock.
 */
final class Alertmanager implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();
    final String url;

    /**
     * Skips the calling test with a message when Alertmanager is not installed, so the README's
     * test command works without it; unless {@code VIGIL_REQUIRE_ALERTMANAGER=1} (set by CI),
     * where a missing Alertmanager is a failure.
     */
    static void assumeInstalled() {
        if (Files.isExecutable(BINARY)) return;
        String missing = BINARY + " is needed (Debian: apt-get install prometheus-alertmanager)";
        if ("1".equals(System.getenv("VIGIL_REQUIRE_ALERTMANAGER"))) {
            throw new IllegalStateException("Alertmanager is required (VIGIL_REQUIRE_ALERTMANAGER=1): " + missing);
        }
        Assumptions.abort("Alertmanager tests skipped: " + missing);
    }

    /** @param dir a fresh directory for its configuration, storage and log */
    Alertmanager(Path dir, Duration resolveTimeout) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        url = "http://127.0.0.1:" + port;
        Path config = Files.writeString(dir.resolve("am.yml"), """
                global:
                  resolve_timeout: %ds
                route:
                  receiver: nobody
                receivers:
                  - name: nobody
                """.formatted(resolveTimeout.toSeconds()));
        Files.createDirectories(dir.resolve("storage"));
        log = dir.resolve("alertmanager.log");
        process = new ProcessBuilder(BINARY.toString(), "--config.file=" + config, "--storage.path=" + dir.resolve("storage"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Awaitility.await("Alertmanager ready (log: " + log + ")").atMost(Duration.ofSeconds(20))
                    .until(() -> process.isAlive() && ready());
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("Alertmanager did not start: " + Files.readString(log), e);
        }
    }

    private boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code GET /api/v2/alerts}: the alerts Alertmanager holds as not yet ended, by its own clock. */
    List<JsonNode> alerts() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new AssertionError("GET /api/v2/alerts answered " + r.statusCode() + ": " + r.body());
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(r.body()).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The alert whose label {@code name} is {@code value}, or null. */
    JsonNode alert(String name, String value) {
        return alerts().stream().filter(a -> value.equals(a.path("labels").path(name).asText(null))).findFirst().orElse(null);
    }

    /** Posts alerts (a JSON array) as any client would. */
    void post(String alertsJson) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(alertsJson)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new AssertionError("POST /api/v2/alerts answered " + r.statusCode() + ": " + r.body());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
