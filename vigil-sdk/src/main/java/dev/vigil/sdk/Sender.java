package dev.vigil.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The sender thread of one {@link Vigil} instance: drains the buffer in batches, writes them as
 * JSON and posts them, one request at a time.
 *
 * <p>States: running → closing (close() called: the buffer is drained without waiting for batches
 * to fill, and failed sends are retried only until the close deadline) → stopped (what is left is
 * counted as dropped).
 *
 * <p>Answers: 202 delivers the batch (the invalid events listed in it are rejected); 413 splits
 * the batch in halves (the server answers it, too, for a batch holding more events of one agent
 * than that agent's rate-limit burst). 429 (an agent over its rate), 408, 502, 503, 504 and
 * connection failures mean the server cannot take it now: the same body is
 * retried, for as long as it takes, after the {@code Retry-After} the server gave, else after a
 * backoff. Any other 5xx is the server failing on this batch: after
 * {@link #SERVER_FAILURES_BEFORE_SPLIT} in a row the batch is split, and a single event rejected,
 * so that one event the server cannot take does not block all sending. Any other 4xx rejects the
 * batch for good, with the server's reason logged, as sending it again would be refused again.
 * Every attempt and every half carries the same event ids ({@link OutgoingEvent}), so an event
 * whose answer was lost is stored once.
 *
 * <p>Concurrency: everything but the counters and {@link #closeDeadline} is confined to the sender
 * thread. The counters are atomics read by {@link #stats()}; {@link #inFlight} and
 * {@link #progress} let {@link #flush} wait for the thread.
 */
final class Sender {
    private static final System.Logger log = System.getLogger(Sender.class.getName());
    /** Reasons of rejected events logged per batch: enough to diagnose, bounded against a flood. */
    private static final int REASONS_LOGGED = 3;
    /** A Retry-After beyond this is taken as this, so a misconfigured proxy cannot park the sender for days. */
    private static final long MAX_RETRY_AFTER_SECONDS = 600;
    /** Answers of {@link #failsOnTheBatch} kind in a row for one batch before it is taken as the batch's fault, not a passing failure. */
    private static final int SERVER_FAILURES_BEFORE_SPLIT = 3;

    private final Config config;
    private final Endpoint endpoint;
    private final EventBuffer buffer;
    private final EventJson json;
    private final Backoff backoff;
    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final Object progress = new Object();
    private volatile int inFlight;
    private volatile boolean flushRequested;
    /** System.nanoTime() by which a closing sender gives up; 0 while running. */
    private volatile long closeDeadline;
    private boolean serverDown;

    Sender(Config config, Endpoint endpoint, EventBuffer buffer) {
        this.config = config;
        this.endpoint = endpoint;
        this.buffer = buffer;
        this.json = new EventJson(endpoint.json());
        this.backoff = new Backoff(config.minBackoff(), config.maxBackoff());
        this.thread = Thread.ofPlatform().daemon().name("vigil-sender").unstarted(this::run);
    }

    void start() {
        buffer.wakeWhenReady(thread, config.batchSize());
        thread.start();
    }

    VigilStats stats() {
        return new VigilStats(sent.get(), buffer.dropped(), rejected.get(), retries.get(), requests.get(), buffer.size());
    }

    /** Waits until the buffer is empty and no batch is in flight, at most {@code timeout}. */
    boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (buffer.size() > 0 || inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !thread.isAlive()) return false;
                flushRequested = true;
                LockSupport.unpark(thread);
                try {
                    progress.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Sends what is buffered, waiting at most the close timeout, then stops the thread. */
    void close() {
        if (closeDeadline != 0 || !thread.isAlive()) return;
        closeDeadline = System.nanoTime() + Math.max(1, config.closeTimeout().toNanos());
        LockSupport.unpark(thread);
        try {
            thread.join(config.closeTimeout().plusSeconds(1));
            if (thread.isAlive()) {
                thread.interrupt(); // a request hanging past the deadline: abandon it
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean closing() {
        return closeDeadline != 0;
    }

    private void run() {
        List<EventRecord> drained = new ArrayList<>(config.batchSize());
        while (!Thread.currentThread().isInterrupted()) {
            if (buffer.size() < config.batchSize() && !closing() && !flushRequested) {
                LockSupport.parkNanos(this, config.flushInterval().toNanos());
            }
            flushRequested = false;
            if (closing() && closeDeadline - System.nanoTime() <= 0) break;
            drained.clear();
            inFlight = 1; // before the drain: flush() must never see an empty buffer and nothing in flight meanwhile
            buffer.drainTo(drained, config.batchSize());
            try {
                if (!drained.isEmpty()) deliver(drained.stream().map(OutgoingEvent::of).toList());
            } catch (RuntimeException bug) { // the thread must survive anything: it is the only one sending
                rejected.addAndGet(drained.size());
                log.log(System.Logger.Level.ERROR, "Vigil SDK: a batch of " + drained.size() + " events was lost to an unexpected error", bug);
            }
            settled(); // also after an empty drain: a flush() may be waiting for this one
            if (drained.isEmpty() && closing()) break;
        }
        abandonRest();
    }

    /** Nothing in flight: wakes flush() to look at the buffer again. */
    private void settled() {
        inFlight = 0;
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** Stopped: whatever was not sent is counted as dropped. */
    private void abandonRest() {
        List<EventRecord> rest = new ArrayList<>();
        while (buffer.drainTo(rest, Integer.MAX_VALUE) > 0) {
            buffer.countDropped(rest.size());
            rest.clear();
        }
        settled();
    }

    private void deliver(List<OutgoingEvent> events) {
        EventJson.Batch batch = json.write(events, (e, why) -> {
            rejected.incrementAndGet();
            log.log(System.Logger.Level.WARNING, "Vigil SDK: a {0} event of agent {1} could not be written as JSON and is not sent: {2}",
                    e.kind(), e.agent(), why.toString());
        });
        if (!batch.events().isEmpty()) post(batch);
    }

    /** Posts until the batch is delivered, split, rejected, or given up at the close deadline. */
    private void post(EventJson.Batch batch) {
        HttpRequest request = endpoint.request("/v1/events", true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(batch.body())).build();
        int size = batch.events().size();
        int serverFailures = 0;
        while (true) {
            long waitNanos;
            requests.incrementAndGet();
            try {
                HttpResponse<String> r = endpoint.http().send(request, HttpResponse.BodyHandlers.ofString());
                int status = r.statusCode();
                if (status / 100 == 2) {
                    accepted(batch, r.body());
                    return;
                }
                if (status == 413 && size > 1) {
                    split(batch);
                    return;
                }
                if (status != 408 && status != 429 && status < 500) {
                    refused(size, status, r.body());
                    return;
                }
                serverFailures = failsOnTheBatch(status) ? serverFailures + 1 : 0;
                if (serverFailures >= SERVER_FAILURES_BEFORE_SPLIT && size == 1) {
                    refused(size, status, r.body());
                    return;
                }
                waitNanos = retryAfterNanos(r).map(n -> Math.max(n, config.minBackoff().toNanos())).orElseGet(backoff::nextNanos);
                down("HTTP " + status + " " + abbreviate(r.body()));
                // A batch the server keeps failing on may hide one bad event: halve it to find that one.
                if (size > 1 && serverFailures >= SERVER_FAILURES_BEFORE_SPLIT) {
                    if (waitOrDrop(waitNanos, size)) split(batch);
                    return;
                }
            } catch (IOException e) {
                serverFailures = 0;
                waitNanos = backoff.nextNanos();
                down(e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                buffer.countDropped(size);
                return;
            }
            if (!waitOrDrop(waitNanos, size)) return;
        }
    }

    /** A 5xx other than the gateway's "the server is away" (502, 503, 504): the server failed on what it was sent. */
    private static boolean failsOnTheBatch(int status) {
        return status >= 500 && status != 502 && status != 503 && status != 504;
    }

    /** Waits before the next attempt and counts it; false (the batch counted as dropped) when closing leaves no time. */
    private boolean waitOrDrop(long nanos, int size) {
        if (!pause(nanos)) {
            buffer.countDropped(size);
            return false;
        }
        retries.incrementAndGet();
        return true;
    }

    /** Waits before the next attempt; false when closing leaves no time for one. */
    private boolean pause(long nanos) {
        long until = System.nanoTime() + nanos;
        while (true) {
            long now = System.nanoTime();
            long deadline = closeDeadline;
            if (deadline != 0 && until - deadline > 0) until = deadline;
            if (until - now <= 0) return deadline == 0 || deadline - now > 0;
            if (Thread.currentThread().isInterrupted()) return false;
            LockSupport.parkNanos(this, until - now); // close() unparks us to shorten the wait
        }
    }

    private void split(EventJson.Batch batch) {
        List<OutgoingEvent> events = batch.events();
        int half = events.size() / 2;
        deliver(new ArrayList<>(events.subList(0, half)));
        deliver(new ArrayList<>(events.subList(half, events.size())));
    }

    private void accepted(EventJson.Batch batch, String body) {
        up();
        JsonNode answer = readJson(body);
        JsonNode rejections = answer.path("rejected");
        int refused = rejections.size();
        sent.addAndGet(answer.path("accepted").asLong(batch.events().size() - refused));
        if (refused == 0) return;
        rejected.addAndGet(refused);
        StringBuilder reasons = new StringBuilder();
        for (int i = 0; i < Math.min(REASONS_LOGGED, refused); i++) {
            JsonNode r = rejections.get(i);
            EventRecord e = batch.events().get(Math.min(r.path("index").asInt(), batch.events().size() - 1)).event();
            reasons.append("; ").append(e.kind()).append(" of ").append(e.agent()).append(": ").append(r.path("error").asText());
        }
        log.log(System.Logger.Level.WARNING, "Vigil SDK: the server rejected {0} of {1} events{2}", refused, batch.events().size(), reasons);
    }

    private void refused(int size, int status, String body) {
        up();
        rejected.addAndGet(size);
        log.log(System.Logger.Level.WARNING, "Vigil SDK: the server refused a batch of {0} events for good (HTTP {1}): {2}",
                size, status, abbreviate(body));
    }

    private void down(String why) {
        if (!serverDown) log.log(System.Logger.Level.WARNING, "Vigil SDK: cannot deliver events to {0}, retrying with backoff: {1}",
                config.base(), why);
        serverDown = true;
    }

    private void up() {
        backoff.reset();
        if (serverDown) log.log(System.Logger.Level.INFO, "Vigil SDK: delivering events to {0} again", config.base());
        serverDown = false;
    }

    private static java.util.Optional<Long> retryAfterNanos(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return java.util.Optional.of(Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Long.parseLong(v.trim()))) * 1_000_000_000L);
            } catch (NumberFormatException httpDate) {
                return java.util.Optional.empty(); // the server sends seconds; a date from a proxy falls back to backoff
            }
        });
    }

    private JsonNode readJson(String body) {
        try {
            return endpoint.json().readTree(body);
        } catch (IOException | RuntimeException e) {
            return endpoint.json().createObjectNode();
        }
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 500 ? body.substring(0, 500) + "…" : body;
    }
}
