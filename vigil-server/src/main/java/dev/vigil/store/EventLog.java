package dev.vigil.store;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The durable log of accepted events. */
public interface EventLog extends AutoCloseable {

    /**
     * Queues rows to be committed. The future completes once they are durably stored (or were
     * already stored under the same agent and id) and fails if the commit failed.
     *
     * @throws OverloadedException at once, without queueing, when the commit queue is full
     */
    CompletableFuture<AppendResult> append(List<EventRow> rows);

    /** Events matching the query, newest first. */
    EventPage query(EventQuery query);

    /** Deletes events with {@code ts} before the cutoff; returns how many. */
    long pruneBefore(Instant cutoff);

    @Override
    void close();

    /** @param stored rows newly written; the rest of the request were duplicates */
    record AppendResult(int stored, int duplicates) {}

    /** Thrown when more events are waiting to be committed than the queue holds. */
    final class OverloadedException extends RuntimeException {
        public OverloadedException(String message) {
            super(message, null, false, false);
        }
    }
}
