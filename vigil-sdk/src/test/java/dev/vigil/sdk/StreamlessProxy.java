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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reverse proxy in front of a real server that refuses server-sent-event streams with 503 (as a
 * proxy that buffers responses would break them) and passes every other request through.
 */
final class StreamlessProxy implements AutoCloseable {
    final AtomicInteger refusedStreams = new AtomicInteger();
    final AtomicInteger polls = new AtomicInteger();
    private final HttpServer proxy;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String target;

    StreamlessProxy(String target) {
        this.target = target;
        try {
            proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        proxy.createContext("/", this::handle);
        proxy.start();
    }

    String url() {
        return "http://127.0.0.1:" + proxy.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().toString();
        try (exchange) {
            if (path.endsWith("/control/stream")) {
                refusedStreams.incrementAndGet();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            if (path.endsWith("/control")) polls.incrementAndGet();
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + path))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
            for (String header : new String[] {"Authorization", "Content-Type"}) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) forward.header(header, value);
            }
            HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            exchange.getResponseBody().write(answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        proxy.stop(0);
        http.close();
    }
}
