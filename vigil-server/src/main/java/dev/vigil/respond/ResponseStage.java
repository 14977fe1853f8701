package dev.vigil.respond;

import dev.vigil.event.Event;
import dev.vigil.incident.Incident;
import dev.vigil.incident.Incident.TimelineEntry.Type;
import dev.vigil.incident.IncidentChange;
import dev.vigil.incident.IncidentException;
import dev.vigil.incident.IncidentManager;
import dev.vigil.playbook.Action;
import dev.vigil.respond.OutboxEntry.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response stage (DESIGN §5), one thread: takes what the {@link ResponseInbox} was handed,
 * in order, and responds. A new incident first stops the retries it makes pointless (the
 * fallback), then runs its playbook; acknowledged and resolved incidents are told to the channels
 * that heard of them; an answer to a retry directive resolves or escalates its incident; each
 * tick ends expired retries, reverts telemetry, sends due digests and re-sends open incidents'
 * alerts to the channels that forget them.
 *
 * <p>An escalation is the medium protocol, without retries, for an incident whose automatic
 * recovery failed; the incident manager lets each incident escalate once.
 *
 * <p>Concurrency: everything here and in the {@link Planner}, {@link RetryProtocol} and
 * {@link Timers} runs on the response thread, so none of them locks; what runs outbox entries
 * is the {@link ActionRunner}'s.
 */
public final class ResponseStage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResponseStage.class);
    /** How long the thread waits for input before it looks whether it should stop. */
    private static final long IDLE_MILLIS = 250;

    private final ResponseInbox inbox;
    private final Planner planner;
    private final RetryProtocol retries;
    private final Timers timers;
    private final IncidentManager incidents;
    private final Thread thread;
    private volatile boolean closing;

    public ResponseStage(ResponseInbox inbox, Planner planner, RetryProtocol retries, Timers timers, IncidentManager incidents) {
        this.inbox = inbox;
        this.planner = planner;
        this.retries = retries;
        this.timers = timers;
        this.incidents = incidents;
        this.thread = Thread.ofPlatform().name("vigil-response").start(this::run);
    }

    private void run() {
        while (!closing || !inbox.isEmpty()) {
            try {
                ResponseInbox.Input input = inbox.take(IDLE_MILLIS);
                if (input == null) continue;
                switch (input) {
                    case ResponseInbox.Change c -> changed(c.change());
                    case ResponseInbox.Answer a -> answered(a.event());
                    case ResponseInbox.Tick t -> tick();
                    case ResponseInbox.Replan r -> replan(r.incident());
                    case ResponseInbox.Then then -> then.action().run();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A failing store must not stop the response for good; the outbox keeps what was planned.
                log.error("the response stage failed on an input; continuing", e);
            }
        }
    }

    private void changed(IncidentChange change) {
        Incident incident = change.incident();
        switch (change.kind()) {
            case OPENED -> {
                retries.fallBack(incident).forEach(this::escalate);
                for (Action action : planner.playbook(incident)) act(incident, action);
            }
            case ACKNOWLEDGED -> planner.transition(incident, Task.Transition.ACKNOWLEDGED);
            case RESOLVED -> {
                retries.withdraw(incident);
                planner.transition(incident, Task.Transition.RESOLVED);
            }
            default -> {} // the inbox hands on no other kind
        }
    }

    /**
     * After a restart: the playbook of an incident that may have been opened just before it, again.
     * Planning is idempotent (each entry's dedup key), but a retry is not: one sent already is not
     * sent twice.
     */
    private void replan(Incident incident) {
        if (incident.escalated()) return; // its retry failed: the medium protocol took over, planned with the escalation
        for (Action action : planner.playbook(incident)) {
            if (action instanceof Action.Retry && planner.planned(incident, action)) continue;
            act(incident, action);
        }
    }

    private void act(Incident incident, Action action) {
        switch (action) {
            case Action.Retry r when !incident.dryRun() -> {
                RetryProtocol.Start start = retries.start(incident, r);
                if (start.sent()) planner.record(incident, r, Status.DONE, start.detail());
                else escalate(new RetryProtocol.Escalation(incident.id(), start.detail()));
            }
            case Action.Escalate e when !incident.dryRun() -> escalate(new RetryProtocol.Escalation(incident.id(),
                    "escalated by the playbook to " + e.to().wire()));
            default -> planner.plan(incident, action);
        }
    }

    private void escalate(RetryProtocol.Escalation x) {
        Incident escalated = incidents.escalate(x.incident(), x.why());
        if (escalated == null) return; // already escalated, or resolved meanwhile
        for (Action action : planner.escalation()) act(escalated, action);
    }

    private void answered(Event e) {
        retries.answer(e).ifPresent(a -> {
            if (!a.succeeded()) {
                escalate(new RetryProtocol.Escalation(a.incident(), a.detail()));
                return;
            }
            try {
                incidents.recover(a.incident(), a.detail());
            } catch (IncidentException alreadyResolved) {
                // an operator resolved it first: nothing left to do
            }
        });
    }

    private void tick() {
        retries.expired().forEach(this::escalate);
        for (String incident : timers.tick()) incidents.record(incident, Type.REVERTED, "vigil", "telemetry back to normal");
    }

    /** Handles what is queued, then stops. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
