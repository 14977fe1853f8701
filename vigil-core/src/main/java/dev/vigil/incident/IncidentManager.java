package dev.vigil.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.Signal;
import dev.vigil.event.Event;
import dev.vigil.event.EventIds;
import dev.vigil.event.EventJson;
import dev.vigil.rule.Rule;
import dev.vigil.rule.Severity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import dev.vigil.incident.Incident.TimelineEntry.Type;

/**
 * Turns signals into incidents, one active incident per fingerprint, and carries out the
 * lifecycle: {@code open → acknowledged → resolved}. A signal for a fingerprint whose incident is
 * active raises its count, moves {@code last_seen} and adds the event to the evidence; after
 * resolution the next signal opens a new incident.
 *
 * <p>Writes: new incidents and repeats change only the copy in {@link #active} and mark it
 * dirty; {@link #flush} saves the dirty ones together, and the detection loop calls it after
 * each batch of events. A storm of signals thus costs one transaction per batch instead of one
 * per signal. Every lifecycle call flushes first.
 *
 * <p>Changes: every new incident and every change is handed to {@code changes} as an
 * {@link IncidentChange}, in the order they happened. That happens under this manager's lock, so
 * the consumer only hands it over (a queue, a broadcast) and never blocks or does I/O there;
 * the response stage runs playbooks on a thread of its own.
 *
 * <p>Concurrency: all methods are synchronized, so the detection thread, the response stage and
 * API requests (acknowledge, resolve, feedback) never interleave on one incident.
 */
