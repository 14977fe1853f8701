package dev.vigil.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A reverse proxy in front of a real server, for the failures a real server does not produce on
 * demand (a proxy that breaks streams or never answers, a lost answer, a server bug): each request
 * goes through unless the test's rule says otherwise.
 */
final class Proxy implements AutoCloseable {
    /** What the proxy does with one request. */
    enum Action {
        /** Forwards it and relays the server's answer. */
        FORWARD,
        /** Answers 503 without forwarding, as a proxy that buffers responses refuses server-sent events. */
        REFUSE,
        /** Answers 500 without forwarding, as a server failing on what it was sent. */
        FAIL,
        /** Forwards it (the server stores it) but answers 413: the server's answer is lost, and the client splits the batch. */
        STORE_AND_ANSWER_413,
        /** Never answers (until the proxy closes). */
        HANG
    }

    /** Decides for each request, given its path and body. */
    interface Rule {
        Action on(String path, String body);
    }

    private final HttpServer proxy;
    private final HttpClient http = HttpClient.newHttpClient();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final String target;
    private final Rule rule;

    Proxy(String target, Rule rule) {
        this.target = target;
        this.rule = rule;
        try {
            proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        proxy.createContext("/", this::handle);
        proxy.setExecutor(Executors.newVirtualThreadPerTaskExecutor()); // a hanging request must not hold up the others
        proxy.start();
    }

    String url() {
        return "http://127.0.0.1:" + proxy.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().toString();
        byte[] body = exchange.getRequestBody().readAllBytes();
        try (exchange) {
            switch (rule.on(path, new String(body, StandardCharsets.UTF_8))) {
                case FORWARD -> relay(exchange, forward(exchange, path, body));
                case REFUSE -> exchange.sendResponseHeaders(503, -1);
                case FAIL -> exchange.sendResponseHeaders(500, -1);
                case STORE_AND_ANSWER_413 -> {
                    forward(exchange, path, body);
                    exchange.sendResponseHeaders(413, -1);
                }
                case HANG -> closed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, String path, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + path))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (String header : new String[] {"Authorization", "Content-Type"}) {
            String value = exchange.getRequestHeaders().getFirst(header);
            if (value != null) forward.header(header, value);
        }
        return http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void relay(HttpExchange exchange, HttpResponse<byte[]> answer) throws IOException {
        answer.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
        exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
        exchange.getResponseBody().write(answer.body());
    }

    @Override
    public void close() {
        closed.countDown();
        proxy.stop(0);
        http.close();
    }
}
