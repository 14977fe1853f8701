package dev.vigil.respond;

import dev.vigil.incident.Incident;
import dev.vigil.notify.Channel;
import dev.vigil.notify.Channels;
import dev.vigil.playbook.Action;
import dev.vigil.playbook.Playbooks;
import dev.vigil.respond.OutboxEntry.Status;
import dev.vigil.rule.Severity;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Planning: which outbox entries a playbook's actions yield for an incident, handed to the
 * {@link ActionRunner}, which writes each once (its dedup key) and runs it. Retries and
 * escalations are not planned here: the {@link ResponseStage} carries them out.
 *
 * <p>Drill incidents reach only channels marked {@code drill: true}; dry-run rules' actions are
 * recorded as skipped; an action with nothing to reach (no channel configured) is recorded as
 * skipped with the reason, so the incident says why nobody heard of it.
 *
 * <p>Concurrency: used by the response thread only.
 */
public final class Planner {
    private static final Logger log = LoggerFactory.getLogger(Planner.class);
    /** The agent of Vigil's incidents about itself. */
    private static final String SELF = "vigil";

    private final Playbooks playbooks;
    private final Channels channels;
    private final Outbox outbox;
    private final ActionRunner runner;
    private final Clock clock;

    public Planner(Playbooks playbooks, Channels channels, Outbox outbox, ActionRunner runner, Clock clock) {
        this.playbooks = playbooks;
        this.channels = channels;
        this.outbox = outbox;
        this.runner = runner;
        this.clock = clock;
    }

    List<Action> playbook(Incident incident) {
        return playbooks.forIncident(incident.rule(), incident.severity());
    }

    /** The medium protocol for an escalated incident, without retries: one failed already. */
    List<Action> escalation() {
        return playbooks.forSeverity(Severity.MEDIUM).stream().filter(a -> !(a instanceof Action.Retry)).toList();
    }

    /** Plans one action; not {@link Action.Retry} or {@link Action.Escalate}. */
    void plan(Incident incident, Action action) {
        Instant now = clock.instant();
        if (incident.dryRun()) {
            record(incident, action, Status.SKIPPED, "dry run: would " + describe(action));
            return;
        }
        switch (action) {
            case Action.PauseAgent p -> submit(incident, new Task.PauseAgent(incident.agent(),
                    "incident " + incident.id() + ": " + incident.title()), now);
            case Action.ResumeAgent r -> submit(incident, new Task.ResumeAgent(incident.agent(), "incident " + incident.id()), now);
            case Action.Monitor m -> submit(incident, new Task.SetTelemetry(incident.agent(), m.level(), now.plus(m.duration())), now);
            case Action.Notify n -> {
                List<Channel> targets = targets(incident, n);
                if (targets.isEmpty()) record(incident, action, Status.SKIPPED, incident.drill()
                        ? "no drill channel among " + describe(action) : "no channel configured to " + describe(action));
                for (Channel c : targets) submit(incident, new Task.Notify(c.name(), Task.Transition.TRIGGERED), now);
            }
            case Action.CreateTicket t -> {
                String name = t.channel() != null ? t.channel() : channels.firstTicketChannel();
                Channel c = name == null ? null : channels.get(name);
                if (c == null) record(incident, action, Status.SKIPPED, "no ticket channel configured");
                else if (incident.drill() && !c.drill()) record(incident, action, Status.SKIPPED, "drill: " + c.name() + " takes no drills");
                else submit(incident, new Task.CreateTicket(c.name()), now);
            }
            case Action.Batch b -> record(incident, new Action.Batch(b.every(), batchChannels(b, incident)), Status.DONE,
                    "in the review queue; digest every " + dev.vigil.time.Durations.format(b.every()));
            case Action.Aggregate a -> record(incident, a, Status.DONE, "counted in the weekly report");
            case Action.Log l -> {
                log.info("incident {} [{}] {}: {}", incident.id(), incident.severity().wire(), incident.agent(), incident.title());
                record(incident, l, Status.DONE, "logged");
            }
            case Action.Retry r -> throw new IllegalArgumentException("retries are the retry protocol's");
            case Action.Escalate e -> throw new IllegalArgumentException("escalations are the response stage's");
        }
    }

    /**
     * Acknowledged or resolved: every channel told of the trigger hears of it too. On resolve,
     * what a failing channel has not delivered yet is moot and expires: it is not sent late.
     */
    void transition(Incident incident, Task.Transition transition) {
        Instant now = clock.instant();
        if (transition == Task.Transition.RESOLVED) runner.expireMoot(incident.id(), "moot: the incident was resolved before this was delivered");
        for (OutboxEntry e : outbox.forIncident(incident.id())) {
            if (e.task() instanceof Task.Notify n && n.transition() == Task.Transition.TRIGGERED
                    && (e.status() == Status.PENDING || e.status() == Status.DONE)) {
                submit(incident, new Task.Notify(n.channel(), transition), now);
            }
        }
    }

    /** An action carried out (or skipped) while planning, kept in the outbox and on the timeline; once per incident and action. */
    void record(Incident incident, Action action, Status status, String detail) {
        runner.submit(OutboxEntry.recorded(incident.id(), new Task.Recorded(action), status, detail, clock.instant()));
    }

    /** Whether the action was recorded for the incident already. */
    boolean planned(Incident incident, Action action) {
        String dedup = OutboxEntry.recordedDedup(incident.id(), action.name());
        return outbox.forIncident(incident.id()).stream().anyMatch(e -> e.dedup().equals(dedup));
    }

    private void submit(Incident incident, Task task, Instant now) {
        String transition = task instanceof Task.Notify n ? n.transition().wire() : "-";
        String dedup = incident.id() + ":" + task.name() + ":" + (task.channel() == null ? "-" : task.channel()) + ":" + transition;
        runner.submit(OutboxEntry.pending(dedup, incident.id(), task, now));
    }

    /**
     * The channels a notify action reaches: named ones, or all (non-paging) ones; drills only
     * reach drill channels; Vigil's own incidents about a channel ({@link #aboutChannel}) reach
     * the others.
     */
    private List<Channel> targets(Incident incident, Action.Notify n) {
        List<Channel> out = new ArrayList<>();
        for (Channel c : channels.all()) {
            boolean named = n.channels().isEmpty() ? !c.tickets() && !(n.nonPaging() && c.paging()) : n.channels().contains(c.name());
            if (named && (!incident.drill() || c.drill()) && !c.name().equals(aboutChannel(incident))) out.add(c);
        }
        return out;
    }

    /** The channel an incident of Vigil about itself is about (a refused page's channel, its group value); null for others. */
    static String aboutChannel(Incident incident) {
        return SELF.equals(incident.agent()) ? incident.group().get("attrs.channel") : null;
    }

    private List<String> batchChannels(Action.Batch b, Incident incident) {
        if (!b.channels().isEmpty()) return b.channels();
        return channels.all().stream().filter(c -> c.digests() && (!incident.drill() || c.drill())).map(Channel::name).toList();
    }

    private static String describe(Action a) {
        return switch (a) {
            case Action.Notify n -> "notify " + (n.channels().isEmpty() ? (n.nonPaging() ? "the non-paging channels" : "every channel") : n.channels());
            default -> a.name();
        };
    }
}
