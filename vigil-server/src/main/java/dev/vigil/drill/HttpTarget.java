package dev.vigil.drill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/** Talking to a Vigil over its API with a key: what the embedded and the remote target share. */
abstract class HttpTarget implements Target {
    private final Supplier<String> baseUrl;
    private final String key;
    private final HttpClient http = HttpClient.newHttpClient();

    /** @param baseUrl read on each request: an embedded server's port is known only once it runs */
    HttpTarget(Supplier<String> baseUrl, String key) {
        this.baseUrl = baseUrl;
        this.key = key;
    }

    @Override
    public int post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl.get() + path)).POST(HttpRequest.BodyPublishers.ofString(body))).statusCode();
    }

    @Override
    public JsonNode get(String path) {
        try {
            return Json.MAPPER.readTree(send(HttpRequest.newBuilder(URI.create(baseUrl.get() + path)).GET()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A GET's status and body (its JSON, or null when it is not JSON). */
    record Answer(int status, String body, JsonNode json) {}

    Answer ask(String path) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(baseUrl.get() + path)).GET());
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            json = null;
        }
        return new Answer(r.statusCode(), r.body(), json);
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
}
