package dev.vigil.pipeline;

import dev.vigil.detect.DetectionEngine;
import dev.vigil.detect.Signal;
import dev.vigil.event.Event;
import dev.vigil.incident.IncidentManager;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs detection on one thread: committed events in log order go through the engine, signals
 * through the incident manager; timers (absence) are checked every {@link #TICK_MILLIS} against
 * the injected clock; rule reloads run here too, between events.
 *
 * <p>Bound: {@link #capacity} holds one permit per event waiting. {@link #submit} blocks when
 * detection is behind, which holds back the event log's writer, which fills the ingest queue,
 * which answers 503: overload reaches the clients instead of the heap.
 */
public final class DetectionLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DetectionLoop.class);
    /** How often timers are checked; absence rules are minutes long, so a quarter second is plenty. */
    private static final long TICK_MILLIS = 250;

    private sealed interface Work {}

    /** @param permits what this batch holds of {@link #capacity}: its size, or all of it for a batch larger than the queue */
    private record Events(List<Event> events, int permits) implements Work {}

    private record Task(Runnable run) implements Work {}

    private final DetectionEngine engine;
    private final IncidentManager incidents;
    private final java.util.function.Consumer<Event> observer;
    private final Clock clock;
    private final Semaphore capacity;
    private final int capacityEvents;
    private final BlockingQueue<Work> work = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closing;
    private long lastTick = System.nanoTime();

    /**
     * @param observer sees every committed event first, on this thread (fleet figures, directive answers)
     */
    public DetectionLoop(DetectionEngine engine, IncidentManager incidents, java.util.function.Consumer<Event> observer,
                         Clock clock, int capacityEvents) {
        this.engine = engine;
        this.incidents = incidents;
        this.observer = observer;
        this.clock = clock;
        this.capacity = new Semaphore(capacityEvents);
        this.capacityEvents = capacityEvents;
        this.thread = Thread.ofPlatform().name("vigil-detection").start(this::run);
    }

    /** Queues committed events; blocks while the queue is full. */
    public void submit(List<Event> events) {
        int permits = Math.min(events.size(), capacityEvents);
        capacity.acquireUninterruptibly(permits);
        work.add(new Events(events, permits));
    }

    /** Runs a task on the detection thread, between events, and returns its result. */
    public <T> CompletableFuture<T> call(Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        work.add(new Task(() -> {
            try {
                result.complete(task.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }));
        return result;
    }

    private void run() {
        while (!closing || !work.isEmpty()) {
            try {
                Work next = work.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
                if (next instanceof Events batch) {
                    try {
                        for (Event e : batch.events()) {
                            try {
                                observer.accept(e);
                                handle(engine.onEvent(e, clock.instant()));
                            } catch (RuntimeException failure) {
                                // One event's failure (a store error, a lifecycle conflict) must not skip the rest of the batch.
                                log.error("detection failed on event {} of agent {}; continuing", e.id(), e.agent(), failure);
                            }
                        }
                        incidents.flush();
                    } finally {
                        capacity.release(batch.permits());
                    }
                } else if (next instanceof Task task) {
                    task.run().run();
                }
                if (System.nanoTime() - lastTick >= TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS)) {
                    lastTick = System.nanoTime();
                    handle(engine.advance(clock.instant()));
                    incidents.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A failing store must not stop detection for good; the error is logged and the loop goes on.
                log.error("detection failed on a batch; continuing", e);
            }
        }
    }

    private void handle(List<Signal> signals) {
        for (Signal s : signals) incidents.onSignal(s);
    }

    /** Processes what is queued, then stops. */
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
