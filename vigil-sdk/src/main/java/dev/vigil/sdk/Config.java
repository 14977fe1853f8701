package dev.vigil.sdk;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/** The settings of one {@link Vigil} instance, validated by its builder. */
record Config(URI base, String key, int bufferCapacity, int batchSize, Duration flushInterval,
              Duration minBackoff, Duration maxBackoff, Duration closeTimeout, Duration pollInterval,
              Duration requestTimeout, Clock clock) {
}
