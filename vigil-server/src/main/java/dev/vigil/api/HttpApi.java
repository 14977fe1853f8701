package dev.vigil.api;

import dev.vigil.auth.KeyRing;
import dev.vigil.auth.Role;
import dev.vigil.config.VigilConfig;
import dev.vigil.ingest.IngestException;
import dev.vigil.incident.IncidentException;
import dev.vigil.incident.IncidentManager;
import dev.vigil.ingest.IngestService;
import dev.vigil.ingest.otlp.OtlpTraceIngest;
import dev.vigil.json.Json;
import dev.vigil.pipeline.RuleService;
import dev.vigil.control.ControlPlane;
import dev.vigil.control.FleetStats;
import dev.vigil.respond.Outbox;
import dev.vigil.respond.Responder;
import dev.vigil.respond.ResponseStats;
import dev.vigil.rule.AgentRegistry;
import java.time.Clock;
import dev.vigil.metrics.VigilMetrics;
import dev.vigil.store.EventLog;
import dev.vigil.store.StorageException;
import dev.vigil.web.Dashboard;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.javalin.security.RouteRole;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every HTTP route of Vigil, readable top to bottom (DESIGN §6). */
public final class HttpApi {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

    private HttpApi() {}

    /** What the routes need; built once by the server. */
    public record Parts(VigilConfig config, KeyRing keys, IngestService ingest, EventLog eventLog,
                        IncidentManager incidents, RuleService rules, ControlPlane control, Responder responder, FleetStats fleet,
                        AgentRegistry registry, Outbox outbox, ResponseStats stats, OperatorFeed feed, Clock clock, VigilMetrics metrics,
                        BooleanSupplier ready) {}

    public static Javalin create(Parts p) {
        Authenticator auth = new Authenticator(p.keys());
        EventRoutes events = new EventRoutes(p.ingest(), p.eventLog(), p.config().ingest().maxBodyBytes());
        TraceRoutes traces = new TraceRoutes(new OtlpTraceIngest(p.ingest(), p.config().ingest(), p.metrics()),
                p.config().ingest().maxBodyBytes());
        IncidentRoutes incidents = new IncidentRoutes(p.incidents());
        RuleRoutes rules = new RuleRoutes(p.rules(), p.incidents().store(), p.clock());
        AgentRoutes agents = new AgentRoutes(p.control(), p.responder(), p.fleet(), p.incidents().store(), p.registry(),
                p.config().agents().stream().map(VigilConfig.Agent::id).toList(), p.clock());
        ReportRoutes reports = new ReportRoutes(p.incidents().store(), p.outbox(), p.stats(), p.clock());
        RouteRole[] metricsRoles = p.config().metrics().requireAuth() ? new RouteRole[] {Role.OPERATOR} : new RouteRole[0];

        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = p.config().ingest().maxBodyBytes();
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.jetty.host = p.config().server().bind();
            cfg.requestLogger.http((ctx, ms) -> p.metrics().httpRequest(ctx.method().name(),
                    ctx.endpoints().matchedHttpEndpoint() == null ? "unmatched" : ctx.endpoints().matchedHttpEndpoint().path,
                    ctx.statusCode(), Duration.ofNanos((long) (ms * 1_000_000))));

            // Streams end while the server can still finish them; after it stops, their senders would write to recycled responses.
            cfg.events.serverStopping(() -> {
                p.feed().close();
                agents.closeStreams();
            });
            Dashboard.serve(cfg);
            cfg.routes.beforeMatched(auth::check);

            cfg.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
            cfg.routes.get("/readyz", ctx -> {
                boolean ready = p.ready().getAsBoolean();
                ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ready" : "unavailable"));
            });
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(p.metrics().scrape()), metricsRoles);

            cfg.routes.post("/v1/events", events::post, Role.AGENT);
            cfg.routes.get("/v1/events", events::list, Role.OPERATOR);
            cfg.routes.post("/v1/traces", traces::post, Role.AGENT);

            cfg.routes.get("/v1/incidents", incidents::list, Role.OPERATOR);
            cfg.routes.get("/v1/incidents/{id}", incidents::get, Role.OPERATOR);
            cfg.routes.post("/v1/incidents/{id}/ack", incidents::acknowledge, Role.OPERATOR);
            cfg.routes.post("/v1/incidents/{id}/resolve", incidents::resolve, Role.OPERATOR);
            cfg.routes.post("/v1/incidents/{id}/feedback", incidents::feedback, Role.OPERATOR);

            cfg.routes.get("/v1/agents", agents::list, Role.OPERATOR);
            cfg.routes.get("/v1/agents/{id}", agents::get, Role.OPERATOR);
            cfg.routes.get("/v1/agents/{id}/control", agents::document, Role.AGENT);
            cfg.routes.get("/v1/agents/{id}/control/stream", agents::openStream, Role.AGENT); // SSE, counted while it opens
            cfg.routes.post("/v1/agents/{id}/pause", agents::pause, Role.OPERATOR);
            cfg.routes.post("/v1/agents/{id}/resume", agents::resume, Role.OPERATOR);

            cfg.routes.get("/v1/review", reports::review, Role.OPERATOR);
            cfg.routes.get("/v1/reports/weekly", reports::weekly, Role.OPERATOR);
            cfg.routes.get("/v1/stats/response", reports::responseStats, Role.OPERATOR);
            cfg.routes.get("/v1/stats/response/series", reports::responseSeries, Role.OPERATOR);
            cfg.routes.sse("/v1/stream", p.feed()::stream, Role.OPERATOR);

            cfg.routes.get("/v1/rules", rules::list, Role.OPERATOR);
            cfg.routes.post("/v1/rules/validate", rules::validate, Role.ADMIN);
            cfg.routes.post("/v1/rules/reload", rules::reload, Role.ADMIN);

            cfg.routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(Map.of("error", e.getMessage())));
            cfg.routes.exception(IngestException.class, EventRoutes::ingestFailed);
            cfg.routes.exception(IncidentException.class, IncidentRoutes::failed);
            cfg.routes.exception(StorageException.class, (e, ctx) -> {
                log.error("storage failure on {} {}", ctx.method(), ctx.path(), e);
                ctx.status(503).header("Retry-After", "1").json(Map.of("error", e.getMessage()));
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
                ctx.status(500).json(Map.of("error", "internal error; see the server log"));
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null) ctx.json(Map.of("error", "no such resource: " + ctx.method() + " " + ctx.path()));
            });
        });
    }
}
