package dev.vigil.respond;

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
 * Review-queue digests: each closed window of a batch interval of the medium playbook sends its
 * digest once to the channels its batch entries named.
 *
 * <p>Concurrency: used by the response thread only.
 */
public final class Digests {
    private final Playbooks playbooks;
    private final Outbox outbox;
    private final ActionRunner runner;
    private final Clock clock;
    /** The latest digest window already planned, per batch interval: each closed window is looked at once. */
    private final Map<Duration, Instant> digestedUpTo = new HashMap<>();

    public Digests(Playbooks playbooks, Outbox outbox, ActionRunner runner, Clock clock) {
        this.playbooks = playbooks;
        this.outbox = outbox;
        this.runner = runner;
        this.clock = clock;
    }

    /** Plans the digest of the window that closed last, for each batch interval. */
    void due() {
        Instant now = clock.instant();
        for (Action action : playbooks.forSeverity(Severity.MEDIUM)) {
            if (!(action instanceof Action.Batch b)) continue;
            DigestWindow closed = DigestWindow.of(now.minus(b.every()), b.every());
            if (closed.end().equals(digestedUpTo.put(b.every(), closed.end()))) continue;
            Map<String, List<String>> byChannel = new LinkedHashMap<>();
            for (OutboxEntry e : outbox.batches(closed.start(), closed.end())) {
                if (!(e.task() instanceof Task.Recorded r && r.action() instanceof Action.Batch batch)) continue;
                for (String channel : batch.channels()) byChannel.computeIfAbsent(channel, k -> new ArrayList<>()).add(e.incident());
            }
            byChannel.forEach((channel, ids) -> runner.submit(OutboxEntry.pending("digest:" + closed.start() + ":" + channel, null,
                    new Task.Digest(channel, closed.start(), closed.end(), List.copyOf(ids)), now)));
        }
    }
}
