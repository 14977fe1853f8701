package dev.vigil.sdk;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/**
 * The server as one {@link Vigil} instance reaches it: the client, the base URL and the key, and a
 * mapper for reading its answers. Immutable; the client and the mapper are thread-safe.
 */
record Endpoint(HttpClient http, Config config, ObjectMapper json) {
    /** A request to {@code path} with the key; {@code timeout} applies unless the caller streams. */
    HttpRequest.Builder request(String path, boolean timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(config.base().resolve(config.base().getPath() + path))
                .header("Authorization", "Bearer " + config.key());
        return timeout ? b.timeout(config.requestTimeout()) : b;
    }

    /** The path of an agent's resource, its id encoded. */
    static String agentPath(String agent, String rest) {
        return "/v1/agents/" + URLEncoder.encode(agent, StandardCharsets.UTF_8).replace("+", "%20") + rest;
    }
}
