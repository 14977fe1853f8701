package dev.vigil.notify;

/**
 * The outcome of one delivery attempt.
 *
 * @param recoverable for a failure: worth retrying (timeouts, 5xx, 429) rather than not (4xx, bad config)
 * @param reference   for tickets: the ticket's id or URL
 */
public record Delivery(boolean ok, boolean recoverable, String detail, String reference) {
    public static Delivery delivered(String detail) {
        return new Delivery(true, false, detail, null);
    }

    public static Delivery ticket(String reference) {
        return new Delivery(true, false, "ticket " + reference, reference);
    }

    public static Delivery retry(String detail) {
        return new Delivery(false, true, detail, null);
    }

    public static Delivery fail(String detail) {
        return new Delivery(false, false, detail, null);
    }
}
