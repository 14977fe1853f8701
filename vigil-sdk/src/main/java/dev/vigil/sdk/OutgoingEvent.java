package dev.vigil.sdk;

/**
 * An event the sender has taken from the buffer, with the id it was given then. The id travels
 * with the event through every attempt and every split of its batch, so an event that reached the
 * server on an attempt whose answer was lost is stored once (the server ignores ids it already has
 * for the agent). Giving the id here rather than at record time keeps the agent's thread free of
 * the random numbers and formatting.
 */
record OutgoingEvent(String id, EventRecord event) {
    static OutgoingEvent of(EventRecord event) {
        return new OutgoingEvent(Uuid7.next(event.tsMillis()), event);
    }
}
