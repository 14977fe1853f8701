package dev.vigil.notify;

import dev.vigil.incident.Incident;
import java.util.ArrayList;
import java.util.List;

/**
 * What a channel delivers: an incident's transition ({@code triggered}, {@code acknowledged},
 * {@code resolved}), a ticket for it, or a digest of review-queue incidents. Its texts are
 * rendered in the channel's {@link Markup}: everything an agent or a rule file wrote goes through
 * {@link Markup#text}.
 *
 * @param link       where a human reads it: the dashboard's page for the incident, or the review queue
 * @param digest     for {@code kind == DIGEST}: the batch's incidents
 * @param delivery   the idempotency key of this delivery (its outbox entry): the same on every attempt and
 *                   after a restart, so a receiver that keeps it can drop a duplicate; null outside the outbox
 */
public record Notification(Kind kind, String transition, Incident incident, String link, List<Incident> digest, String delivery) {
    public enum Kind { INCIDENT, TICKET, DIGEST }

    public Notification(Kind kind, String transition, Incident incident, String link, List<Incident> digest) {
        this(kind, transition, incident, link, digest, null);
    }

    public static Notification incident(String transition, Incident incident, String link) {
        return new Notification(Kind.INCIDENT, transition, incident, link, List.of());
    }

    /** The same notification as the delivery {@code id} of the outbox. */
    public Notification as(String id) {
        return new Notification(kind, transition, incident, link, digest, id);
    }

    /** The headline as plain text, on one line. */
    public String headline() {
        return Escape.line(headline(Markup.PLAIN));
    }

    /** A one-line summary, e.g. {@code [CRITICAL] billing-bot: Agent called a tool outside its allow-list}. */
    public String headline(Markup m) {
        if (kind == Kind.DIGEST) return "Vigil review queue: " + digest.size() + " incident" + (digest.size() == 1 ? "" : "s") + " to review";
        return prefix() + "[" + incident.severity().wire().toUpperCase() + "] " + m.text(incident.agent()) + ": " + m.text(incident.title());
    }

    /** {@code ACKNOWLEDGED: } or {@code RESOLVED: } before a later transition's headline; nothing for a trigger or a ticket. */
    private String prefix() {
        return "triggered".equals(transition) || kind == Kind.TICKET ? "" : transition.toUpperCase() + ": ";
    }

    /** The body as plain text. */
    public String body() {
        return body(Markup.PLAIN);
    }

    /** Several lines for a human: what happened, where, how often, and the link. */
    public String body(Markup m) {
        List<String> lines = new ArrayList<>();
        if (kind == Kind.DIGEST) {
            for (Incident i : digest) {
                lines.add("- [" + i.severity().wire() + "] " + m.text(i.agent()) + ": " + m.text(i.title())
                        + " (" + m.text(i.rule()) + ", " + i.count() + "x)");
            }
        } else {
            lines.addAll(details(m));
        }
        lines.add(m.link(link, kind == Kind.DIGEST ? "Open the review queue" : "Open the incident in Vigil"));
        return m.lines(lines);
    }

    /** The incident's details, one per line, without the link: rule, agent, what happened, counts, status. */
    public List<String> details(Markup m) {
        return List.of(
                "Rule: " + m.text(incident.rule()) + " (" + incident.category().wire() + ")",
                "Agent: " + m.text(incident.agent()),
                "What happened: " + whatHappened(m),
                "Seen: " + incident.count() + "x, first " + incident.firstSeen() + ", last " + incident.lastSeen(),
                "Status: " + incident.status().wire());
    }

    /** The detection's own words (the first timeline entry). */
    public String whatHappened(Markup m) {
        return m.text(incident.timeline().isEmpty() ? "" : incident.timeline().get(0).detail());
    }
}
