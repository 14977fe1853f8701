package dev.vigil.drill;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;

/** Where a drill runs: a fresh embedded Vigil on a virtual clock, or a running server. */
interface Target extends AutoCloseable {
    /** @return the HTTP status */
    int post(String path, String body);

    JsonNode get(String path);

    /** Lets time pass: the virtual clock moves at once when embedded; a running server needs real waiting. */
    void advance(Duration d) throws InterruptedException;

    /**
     * Waits until what was sent so far has had its effect: at once when embedded (the pipeline is
     * quiet), a moment of real time for a running server.
     */
    void settle() throws InterruptedException;

    /** The target's time: the virtual clock when embedded. */
    Instant now();

    /** The next {@code n} deliveries to the drill channel fail; false where the target cannot do that. */
    boolean failChannel(int n);

    /** True when the target has a virtual clock (minutes pass in milliseconds). */
    boolean embedded();

    @Override
    void close();
}
