package dev.vigil.detect;

import dev.vigil.event.Event;
import dev.vigil.rule.Rule;
import java.time.Instant;
import java.util.Map;

/**
 * A rule fired for one group: what the incident stage turns into a new or updated incident.
 *
 * @param group       the group's field values, in {@code group_by} order
 * @param fingerprint rule id plus group values: one open incident per fingerprint
 * @param trigger     the event that made the rule fire (for {@code absent}: the last one seen)
 * @param reason      what was observed, e.g. "3 matching events within 5m"
 * @param since       when what the rule detects became true, which detection latency is measured
 *                    from: the trigger's arrival, or for {@code absent} the deadline that passed
 *                    (the silence itself is not latency)
 */
public record Signal(Rule rule, Map<String, String> group, String fingerprint, Event trigger, String reason, Instant since) {
    /** A signal of an event that made the rule fire, detected since the event arrived. */
    public Signal(Rule rule, Map<String, String> group, String fingerprint, Event trigger, String reason) {
        this(rule, group, fingerprint, trigger, reason, trigger.receivedAt());
    }
}
