package dev.vigil.notify;

import dev.vigil.incident.Incident;
import java.util.List;

/**
 * What a channel delivers: an incident's transition ({@code triggered}, {@code acknowledged},
 * {@code resolved}), a ticket for it, or a digest of review-queue incidents.
 *
 * @param link       where a human reads the incident
 * @param digest     for {@code kind == DIGEST}: the batch's incidents
 */
public record Notification(Kind kind, String transition, Incident incident, String link, List<Incident> digest) {
    public enum Kind { INCIDENT, TICKET, DIGEST }

    public static Notification incident(String transition, Incident incident, String link) {
        return new Notification(Kind.INCIDENT, transition, incident, link, List.of());
    }

    /** A one-line summary, e.g. {@code [CRITICAL] billing-bot: Agent called a tool outside its allow-list}. */
    public String headline() {
        if (kind == Kind.DIGEST) return "Vigil review queue: " + digest.size() + " incident" + (digest.size() == 1 ? "" : "s") + " to review";
        String prefix = "triggered".equals(transition) || kind == Kind.TICKET ? "" : transition.toUpperCase() + ": ";
        return prefix + "[" + incident.severity().wire().toUpperCase() + "] " + incident.agent() + ": " + incident.title();
    }

    /** Several lines for a human: what happened, where, how often, and the link. */
    public String body() {
        StringBuilder s = new StringBuilder();
        if (kind == Kind.DIGEST) {
            for (Incident i : digest) {
                s.append("- [").append(i.severity().wire()).append("] ").append(i.agent()).append(": ").append(i.title())
                        .append(" (").append(i.rule()).append(", ").append(i.count()).append("x)\n");
            }
            return s.append(link).toString();
        }
        s.append("Rule: ").append(incident.rule()).append(" (").append(incident.category().wire()).append(")\n");
        s.append("Agent: ").append(incident.agent()).append("\n");
        s.append("What happened: ").append(incident.timeline().get(0).detail()).append("\n");
        s.append("Seen: ").append(incident.count()).append("x, first ").append(incident.firstSeen())
                .append(", last ").append(incident.lastSeen()).append("\n");
        s.append("Status: ").append(incident.status().wire()).append("\n");
        return s.append(link).toString();
    }
}
