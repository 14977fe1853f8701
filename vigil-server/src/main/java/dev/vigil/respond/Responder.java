package dev.vigil.respond;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.control.ControlDocument;
import dev.vigil.control.ControlPlane;
import dev.vigil.control.FleetStats;
import dev.vigil.event.Event;
import dev.vigil.event.EventIds;
import dev.vigil.event.Kind;
import dev.vigil.event.Status;
import dev.vigil.incident.Incident;
import dev.vigil.incident.IncidentManager;
import dev.vigil.json.Json;
import dev.vigil.notify.Channel;
import dev.vigil.notify.Channels;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.Notification;
import dev.vigil.rule.Rule;
import dev.vigil.rule.Severity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response stage (DESIGN §5): runs the playbook of each new incident, follows its
 * transitions to the channels it notified, and runs the retry protocol.
 *
 * <p>Every action is planned as an outbox entry, then run by the {@link ActionRunner}: pausing,
 * notifying, ticketing. Control-plane changes that are part of planning (a retry directive,
 * raised telemetry) are recorded in the outbox as done. Actions of dry-run rules are recorded
 * as skipped. Drill incidents notify only channels marked {@code drill: true}.
 *
 * <p>Retry protocol: a retry directive carries parameters computed from the agent's last
 * observed ones; the agent answers with an outcome whose {@code directive} is the directive's
 * id. Success resolves the incident; failure, timeout, or a new incident of the same agent while
 * it retries (the fallback) escalates it to the medium protocol. Retries are bounded per agent
 * per hour.
 *
 * <p>Concurrency: {@link #opened} and {@link #transitioned} are called by the incident manager
 * under its lock; {@link #onEvent} by the detection thread; {@link #tick} by the scheduler; the
 * handler methods by runner threads. Shared state ({@link #retries}, {@link #noRetryUntil}) is
 * guarded by this object's monitor.
 */
public final class Responder implements IncidentManager.Listener, ActionRunner.Handler {
    private static final Logger log = LoggerFactory.getLogger(Responder.class);
    /** When an agent never reported a temperature, retries start from this common default. */
    private static final double DEFAULT_TEMPERATURE = 0.7;

    private final Playbooks playbooks;
    private final Channels channels;
    private final ControlPlane control;
    private final FleetStats fleet;
    private final Outbox outbox;
    private final ActionRunner runner;
    private final Clock clock;
    private final int defaultMaxContextTokens;
    private final int retriesPerHour;
    private final java.util.function.Supplier<String> publicUrl;
    private IncidentManager incidents;
    private final dev.vigil.metrics.VigilMetrics metrics;
    private final Map<String, Deque<Instant>> retries = new HashMap<>();
    private final Map<String, Instant> noRetryUntil = new HashMap<>();
    /** The latest digest window already planned, per batch interval: each closed window is looked at once. */
    private final Map<Duration, Instant> digestedUpTo = new HashMap<>();

    public Responder(Playbooks playbooks, Channels channels, ControlPlane control, FleetStats fleet, Outbox outbox,
                     ActionRunner runner, Clock clock, int defaultMaxContextTokens, int retriesPerHour,
                     java.util.function.Supplier<String> publicUrl, dev.vigil.metrics.VigilMetrics metrics) {
        this.metrics = metrics;
        this.playbooks = playbooks;
        this.channels = channels;
        this.control = control;
        this.fleet = fleet;
        this.outbox = outbox;
        this.runner = runner;
        this.clock = clock;
        this.defaultMaxContextTokens = defaultMaxContextTokens;
        this.retriesPerHour = retriesPerHour;
        this.publicUrl = publicUrl;
    }

    /** Wires the incident manager (which also calls this responder back) and starts the runner. */
    public void start(IncidentManager incidents) {
        this.incidents = incidents;
        runner.start(this);
    }

    // ---- new incidents and transitions -------------------------------------------------

    @Override
    public void opened(Incident incident, Rule rule) {
        fallBackFromRetries(incident);
        for (Action action : playbooks.forIncident(incident.rule(), incident.severity())) plan(incident, action);
    }

    @Override
    public void transitioned(Incident incident, String transition) {
        if ("resolved".equals(transition)) {
            // A resolved incident needs no retry any more: withdraw its directive so the agent stops.
            for (ControlDocument.Directive d : control.document(incident.agent()).directives()) {
                if (d.incident().equals(incident.id())) control.removeDirective(incident.agent(), d.id());
            }
        }
        for (Outbox.Entry e : outbox.forIncident(incident.id())) {
            if (e.action().equals("notify") && "triggered".equals(e.transition()) && !e.status().equals("skipped")) {
                enqueue(incident, "notify", e.channel(), transition, Json.MAPPER.createObjectNode());
            }
        }
    }

    private void plan(Incident incident, Action action) {
        if (incident.dryRun()) {
            record(incident, action.name(), null, "skipped", Json.MAPPER.createObjectNode(), "dry run: would " + describe(action));
            return;
        }
        switch (action) {
            // The agent travels in the payload: pausing reads nothing else, so nothing delays it.
            case Action.PauseAgent p -> enqueue(incident, "pause_agent", null, null, Json.MAPPER.createObjectNode()
                    .put("agent", incident.agent()).put("reason", "incident " + incident.id() + ": " + incident.title()));
            case Action.ResumeAgent r -> enqueue(incident, "resume_agent", null, null, Json.MAPPER.createObjectNode()
                    .put("agent", incident.agent()).put("reason", "incident " + incident.id()));
            case Action.Notify n -> {
                for (Channel c : targets(incident, n)) enqueue(incident, "notify", c.name(), "triggered", Json.MAPPER.createObjectNode());
            }
            case Action.CreateTicket t -> {
                String name = t.channel() != null ? t.channel() : channels.firstTicketChannel();
                Channel c = name == null ? null : channels.get(name);
                if (c == null || (incident.drill() && !c.drill())) {
                    incidents.record(incident.id(), "action", "vigil", "create_ticket skipped: " + (c == null ? "no ticket channel" : "drill"));
                } else {
                    enqueue(incident, "create_ticket", c.name(), null, Json.MAPPER.createObjectNode());
                }
            }
            case Action.Retry r -> retry(incident, r);
            case Action.Escalate e -> escalate(incident.id(), "escalated by the playbook to " + e.to().wire());
            case Action.Monitor m -> {
                Instant until = clock.instant().plus(m.duration());
                control.telemetry(incident.agent(), new ControlDocument.Telemetry(m.level(), until, incident.id()));
                record(incident, "monitor", null, "done", Json.MAPPER.createObjectNode().put("until", until.toString()),
                        "telemetry " + m.level() + " until " + until);
            }
            case Action.Batch b -> record(incident, "batch", null, "done",
                    Json.MAPPER.valueToTree(Map.of("every", b.every().toString(), "channels", batchChannels(b, incident))),
                    "in the review queue; digest every " + dev.vigil.time.Durations.format(b.every()));
            case Action.Aggregate a -> record(incident, "aggregate", null, "done", Json.MAPPER.createObjectNode(), "counted in the weekly report");
            case Action.Log l -> {
                log.info("incident {} [{}] {}: {}", incident.id(), incident.severity().wire(), incident.agent(), incident.title());
                record(incident, "log", null, "done", Json.MAPPER.createObjectNode(), "logged");
            }
        }
    }

    /** The channels a notify action reaches: named ones, or all (non-paging) ones; drills only reach drill channels. */
    private List<Channel> targets(Incident incident, Action.Notify n) {
        List<Channel> out = new ArrayList<>();
        for (Channel c : channels.all()) {
            boolean named = n.channels().isEmpty() ? !c.tickets() && !(n.nonPaging() && c.paging()) : n.channels().contains(c.name());
            if (named && (!incident.drill() || c.drill())) out.add(c);
        }
        return out;
    }

    private List<String> batchChannels(Action.Batch b, Incident incident) {
        if (!b.channels().isEmpty()) return b.channels();
        return channels.all().stream().filter(c -> c.digests() && (!incident.drill() || c.drill()))
                .map(Channel::name).toList();
    }

    // ---- the retry protocol ------------------------------------------------------------

    private synchronized void retry(Incident incident, Action.Retry r) {
        Instant now = clock.instant();
        Instant blocked = noRetryUntil.get(incident.agent());
        if (blocked != null && now.isBefore(blocked)) {
            escalate(incident.id(), "no retry: an earlier retry of this agent raised a new incident");
            return;
        }
        Deque<Instant> recent = retries.computeIfAbsent(incident.agent(), a -> new ArrayDeque<>());
        while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(Duration.ofHours(1)))) recent.pollFirst();
        if (recent.size() >= retriesPerHour) {
            escalate(incident.id(), "no retry: " + retriesPerHour + " retries of this agent in the last hour");
            return;
        }
        recent.addLast(now);
        FleetStats.AgentStats last = fleet.get(incident.agent(), LocalDate.ofInstant(now, ZoneOffset.UTC));
        Map<String, Object> params = new LinkedHashMap<>();
        r.params().forEach((name, change) -> {
            if (change.multiply() == null) {
                params.put(name, change.set());
                return;
            }
            double base = switch (name) {
                case "temperature" -> last != null && last.lastTemperature() != null ? last.lastTemperature() : DEFAULT_TEMPERATURE;
                case "max_context_tokens" -> last != null && last.lastMaxContextTokens() != null ? last.lastMaxContextTokens() : defaultMaxContextTokens;
                default -> 1.0;
            };
            double value = base * change.multiply();
            params.put(name, name.equals("max_context_tokens") ? (Object) Math.round(value) : (Object) round(value));
        });
        ControlDocument.Directive d = new ControlDocument.Directive(EventIds.next(now.toEpochMilli()), "retry", incident.id(),
                incident.group().getOrDefault("task", incident.evidence().get(0).path("task").asText(null)), params, now.plus(r.timeout()));
        control.addDirective(incident.agent(), d);
        record(incident, "retry", null, "done", Json.MAPPER.valueToTree(d),
                "retry directive " + d.id() + " with " + params + ", answer due by " + d.expiresAt());
    }

    /** Fallback: a new incident of an agent that is retrying stops its retries and escalates them. */
    private void fallBackFromRetries(Incident incident) {
        for (ControlDocument.Directive d : control.document(incident.agent()).directives()) {
            if (d.incident().equals(incident.id())) continue;
            control.removeDirective(incident.agent(), d.id());
            synchronized (this) {
                noRetryUntil.put(incident.agent(), clock.instant().plus(Duration.ofHours(1)));
            }
            escalate(d.incident(), "retry raised a new incident (" + incident.rule() + "): retries of this agent stop for an hour");
        }
    }

    /** The answer to a directive: an outcome event carrying the directive's id. Called for every committed event. */
    public void onEvent(Event e) {
        if (e.directive() == null || e.kind() != Kind.OUTCOME) return;
        Optional<ControlDocument.Directive> answered = control.removeDirective(e.agent(), e.directive());
        if (answered.isEmpty()) return;
        String incident = answered.get().incident();
        if (e.status() == Status.ERROR) {
            escalate(incident, "retry failed: directive " + e.directive() + " answered with an error"
                    + (e.error() != null && e.error().type() != null ? " (" + e.error().type() + ")" : ""));
        } else {
            try {
                incidents.resolve(incident, "vigil", "retry succeeded: directive " + e.directive() + " answered ok"
                        + (e.quality() != null ? ", quality " + e.quality() : ""));
            } catch (dev.vigil.incident.IncidentException alreadyResolved) {
                // an operator resolved it first: nothing left to do
            }
        }
    }

    /** Puts the revert of a pause on the timeline of the incident that paused the agent. */
    public void resumed(ControlPlane.Resumed r, String actor) {
        if (r.reverted() != null) {
            incidents.record(r.reverted(), "reverted", actor, "agent " + r.document().agent() + " resumed: " + r.document().reason());
        }
    }

    /** The medium protocol for an incident whose automatic recovery failed. */
    public void escalate(String incidentId, String why) {
        Incident escalated = incidents.escalate(incidentId, why);
        if (escalated == null) return; // already escalated, or resolved meanwhile
        metrics.escalated(escalated.severity().wire(), Severity.MEDIUM.wire());
        for (Action action : playbooks.forSeverity(Severity.MEDIUM)) {
            if (!(action instanceof Action.Retry)) plan(escalated, action);
        }
    }

    // ---- time: expired directives, monitor reverts, digests -----------------------------

    /** Called every second or so by the scheduler, on the one clock. */
    public void tick() {
        Instant now = clock.instant();
        for (ControlDocument d : control.withExpired(now)) {
            for (ControlDocument.Directive x : d.directives()) {
                if (x.expiresAt().isAfter(now)) continue;
                if (control.removeDirective(d.agent(), x.id()).isPresent()) {
                    escalate(x.incident(), "retry timed out: directive " + x.id() + " not answered by " + x.expiresAt());
                }
            }
            ControlDocument.Telemetry t = d.telemetry();
            if (t.until() != null && !t.until().isAfter(now)) {
                control.telemetry(d.agent(), new ControlDocument.Telemetry("normal", null, null));
                if (t.incident() != null) incidents.record(t.incident(), "reverted", "vigil", "telemetry back to normal");
            }
        }
        digests(now);
    }

    private void digests(Instant now) {
        for (Action action : playbooks.forSeverity(Severity.MEDIUM)) {
            if (!(action instanceof Action.Batch b)) continue;
            long every = b.every().toMillis();
            Instant windowEnd = Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), every) * every);
            Instant windowStart = windowEnd.minusMillis(every);
            if (windowEnd.equals(digestedUpTo.put(b.every(), windowEnd))) continue;
            Map<String, List<String>> byChannel = new LinkedHashMap<>();
            for (Outbox.Entry e : outbox.created("batch", windowStart, windowEnd)) {
                e.payload().path("channels").forEach(c -> byChannel.computeIfAbsent(c.asText(), k -> new ArrayList<>()).add(e.incident()));
            }
            byChannel.forEach((channel, ids) -> {
                ObjectNode payload = Json.MAPPER.createObjectNode().put("window", windowStart + "/" + windowEnd);
                ids.forEach(payload.putArray("incidents")::add);
                plan(new Outbox.Entry(EventIds.next(now.toEpochMilli()), "digest:" + windowStart + ":" + channel, null, "digest",
                        channel, null, payload, "pending", 0, now, null, now, null));
            });
        }
    }

    // ---- running outbox entries -------------------------------------------------------

    @Override
    public Delivery run(Outbox.Entry e) {
        return switch (e.action()) {
            case "pause_agent" -> {
                String agent = e.payload().path("agent").asText();
                control.pause(agent, e.payload().path("reason").asText(), e.incident());
                yield Delivery.delivered("agent " + agent + " paused");
            }
            case "resume_agent" -> {
                String agent = e.payload().path("agent").asText();
                resumed(control.resume(agent, e.payload().path("reason").asText()), "vigil");
                yield Delivery.delivered("agent " + agent + " resumed");
            }
            case "notify" -> deliver(e.channel(), Notification.incident(e.transition(), incidents.get(e.incident()).orElseThrow(), link(e.incident())));
            case "create_ticket" -> {
                Incident i = incidents.get(e.incident()).orElseThrow();
                yield deliver(e.channel(), new Notification(Notification.Kind.TICKET, "triggered", i, link(i.id()), List.of()));
            }
            case "digest" -> {
                List<Incident> batch = new ArrayList<>();
                e.payload().path("incidents").forEach(id -> incidents.get(id.asText()).ifPresent(batch::add));
                yield deliver(e.channel(), new Notification(Notification.Kind.DIGEST, "digest", null, publicUrl.get() + "/v1/review", batch));
            }
            default -> Delivery.fail("nothing to run for " + e.action());
        };
    }

    private Delivery deliver(String channelName, Notification n) {
        Channel c = channels.get(channelName);
        return c == null ? Delivery.fail("channel " + channelName + " is no longer configured") : c.deliver(n);
    }

    @Override
    public void finished(Outbox.Entry e, Delivery result, int attempts) {
        if (e.incident() == null) {
            metrics.actionCompleted(e.action(), result.ok() ? "succeeded" : "failed", Duration.between(e.createdAt(), clock.instant()));
            return;
        }
        incidents.get(e.incident()).ifPresent(i -> metrics.actionCompleted(e.action(), result.ok() ? "succeeded" : "failed",
                Duration.between(i.detectedAt(), clock.instant())));
        String what = e.action() + (e.channel() == null ? "" : " via " + e.channel())
                + (e.transition() == null || e.transition().equals("triggered") ? "" : " (" + e.transition() + ")");
        incidents.record(e.incident(), result.ok() ? "action_succeeded" : "action_failed", "vigil",
                what + ": " + result.detail() + (attempts > 1 ? " after " + attempts + " attempts" : ""));
        if (result.ok() && result.reference() != null) incidents.ticket(e.incident(), result.reference());
    }

    // ---- planning helpers ----------------------------------------------------------------

    private void enqueue(Incident incident, String action, String channel, String transition, ObjectNode payload) {
        Instant now = clock.instant();
        plan(new Outbox.Entry(EventIds.next(now.toEpochMilli()),
                incident.id() + ":" + action + ":" + (channel == null ? "-" : channel) + ":" + (transition == null ? "-" : transition),
                incident.id(), action, channel, transition, payload, "pending", 0, now, null, now, null));
    }

    private void plan(Outbox.Entry entry) {
        if (outbox.insert(entry)) runner.submit(entry);
    }

    /** An action carried out while planning, written to the outbox as done (or skipped) with a timeline entry. */
    private void record(Incident incident, String action, String channel, String status, com.fasterxml.jackson.databind.JsonNode payload, String detail) {
        Instant now = clock.instant();
        String id = EventIds.next(now.toEpochMilli());
        outbox.insert(new Outbox.Entry(id, "record:" + id, incident.id(), action, channel, null, payload, status,
                status.equals("done") ? 1 : 0, now, detail, now, now));
        incidents.record(incident.id(), status.equals("skipped") ? "action_skipped" : "action_succeeded", "vigil", action + ": " + detail);
        metrics.actionCompleted(action, status.equals("skipped") ? "skipped" : "succeeded", Duration.between(incident.detectedAt(), now));
    }

    private String link(String incident) {
        return publicUrl.get() + "/v1/incidents/" + incident;
    }

    private static String describe(Action a) {
        return switch (a) {
            case Action.Notify n -> "notify " + (n.channels().isEmpty() ? (n.nonPaging() ? "the non-paging channels" : "every channel") : n.channels());
            default -> a.name();
        };
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
