package dev.vigil.respond;

/** Where people read what a notification is about: this server's pages, at {@code base} (its public URL). */
public record Links(String base) {
    public Links {
        if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    }

    public String incident(String id) {
        return base + "/v1/incidents/" + id;
    }

    public String reviewQueue() {
        return base + "/v1/review";
    }
}
