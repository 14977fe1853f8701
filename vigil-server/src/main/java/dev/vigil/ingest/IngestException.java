package dev.vigil.ingest;

import java.util.List;

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
