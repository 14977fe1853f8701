package dev.vigil.api;

import dev.vigil.auth.KeyRing;
import dev.vigil.auth.Role;
import dev.vigil.config.VigilConfig;
import dev.vigil.ingest.IngestException;
import dev.vigil.incident.IncidentException;
import dev.vigil.ingest.otlp.OtlpTraceIngest;
import dev.vigil.config.Json;
import java.time.Clock;
import dev.vigil.metrics.VigilMetrics;
import dev.vigil.control.ControlPlane;
import dev.vigil.detection.AgentForgetter;
import dev.vigil.detection.RuleService;
import dev.vigil.incident.IncidentManager;
import dev.vigil.ingest.FleetUsage;
import dev.vigil.ingest.IngestService;
import dev.vigil.report.ResponseStats;
import dev.vigil.report.ReviewQueue;
import dev.vigil.report.WeeklyReport;
import dev.vigil.rule.AgentRegistry;
import dev.vigil.store.EventLog;
import dev.vigil.store.StorageException;
import dev.vigil.web.Dashboard;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.router.EndpointNotFound;
import io.javalin.security.RouteRole;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every HTTP route of Vigil, readable top to bottom (DESIGN §6). */
public final class HttpApi {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

    private HttpApi() {}

    /** The pipeline's stages, which the routes serve and drive; {@code dev.vigil.server.Pipeline} builds them. */
    public record Stages(IngestService ingest, EventLog eventLog, RuleService rules, IncidentManager incidents, ControlPlane control,
                         FleetUsage usage, AgentRegistry agents, OperatorFeed feed, ResponseStats stats, ReviewQueue review,
                         WeeklyReport weekly, AgentForgetter forgetter) {}

    /**
     * @param p     the pipeline's stages
     * @param ready whether the server can serve (its database answers), for {@code /readyz}
     */
    public static Javalin create(VigilConfig config, KeyRing keys, Stages p, Clock clock, VigilMetrics metrics,
                                 BooleanSupplier ready) {
        Authenticator auth = new Authenticator(keys);
        AtomicBoolean stopping = new AtomicBoolean();
        long maxBody = config.ingest().maxBodyBytes();
        EventRoutes events = new EventRoutes(p.ingest(), p.eventLog(), maxBody);
        TraceRoutes traces = new TraceRoutes(new OtlpTraceIngest(p.ingest(), config.ingest(), metrics), maxBody);
        IncidentRoutes incidents = new IncidentRoutes(p.incidents());
        RuleRoutes rules = new RuleRoutes(p.rules(), p.incidents().store(), clock);
        AgentRoutes agents = new AgentRoutes(p.control(), p.usage(), p.incidents(), p.agents(), p.forgetter(), clock);
        ReportRoutes reports = new ReportRoutes(p.stats(), p.review(), p.weekly(), clock);
        RouteRole[] metricsRoles = config.metrics().requireAuth() ? new RouteRole[] {Role.OPERATOR} : new RouteRole[0];

        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = maxBody;
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.jetty.host = config.server().bind();
            cfg.requestLogger.http((ctx, ms) -> metrics.httpRequest(ctx.method().name(),
                    ctx.endpoints().matchedHttpEndpoint() == null ? "unmatched" : ctx.endpoints().matchedHttpEndpoint().path,
                    ctx.statusCode(), Duration.ofNanos((long) (ms * 1_000_000))));

            // Streams end while the server can still finish them; after it stops, their senders would write to recycled responses.
            cfg.events.serverStopping(() -> {
                stopping.set(true);
                p.feed().close();
                agents.closeStreams();
            });
            Dashboard.serve(cfg);
            cfg.routes.beforeMatched(auth::check);
            ApiRoutes routes = new ApiRoutes(cfg.routes); // GET routes answer HEAD alike; SSE routes insist on Accept

            // The server's clock too: a drill against it stamps its events on this clock, not the client's.
            routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok", "time", clock.instant().toString())));
            routes.get("/readyz", ctx -> {
                boolean up = ready.getAsBoolean();
                ctx.status(up ? 200 : 503).json(Map.of("status", up ? "ready" : "unavailable"));
            });
            routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()), metricsRoles);

            cfg.routes.post("/v1/events", events::post, Role.AGENT);
            routes.get("/v1/events", events::list, Role.OPERATOR);
            cfg.routes.post("/v1/traces", traces::post, Role.AGENT);

            routes.get("/v1/incidents", incidents::list, Role.OPERATOR);
            routes.get("/v1/incidents/{id}", incidents::get, Role.OPERATOR);
            cfg.routes.post("/v1/incidents/{id}/ack", incidents::acknowledge, Role.OPERATOR);
            cfg.routes.post("/v1/incidents/{id}/resolve", incidents::resolve, Role.OPERATOR);
            cfg.routes.post("/v1/incidents/{id}/feedback", incidents::feedback, Role.OPERATOR);

            routes.get("/v1/agents", agents::list, Role.OPERATOR);
            routes.get("/v1/agents/{id}", agents::get, Role.OPERATOR);
            routes.get("/v1/agents/{id}/control", agents::document, Role.AGENT);
            routes.get("/v1/agents/{id}/control/stream", agents::openStream, Role.AGENT); // SSE, counted while it opens
            cfg.routes.post("/v1/agents/{id}/pause", agents::pause, Role.OPERATOR);
            cfg.routes.post("/v1/agents/{id}/resume", agents::resume, Role.OPERATOR);
            cfg.routes.post("/v1/agents/{id}/forget", agents::forget, Role.OPERATOR);

            routes.get("/v1/review", reports::review, Role.OPERATOR);
            routes.get("/v1/reports/weekly", reports::weekly, Role.OPERATOR);
            routes.get("/v1/stats/response", reports::responseStats, Role.OPERATOR);
            routes.get("/v1/stats/response/series", reports::responseSeries, Role.OPERATOR);
            routes.sse("/v1/stream", p.feed()::stream, Role.OPERATOR);

            routes.get("/v1/rules", rules::list, Role.OPERATOR);
            cfg.routes.post("/v1/rules/validate", rules::validate, Role.ADMIN);
            cfg.routes.post("/v1/rules/reload", rules::reload, Role.ADMIN);

            cfg.routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(Map.of("error", e.getMessage())));
            // Javalin's own answers (no such route, request too large, ...) are JSON like every other error.
            cfg.routes.exception(EndpointNotFound.class, (e, ctx) ->
                    ctx.status(404).json(Map.of("error", "no such resource: " + ctx.method() + " " + ctx.path())));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus()).json(Map.of("error", e.getMessage())));
            cfg.routes.exception(IngestException.class, EventRoutes::ingestFailed);
            cfg.routes.exception(IncidentException.class, IncidentRoutes::failed);
            cfg.routes.exception(StorageException.class, (e, ctx) -> {
                log.error("storage failure on {} {}", ctx.method(), ctx.path(), e);
                ctx.status(503).header("Retry-After", "1").json(Map.of("error", e.getMessage()));
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                // While the server stops, a stream's request that Jetty already recycled can fail inside Javalin:
                // it has no client left to answer, and reading it would throw again.
                if (stopping.get()) {
                    log.debug("request failed while the server stopped", e);
                    return;
                }
                log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
                ctx.status(500).json(Map.of("error", "internal error; see the server log"));
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null) ctx.json(Map.of("error", "no such resource: " + ctx.method() + " " + ctx.path()));
            });
        });
    }
}
