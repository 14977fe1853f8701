package dev.vigil.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.VigilConfig;
import dev.vigil.detect.Signal;
import dev.vigil.event.Event;
import dev.vigil.event.EventLimits;
import dev.vigil.event.EventParser;
import dev.vigil.event.InvalidEventException;
import dev.vigil.config.Json;
import dev.vigil.incident.Incident;
import dev.vigil.respond.Outbox;
import dev.vigil.respond.OutboxEntry;
import dev.vigil.rule.Rule;
import dev.vigil.rule.RuleParser;
import dev.vigil.time.Durations;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The response system watching itself: checked every {@code meta.check_every}, when the p99 of
 * detection latency or the number of deliveries given up for good over {@code meta.window} pass
 * their thresholds, it raises a signal of its built-in rule about Vigil itself (agent
 * {@code vigil}, one group per check). The signals go the way of every other: through the
 * detection thread to the incident stage, so the incident is deduplicated, and its playbook
 * notifies every channel.
 *
 * <p>A page refused for good does not wait for a check: {@link #pageRefused} raises an incident
 * of {@link #PAGE_REFUSED} (critical, one per paging channel while open) at once. Its group names
 * the channel, and the planner sends it to every other channel: the one that refused is the
 * problem.
 */
public final class SelfMonitor {
    /** The built-in rule of these incidents; it matches no event, only this monitor raises it. */
    public static final Rule RULE = RuleParser.parse("builtin", """
            rules:
              - id: vigil-self-monitoring
                title: Vigil's own response is degraded
                severity: high
                category: performance
                match: "false"
                group_by: [agent, attrs.check]
                playbook: [{notify: {}}]
                example: Detection latency p99 climbs to 45 s while the database is overloaded, or a webhook keeps refusing deliveries.
                runbook: |
                  Vigil itself is slow to detect or failing to deliver. Check the server's log, its /metrics
                  (vigil_detection_latency_seconds, vigil_actions_total{outcome="failed"}), the database, and
                  the failing channel's configuration and endpoint. Incidents may be reaching nobody meanwhile.
            """).rules().get(0);

    /** The built-in rule of refused pages; grouped by the channel that refused, raised only by {@link #pageRefused}. */
    public static final Rule PAGE_REFUSED = RuleParser.parse("builtin", """
            rules:
              - id: vigil-page-refused
                title: A page could not be delivered
                severity: critical
                category: performance
                match: "false"
                group_by: [agent, attrs.channel]
                playbook: [{notify: {}}]
                example: PagerDuty answers 400 to a critical page (a revoked routing key, a field over its limit); nobody is paged.
                runbook: |
                  A paging channel refused a notification for good, so the incident it was about paged nobody. Open that
                  incident (linked in the evidence) and handle it by hand, then fix the channel: the server's log and the
                  incident's timeline have the refusal (routing key, URL, the answer's text).
            """).rules().get(0);

    private final ResponseStats stats;
    private final Outbox outbox;
    private final VigilConfig.Meta meta;
    private final Clock clock;
    private final EventParser parser;
    /** When the next check is due; guarded by this. */
    private Instant nextCheck;

    public SelfMonitor(ResponseStats stats, Outbox outbox, VigilConfig.Meta meta, Clock clock) {
        this.stats = stats;
        this.outbox = outbox;
        this.meta = meta;
        this.clock = clock;
        this.parser = new EventParser(clock, EventLimits.defaults());
    }

    /** The checks that fail, when a check is due on the clock ({@code meta.check_every} after the last); else none. */
    public synchronized List<Signal> checkIfDue() {
        Instant now = clock.instant();
        if (nextCheck != null && now.isBefore(nextCheck)) return List.of();
        nextCheck = now.plus(meta.checkEvery());
        return check();
    }

    /** The checks that fail now, as signals of {@link #RULE}. */
    public List<Signal> check() {
        Instant since = clock.instant().minus(meta.window());
        List<Signal> signals = new ArrayList<>();
        Long p99 = stats.since(since).detectionLatencyMs().p99();
        if (p99 != null && p99 > meta.detectionLatencyP99().toMillis()) {
            signals.add(signal("detection_latency", p99, "detection latency p99 " + p99 + " ms above "
                    + Durations.format(meta.detectionLatencyP99()) + " over the last " + Durations.format(meta.window())));
        }
        // A channel failing for minutes: its pages wait (they are retried for hours), so say so on the other channels.
        outbox.failingChannels(clock.instant().minus(meta.channelFailingAfter())).forEach((channel, error) -> signals.add(
                signal("channel_failing", channel, 1, channel + " has been failing for more than " + Durations.format(meta.channelFailingAfter())
                        + "; its deliveries are retried: " + error)));
        long failures = outbox.createdSince(since).stream().filter(e -> e.status() == OutboxEntry.Status.FAILED && e.channel() != null).count();
        if (failures >= meta.channelFailures()) {
            signals.add(signal("channel_failures", failures, failures + " deliveries given up in the last " + Durations.format(meta.window())
                    + " (threshold " + meta.channelFailures() + ")"));
        }
        return signals;
    }

    /** A signal of {@link #PAGE_REFUSED}: {@code channel} refused for good to page about {@code incident}. */
    public Signal pageRefused(String channel, Incident incident, String error) {
        ObjectNode event = Json.MAPPER.createObjectNode().put("agent", "vigil").put("kind", "metric");
        event.putObject("attrs").put("channel", channel).put("incident", incident.id()).put("error", error);
        Map<String, String> group = new LinkedHashMap<>();
        group.put("agent", "vigil");
        group.put("attrs.channel", channel);
        return new Signal(PAGE_REFUSED, group, PAGE_REFUSED.id() + ":agent=vigil,attrs.channel=" + channel, parse(event),
                channel + " refused for good to page about incident " + incident.id() + " (" + incident.title() + "): " + error);
    }

    private Event parse(ObjectNode event) {
        try {
            return parser.parse(event);
        } catch (InvalidEventException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private Signal signal(String check, long value, String reason) {
        return signal(check, null, value, reason);
    }

    /** @param channel the channel the check is about, which the incident's notifications leave out; null for none */
    private Signal signal(String check, String channel, long value, String reason) {
        ObjectNode event = Json.MAPPER.createObjectNode().put("agent", "vigil").put("kind", "metric");
        ObjectNode attrs = event.putObject("attrs").put("check", check).put("value", value);
        Map<String, String> group = new LinkedHashMap<>();
        group.put("agent", "vigil");
        group.put("attrs.check", check);
        String fingerprint = RULE.id() + ":agent=vigil,attrs.check=" + check;
        if (channel != null) {
            attrs.put("channel", channel);
            group.put("attrs.channel", channel);
            fingerprint += ",attrs.channel=" + channel;
        }
        return new Signal(RULE, group, fingerprint, parse(event), reason);
    }
}
