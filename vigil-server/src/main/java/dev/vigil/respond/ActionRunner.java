package dev.vigil.respond;

import dev.vigil.config.VigilConfig;
import dev.vigil.notify.Delivery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs outbox entries: at once when they are planned, and again after failures with
 * exponential backoff, until they succeed, fail for good, or run out of attempts. A poll
 * every {@link #POLL_MILLIS} finds entries that are due, including those left pending by a
 * crash, so a restart resumes them.
 *
 * <p>Order: entries about one incident for one channel form a lane and run one at a time, in
 * the order they were planned, so a channel never hears "resolved" before "acknowledged", even
 * when the first delivery needs retries. {@link #busyLanes} holds the lanes with an entry
 * running or waiting for a retry; a new entry in a busy lane waits for the poll.
 *
 * <p>Concurrency: each entry runs on its own virtual thread, so one slow or failing channel
 * never delays another lane (the pause has a lane of its own); at most {@link #MAX_RUNNING}
 * run at once. {@link #running} holds the ids being run, so the poll never starts an entry twice.
 */
public final class ActionRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ActionRunner.class);
    private static final long POLL_MILLIS = 250;
    /** Deliveries in flight at once; each is a network call with its own timeout. */
    private static final int MAX_RUNNING = 64;
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    /** Carries out one entry; the {@link Dispatcher} implements it. */
    public interface Handler {
        Delivery run(OutboxEntry entry);

        /** How long a failing entry is retried, from when it was planned: its channel's horizon, or null for the default. */
        Duration retryFor(OutboxEntry entry);

        /**
         * After the entry's final outcome: done, failed for good, or recorded at planning.
         *
         * @param ticket for a ticket opened: its id or URL
         */
        void finished(OutboxEntry outcome, String ticket);
    }

    private final Outbox outbox;
    private final Handler handler;
    private final Clock clock;
    /** Null: no cap on attempts, only the retry horizon. */
    private final Integer maxAttempts;
    private final Duration backoff;
    private final Duration retryFor;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Set<String> busyLanes = ConcurrentHashMap.newKeySet();
    private final Semaphore slots = new Semaphore(MAX_RUNNING);
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("vigil-outbox").daemon().factory());

    /** Starts polling at once, so entries left pending by a crash resume. */
    public ActionRunner(Outbox outbox, Handler handler, Clock clock, VigilConfig.Response config) {
        this.outbox = outbox;
        this.handler = handler;
        this.clock = clock;
        this.maxAttempts = config.actionAttempts();
        this.backoff = config.actionBackoff();
        this.retryFor = config.retryFor();
        poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Writes a freshly planned entry, unless one with its dedup key was planned before. A pending
     * one runs now, unless an earlier entry of its lane is under way or every slot is taken (then
     * the poll runs it); one recorded at planning is reported finished. Never waits for a delivery.
     */
    void submit(OutboxEntry entry) {
        if (!outbox.insert(entry)) return;
        if (entry.status() != OutboxEntry.Status.PENDING) {
            handler.finished(entry, null);
            return;
        }
        if (!busyLanes.add(lane(entry))) return;
        start(entry);
    }

    private void start(OutboxEntry entry) {
        if (!slots.tryAcquire()) return; // the lane stays busy; the poll starts the entry when a slot frees
        if (!running.add(entry.id())) {
            slots.release();
            return;
        }
        workers.execute(() -> run(entry));
    }

    /**
     * Expires the incident's moot entries (see {@link Outbox#moot}) that are not being delivered
     * right now, frees their lanes and reports them finished; returns them.
     */
    List<OutboxEntry> expireMoot(String incident, String why) {
        Instant now = clock.instant();
        List<OutboxEntry> expired = new ArrayList<>();
        for (OutboxEntry e : outbox.moot(incident)) {
            if (running.contains(e.id()) || !outbox.expire(e.id(), now, why)) continue;
            release(e);
            OutboxEntry outcome = e.outcome(OutboxEntry.Status.EXPIRED, e.attempts(), now, why);
            handler.finished(outcome, null);
            expired.add(outcome);
        }
        return expired;
    }

    /**
     * Waits until no entry is running and none is due on the clock: what a drill or test on a
     * virtual clock waits on instead of the next poll, which it runs at once.
     */
    public void awaitIdle() throws InterruptedException {
        while (true) {
            if (running.isEmpty()) {
                poll();
                if (running.isEmpty()) return;
            }
            Thread.sleep(1); // deliveries are network calls on their own threads; nothing here to wait on but them
        }
    }

    /** One incident's deliveries to one channel; actions without a channel (pause, resume) are lanes of their own. */
    private static String lane(OutboxEntry e) {
        return e.channel() == null ? e.id() : e.incident() + "|" + e.channel();
    }

    private void poll() {
        try {
            for (OutboxEntry e : outbox.runnable(clock.instant(), MAX_RUNNING)) {
                if (running.contains(e.id())) continue;
                busyLanes.add(lane(e));
                start(e);
            }
        } catch (RuntimeException e) {
            log.warn("outbox poll failed; will try again", e);
        }
    }

    /** Frees the lane unless a later entry of it is pending, which then keeps it for the poll to run in order. */
    private void release(OutboxEntry e) {
        if (e.channel() == null || !outbox.lanePending(e.incident(), e.channel())) busyLanes.remove(lane(e));
    }

    /**
     * A recoverable failure is retried for as long as the page matters: until the entry's retry
     * horizon has passed since it was planned (hours, by default), or the attempts' cap if one is
     * configured. An entry that became moot meanwhile (its incident resolved) is expired by the
     * planner instead.
     */
    private boolean givenUp(OutboxEntry e, int attempts, Instant now) {
        if (maxAttempts != null && attempts >= maxAttempts) return true;
        Duration horizon = handler.retryFor(e);
        return !now.isBefore(e.createdAt().plus(horizon != null ? horizon : retryFor));
    }

    private void run(OutboxEntry e) {
        try {
            // A poll may have read this entry just before another run finished it.
            if (!outbox.stillPending(e.id(), e.attempts())) return;
            int attempts = e.attempts() + 1;
            Delivery d;
            try {
                d = handler.run(e);
            } catch (RuntimeException ex) {
                d = Delivery.retry("error: " + ex.getMessage());
            }
            Instant now = clock.instant();
            if (d.ok()) {
                outbox.done(e.id(), attempts, now, d.detail());
                release(e);
                handler.finished(e.outcome(OutboxEntry.Status.DONE, attempts, now, d.detail()), d.reference());
            } else if (d.recoverable() && !givenUp(e, attempts, now)) {
                Duration wait = backoff.multipliedBy(1L << Math.min(20, attempts - 1));
                if (wait.compareTo(MAX_BACKOFF) > 0) wait = MAX_BACKOFF;
                log.info("{}{} failed (attempt {}), retrying in {}: {}", e.task().name(), e.channel() == null ? "" : " via " + e.channel(),
                        attempts, wait, d.detail());
                outbox.retryAt(e.id(), attempts, now.plus(wait), d.detail());
            } else {
                log.warn("{}{} failed for good after {} attempt(s): {}", e.task().name(), e.channel() == null ? "" : " via " + e.channel(),
                        attempts, d.detail());
                outbox.failed(e.id(), attempts, now, d.detail());
                release(e);
                handler.finished(e.outcome(OutboxEntry.Status.FAILED, attempts, now, d.detail()), null);
            }
        } catch (RuntimeException ex) {
            log.error("outbox entry {} ({}) could not be processed; it stays pending", e.id(), e.task().name(), ex);
        } finally {
            running.remove(e.id());
            slots.release();
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}
