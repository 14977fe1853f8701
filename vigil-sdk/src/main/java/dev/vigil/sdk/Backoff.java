package dev.vigil.sdk;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter, for one thread: {@code min}, doubling up to {@code max}; each
 * wait is drawn from its upper half, so many agents that lost the server at the same moment do
 * not come back at the same moment.
 */
final class Backoff {
    private final long minNanos;
    private final long maxNanos;
    private long current;

    Backoff(Duration min, Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.current = minNanos;
    }

    /** The next wait, in nanoseconds; each call doubles the following one. */
    long nextNanos() {
        long ceiling = current;
        current = Math.min(maxNanos, current > maxNanos / 2 ? maxNanos : current * 2);
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    /** After a success: the next failure waits {@code min} again. */
    void reset() {
        current = minNanos;
    }
}
