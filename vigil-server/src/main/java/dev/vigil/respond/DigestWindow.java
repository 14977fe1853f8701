package dev.vigil.respond;

import java.time.Duration;
import java.time.Instant;

/**
 * A window of a batch interval, [{@code start}, {@code end}), aligned to the epoch: the incidents
 * batched in it share one digest and one place in the review queue.
 */
public record DigestWindow(Instant start, Instant end) {
    public static DigestWindow of(Instant t, Duration every) {
        long start = Math.floorDiv(t.toEpochMilli(), every.toMillis()) * every.toMillis();
        return new DigestWindow(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + every.toMillis()));
    }
}
