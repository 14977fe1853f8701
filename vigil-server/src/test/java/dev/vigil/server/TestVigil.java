package dev.vigil.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.time.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A real Vigil server for a test, on a free port, with a virtual clock and one key per role, and
 * a small HTTP client to talk to it over the loopback interface.
 */
public final class TestVigil implements AutoCloseable {
    public static final String ADMIN = "test-admin-key";
    public static final String OPERATOR = "test-operator-key";
    public static final String AGENT = "test-agent-key";
    public static final Instant START = Instant.parse("2026-11-29T04:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    public final ManualClock clock = new ManualClock(START);
    public final VigilServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestVigil(VigilConfig config, Map<String, String> env) {
        this.server = VigilServer.start(config, clock, env);
    }

    /**
     * @param yaml extra configuration; {@code server.data} and {@code server.db} are filled in
     * @param jdbcUrl null for SQLite in {@code data}
     */
    public static TestVigil start(Path data, String jdbcUrl, String yaml) {
        return start(data, jdbcUrl, yaml, 0);
    }

    /** The same on a given port, e.g. one a client was pointed at before the server came up. */
    public static TestVigil start(Path data, String jdbcUrl, String yaml, int port) {
        java.util.Objects.requireNonNull(data, "data directory"); // never fall back to ./vigil-data in tests
        VigilConfig parsed = ConfigLoader.parse("test.yaml", yaml);
        VigilConfig config = parsed.withServer(new VigilConfig.Server(port, "127.0.0.1", data, jdbcUrl));
        return new TestVigil(config, Map.of("VIGIL_ADMIN_KEY", ADMIN, "VIGIL_OPERATOR_KEY", OPERATOR, "VIGIL_AGENT_KEY", AGENT));
    }

    public static TestVigil startWithEnv(VigilConfig config, Map<String, String> env) {
        return new TestVigil(config, env);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    public Response post(String path, String key, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (key != null) b.header("Authorization", "Bearer " + key);
        return send(b.build());
    }

    public Response postEvents(String body) {
        return post("/v1/events", AGENT, "application/json", body);
    }

    public Response get(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).GET();
        if (key != null) b.header("Authorization", "Bearer " + key);
        return send(b.build());
    }

    public Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Incidents matching a query string such as {@code ?rule=tool-loop}, newest first. */
    public java.util.List<JsonNode> incidents(String query) {
        Response r = get("/v1/incidents" + query, OPERATOR);
        if (r.status() != 200) throw new AssertionError(r.toString());
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        r.json().get("incidents").forEach(out::add);
        return out;
    }

    /** Posts events (JSON array text) and insists they were all accepted. */
    public void accept(String events) {
        Response r = postEvents(events);
        if (r.status() != 202 || !r.json().get("rejected").isEmpty()) throw new AssertionError(r.toString());
    }

    public record Response(int status, String body, HttpHeaders headers) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
