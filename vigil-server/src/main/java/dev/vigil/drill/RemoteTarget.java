package dev.vigil.drill;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;

/** A running Vigil: real time, and every injected event is marked as drill traffic so nobody is paged. */
final class RemoteTarget extends HttpTarget {
    RemoteTarget(String url, String key) {
        super(() -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url, key);
    }

    @Override
    public void advance(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis()); // a running server has the real clock
    }

    /** A running server gives no sign that it is done: a moment for ingest, detection and response to catch up. */
    @Override
    public void settle() throws InterruptedException {
        Thread.sleep(50);
    }

    /** The server's clock ({@code time} of {@code GET /healthz}); this machine's when the server does not say. */
    @Override
    public Instant now() {
        try {
            JsonNode time = ask("/healthz").json();
            if (time != null && time.path("time").isTextual()) return Instant.parse(time.get("time").textValue());
        } catch (RuntimeException e) {
            // an older server, or a proxy in between: this machine's clock will do
        }
        return Instant.now();
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
