package dev.vigil.sdk;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One agent's control document as the SDK follows it: the server's stream of documents
 * ({@code GET /v1/agents/{id}/control/stream}, server-sent events) and, while the stream is down,
 * polling ({@code GET /v1/agents/{id}/control}) until the next reconnect.
 *
 * <p>Threads: one virtual thread, started the first time the document is asked for (an agent that
 * only records never needs it, and costs no connection), runs the stream-or-poll loop and is the only writer of
 * {@link #state}; agents' threads read it in {@link #guard()} (a volatile read, no lock). Retry
 * listeners run on a single callback thread of their own, in order, so a slow listener never
 * delays a pause. {@link #pending} and {@link #listeners} change under this object's monitor, so a
 * directive reaches each listener exactly once: those pending when it is added, then new ones.
 *
 * <p>Liveness: the stream's response headers must come within the request timeout (a proxy that
 * accepts the connection and never answers would otherwise keep the loop from ever polling); then
 * the server writes a keep-alive comment every 15 s on an idle stream, and a stream silent for
 * {@link #IDLE_TIMEOUT_NANOS} is taken as dead (a vanished server or a broken NAT mapping sends no
 * reset) and reopened.
 */
final class AgentControl {
    private static final System.Logger log = System.getLogger(AgentControl.class.getName());
    /** Three missed keep-alives of the server (every 15 s): the stream is dead. */
    private static final long IDLE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(45);

    private static final TypeReference<Map<String, Object>> PARAMS = new TypeReference<>() {};

    private final String agent;
    private final Endpoint endpoint;
    private final Config config;
    private final Backoff backoff;
    private final ExecutorService callbacks;
    private final List<Consumer<RetryDirective>> listeners = new CopyOnWriteArrayList<>();
    /** Directives in the latest document, by id; guarded by this. */
    private final Map<String, RetryDirective> pending = new LinkedHashMap<>();
    private volatile ControlState state = ControlState.UNKNOWN;
    private volatile boolean closed;
    private volatile long lastActivity;
    private AgentHandle handle;
    /** Set once under this object's monitor, with {@link #thread}. */
    private volatile boolean following;
    private Thread thread;
    private boolean streamDown;

    AgentControl(String agent, Endpoint endpoint, Config config) {
        this.agent = agent;
        this.endpoint = endpoint;
        this.config = config;
        this.backoff = new Backoff(config.minBackoff(), config.maxBackoff());
        this.callbacks = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("vigil-directives-" + agent).factory());
    }

    void bind(AgentHandle handle) {
        this.handle = handle;
    }

    /** Starts following the document unless it is followed already or closed: a volatile read once started. */
    private void follow() {
        if (following) return;
        synchronized (this) {
            if (following || closed) return;
            thread = Thread.ofVirtual().name("vigil-control-" + agent).start(this::run);
            following = true;
        }
    }

    void guard() {
        follow();
        ControlState s = state;
        if (s.paused()) throw new AgentPausedException(agent, s.reason(), s.pausedBy(), s.since());
    }

    boolean paused() {
        follow();
        return state.paused();
    }

    TelemetryLevel telemetryLevel() {
        follow();
        return state.telemetry();
    }

    synchronized Runnable onRetry(Consumer<RetryDirective> listener) {
        follow();
        listeners.add(listener);
        for (RetryDirective d : pending.values()) deliver(listener, d);
        return () -> listeners.remove(listener);
    }

    void close() {
        closed = true; // before the monitor: a follow() after this starts nothing
        synchronized (this) {
            if (thread != null) thread.interrupt();
        }
        callbacks.shutdownNow();
    }

    private void run() {
        while (!closed) {
            try {
                stream();
            } catch (IOException | RuntimeException e) { // a document we cannot read is a broken stream too
                if (!closed && !streamDown) log.log(System.Logger.Level.WARNING,
                        "Vigil SDK: control stream of {0} is down, polling until it is back: {1}", agent, e.toString());
                streamDown = true;
            } catch (InterruptedException e) {
                if (closed) return;
            }
            Thread.interrupted(); // the watchdog's interrupt ended that stream, not this loop
            pollUntil(System.nanoTime() + backoff.nextNanos());
        }
    }

    /** Reads the stream until it ends or fails; every {@code control} event is applied. */
    private void stream() throws IOException, InterruptedException {
        var request = endpoint.request(Endpoint.agentPath(agent, "/control/stream"), false)
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> r = open(request);
        try (InputStream body = r.body();
             BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode() + " " + new String(body.readNBytes(500), StandardCharsets.UTF_8));
            Thread watchdog = watch(Thread.currentThread());
            try {
                readEvents(lines);
            } finally {
                watchdog.interrupt();
            }
        }
    }

    /** The stream's response, once its headers have arrived within the request timeout. */
    private HttpResponse<InputStream> open(HttpRequest request) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<InputStream>> answer = endpoint.http().sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        try {
            return answer.get(config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abandon(answer);
            throw new HttpTimeoutException("no answer to " + request.uri() + " within " + config.requestTimeout());
        } catch (InterruptedException e) {
            abandon(answer);
            throw e;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private static void abandon(CompletableFuture<HttpResponse<InputStream>> answer) {
        answer.cancel(true);
        answer.thenAccept(late -> { // headers that came just too late: nobody will read that stream
            try {
                late.body().close();
            } catch (IOException ignored) {
                // closing a stream we never read
            }
        });
    }

    private void readEvents(BufferedReader lines) throws IOException {
        String event = null;
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null) {
            lastActivity = System.nanoTime();
            if (line.isEmpty()) { // end of one event
                if (("control".equals(event) || event == null) && !data.isEmpty()) {
                    apply(endpoint.json().readTree(data.toString()));
                    streamUp();
                }
                event = null;
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                event = field(line, 6);
            } else if (line.startsWith("data:")) {
                if (!data.isEmpty()) data.append('\n');
                data.append(field(line, 5));
            } // ":" comments (keep-alives), "id:" and "retry:" need nothing: a reconnect gets the whole document anyway
        }
    }

    private static String field(String line, int nameLength) {
        return line.startsWith(" ", nameLength) ? line.substring(nameLength + 1) : line.substring(nameLength);
    }

    /** Interrupts {@code reader} when the stream stays silent too long. */
    private Thread watch(Thread reader) {
        lastActivity = System.nanoTime();
        return Thread.ofVirtual().name("vigil-control-watchdog-" + agent).start(() -> {
            try {
                while (System.nanoTime() - lastActivity < IDLE_TIMEOUT_NANOS) {
                    TimeUnit.NANOSECONDS.sleep(IDLE_TIMEOUT_NANOS / 3);
                }
                reader.interrupt();
            } catch (InterruptedException streamEnded) {
                // the stream ended first
            }
        });
    }

    /** The fallback while the stream is down: poll every poll interval until {@code reconnectAt}. */
    private void pollUntil(long reconnectAt) {
        while (!closed) {
            poll();
            long left = reconnectAt - System.nanoTime();
            if (left <= 0) return;
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, config.pollInterval().toNanos()));
            } catch (InterruptedException e) {
                return; // closed
            }
        }
    }

    private void poll() {
        try {
            var request = endpoint.request(Endpoint.agentPath(agent, "/control"), true).GET().build();
            HttpResponse<String> r = endpoint.http().send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) apply(endpoint.json().readTree(r.body()));
            else log.log(System.Logger.Level.DEBUG, "Vigil SDK: polling the control document of {0}: HTTP {1}", agent, r.statusCode());
        } catch (IOException | RuntimeException e) {
            log.log(System.Logger.Level.DEBUG, "Vigil SDK: polling the control document of {0} failed: {1}", agent, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Only a document that came over the stream resets the backoff: polls that work must not make reconnects hammer. */
    private void streamUp() {
        backoff.reset();
        if (streamDown) log.log(System.Logger.Level.INFO, "Vigil SDK: control stream of {0} is back", agent);
        streamDown = false;
    }

    /** Takes a document from the server: the new state, and the directives it has not seen yet. */
    private synchronized void apply(JsonNode document) {
        state = ControlState.of(document);
        Set<String> current = new HashSet<>();
        for (JsonNode d : document.path("directives")) {
            String id = ControlState.text(d, "id");
            if (id == null || !"retry".equals(d.path("type").asText())) continue;
            Instant expiresAt = ControlState.instant(d.path("expires_at"));
            // Past its expiry the server escalates whatever the agent does: a retry then only costs.
            if (expiresAt != null && !expiresAt.isAfter(config.clock().instant())) continue;
            current.add(id);
            if (pending.containsKey(id)) continue;
            RetryDirective directive = new RetryDirective(handle, id, ControlState.text(d, "incident"), ControlState.text(d, "task"),
                    d.path("params").isObject() ? endpoint.json().convertValue(d.get("params"), PARAMS) : Map.of(), expiresAt);
            pending.put(id, directive);
            for (Consumer<RetryDirective> l : listeners) deliver(l, directive);
        }
        pending.keySet().retainAll(current); // answered, expired or withdrawn: forget it
    }

    private void deliver(Consumer<RetryDirective> listener, RetryDirective directive) {
        try {
            callbacks.execute(() -> {
                try {
                    listener.accept(directive);
                } catch (RuntimeException e) {
                    log.log(System.Logger.Level.WARNING, "Vigil SDK: a retry listener of " + agent + " failed on " + directive, e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed: nobody is listening any more
        }
    }
}
