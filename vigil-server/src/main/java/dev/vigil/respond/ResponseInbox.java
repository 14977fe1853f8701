package dev.vigil.respond;

import dev.vigil.event.Event;
import dev.vigil.incident.IncidentChange;
import java.util.ArrayDeque;

/**
 * What the response stage is handed, in the order it happened: incident changes (from the
 * incident manager, under its lock), answers to retry directives (from the detection thread)
 * and timer ticks (from the pipeline's scheduler). The one response thread takes them.
 *
 * <p>Never blocks the giver: {@link #changed} runs under the incident manager's lock, which the
 * response thread needs too, so it only appends. The bound is kept by the detection thread
 * instead, which calls {@link #awaitRoom} between batches, outside every lock: a storm of new
 * incidents holds back detection (and so ingest) rather than growing this queue. Operators'
 * acknowledgements and the stage's own resolutions are few and always go in.
 *
 * <p>Concurrency: every method holds this object's monitor briefly; nothing else is locked inside.
 */
public final class ResponseInbox {
    /** One thing to respond to. */
    sealed interface Input {}

    record Change(IncidentChange change) implements Input {}

    record Answer(Event event) implements Input {}

    record Tick() implements Input {}

    /** An incident opened before a restart whose playbook may not have been planned in full: planned again. */
    record Replan(dev.vigil.incident.Incident incident) implements Input {}

    /** Runs once everything handed over before it has been handled (the detection position is recorded so). */
    record Then(Runnable action) implements Input {}

    private final ArrayDeque<Input> queue = new ArrayDeque<>();
    private final int room;
    /** A tick is waiting already: under load ticks do not pile up behind the work. */
    private boolean tickQueued;
    /** The response thread is handling an input it took. */
    private boolean busy;

    /** @param room inputs that may wait before {@link #awaitRoom} holds detection back */
    public ResponseInbox(int room) {
        this.room = room;
    }

    /** Opened, acknowledged and resolved incidents; other changes need no response. */
    public synchronized void changed(IncidentChange c) {
        switch (c.kind()) {
            case OPENED, ACKNOWLEDGED, RESOLVED -> add(new Change(c));
            default -> {}
        }
    }

    /** An outcome event that names a directive. */
    public synchronized void answered(Event e) {
        add(new Answer(e));
    }

    /** @see Replan */
    public synchronized void replan(dev.vigil.incident.Incident incident) {
        add(new Replan(incident));
    }

    /**
     * Runs {@code action} on the response thread once everything handed over so far is handled.
     * Only the latest waiting one runs: one at the end of the queue is replaced, which keeps a
     * storm of detection batches from queueing a write each.
     */
    public synchronized void then(Runnable action) {
        if (queue.peekLast() instanceof Then) queue.pollLast();
        add(new Then(action));
    }

    public synchronized void tick() {
        if (tickQueued) return;
        tickQueued = true;
        add(new Tick());
    }

    private void add(Input input) {
        queue.add(input);
        notifyAll();
    }

    /** Waits while more than the room's worth of inputs wait; returns early, interrupted, when the thread is. */
    public synchronized void awaitRoom() {
        try {
            while (queue.size() > room) wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until every input given so far has been handled. */
    public synchronized void awaitIdle() throws InterruptedException {
        while (busy || !queue.isEmpty()) wait();
    }

    /** The next input, or null after {@code millis} without one; the previous one counts as handled. */
    synchronized Input take(long millis) throws InterruptedException {
        busy = false;
        notifyAll();
        long until = System.nanoTime() + millis * 1_000_000;
        while (queue.isEmpty()) {
            long left = until - System.nanoTime();
            if (left <= 0) return null;
            wait(Math.max(1, left / 1_000_000));
        }
        Input next = queue.poll();
        if (next instanceof Tick) tickQueued = false;
        busy = true;
        notifyAll();
        return next;
    }

    synchronized boolean isEmpty() {
        return queue.isEmpty();
    }
}
