package dev.vigil.sdk;

/**
 * Counters of one {@link Vigil} instance since it was created. Each figure is read atomically but
 * they are not a consistent snapshot of one instant.
 *
 * @param sent      events the server acknowledged (202), duplicates included
 * @param dropped   events discarded by the SDK: the oldest ones when the buffer was full, and
 *                  those still unsent when {@link Vigil#close()} gave up waiting
 * @param rejected  events the server refused for good (a 4xx other than 408, 413 and 429, or an
 *                  invalid event inside an accepted batch); the reason is logged
 * @param retries   send attempts repeated after a connection failure, 408, 429 or 5xx
 * @param requests  HTTP requests made to {@code POST /v1/events}, answered or not
 * @param buffered  events recorded and waiting in the buffer now
 */
public record VigilStats(long sent, long dropped, long rejected, long retries, long requests, long buffered) {}
