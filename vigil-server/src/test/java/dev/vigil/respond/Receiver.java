package dev.vigil.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server standing in for Slack, PagerDuty, a webhook, Alertmanager or a ticket
 * system: it records every request and can be told to fail the next ones.
 */
final class Receiver implements AutoCloseable {
    record Request(String path, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError(body, e);
            }
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Requests answered with a failure (not recorded in {@link #requests}). */
    final AtomicInteger refused = new AtomicInteger();
    /** The requests answered with a failure, for what stays the same across retries (idempotency keys). */
    final List<Request> refusedRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 503;
    private volatile String answer = "{}";
    private final HttpServer server;

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status;
            byte[] out;
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                refused.incrementAndGet();
                refusedRequests.add(new Request(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
                status = failureStatus;
                out = (status == 503 ? "unavailable" : "refused").getBytes(StandardCharsets.UTF_8);
            } else {
                requests.add(new Request(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
                status = 202;
                out = answer.getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next {@code n} requests get 503 and are not recorded. */
    void failNext(int n) {
        failNext(n, 503);
    }

    /** The next {@code n} requests get {@code status} and are not recorded. */
    void failNext(int n, int status) {
        failureStatus = status;
        failuresLeft.set(n);
    }

    /** The JSON body of successful answers (a ticket system's created issue). */
    void answer(String json) {
        this.answer = json;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
