package dev.vigil.ingest;

import dev.vigil.store.StorageException;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * A request refused as a whole; nothing in it was stored.
 *
 * @param retryAfterSeconds for 429 and 503: when to try again; otherwise 0
 * @param rejected          for 400 when every event was invalid: each one's error
 */
public final class IngestException extends RuntimeException {
    private final int status;
    private final long retryAfterSeconds;
    private final List<IngestResult.Rejection> rejected;

    public IngestException(int status, String message) {
        this(status, message, 0, List.of());
    }

    public IngestException(int status, String message, long retryAfterSeconds, List<IngestResult.Rejection> rejected) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.rejected = rejected;
    }

    /**
     * The answer to a request whose commit failed (the future of {@link IngestService#ingest}
     * completed exceptionally): nothing of it is stored, so 503 and the client may retry.
     */
    public static IngestException commitFailed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String message = cause instanceof StorageException ? cause.getMessage() : "the event log could not commit";
        return new IngestException(503, message, 1, List.of());
    }

    public int status() {
        return status;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public List<IngestResult.Rejection> rejected() {
        return rejected;
    }
}
