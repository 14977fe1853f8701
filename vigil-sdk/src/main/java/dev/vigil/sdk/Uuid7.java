package dev.vigil.sdk;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Client-side event ids, UUID version 7 (a millisecond timestamp, then random bits) like the ids
 * the server assigns: an id is fixed before the first attempt, so a batch sent again after a lost
 * answer is stored once (the server ignores ids it has already stored for the agent), and ids
 * sort by time in the server's index.
 */
final class Uuid7 {
    private Uuid7() {}

    static String next(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
