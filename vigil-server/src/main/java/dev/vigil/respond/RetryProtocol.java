package dev.vigil.respond;

import dev.vigil.config.VigilConfig;
import dev.vigil.control.ControlDocument;
import dev.vigil.control.ControlPlane;
import dev.vigil.event.Event;
import dev.vigil.event.EventIds;
import dev.vigil.event.Kind;
import dev.vigil.event.Status;
import dev.vigil.incident.Incident;
import dev.vigil.ingest.FleetUsage;
import dev.vigil.playbook.Action;
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

/**
 * The retry protocol (DESIGN §2, high severity): a retry directive carries parameters computed
 * from the agent's last observed ones; the agent answers with an outcome whose
 * {@code directive} is the directive's id. Success resolves the incident; failure, a timeout, or
 * a new incident of the same agent while it retries (the fallback) escalates it to the medium
 * protocol, and the fallback stops that agent's retries for an hour. Retries are bounded per
 * agent per hour.
 *
 * <p>States of one directive: pending in the agent's control document, then answered, expired
 * or withdrawn (its incident resolved otherwise, or the fallback); each ends it exactly once,
 * because only the one that removes it from the control document acts on it.
 *
 * <p>This class decides and keeps the control document in step; what follows (resolve,
 * escalate) it returns to the {@link ResponseStage}. Concurrency: used by the response thread
 * only, so {@link #recent} and {@link #blockedUntil} need no lock.
 */
public final class RetryProtocol {
    /** When an agent never reported a temperature, retries start from this common default. */
    private static final double DEFAULT_TEMPERATURE = 0.7;
    private static final Duration FALLBACK_BLOCKS = Duration.ofHours(1);

    /** An incident to move to the medium protocol, and why. */
    record Escalation(String incident, String why) {}

    /** A retry started: {@code sent}, with what was sent; or not, with why (the incident then escalates). */
    record Start(boolean sent, String detail) {}

    /** How a directive ended on the agent's answer. */
    record Answer(String incident, boolean succeeded, String detail) {}

    private final ControlPlane control;
    private final FleetUsage usage;
    private final Clock clock;
    private final VigilConfig.Response config;
    /** Directives sent in the last hour, per agent. */
    private final Map<String, Deque<Instant>> recent = new HashMap<>();
    /** Agents whose retries raised new incidents: no retries until then. */
    private final Map<String, Instant> blockedUntil = new HashMap<>();

    public RetryProtocol(ControlPlane control, FleetUsage usage, Clock clock, VigilConfig.Response config) {
        this.control = control;
        this.usage = usage;
        this.clock = clock;
        this.config = config;
    }

    /** Sends the incident's agent a retry directive, unless its retries are blocked or used up. */
    Start start(Incident incident, Action.Retry r) {
        Instant now = clock.instant();
        Instant blocked = blockedUntil.get(incident.agent());
        if (blocked != null && now.isBefore(blocked)) {
            return new Start(false, "no retry: an earlier retry of this agent raised a new incident");
        }
        Deque<Instant> sent = recent.computeIfAbsent(incident.agent(), a -> new ArrayDeque<>());
        while (!sent.isEmpty() && sent.peekFirst().isBefore(now.minus(Duration.ofHours(1)))) sent.pollFirst();
        if (sent.size() >= config.retriesPerAgentPerHour()) {
            return new Start(false, "no retry: " + config.retriesPerAgentPerHour() + " retries of this agent in the last hour");
        }
        sent.addLast(now);
        Map<String, Object> params = parameters(incident.agent(), r, now);
        ControlDocument.Directive d = new ControlDocument.Directive(EventIds.next(now.toEpochMilli()), "retry", incident.id(),
                incident.group().getOrDefault("task", incident.evidence().get(0).path("task").asText(null)), params, now.plus(r.timeout()));
        control.addDirective(incident.agent(), d);
        return new Start(true, "retry directive " + d.id() + " with " + params + ", answer due by " + d.expiresAt());
    }

    /** The directive's parameters: each change applied to the agent's last observed value. */
    private Map<String, Object> parameters(String agent, Action.Retry r, Instant now) {
        FleetUsage.AgentUsage last = usage.get(agent, LocalDate.ofInstant(now, ZoneOffset.UTC));
        Map<String, Object> params = new LinkedHashMap<>();
        r.params().forEach((name, change) -> {
            if (change.multiply() == null) {
                params.put(name, change.set());
                return;
            }
            double base = switch (name) {
                case "temperature" -> last != null && last.lastTemperature() != null ? last.lastTemperature() : DEFAULT_TEMPERATURE;
                case "max_context_tokens" -> last != null && last.lastMaxContextTokens() != null
                        ? last.lastMaxContextTokens() : config.retryDefaultMaxContextTokens();
                default -> 1.0;
            };
            double value = base * change.multiply();
            params.put(name, name.equals("max_context_tokens") ? (Object) Math.round(value) : (Object) (Math.round(value * 1000) / 1000.0));
        });
        return params;
    }

    /** The fallback: a new incident of an agent that is retrying ends its other retries, which escalate. */
    List<Escalation> fallBack(Incident opened) {
        List<Escalation> out = new ArrayList<>();
        for (ControlDocument.Directive d : control.document(opened.agent()).directives()) {
            if (d.incident().equals(opened.id()) || control.removeDirective(opened.agent(), d.id()).isEmpty()) continue;
            blockedUntil.put(opened.agent(), clock.instant().plus(FALLBACK_BLOCKS));
            out.add(new Escalation(d.incident(), "retry raised a new incident (" + opened.rule() + "): retries of this agent stop for an hour"));
        }
        return out;
    }

    /** The agent's answer to a directive; empty when the event answers nothing pending. */
    Optional<Answer> answer(Event e) {
        if (e.directive() == null || e.kind() != Kind.OUTCOME) return Optional.empty();
        return control.removeDirective(e.agent(), e.directive()).map(d -> e.status() == Status.ERROR
                ? new Answer(d.incident(), false, "retry failed: directive " + e.directive() + " answered with an error"
                        + (e.error() != null && e.error().type() != null ? " (" + e.error().type() + ")" : ""))
                : new Answer(d.incident(), true, "retry succeeded: directive " + e.directive() + " answered ok"
                        + (e.quality() != null ? ", quality " + e.quality() : "")));
    }

    /** Directives not answered in time, removed; their incidents escalate. */
    List<Escalation> expired() {
        Instant now = clock.instant();
        // Agents without retries in the last hour are forgotten, so this state stays bounded by the active ones.
        recent.values().removeIf(sent -> sent.isEmpty() || sent.peekLast().isBefore(now.minus(Duration.ofHours(1))));
        blockedUntil.values().removeIf(until -> !until.isAfter(now));
        List<Escalation> out = new ArrayList<>();
        for (ControlDocument d : control.withExpired(now)) {
            for (ControlDocument.Directive x : d.directives()) {
                if (x.expiresAt().isAfter(now) || control.removeDirective(d.agent(), x.id()).isEmpty()) continue;
                out.add(new Escalation(x.incident(), "retry timed out: directive " + x.id() + " not answered by " + x.expiresAt()));
            }
        }
        return out;
    }

    /** A resolved incident needs no retry any more: its directive is withdrawn, so the agent stops. */
    void withdraw(Incident resolved) {
        for (ControlDocument.Directive d : control.document(resolved.agent()).directives()) {
            if (d.incident().equals(resolved.id())) control.removeDirective(resolved.agent(), d.id());
        }
    }
}
