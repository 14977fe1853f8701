package dev.vigil.event;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids for events that arrive without one: UUID version 7 (a millisecond timestamp followed by
 * random bits), so ids assigned at ingest sort by arrival and append to the log's id index
 * instead of scattering across it.
 */
public final class EventIds {
    private EventIds() {}

    public static String next(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