public final class IncidentManager {
    /** Timeline entries kept per incident; the detection entry and the latest are what matter. */
    private static final int MAX_TIMELINE = 500;
    /** Active incidents cached by fingerprint; beyond this the least recently signalled are saved and dropped. */
    private static final int MAX_CACHED = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IncidentStore store;
    private final Clock clock;
    private final int maxEvidence;
    private final Consumer<IncidentChange> changes;
    private final Set<String> dirty = new LinkedHashSet<>(); // saved in signal order
    private final Map<String, Incident> active = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Incident> eldest) {
            if (size() <= MAX_CACHED) return false;
            if (dirty.remove(eldest.getKey())) store.save(eldest.getValue());
            return true;
        }
    };

    public IncidentManager(IncidentStore store, Clock clock, int maxEvidence, Consumer<IncidentChange> changes) {
        this.store = store;
        this.clock = clock;
        this.maxEvidence = maxEvidence;
        this.changes = changes;
    }

    public IncidentStore store() {
        return store;
    }

    /** @return the new or updated incident */
    public synchronized Incident onSignal(Signal signal) {
        Instant now = clock.instant();
        Event trigger = signal.trigger();
        JsonNode evidence = evidence(trigger);
        Incident cached = active.get(signal.fingerprint());
        Optional<Incident> current = cached != null ? Optional.of(cached) : store.findActive(signal.fingerprint());
        if (current.isPresent()) {
            Incident i = current.get();
            List<JsonNode> kept = new ArrayList<>(i.evidence());
            if (kept.size() >= maxEvidence) kept.remove(Math.min(1, kept.size() - 1)); // keep the first, drop the oldest after it
            kept.add(evidence);
            Instant lastSeen = trigger.ts().isAfter(i.lastSeen()) ? trigger.ts() : i.lastSeen();
            Incident updated = i.with(i.status(), i.count() + 1, lastSeen, List.copyOf(kept), i.timeline(), i.feedback());
            active.put(updated.fingerprint(), updated);
            dirty.add(updated.fingerprint());
            return updated;
        }
        Rule rule = signal.rule();
        Incident created = new Incident(
                EventIds.next(now.toEpochMilli()), signal.fingerprint(), rule.id(), rule.title(), rule.severity(),
                rule.category(), trigger.agent(), signal.group(), Incident.Status.OPEN, 1, trigger.ts(), trigger.ts(), now,
                Duration.between(signal.since(), now).toMillis(), Duration.between(trigger.ts(), now).toMillis(),
                rule.labels(), isDrill(trigger), rule.dryRun(), List.of(evidence),
                List.of(new Incident.TimelineEntry(now, Type.DETECTED, "vigil", signal.reason())), null, false, null);
        active.put(created.fingerprint(), created);
        dirty.add(created.fingerprint());
        changes.accept(new IncidentChange(IncidentChange.Kind.OPENED, created));
        return created;
    }

    /** Saves what changed since the last flush, in one go. */
    public synchronized void flush() {
        if (dirty.isEmpty()) return;
        List<Incident> changed = new ArrayList<>(dirty.size());
        for (String fingerprint : dirty) changed.add(active.get(fingerprint));
        store.saveAll(changed);
        dirty.clear();
    }

    public synchronized Incident acknowledge(String id, String actor, String note) {
        Incident i = find(id);
        if (i.status() != Incident.Status.OPEN) {
            throw new IncidentException(IncidentException.Reason.CONFLICT, "incident " + id + " is " + i.status().wire() + ", not open");
        }
        Incident updated = transition(i, Incident.Status.ACKNOWLEDGED, Type.ACKNOWLEDGED, actor, note);
        changes.accept(new IncidentChange(IncidentChange.Kind.ACKNOWLEDGED, updated));
        return updated;
    }

    public synchronized Incident resolve(String id, String actor, String note) {
        return resolve(id, Type.RESOLVED, actor, note);
    }

    /** Resolves the incident because the agent's retry succeeded: on the timeline as {@link Type#RECOVERED}. */
    public synchronized Incident recover(String id, String detail) {
        return resolve(id, Type.RECOVERED, "vigil", detail);
    }

    private Incident resolve(String id, Type type, String actor, String note) {
        Incident i = find(id);
        if (i.status() == Incident.Status.RESOLVED) {
            throw new IncidentException(IncidentException.Reason.CONFLICT, "incident " + id + " is already resolved");
        }
        Incident updated = transition(i, Incident.Status.RESOLVED, type, actor, note);
        changes.accept(new IncidentChange(IncidentChange.Kind.RESOLVED, updated));
        return updated;
    }

    /**
     * Moves the incident to the medium protocol (a failed automatic recovery), on its timeline.
     *
     * @return the escalated incident, or null when it was already escalated or is resolved (checked
     *         under this manager's lock, so two escalations never both proceed)
     */
    public synchronized Incident escalate(String id, String detail) {
        Incident i = find(id);
        if (i.escalated() || !i.active()) return null;
        Incident escalated = i.with(true, i.ticket());
        Incident saved = save(escalated.with(escalated.status(), escalated.count(), escalated.lastSeen(), escalated.evidence(),
                append(escalated.timeline(), new Incident.TimelineEntry(clock.instant(), Type.ESCALATED, "vigil", detail)),
                escalated.feedback()));
        changes.accept(new IncidentChange(IncidentChange.Kind.ESCALATED, saved));
        return saved;
    }

    /** Keeps the id or URL of the ticket opened for the incident. */
    public synchronized Incident ticket(String id, String ticket) {
        Incident i = find(id);
        return updated(i.with(i.escalated(), ticket));
    }

    public synchronized Optional<Incident> get(String id) {
        flush();
        return store.get(id);
    }

    /** Records an operator's verdict; allowed in every state, the latest verdict wins. */
    public synchronized Incident feedback(String id, String actor, Incident.Verdict verdict, Severity severity, String note) {
        if (verdict == null) {
            throw new IncidentException(IncidentException.Reason.INVALID, "verdict: must be true_positive or false_positive");
        }
        Incident i = find(id);
        Instant now = clock.instant();
        Severity right = severity == null ? i.severity() : severity;
        Incident.Feedback feedback = new Incident.Feedback(verdict, right, note, actor, now);
        String detail = verdict.wire() + ", right severity " + right.wire() + (note == null || note.isBlank() ? "" : ": " + note);
        Incident updated = save(i.with(i.status(), i.count(), i.lastSeen(), i.evidence(),
                append(i.timeline(), new Incident.TimelineEntry(now, Type.FEEDBACK, actor, detail)), feedback));
        changes.accept(new IncidentChange(IncidentChange.Kind.FEEDBACK, updated));
        return updated;
    }

    /** Adds an entry to the timeline (actions of the response stage use this). */
    public synchronized Incident record(String id, Type type, String actor, String detail) {
        Incident i = find(id);
        return updated(i.with(i.status(), i.count(), i.lastSeen(), i.evidence(),
                append(i.timeline(), new Incident.TimelineEntry(clock.instant(), type, actor, detail)), i.feedback()));
    }

    private Incident updated(Incident changed) {
        Incident saved = save(changed);
        changes.accept(new IncidentChange(IncidentChange.Kind.UPDATED, saved));
        return saved;
    }

    private Incident transition(Incident i, Incident.Status to, Type type, String actor, String note) {
        return save(i.with(to, i.count(), i.lastSeen(), i.evidence(),
                append(i.timeline(), new Incident.TimelineEntry(clock.instant(), type, actor, note)), i.feedback()));
    }

    /** Saves a lifecycle change and keeps the cache in step: resolved incidents leave it. */
    private Incident save(Incident updated) {
        store.save(updated);
        if (updated.active()) active.replace(updated.fingerprint(), updated);
        else active.remove(updated.fingerprint());
        return updated;
    }

    private Incident find(String id) {
        flush();
        return store.get(id).orElseThrow(() -> new IncidentException(IncidentException.Reason.NOT_FOUND, "no incident " + id));
    }

    private static List<Incident.TimelineEntry> append(List<Incident.TimelineEntry> timeline, Incident.TimelineEntry entry) {
        List<Incident.TimelineEntry> next = new ArrayList<>(timeline);
        if (next.size() >= MAX_TIMELINE) next.remove(1);
        next.add(entry);
        return List.copyOf(next);
    }

    private static JsonNode evidence(Event e) {
        try {
            return JSON.readTree(EventJson.toJson(e));
        } catch (Exception impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static boolean isDrill(Event e) {
        return e.attrs() != null && e.attrs().path("drill").asBoolean(false);
    }
}
