package dev.vigil.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.vigil.config.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's HTTP client: what the simulated agents and the simulated operator say to Vigil, over
 * the public API only. Answers Vigil refuses are kept in {@link #problems} (the newest
 * {@link #KEEP}) instead of being dropped silently, so a test can insist there were none.
 *
 * <p>Used from the one thread that drives the demo; {@link #problems} may be read from others.
 */
final class DemoClient {
    /** Enough to see what went wrong; the demo runs for hours, so the list must not grow without end. */
    private static final int KEEP = 20;

    private final String url;
    private final String key;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> problems = new ArrayList<>();
    private volatile long accepted;

    DemoClient(String url, String key) {
        this.url = url;
        this.key = key;
    }

    /** Posts a batch of events; every one must be accepted. */
    void events(ArrayNode batch) {
        if (batch.isEmpty()) return;
        JsonNode answer = send("POST", "/v1/events", batch.toString(), 202);
        accepted += answer.path("accepted").asLong();
        if (answer.path("rejected").size() > 0) problem("POST /v1/events rejected " + answer.get("rejected"));
    }

    /** GET a JSON document; an empty object when Vigil did not answer with it. */
    JsonNode get(String path) {
        return send("GET", path, null, 200);
    }

    /** POST a JSON body to an operator endpoint; false (and a problem) unless Vigil answered 2xx. */
    boolean post(String path, String body) {
        return !send("POST", path, body, 200).isMissingNode();
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Events Vigil accepted from the demo so far. */
    long accepted() {
        return accepted;
    }

    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    private JsonNode send(String method, String path, String body, int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + key);
        if (body != null) request.header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != expected / 100) {
                problem(method + " " + path + " answered " + r.statusCode() + " " + r.body());
                return Json.MAPPER.missingNode();
            }
            return r.body().isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            problem(method + " " + path + ": " + e); // the demo server is stopping, or was never reached
            return Json.MAPPER.missingNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Json.MAPPER.missingNode();
        }
    }

    private synchronized void problem(String what) {
        if (problems.size() == KEEP) problems.remove(0);
        problems.add(what);
    }
}
