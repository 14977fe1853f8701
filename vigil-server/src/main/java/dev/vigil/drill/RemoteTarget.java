package dev.vigil.drill;

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

    @Override
    public Instant now() {
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
