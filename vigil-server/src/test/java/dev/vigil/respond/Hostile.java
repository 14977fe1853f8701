package dev.vigil.respond;

import dev.vigil.incident.Incident;
import dev.vigil.notify.Notification;
import dev.vigil.rule.Category;
import dev.vigil.rule.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An incident whose outside strings attack the markup of the channels it reaches. */
final class Hostile {
    /** Pings a whole Slack channel and shows a disguised link, unless escaped. */
    static final String AGENT = "<!channel> <https://evil.example|click me>";
    /** Runs script wherever a ticket's title is rendered as HTML, unless escaped. */
    static final String TITLE = "<img src=x onerror=window.__x=2>";
    static final Instant T = Instant.parse("2026-11-29T04:00:00Z");
    static final String LINK = "http://vigil.example/#/incidents/inc-1";

    static Incident incident(String agent, String title, String detail) {
        return new Incident("inc-1", "hostile:agent=" + agent, "hostile", title, Severity.CRITICAL, Category.SECURITY, agent,
                Map.of("agent", agent), Incident.Status.OPEN, 2, T, T.plusSeconds(5), T.plusSeconds(6), 5, 5, Map.of(), false, false,
                List.of(), List.of(new Incident.TimelineEntry(T, Incident.TimelineEntry.Type.DETECTED, "vigil", detail)), null, false, null);
    }

    static Incident incident() {
        return incident(AGENT, TITLE, "*bold* [x](https://evil.example) & more");
    }

    static Notification trigger(Incident i) {
        return Notification.incident("triggered", i, LINK);
    }

    static Notification ticket(Incident i) {
        return new Notification(Notification.Kind.TICKET, "triggered", i, LINK, List.of());
    }

    private Hostile() {}
}
