package dev.vigil.respond;

import dev.vigil.incident.IncidentStore;
import dev.vigil.notify.Channel;
import dev.vigil.notify.Channels;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps alerts alive in receivers that forget them: Alertmanager ends an alert at the
 * {@code endsAt} it was given (or its {@code resolve_timeout} without one) unless the client
 * sends it again, as Prometheus does every evaluation. Each {@link Channel#resendEvery} interval
 * (aligned to the epoch, like digest windows), every open or acknowledged incident whose trigger
 * reached the channel, and whose resolution was not yet planned for it, gets a {@link Task.Resend}
 * entry in the outbox. It runs in the incident's lane to that channel, so a re-send never
 * overtakes the resolve planned after it; the resolve itself is the ordinary notification.
 *
 * <p>Re-sends are not retried (the next interval is the retry) and the finished ones of earlier
 * intervals are deleted, so the outbox keeps at most about one per incident and channel. The
 * interval under way at start-up counts as sent: what was sent before a restart carries an
 * {@code endsAt} several intervals ahead, and the next interval re-sends it.
 *
 * <p>Concurrency: used by the response thread only.
 */
public final class Resends {
    private final Channels channels;
    private final IncidentStore incidents;
    private final Outbox outbox;
    private final ActionRunner runner;
    private final Clock clock;
    /** The start of the interval last re-sent, per channel: each interval is planned once. */
    private final Map<String, Instant> sentFor = new HashMap<>();

    public Resends(Channels channels, IncidentStore incidents, Outbox outbox, ActionRunner runner, Clock clock) {
        this.channels = channels;
        this.incidents = incidents;
        this.outbox = outbox;
        this.runner = runner;
        this.clock = clock;
        for (Channel c : channels.all()) {
            if (c.resendEvery() != null) sentFor.put(c.name(), DigestWindow.of(clock.instant(), c.resendEvery()).start());
        }
    }

    /** Plans the re-sends of the channels whose interval began since the last look. */
    void tick() {
        Instant now = clock.instant();
        Map<String, Instant> due = new HashMap<>();
        for (Channel c : channels.all()) {
            if (c.resendEvery() == null) continue;
            Instant start = DigestWindow.of(now, c.resendEvery()).start();
            if (!start.equals(sentFor.get(c.name()))) due.put(c.name(), start);
        }
        if (due.isEmpty()) return;
        incidents.forEachActive(incident -> {
            for (String channel : firing(outbox.forIncident(incident.id()), due.keySet())) {
                runner.submit(OutboxEntry.pending("resend:" + incident.id() + ":" + channel + ":" + due.get(channel),
                        incident.id(), new Task.Resend(channel), now));
            }
        });
        due.forEach((channel, start) -> {
            outbox.pruneResends(channel, start);
            sentFor.put(channel, start);
        });
    }

    /** Of these channels, those the incident's trigger reached (or was given up on) and whose resolve is not planned. */
    static Set<String> firing(List<OutboxEntry> entries, Set<String> among) {
        Set<String> triggered = new HashSet<>();
        Set<String> resolved = new HashSet<>();
        for (OutboxEntry e : entries) {
            if (!(e.task() instanceof Task.Notify n) || !among.contains(n.channel())) continue;
            switch (n.transition()) {
                case TRIGGERED -> {
                    if (e.status() == OutboxEntry.Status.DONE || e.status() == OutboxEntry.Status.FAILED) triggered.add(n.channel());
                }
                case RESOLVED -> resolved.add(n.channel());
                default -> {}
            }
        }
        triggered.removeAll(resolved);
        return triggered;
    }
}
