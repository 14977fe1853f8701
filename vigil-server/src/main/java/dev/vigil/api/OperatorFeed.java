package dev.vigil.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.auth.Principal;
import dev.vigil.control.ControlDocument;
import dev.vigil.incident.Incident;
import dev.vigil.incident.IncidentChange;
import dev.vigil.config.Json;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The operators' live stream, {@code GET /v1/stream}: incidents opened, acknowledged, resolved
 * or given feedback, and every change of an agent's control document, as server-sent events for
 * the dashboard.
 *
 * <p>Concurrency: {@link #incident} is called by the incident manager under its lock (detection
 * thread and API requests) and {@link #agent} by the control plane; both serialize the message
 * once and only <em>offer</em> it to each subscriber's bounded queue, so they never block. A
 * subscriber whose queue is full is too slow: it is closed and dropped (its dashboard reconnects
 * and reloads what it shows), so one stalled browser neither holds up the pipeline nor grows the
 * heap. Each SSE client has one virtual sender thread draining its queue.
 */
public final class OperatorFeed {
    /** Messages a subscriber may lag behind: a storm of incidents in one detection batch fits. */
    static final int QUEUE = 256;
    /** Each subscriber holds a thread and a queue; dashboards are few, so this only stops abuse. */
    static final int MAX_SUBSCRIBERS = 64;
    /**
     * Per operator key, so one misbehaving key (a script, a tab left reloading) cannot lock out the
     * others. Generous, because the stream of a reloaded or closed tab is only noticed gone at its
     * next write (the keep-alive): a few reloads in a row briefly hold several places.
     */
    static final int MAX_SUBSCRIBERS_PER_KEY = 16;

    /** One server-sent event, serialized once for every subscriber. */
    record Message(String event, String data) {}

    private final Set<Subscription> subscribers = ConcurrentHashMap.newKeySet();
    /** Subscriptions per key name; guarded by {@code this} together with the size checks in {@link #subscribe}. */
    private final Map<String, Integer> perKey = new HashMap<>();
    /** Open SSE connections, closed by {@link #close} while the HTTP server can still finish them cleanly. */
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final Duration keepAlive;

    /** @param keepAlive idle streams get a comment this often, so proxies keep them open and dead clients are found */
    public OperatorFeed(Duration keepAlive) {
        this.keepAlive = keepAlive;
    }

    /**
     * Every change, as {@code opened}, {@code acknowledged}, {@code resolved}, {@code feedback} or
     * {@code updated} (by the response stage: actions, escalation, ticket).
     */
    public void incident(IncidentChange change) {
        if (subscribers.isEmpty()) return; // called under the incident manager's lock: no serializing for nobody
        Incident incident = change.incident();
        String name = change.kind() == IncidentChange.Kind.ESCALATED ? IncidentChange.Kind.UPDATED.wire() : change.kind().wire();
        ObjectNode body = Json.MAPPER.createObjectNode().put("change", name);
        ObjectNode summary = Json.MAPPER.valueToTree(incident);
        summary.remove("evidence"); // bounded but bulky; the detail page fetches it
        body.set("incident", summary);
        publish(new Message("incident", body.toString()));
    }

    public void agent(ControlDocument document) {
        if (subscribers.isEmpty()) return;
        publish(new Message("agent", Json.MAPPER.valueToTree(document).toString()));
    }

    void publish(Message m) {
        for (Subscription s : subscribers) {
            if (!s.queue.offer(m)) {
                s.overflowed = true;
                s.cancel();
            }
        }
    }

    /** A new subscriber for the key named {@code key}, or null when there are too many, in all or for that key. */
    synchronized Subscription subscribe(String key) {
        int ofKey = perKey.getOrDefault(key, 0);
        if (subscribers.size() >= MAX_SUBSCRIBERS || ofKey >= MAX_SUBSCRIBERS_PER_KEY) return null;
        Subscription s = new Subscription(key);
        perKey.put(key, ofKey + 1);
        subscribers.add(s);
        return s;
    }

    private synchronized void unsubscribe(Subscription s) {
        if (subscribers.remove(s)) perKey.computeIfPresent(s.key, (k, n) -> n == 1 ? null : n - 1);
    }

    int subscribers() {
        return subscribers.size();
    }

    /** Streams messages to one client until it goes away or falls too far behind. */
    void stream(SseClient client) {
        Principal principal = Authenticator.principal(client.ctx());
        Subscription s = subscribe(principal == null ? "" : principal.name());
        if (s == null) { // the response has started (SSE sends its headers first): say why, then hang up; the client retries later
            client.sendComment("too many operator streams; try again later");
            client.close();
            return;
        }
        client.keepAlive();
        Thread sender = Thread.ofVirtual().name("operator-stream").unstarted(() -> {
            try {
                client.sendComment("connected"); // lets the browser know the stream is up before anything happens
                while (!client.terminated() && !s.overflowed) {
                    Message m = s.queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
                    if (m != null) client.sendEvent(m.event(), m.data());
                    else client.sendComment("keep-alive"); // a write is how a vanished client is noticed
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                s.cancel();
                client.close();
            }
        });
        // Registered before the sender starts: a client whose first write fails is still removed.
        clients.add(client);
        client.onClose(() -> {
            clients.remove(client);
            s.cancel();
            sender.interrupt();
        });
        sender.start();
    }

    /** Ends every stream; called when the server is stopping, so no sender writes to a stopped server. */
    public void close() {
        for (SseClient client : clients) client.close();
    }

    /** One subscriber's bounded queue; {@code overflowed} once a message could not be queued. */
    final class Subscription {
        final BlockingQueue<Message> queue = new ArrayBlockingQueue<>(QUEUE);
        final String key;
        volatile boolean overflowed;

        Subscription(String key) {
            this.key = key;
        }

        void cancel() {
            unsubscribe(this);
        }
    }
}
