package dev.vigil.drill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A running Vigil: real time, and every injected event is marked as drill traffic so nobody is paged. */
final class RemoteTarget implements Target {
    private final String url;
    private final String key;
    private final HttpClient http = HttpClient.newHttpClient();

    RemoteTarget(String url, String key) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.key = key;
    }

    @Override
    public int post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).POST(HttpRequest.BodyPublishers.ofString(body))).statusCode();
    }

    @Override
    public JsonNode get(String path) {
        try {
            return Json.MAPPER.readTree(send(HttpRequest.newBuilder(URI.create(url + path)).GET()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void advance(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis()); // a running server has the real clock
    }

    @Override
    public boolean failChannel(int n) {
        return false;
    }

    @Override
    public boolean embedded() {
        return false;
    }

    @Override
    public void close() {}
}
