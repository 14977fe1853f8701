package dev.vigil.incident;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.rule.Category;
import dev.vigil.rule.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An incident (DESIGN §5): one rule firing for one group, deduplicated by fingerprint while it
 * is not resolved. Immutable; the manager produces changed copies.
 *
 * @param evidence             copies of triggering events as stored: the first, then the most recent
 * @param detectionLatencyMs   detected_at minus when the condition became true: the first triggering event's
 *                             arrival at Vigil, or for an absence the deadline that passed
 * @param eventLagMs           detected_at minus the first triggering event's own timestamp
 * @param drill                raised by drill traffic (an event with {@code attrs.drill: true})
 * @param dryRun               raised by a rule with {@code dry_run: true}: recorded, not acted on
 * @param escalated            a failed automatic recovery moved it to the medium protocol
 * @param ticket               the id or URL of the ticket opened for it, if any
 */
public record Incident(
        String id,
        String fingerprint,
        String rule,
        String title,
        Severity severity,
        Category category,
        String agent,
        Map<String, String> group,
        Status status,
        long count,
        Instant firstSeen,
        Instant lastSeen,
        Instant detectedAt,
        long detectionLatencyMs,
        long eventLagMs,
        Map<String, String> labels,
        boolean drill,
        boolean dryRun,
        List<JsonNode> evidence,
        List<TimelineEntry> timeline,
        Feedback feedback,
        boolean escalated,
        String ticket) {

    public enum Status {
        OPEN, ACKNOWLEDGED, RESOLVED;

        @JsonValue
        public String wire() {
            return name().toLowerCase();
        }

        @JsonCreator
        public static Status fromWire(String name) {
            for (Status s : values()) if (s.wire().equals(name)) return s;
            return null;
        }
    }

    /** One thing that happened to the incident: detected, acknowledged, resolved, feedback, actions. */
    public record TimelineEntry(Instant at, Type type, String actor, String detail) {
        /** What kind of thing; code that reads a timeline matches these, never the prose of {@code detail}. */
        public enum Type {
            DETECTED, ACKNOWLEDGED, RESOLVED,
            /** Resolved by Vigil because the agent's answer to a retry directive was a success. */
            RECOVERED,
            ESCALATED, FEEDBACK, ACTION_SUCCEEDED, ACTION_FAILED, ACTION_SKIPPED,
            /** An automatic action undone: a pause resumed, telemetry back to normal. */
            REVERTED;

            @JsonValue
            public String wire() {
                return name().toLowerCase();
            }

            @JsonCreator
            public static Type fromWire(String name) {
                for (Type t : values()) if (t.wire().equals(name)) return t;
                // Incidents stored before these types existed said "action" for a skipped ticket.
                return "action".equals(name) ? ACTION_SKIPPED : null;
            }
        }
    }

    /** An operator's verdict on the incident. */
    public record Feedback(Verdict verdict, Severity severity, String note, String actor, Instant at) {}

    public enum Verdict {
        TRUE_POSITIVE, FALSE_POSITIVE;

        @JsonValue
        public String wire() {
            return name().toLowerCase();
        }

        @JsonCreator
        public static Verdict fromWire(String name) {
            for (Verdict v : values()) if (v.wire().equals(name)) return v;
            return null;
        }
    }

    public boolean active() {
        return status != Status.RESOLVED;
    }

    Incident with(Status status, long count, Instant lastSeen, List<JsonNode> evidence,
                  List<TimelineEntry> timeline, Feedback feedback) {
        return new Incident(id, fingerprint, rule, title, severity, category, agent, group, status, count, firstSeen,
                lastSeen, detectedAt, detectionLatencyMs, eventLagMs, labels, drill, dryRun, evidence, timeline, feedback,
                escalated, ticket);
    }

    Incident with(boolean escalated, String ticket) {
        return new Incident(id, fingerprint, rule, title, severity, category, agent, group, status, count, firstSeen,
                lastSeen, detectedAt, detectionLatencyMs, eventLagMs, labels, drill, dryRun, evidence, timeline, feedback,
                escalated, ticket);
    }
}
