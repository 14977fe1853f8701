package dev.vigil.detection;

import dev.vigil.event.Event;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Committed events waiting for detection, in log order, and the tasks that run between them
 * (rule reloads, signals raised outside the rules): what the event log hands to the
 * {@link DetectionLoop}.
 *
 * <p>Bound: {@link #capacity} holds one permit per event waiting. {@link #submit} blocks when
 * detection is behind, which holds back the event log's writer, which fills the ingest queue,
 * which answers 503: overload reaches the clients instead of the heap. Tasks are few and take no
 * permit.
 */
public final class DetectionQueue {
    sealed interface Work {}

    /** @param permits what this batch holds of {@link #capacity}: its size, or all of it for a batch larger than the queue */
    record Events(List<Event> events, int permits) implements Work {}

    record Task(Runnable run) implements Work {}

    private final BlockingQueue<Work> work = new LinkedBlockingQueue<>();
    private final Semaphore capacity;
    private final int capacityEvents;

    public DetectionQueue(int capacityEvents) {
        this.capacity = new Semaphore(capacityEvents);
        this.capacityEvents = capacityEvents;
    }

    /** Queues committed events; blocks while the queue is full. */
    public void submit(List<Event> events) {
        int permits = Math.min(events.size(), capacityEvents);
        capacity.acquireUninterruptibly(permits);
        work.add(new Events(events, permits));
    }

    void add(Runnable task) {
        work.add(new Task(task));
    }

    Work poll(long millis) throws InterruptedException {
        return work.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** A batch was detected on: its room is free again. */
    void done(Events batch) {
        capacity.release(batch.permits());
    }

    boolean isEmpty() {
        return work.isEmpty();
    }
}
