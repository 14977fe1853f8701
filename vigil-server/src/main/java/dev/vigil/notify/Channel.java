package dev.vigil.notify;

/**
 * A place notifications go. An integration only delivers and says whether a failure is worth
 * retrying; retries, backoff and once-only delivery are the outbox's job, written once.
 */
public interface Channel {
    String name();

    /** Pages a human (PagerDuty by default): high incidents notify only non-paging channels. */
    boolean paging();

    /** How long a failing delivery is retried; null: the response's default. */
    default java.time.Duration retryFor() {
        return null;
    }

    /** Receives notifications of drill incidents; no channel does unless configured. */
    boolean drill();

    /** Takes review-queue digests; alerting systems that model one alert per incident do not. */
    default boolean digests() {
        return !paging() && !tickets();
    }

    /** Can open tickets. */
    default boolean tickets() {
        return false;
    }

    /**
     * How often an open or acknowledged incident's alert is sent again, for receivers that end
     * alerts nobody re-sends (Alertmanager); null for channels that keep what they were told.
     */
    default java.time.Duration resendEvery() {
        return null;
    }

    Delivery deliver(Notification n);
}
