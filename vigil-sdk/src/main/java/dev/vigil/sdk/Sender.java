package dev.vigil.sdk;

import java.time.Duration;

/** TODO: the sender thread. */
final class Sender {
    private final Config config;
    private final Endpoint endpoint;
    private final EventBuffer buffer;

    Sender(Config config, Endpoint endpoint, EventBuffer buffer) {
        this.config = config;
        this.endpoint = endpoint;
        this.buffer = buffer;
    }

    void start() {}

    VigilStats stats() {
        return new VigilStats(0, buffer.dropped(), 0, 0, 0, buffer.size());
    }

    boolean flush(Duration timeout) {
        return false;
    }

    void close() {}
}
