package dev.vigil.detect;

import dev.vigil.event.Event;
import dev.vigil.rule.Rule;
import java.util.Map;

/**
 * A rule fired for one group: what the incident stage turns into a new or updated incident.
 *
 * @param group       the group's field values, in {@code group_by} order
 * @param fingerprint rule id plus group values: one open incident per fingerprint
 * @param trigger     the event that made the rule fire (for {@code absent}: the last one seen)
 * @param reason      what was observed, e.g. "3 matching events within 5m"
 */
public record Signal(Rule rule, Map<String, String> group, String fingerprint, Event trigger, String reason) {}
