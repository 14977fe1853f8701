package dev.vigil.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.auth.Credentials;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.json.Json;
import dev.vigil.server.VigilServer;
import dev.vigil.time.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A fresh Vigil for one drill case: its own database in a temporary directory, a virtual clock,
 * and a drill channel (a webhook to a receiver in this process) that can be told to fail.
 */
final class EmbeddedTarget implements Target {
    static final Instant START = Instant.parse("2026-01-05T09:00:00Z");

    private final Path data;
    private final HttpServer receiver;
    private final AtomicInteger failures = new AtomicInteger();
    private final ManualClock clock = new ManualClock(START);
    private final VigilServer server;
    private final String key = Credentials.newKey("drill");
    private final HttpClient http = HttpClient.newHttpClient();

    EmbeddedTarget(List<JsonNode> agents) {
        try {
            data = Files.createTempDirectory("vigil-drill");
            receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            int status = failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 202;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        ArrayNode agentList = Json.MAPPER.createArrayNode();
        agents.forEach(agentList::add);
        String yaml = """
                channels:
                  drill: {type: webhook, url: "http://127.0.0.1:%d/drill", drill: true}
                response:
                  action_backoff: 1s
                detection:
                  watch_rules: false
                agents: %s
                """.formatted(receiver.getAddress().getPort(), agentList);
        VigilConfig config = ConfigLoader.parse("drill", yaml)
                .withServer(new VigilConfig.Server(0, "127.0.0.1", data, null));
        server = VigilServer.start(config, clock, Map.of("VIGIL_ADMIN_KEY", key));
    }

    @Override
    public int post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))).statusCode();
    }

    @Override
    public JsonNode get(String path) {
        try {
            return Json.MAPPER.readTree(send(HttpRequest.newBuilder(uri(path)).GET()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void advance(Duration d) {
        clock.advance(d);
    }

    @Override
    public boolean failChannel(int n) {
        failures.set(n);
        return true;
    }

    @Override
    public boolean embedded() {
        return true;
    }

    @Override
    public void close() {
        server.close();
        receiver.stop(0);
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
