package dev.vigil.sdk;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection to a Vigil server: the entry point of the SDK.
 *
 * <pre>{@code
 * try (Vigil vigil = Vigil.connect("http://localhost:8080", key)) {
 *     AgentHandle agent = vigil.agent("billing-bot");
 *     agent.onRetry(d -> retryQueue.add(d));
 *     TaskHandle task = agent.run("run-81f2").task("refund-4471");
 *     task.guard();                       // throws AgentPausedException while the agent is paused
 *     task.toolCall("payments.refund").params(Map.of("amount", 30)).latencyMs(84).ok();
 *     task.outcome().quality(0.92).ok();
 * }
 * }</pre>
 *
 * <p>Design: recording puts an immutable record into a bounded, lock-free buffer on the agent's
 * thread and returns; one daemon sender thread per instance drains it in batches, serializes them
 * and posts them to {@code POST /v1/events}, retrying with backoff while the server is away. When
 * the buffer is full the oldest event is dropped and counted. Each {@link AgentHandle} follows its
 * agent's control document on a virtual thread (server-sent events, polling while the stream is
 * down) once it is first asked about it. Instances share nothing: several can run side by side, each with its own threads.
 *
 * <p>Thread-safe. {@link #close()} sends what is buffered (waiting at most the
 * {@linkplain Builder#closeTimeout(Duration) close timeout}) and stops the threads.
 */
public final class Vigil implements AutoCloseable {
    private final Config config;
    private final EventBuffer buffer;
    private final Sender sender;
    private final ConcurrentMap<String, AgentHandle> agents = new ConcurrentHashMap<>();
    private final Endpoint endpoint;
    private final boolean ownsHttp;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Opens when the first close() has finished: later callers wait for it rather than return while it still sends. */
    private final CountDownLatch closed = new CountDownLatch(1);

    private Vigil(Config config, HttpClient http, boolean ownsHttp) {
        this.config = config;
        this.endpoint = new Endpoint(http, config, EventJson.mapper());
        this.ownsHttp = ownsHttp;
        this.buffer = new EventBuffer(config.bufferCapacity());
        this.sender = new Sender(config, endpoint, buffer);
        sender.start();
    }

    /** Connects with the default settings; see {@link #builder()} for the others. */
    public static Vigil connect(String url, String key) {
        return builder().url(url).key(key).build();
    }

    /** Settings for a new instance. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The handle of the agent with this id, the same one on every call. The handle follows the
     * agent's control document (one streaming connection, until {@link #close()}) from the first
     * call of {@code guard()}, {@code paused()}, {@code telemetryLevel()} or {@code onRetry()}
     * on it or its runs and tasks; an agent that only records opens none.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public AgentHandle agent(String id) {
        if (closing.get()) throw new IllegalStateException("this Vigil instance is closed");
        Scope.id("agent", id);
        return agents.computeIfAbsent(id, a -> {
            AgentControl control = new AgentControl(a, endpoint, config);
            AgentHandle handle = new AgentHandle(a, buffer, config.clock(), control);
            control.bind(handle);
            if (closing.get()) control.close(); // close() ran meanwhile and may have missed this one
            return handle;
        });
    }

    /** The counters of this instance. */
    public VigilStats stats() {
        return sender.stats();
    }

    /**
     * Sends what is buffered now without waiting for the flush interval, and waits until the
     * buffer is empty and no batch is in flight (delivered, rejected or dropped), at most
     * {@code timeout}; true when it got there. Other threads may go on recording meanwhile, which
     * can keep the buffer from emptying. Not needed before {@link #close()}, which flushes itself.
     */
    public boolean flush(Duration timeout) {
        return sender.flush(timeout);
    }

    /**
     * Sends what is buffered, waiting at most the close timeout, then stops the sender and the
     * control streams. Events still unsent then are counted as dropped; events recorded after
     * close stay in the buffer, unsent ({@link VigilStats#buffered()}). Idempotent: a call while
     * another is closing returns when that one has finished.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitClosed();
            return;
        }
        try {
            sender.close();
            agents.values().forEach(a -> a.control().close());
            if (ownsHttp) endpoint.http().shutdownNow(); // nothing left worth waiting for: the sender has finished
        } finally {
            closed.countDown();
        }
    }

    private void awaitClosed() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Settings of a {@link Vigil} instance. Only the URL and the key are required; the defaults
     * suit an agent sending up to tens of thousands of events a second.
     */
    public static final class Builder {
        private String url;
        private String key;
        private int bufferCapacity = 10_000;
        private int batchSize = 500;
        private Duration flushInterval = Duration.ofMillis(200);
        private Duration minBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration pollInterval = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private HttpClient httpClient;

        private Builder() {}

        /** The server's base URL, e.g. {@code http://localhost:8080}. Required. */
        public Builder url(String url) {
            this.url = Objects.requireNonNull(url, "url");
            return this;
        }

        /** An API key with the {@code agent} role (or higher) for the agents this instance reports. Required. */
        public Builder key(String key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** Events that may wait to be sent; beyond this the oldest are dropped. Default 10,000. */
        public Builder bufferCapacity(int events) {
            this.bufferCapacity = positive("bufferCapacity", events);
            return this;
        }

        /** Events per request at most (the server takes up to 10,000 by default). Default 500. */
        public Builder batchSize(int events) {
            this.batchSize = positive("batchSize", events);
            return this;
        }

        /** How long an event may wait for a batch to fill before it is sent anyway. Default 200 ms. */
        public Builder flushInterval(Duration interval) {
            this.flushInterval = positive("flushInterval", interval);
            return this;
        }

        /**
         * The wait after a failed send (connection refused, 5xx) and the control stream's
         * reconnect delay: {@code min} doubling up to {@code max}, with jitter. A 429 or 503 waits
         * as long as its {@code Retry-After} says instead. Default 100 ms to 30 s.
         */
        public Builder backoff(Duration min, Duration max) {
            if (positive("backoff min", min).compareTo(positive("backoff max", max)) > 0) {
                throw new IllegalArgumentException("backoff min " + min + " is above max " + max);
            }
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        /** How long {@link Vigil#close()} may wait for the buffer to be sent. Default 5 s. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = Objects.requireNonNull(timeout, "closeTimeout");
            return this;
        }

        /** How often the control document is polled while its stream is down. Default 5 s. */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = positive("pollInterval", interval);
            return this;
        }

        /**
         * Timeout of each HTTP request; for the control stream, which stays open, the wait for its
         * response to start. Default 10 s.
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("requestTimeout", timeout);
            return this;
        }

        /** The clock that stamps events ({@code ts}). Default the system clock, UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The HTTP client to use (for a proxy, TLS settings or an executor); it is not closed by
         * {@link Vigil#close()}. Default: a client of the instance's own, HTTP/1.1.
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "httpClient");
            return this;
        }

        /** Creates the instance and starts its sender thread. */
        public Vigil build() {
            if (url == null) throw new IllegalStateException("url is required");
            if (key == null) throw new IllegalStateException("key is required");
            URI base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            Config config = new Config(base, key, bufferCapacity, batchSize, flushInterval, minBackoff, maxBackoff,
                    closeTimeout, pollInterval, requestTimeout, clock);
            boolean owns = httpClient == null;
            HttpClient http = owns ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(requestTimeout).build() : httpClient;
            return new Vigil(config, http, owns);
        }

        private static int positive(String name, int value) {
            if (value <= 0) throw new IllegalArgumentException(name + " must be positive: " + value);
            return value;
        }

        private static Duration positive(String name, Duration value) {
            if (Objects.requireNonNull(value, name).isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }
}
