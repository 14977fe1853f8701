package dev.vigil.event;

/** An event failed validation; the message names the field and the reason. */
public final class InvalidEventException extends Exception {
    /** Why, in a word, for metrics such as {@code vigil_events_rejected_total{reason}}. */
    public enum Cause { INVALID, TOO_OLD }

    private final String field;
    private final Cause cause;

    public InvalidEventException(String field, String reason) {
        this(field, reason, Cause.INVALID);
    }

    public InvalidEventException(String field, String reason, Cause cause) {
        // No stack trace: rejections are routine input errors on the ingest hot path.
        super(field + ": " + reason, null, false, false);
        this.field = field;
        this.cause = cause;
    }

    public String field() {
        return field;
    }

    public Cause rejection() {
        return cause;
    }
}
