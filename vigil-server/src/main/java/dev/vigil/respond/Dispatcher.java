package dev.vigil.respond;

import dev.vigil.control.ControlDocument;
import dev.vigil.control.ControlPlane;
import dev.vigil.incident.Incident;
import dev.vigil.incident.Incident.TimelineEntry.Type;
import dev.vigil.incident.IncidentManager;
import dev.vigil.metrics.VigilMetrics;
import dev.vigil.notify.Channel;
import dev.vigil.notify.Channels;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.Notification;
import dev.vigil.respond.OutboxEntry.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries out outbox entries for the {@link ActionRunner}: pauses, resumes and telemetry changes
 * through the control plane, notifications, tickets and digests through their channels; and when
 * an entry has its final outcome, puts it on the incident's timeline and in the metrics.
 *
 * <p>A notification a paging channel refused for good is itself an incident: the entry goes to
 * {@link PageRefused}, which raises one about Vigil on the other channels at once (a page that
 * never arrives must not wait for the self-monitoring threshold).
 *
 * <p>Concurrency: called by the runner's threads, several at once; it keeps no state of its own.
 */
public final class Dispatcher implements ActionRunner.Handler {
    /** Told of each notification of a real (not drill) incident that a paging channel refused for good. */
    public interface PageRefused {
        void refused(String channel, Incident incident, String error);
    }

    private final Channels channels;
    private final ControlPlane control;
    private final IncidentManager incidents;
    private final Links links;
    private final VigilMetrics metrics;
    private final PageRefused pageRefused;

    public Dispatcher(Channels channels, ControlPlane control, IncidentManager incidents, Links links, VigilMetrics metrics,
                      PageRefused pageRefused) {
        this.channels = channels;
        this.control = control;
        this.incidents = incidents;
        this.links = links;
        this.metrics = metrics;
        this.pageRefused = pageRefused;
    }

    @Override
    public Delivery run(OutboxEntry e) {
        return switch (e.task()) {
            case Task.PauseAgent p -> {
                control.pause(p.agent(), p.reason(), e.incident());
                yield Delivery.delivered("agent " + p.agent() + " paused");
            }
            case Task.ResumeAgent r -> {
                ControlPlane.Resumed resumed = control.resume(r.agent(), r.reason());
                if (resumed.reverted() != null) incidents.record(resumed.reverted(), Type.REVERTED, "vigil", resumed.describe());
                yield Delivery.delivered("agent " + r.agent() + " resumed");
            }
            case Task.SetTelemetry t -> {
                control.telemetry(t.agent(), new ControlDocument.Telemetry(t.level(), t.until(), e.incident()));
                yield Delivery.delivered("telemetry " + t.level() + " until " + t.until());
            }
            case Task.Notify n -> deliver(e, n.channel(), Notification.incident(n.transition().wire(), incident(e), links.incident(e.incident())));
            case Task.Resend r -> resend(r, incident(e));
            case Task.CreateTicket t -> deliver(e, t.channel(),
                    new Notification(Notification.Kind.TICKET, "triggered", incident(e), links.incident(e.incident()), List.of()));
            case Task.Digest d -> {
                List<Incident> batch = new ArrayList<>();
                for (String id : d.incidents()) incidents.get(id).ifPresent(batch::add);
                yield deliver(e, d.channel(), new Notification(Notification.Kind.DIGEST, "digest", null, links.reviewQueue(), batch));
            }
            case Task.Recorded r -> Delivery.fail("nothing to run: " + r.name() + " was carried out while planning");
        };
    }

    /** The incident as it is now; a failure is final, since the next interval's re-send is the retry. */
    private Delivery resend(Task.Resend r, Incident i) {
        if (i.status() == Incident.Status.RESOLVED) return Delivery.delivered("resolved meanwhile: nothing to re-send");
        String transition = i.status() == Incident.Status.ACKNOWLEDGED ? "acknowledged" : "triggered";
        Delivery d = deliver(r.channel(), Notification.incident(transition, i, links.incident(i.id())));
        return d.ok() || !d.recoverable() ? d : Delivery.fail(d.detail() + " (not retried: the next re-send is the retry)");
    }

    private Incident incident(OutboxEntry e) {
        return incidents.get(e.incident()).orElseThrow(() -> new IllegalStateException("no incident " + e.incident()));
    }

    private Delivery deliver(String channelName, Notification n) {
        Channel c = channels.get(channelName);
        return c == null ? Delivery.fail("channel " + channelName + " is no longer configured") : c.deliver(n);
    }

    private Delivery deliver(OutboxEntry e, String channelName, Notification n) {
        return deliver(channelName, n.as(e.id()));
    }

    private void refusedPage(OutboxEntry e) {
        Channel c = channels.get(e.channel());
        if (c == null || !c.paging()) return;
        incidents.get(e.incident()).filter(i -> !i.drill()).ifPresent(i -> pageRefused.refused(c.name(), i, e.lastError()));
    }

    @Override
    public Duration retryFor(OutboxEntry e) {
        Channel c = e.channel() == null ? null : channels.get(e.channel());
        return c == null ? null : c.retryFor();
    }

    /** The entry's final outcome (done, failed for good, or recorded at planning) on the timeline and in the metrics. */
    @Override
    public void finished(OutboxEntry e, String ticket) {
        String outcome = switch (e.status()) {
            case DONE -> "succeeded";
            case SKIPPED, EXPIRED -> "skipped";
            default -> "failed";
        };
        // Digests belong to no incident, and re-sends are upkeep: neither goes on a timeline, nor counts from detection.
        if (e.incident() == null || e.task() instanceof Task.Resend) {
            metrics.actionCompleted(e.task().name(), outcome, Duration.between(e.createdAt(), e.doneAt()));
            return;
        }
        incidents.get(e.incident()).ifPresent(i -> metrics.actionCompleted(e.task().name(), outcome, Duration.between(i.detectedAt(), e.doneAt())));
        String what = e.task().name() + (e.channel() == null ? "" : " via " + e.channel())
                + (e.task() instanceof Task.Notify n && n.transition() != Task.Transition.TRIGGERED ? " (" + n.transition().wire() + ")" : "");
        Type type = switch (e.status()) {
            case DONE -> Type.ACTION_SUCCEEDED;
            case SKIPPED, EXPIRED -> Type.ACTION_SKIPPED;
            default -> Type.ACTION_FAILED;
        };
        incidents.record(e.incident(), type, "vigil", what + ": " + e.lastError() + (e.attempts() > 1 ? " after " + e.attempts() + " attempts" : ""));
        if (e.status() == Status.DONE && ticket != null) incidents.ticket(e.incident(), ticket);
        if (e.status() == Status.FAILED && e.task() instanceof Task.Notify) refusedPage(e);
    }
}
