package dev.vigil.respond;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.VigilConfig;
import dev.vigil.detect.Signal;
import dev.vigil.event.Event;
import dev.vigil.event.EventLimits;
import dev.vigil.event.EventParser;
import dev.vigil.event.InvalidEventException;
import dev.vigil.incident.IncidentManager;
import dev.vigil.json.Json;
import dev.vigil.rule.Rule;
import dev.vigil.rule.RuleParser;
import dev.vigil.time.Durations;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The response system watching itself: checked every {@code meta.check_every}, when the p99 of
 * detection latency or the number of deliveries given up for good over {@code meta.window} pass
 * their thresholds, Vigil opens an incident about itself (agent {@code vigil}, one per check)
 * and its playbook notifies every channel.
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

    private final ResponseStats stats;
    private final Outbox outbox;
    private final IncidentManager incidents;
    private final VigilConfig.Meta meta;
    private final Clock clock;
    private final EventParser parser;

    public SelfMonitor(ResponseStats stats, Outbox outbox, IncidentManager incidents, VigilConfig.Meta meta, Clock clock) {
        this.stats = stats;
        this.outbox = outbox;
        this.incidents = incidents;
        this.meta = meta;
        this.clock = clock;
        this.parser = new EventParser(clock, EventLimits.defaults());
    }

    public void check() {
        Instant since = clock.instant().minus(meta.window());
        Object p99 = ((Map<?, ?>) stats.since(since).get("detection_latency_ms")).get("p99");
        if (p99 instanceof Number n && n.longValue() > meta.detectionLatencyP99().toMillis()) {
            raise("detection_latency", n.longValue(), "detection latency p99 " + n.longValue() + " ms above "
                    + Durations.format(meta.detectionLatencyP99()) + " over the last " + Durations.format(meta.window()));
        }
        long failures = outbox.createdSince(since).stream().filter(e -> "failed".equals(e.status()) && e.channel() != null).count();
        if (failures >= meta.channelFailures()) {
            raise("channel_failures", failures, failures + " deliveries given up in the last " + Durations.format(meta.window())
                    + " (threshold " + meta.channelFailures() + ")");
        }
    }

    private void raise(String check, long value, String reason) {
        ObjectNode event = Json.MAPPER.createObjectNode().put("agent", "vigil").put("kind", "metric");
        event.putObject("attrs").put("check", check).put("value", value);
        Event e;
        try {
            e = parser.parse(event);
        } catch (InvalidEventException impossible) {
            throw new IllegalStateException(impossible);
        }
        Map<String, String> group = new LinkedHashMap<>();
        group.put("agent", "vigil");
        group.put("attrs.check", check);
        incidents.onSignal(new Signal(RULE, group, RULE.id() + ":agent=vigil,attrs.check=" + check, e, reason));
        incidents.flush();
    }
}
