package dev.vigil.detection;

import dev.vigil.detect.DetectionEngine;
import dev.vigil.detect.Signal;
import dev.vigil.detect.SignalSink;
import dev.vigil.event.Event;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs detection on one thread: committed events in log order go through the engine, its
 * signals to the {@link SignalSink} (the incident stage); timers (absence) are checked every
 * {@link #TICK_MILLIS} against the injected clock; rule reloads and signals raised outside the
 * rules (Vigil's self-monitoring) run here too, between events.
 *
 * <p>Bound: the {@link DetectionQueue}'s; after each batch the sink may hold this thread back too.
 */
public final class DetectionLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DetectionLoop.class);
    /** How often timers are checked; absence rules are minutes long, so a quarter second is plenty. */
    private static final long TICK_MILLIS = 250;

    private final DetectionEngine engine;
    private final Consumer<Event> observer;
    private final SignalSink sink;
    private final Clock clock;
    private final DetectionQueue work;
    private final Thread thread;
    private volatile boolean closing;
    private long lastTick = System.nanoTime();
    /** The event log's position detection has got to; this thread's only. */
    private long detectedUpTo;

    /**
     * @param observer sees every committed event first, on this thread (fleet figures, directive answers)
     */
    /** @param startAt the event log's position detection starts after (what it detected on before a restart) */
    public DetectionLoop(DetectionEngine engine, DetectionQueue work, Consumer<Event> observer, SignalSink sink, Clock clock,
                         long startAt) {
        this.detectedUpTo = startAt;
        this.engine = engine;
        this.work = work;
        this.observer = observer;
        this.sink = sink;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("vigil-detection").start(this::run);
    }

    /** Runs a task on the detection thread, between events, and returns its result. */
    public <T> CompletableFuture<T> call(Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        work.add(() -> {
            try {
                result.complete(task.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * Checks the timers now, after the events queued so far: what a drill or test on a virtual
     * clock waits on instead of the next tick.
     */
    public CompletableFuture<Void> checkTimers() {
        return call(() -> {
            handle(engine.advance(clock.instant()));
            sink.batchDone(detectedUpTo);
            return null;
        });
    }

    /** Hands signals raised outside the rules to the sink, on this thread, as if a rule had fired. */
    public void raise(List<Signal> signals) {
        if (signals.isEmpty()) return;
        work.add(() -> {
            handle(signals);
            sink.batchDone(detectedUpTo);
        });
    }

    private void run() {
        while (!closing || !work.isEmpty()) {
            try {
                DetectionQueue.Work next = work.poll(TICK_MILLIS);
                if (next instanceof DetectionQueue.Events batch) {
                    try {
                        if (batch.warmUp()) warmUp(batch.events());
                        else detect(batch);
                    } finally {
                        work.done(batch);
                    }
                } else if (next instanceof DetectionQueue.Task task) {
                    task.run().run();
                }
                if (System.nanoTime() - lastTick >= TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS)) {
                    lastTick = System.nanoTime();
                    handle(engine.advance(clock.instant()));
                    sink.batchDone(detectedUpTo);
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

    private void detect(DetectionQueue.Events batch) {
        for (Event e : batch.events()) {
            try {
                observer.accept(e);
                handle(engine.onEvent(e, clock.instant()));
            } catch (RuntimeException failure) {
                // One event's failure (a store error, a lifecycle conflict) must not skip the rest of the batch.
                log.error("detection failed on event {} of agent {}; continuing", e.id(), e.agent(), failure);
            }
        }
        detectedUpTo = Math.max(detectedUpTo, batch.upTo());
        sink.batchDone(detectedUpTo);
    }

    /** Events detected on before a restart: into the windows again; what they make fire was raised then. */
    private void warmUp(List<Event> events) {
        for (Event e : events) {
            try {
                engine.onEvent(e, clock.instant());
            } catch (RuntimeException failure) {
                log.error("rebuilding the windows failed on event {} of agent {}; continuing", e.id(), e.agent(), failure);
            }
        }
    }

    private void handle(List<Signal> signals) {
        for (Signal s : signals) sink.signal(s);
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
