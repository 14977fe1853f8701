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

    /** Events accepted but not yet committed: how far commits are behind. */
    int backlog();

    /** The position of the latest stored event; 0 for an empty log. */
    long lastSeq();

    /** The position of the first stored event with {@code ts} at or after {@code t}, or {@link #lastSeq()} + 1 if none. */
    long firstSeqAt(Instant t);

    /** Up to {@code limit} stored events after position {@code afterSeq}, in log order. */
    List<Stored> read(long afterSeq, int limit);

    /** How far detection got, as last recorded by {@link #detected}; empty for a log detection never recorded on. */
    java.util.Optional<Position> detectedUpTo();

    /** Records that every event up to {@code seq} was detected on, and what it raised responded to. */
    void detected(Position position);

    @Override
    void close();

    /** One commit's newly stored events, in log order; {@code upTo} is the position of the last of them. */
    record Committed(List<dev.vigil.event.Event> events, long upTo) {}

    /** An event as stored, at its position in the log. */
    record Stored(long seq, dev.vigil.event.Event event) {}

    /** A position in the log and when it was recorded. */
    record Position(long seq, Instant at) {}

    /** @param stored rows newly written; the rest of the request were duplicates */
    record AppendResult(int stored, int duplicates) {}

    /** Thrown when more events are waiting to be committed than the queue holds. */
    final class OverloadedException extends RuntimeException {
        public OverloadedException(String message) {
            super(message, null, false, false);
        }
    }
}
