package dev.vigil.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.control.ControlDocument;
import dev.vigil.control.ControlPlane;
import dev.vigil.detection.AgentForgetter;
import dev.vigil.incident.Incident.TimelineEntry.Type;
import dev.vigil.incident.IncidentManager;
import dev.vigil.ingest.FleetUsage;
import dev.vigil.config.Json;
import dev.vigil.rule.AgentRegistry;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** The fleet ({@code /v1/agents}) and the control plane: documents, their SSE stream, pause, resume and forget. */
final class AgentRoutes {
    /** Idle streams get a comment this often, so proxies keep them open and dead clients are found. */
    private static final int KEEP_ALIVE_SECONDS = 15;
    private final ControlPlane control;
    private final FleetUsage fleet;
    private final IncidentManager incidents;
    private final AgentRegistry registry;
    private final AgentForgetter forgetter;
    private final Clock clock;
    /** Open control streams, ended by {@link #closeStreams} when the server stops. */
    private final Set<SseClient> streams = ConcurrentHashMap.newKeySet();
    /**
     * Streams accepted (headers sent) whose handler has not yet registered them in
     * {@link #streams}: Javalin runs the handler on another thread a moment later. Stopping waits
     * for them, so each is closed while its request exists. Otherwise Jetty stops and recycles a
     * request whose handler then runs and finishes, and Javalin resumes a request that is gone:
     * NullPointerExceptions from Jetty, then from our exception handler reading its path.
     */
    private final AtomicInteger opening = new AtomicInteger();
    /** Set by {@link #closeStreams}: a stream registered after it closes itself. */
    private volatile boolean stopping;
    private final SseHandler sse = new SseHandler(this::stream);
    /** How long stopping waits for accepted streams to reach their handler; they take microseconds. */
    private static final long OPENING_WAIT_NANOS = 2_000_000_000L;

    AgentRoutes(ControlPlane control, FleetUsage fleet, IncidentManager incidents, AgentRegistry registry, AgentForgetter forgetter,
                Clock clock) {
        this.control = control;
        this.fleet = fleet;
        this.incidents = incidents;
        this.registry = registry;
        this.forgetter = forgetter;
        this.clock = clock;
    }

    void list(Context ctx) {
        TreeSet<String> agents = new TreeSet<>(registry.ids());
        agents.addAll(fleet.agents());
        control.all().forEach(d -> agents.add(d.agent()));
        Map<String, Map<String, Integer>> open = openBySeverity();
        ctx.json(Map.of("agents", agents.stream().map(a -> summary(a, open)).toList()));
    }

    void get(Context ctx) {
        String agent = ctx.pathParam("id");
        Map<String, Object> body = summary(agent, openBySeverity());
        body.put("control", control.document(agent));
        ctx.json(body);
    }

    void document(Context ctx) {
        ctx.json(control.document(ctx.pathParam("id")));
    }

    /** {@code GET /v1/agents/{id}/control/stream}: Javalin's SSE handler, with the stream counted in {@link #opening}. */
    void openStream(Context ctx) throws Exception {
        ApiRoutes.requireEventStream(ctx);
        if (ctx.method() == HandlerType.HEAD) { // what a GET would answer, without starting a stream
            ctx.status(200).contentType(ApiRoutes.EVENT_STREAM);
            return;
        }
        opening.incrementAndGet();
        try {
            sse.handle(ctx);
        } catch (Exception | Error e) {
            opening.decrementAndGet(); // the handler will not run
            throw e;
        }
    }

    /**
     * Pushes the document now and on every change. Each client has its own sender thread that
     * sends only the latest version, so a slow client never holds up the control plane.
     */
    void stream(SseClient client) {
        try {
            register(client);
        } finally {
            opening.decrementAndGet();
        }
    }

