package dev.vigil.detection;

import dev.vigil.event.Event;
import dev.vigil.store.EventLog;
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

    /**
     * @param permits what this batch holds of {@link #capacity}: its size, or all of it for a batch larger than the queue
     * @param upTo    the event log's position of the last event, which detection has got to after this batch
     * @param warmUp  events detected on before a restart, sent again only to rebuild the rules' windows
     */
    record Events(List<Event> events, int permits, long upTo, boolean warmUp) implements Work {}

    record Task(Runnable run) implements Work {}

    private final BlockingQueue<Work> work = new LinkedBlockingQueue<>();
    private final Semaphore capacity;
    private final int capacityEvents;

    public DetectionQueue(int capacityEvents) {
        this.capacity = new Semaphore(capacityEvents);
        this.capacityEvents = capacityEvents;
    }

    /** Queues committed events; blocks while the queue is full. */
    public void submit(EventLog.Committed committed) {
        add(committed.events(), committed.upTo(), false);
    }

    /** Queues events detected on before a restart, to rebuild the windows: nothing they make fire is raised again. */
    public void warmUp(List<Event> events) {
        add(events, 0, true);
    }

    private void add(List<Event> events, long upTo, boolean warmUp) {
        int permits = Math.min(events.size(), capacityEvents);
        capacity.acquireUninterruptibly(permits);
        work.add(new Events(events, permits, upTo, warmUp));
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
