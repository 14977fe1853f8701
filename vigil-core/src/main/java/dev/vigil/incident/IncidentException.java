package dev.vigil.incident;

/** A lifecycle request that cannot be carried out: no such incident, or not in that state. */
public final class IncidentException extends RuntimeException {
    public enum Reason { NOT_FOUND, CONFLICT, INVALID }

    private final Reason reason;

    public IncidentException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