    private void register(SseClient client) {
        String agent = client.ctx().pathParam("id");
        LatestDocument latest = new LatestDocument();
        Runnable[] unsubscribe = {() -> {}};
        Thread[] sender = new Thread[1];
        client.onClose(() -> {
            streams.remove(client);
            unsubscribe[0].run();
            if (sender[0] != null) sender[0].interrupt();
        });
        client.keepAlive();
        streams.add(client);
        if (stopping) { // closeStreams may have missed it
            client.close();
            return;
        }
        sender[0] = Thread.ofVirtual().name("sse-" + agent).start(() -> {
            long sent = -1;
            int idleSeconds = 0;
            while (!client.terminated() && !Thread.currentThread().isInterrupted()) {
                ControlDocument d = latest.await(sent);
                if (d != null) {
                    client.sendEvent("control", Json.MAPPER.valueToTree(d).toString(), Long.toString(d.version()));
                    sent = d.version();
                    idleSeconds = 0;
                } else if (++idleSeconds >= KEEP_ALIVE_SECONDS) {
                    client.sendComment("keep-alive"); // a write is how a vanished client is noticed
                    idleSeconds = 0;
                }
            }
            unsubscribe[0].run();
        });
        unsubscribe[0] = control.subscribe(agent, latest::offer);
    }

    void closeStreams() {
        stopping = true;
        long deadline = System.nanoTime() + OPENING_WAIT_NANOS;
        while (opening.get() > 0 && System.nanoTime() < deadline) LockSupport.parkNanos(1_000_000);
        for (SseClient client : streams) client.close();
    }

    void pause(Context ctx) {
        ctx.json(control.pause(ctx.pathParam("id"), reason(ctx, "paused"), null));
    }

    void resume(Context ctx) {
        ControlPlane.Resumed r = control.resume(ctx.pathParam("id"), reason(ctx, "resumed"));
        if (r.reverted() != null) incidents.record(r.reverted(), Type.REVERTED, Authenticator.principal(ctx).name(), r.describe());
        ctx.json(r.document());
    }

    /** Drops what detection, the fleet figures and the control plane hold of the agent; 409 while it is paused. */
    void forget(Context ctx) {
        try {
            ctx.json(forgetter.forget(ctx.pathParam("id")));
        } catch (ControlPlane.Paused e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    private static String reason(Context ctx, String what) {
        String reason = null;
        try {
            JsonNode body = ctx.body().isBlank() ? null : Json.MAPPER.readTree(ctx.body());
            if (body != null && body.path("reason").isTextual()) reason = body.get("reason").textValue();
        } catch (Exception e) {
            throw new ApiException(400, "body is not valid JSON: send {\"reason\": \"...\"}");
        }
        if (reason == null || reason.isBlank()) throw new ApiException(400, "reason: required; say why the agent is " + what);
        if (reason.length() > 1000) throw new ApiException(400, "reason: longer than 1000 characters");
        return reason + " (by " + Authenticator.principal(ctx).name() + ")";
    }

    private Map<String, Object> summary(String agent, Map<String, Map<String, Integer>> open) {
        ControlDocument d = control.document(agent);
        FleetUsage.AgentUsage s = fleet.get(agent, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        var profile = registry.profile(agent);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", agent);
        m.put("owner", profile.owner());
        m.put("state", d.state());
        m.put("reason", d.reason());
        m.put("paused_by", d.pausedBy());
        m.put("since", d.since());
        m.put("telemetry", d.telemetry().level());
        m.put("last_seen", s == null ? null : s.lastSeen());
        m.put("events_today", s == null ? 0 : s.events());
        m.put("tokens_today", s == null ? 0 : s.tokens());
        m.put("cost_usd_today", s == null ? 0 : Math.round(s.costUsd() * 10000) / 10000.0);
        m.put("open_incidents", open.getOrDefault(agent, Map.of()));
        m.put("labels", profile.labels());
        return m;
    }

    /** Open and acknowledged incidents, counted per agent and severity. */
    private Map<String, Map<String, Integer>> openBySeverity() {
        Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        incidents.store().forEachActive(i ->
                counts.computeIfAbsent(i.agent(), a -> new LinkedHashMap<>()).merge(i.severity().wire(), 1, Integer::sum));
        return counts;
    }

    /** The newest document offered, for one sender thread to wait on. */
    private static final class LatestDocument {
        private ControlDocument latest;
        private Thread waiter;

        synchronized void offer(ControlDocument d) {
            if (latest == null || d.version() > latest.version()) latest = d;
            if (waiter != null) LockSupport.unpark(waiter);
        }

        /** The latest document if newer than {@code sent}, waiting a moment for one; null if none came. */
        ControlDocument await(long sent) {
            synchronized (this) {
                if (latest != null && latest.version() > sent) return latest;
                waiter = Thread.currentThread();
            }
            LockSupport.parkNanos(1_000_000_000L);
            synchronized (this) {
                waiter = null;
                return latest != null && latest.version() > sent ? latest : null;
            }
        }
    }
}
