package dev.vigil.sdk;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;

/** The server as the sender and the control streams reach it: the shared client, the base URL and the key. */
record Endpoint(HttpClient http, Config config) {
    /** A request to {@code path} with the key; {@code timeout} applies unless the caller streams. */
    HttpRequest.Builder request(String path, boolean timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(config.base().resolve(config.base().getPath() + path))
                .header("Authorization", "Bearer " + config.key());
        return timeout ? b.timeout(config.requestTimeout()) : b;
    }
}
