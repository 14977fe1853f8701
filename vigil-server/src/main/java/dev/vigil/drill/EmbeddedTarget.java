package dev.vigil.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.auth.Credentials;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.config.Json;
import dev.vigil.server.VigilServer;
import dev.vigil.time.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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
final class EmbeddedTarget extends HttpTarget {
    static final Instant START = Instant.parse("2026-01-05T09:00:00Z");

    private final Path data;
    private final HttpServer receiver;
    private final AtomicInteger failures;
    private final ManualClock clock;
    private final VigilServer server;

    EmbeddedTarget(List<JsonNode> agents) {
        this(agents, Credentials.newKey("drill"), new VigilServer[1]);
    }

    private EmbeddedTarget(List<JsonNode> agents, String key, VigilServer[] started) {
        super(() -> "http://127.0.0.1:" + started[0].port(), key);
        this.failures = new AtomicInteger();
        this.clock = new ManualClock(START);
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
        started[0] = server;
    }

    @Override
    public void advance(Duration d) throws InterruptedException {
        settle(); // what was sent before time passes is handled at the time it was sent
        clock.advance(d);
        settle();
    }

    @Override
    public void settle() throws InterruptedException {
        server.pipeline().awaitQuiet();
    }

    @Override
    public Instant now() {
        return clock.instant();
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
