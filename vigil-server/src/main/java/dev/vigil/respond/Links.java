package dev.vigil.respond;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where people read what a notification is about: the dashboard's pages, at {@code base} (this
 * server's public URL). The dashboard routes in the URL's hash ({@code web/js/app.js}), so these
 * links open the page behind the sign-in; the API's {@code /v1/...} would answer a browser with a
 * 401 in JSON.
 */
public record Links(String base) {
    public Links {
        if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    }

    /** The dashboard's page for the incident: {@code /#/incidents/<id>}. */
    public String incident(String id) {
        return base + "/#/incidents/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    /** The dashboard's review queue: {@code /#/review}. */
    public String reviewQueue() {
        return base + "/#/review";
    }

    /** The dashboard itself, for integrations that name their client (PagerDuty's {@code client_url}). */
    public String dashboard() {
        return base + "/";
    }
}
