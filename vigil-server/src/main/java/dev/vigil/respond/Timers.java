package dev.vigil.respond;

import dev.vigil.control.ControlDocument;
import dev.vigil.control.ControlPlane;
import dev.vigil.playbook.Action;
import dev.vigil.playbook.Playbooks;
import dev.vigil.rule.Severity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the response does as time passes, on the one clock: telemetry raised by {@code monitor}
 * goes back to normal when its time is up, and each closed window of a batch interval sends its
 * review-queue digest once to the channels its batch entries named, and alerts are re-sent to
 * the channels that forget them ({@link Resends}). (Expired retry directives are the
 * {@link RetryProtocol}'s.)
 *
 * <p>Concurrency: used by the response thread only.
 */
public final class Timers {
    private final Playbooks playbooks;
    private final Outbox outbox;
    private final ControlPlane control;
    private final ActionRunner runner;
    private final Clock clock;
    private final Resends resends;
    /** The latest digest window already planned, per batch interval: each closed window is looked at once. */
    private final Map<Duration, Instant> digestedUpTo = new HashMap<>();

    public Timers(Playbooks playbooks, Outbox outbox, ControlPlane control, ActionRunner runner, Clock clock, Resends resends) {
        this.playbooks = playbooks;
        this.resends = resends;
        this.outbox = outbox;
        this.control = control;
        this.runner = runner;
        this.clock = clock;
    }

    /** Telemetry whose time is up, back to normal; returns the incidents that had raised it. */
    List<String> revertTelemetry() {
        Instant now = clock.instant();
        List<String> reverted = new ArrayList<>();
        for (ControlDocument d : control.withExpired(now)) {
            ControlDocument.Telemetry t = d.telemetry();
            if (t.until() == null || t.until().isAfter(now)) continue;
            control.telemetry(d.agent(), new ControlDocument.Telemetry("normal", null, null));
            if (t.incident() != null) reverted.add(t.incident());
        }
        return reverted;
    }

    /** Plans the digest of the window that closed last, for each batch interval of the medium playbook. */
    void digests() {
        Instant now = clock.instant();
        for (Action action : playbooks.forSeverity(Severity.MEDIUM)) {
            if (!(action instanceof Action.Batch b)) continue;
            DigestWindow closed = DigestWindow.of(now.minus(b.every()), b.every());
            if (closed.end().equals(digestedUpTo.put(b.every(), closed.end()))) continue;
            Map<String, List<String>> byChannel = new LinkedHashMap<>();
            for (Outbox.Entry e : outbox.batches(closed.start(), closed.end())) {
                if (!(e.task() instanceof Task.Recorded r && r.action() instanceof Action.Batch batch)) continue;
                for (String channel : batch.channels()) byChannel.computeIfAbsent(channel, k -> new ArrayList<>()).add(e.incident());
            }
            byChannel.forEach((channel, ids) -> runner.submit(Outbox.Entry.pending("digest:" + closed.start() + ":" + channel, null,
                    new Task.Digest(channel, closed.start(), closed.end(), List.copyOf(ids)), now)));
        }
    }

    /** Plans the re-sends of open incidents' alerts that are due. */
    void resends() {
        resends.tick();
    }
}
