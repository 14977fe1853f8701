package dev.vigil.report;

import dev.vigil.incident.Incident;
import dev.vigil.incident.IncidentStore;
import dev.vigil.playbook.Action;
import dev.vigil.respond.DigestWindow;
import dev.vigil.respond.Outbox;
import dev.vigil.respond.OutboxEntry;
import dev.vigil.respond.Task;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The review queue (DESIGN §2, medium): incidents batched by their playbook, still open or
 * acknowledged, grouped by the digest window they joined, newest window first and newest
 * detection first within a window. Read from the
 * outbox's batch entries, the same ones the digests are sent from.
 */
public final class ReviewQueue {
    /** How far back the queue looks; an incident batched longer ago and still open is a job for the weekly review. */
    private static final Duration LOOK_BACK = Duration.ofDays(30);

    /** One digest window's incidents awaiting review. */
    public record Batch(Instant batchStart, Instant batchEnd, List<Incident> incidents) {}

    private final IncidentStore incidents;
    private final Outbox outbox;
    private final Clock clock;

    public ReviewQueue(IncidentStore incidents, Outbox outbox, Clock clock) {
        this.incidents = incidents;
        this.outbox = outbox;
        this.clock = clock;
    }

    public List<Batch> batches() {
        Instant now = clock.instant();
        Map<DigestWindow, List<Incident>> byWindow = new TreeMap<>(Comparator.comparing(DigestWindow::start).reversed());
        for (OutboxEntry e : outbox.batches(now.minus(LOOK_BACK), now.plusSeconds(1))) {
            if (!(e.task() instanceof Task.Recorded r && r.action() instanceof Action.Batch b)) continue;
            Incident i = incidents.get(e.incident()).orElse(null);
            if (i == null || !i.active()) continue;
            List<Incident> batch = byWindow.computeIfAbsent(DigestWindow.of(e.createdAt(), b.every()), w -> new ArrayList<>());
            if (batch.stream().noneMatch(x -> x.id().equals(i.id()))) batch.add(i);
        }
        List<Batch> out = new ArrayList<>();
        for (Map.Entry<DigestWindow, List<Incident>> w : byWindow.entrySet()) {
            List<Incident> newestFirst = new ArrayList<>(w.getValue());
            newestFirst.sort(Comparator.comparing(Incident::detectedAt).reversed()); // like the batches
            out.add(new Batch(w.getKey().start(), w.getKey().end(), newestFirst));
        }
        return out;
    }
}
