package dev.vigil.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vigil.auth.KeyRing;
import dev.vigil.auth.Role;
import dev.vigil.config.VigilConfig;
import dev.vigil.ingest.IngestException;
import dev.vigil.ingest.IngestService;
import dev.vigil.metrics.VigilMetrics;
import dev.vigil.store.EventLog;
import dev.vigil.store.StorageException;
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

    public static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private HttpApi() {}

    /** What the routes need; built once by the server. */
    public record Parts(VigilConfig config, KeyRing keys, IngestService ingest, EventLog eventLog,
                        VigilMetrics metrics, BooleanSupplier ready) {}

    public static Javalin create(Parts p) {
        Authenticator auth = new Authenticator(p.keys());
        EventRoutes events = new EventRoutes(p.ingest(), p.eventLog(), p.config().ingest().maxBodyBytes());
        RouteRole[] metricsRoles = p.config().metrics().requireAuth() ? new RouteRole[] {Role.OPERATOR} : new RouteRole[0];

        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = p.config().ingest().maxBodyBytes();
            cfg.jsonMapper(new JavalinJackson(JSON, false));
            cfg.jetty.host = p.config().server().bind();
            cfg.requestLogger.http((ctx, ms) -> p.metrics().httpRequest(ctx.method().name(),
                    ctx.endpoints().matchedHttpEndpoint() == null ? "unmatched" : ctx.endpoints().matchedHttpEndpoint().path,
                    ctx.statusCode(), Duration.ofNanos((long) (ms * 1_000_000))));

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

            cfg.routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(Map.of("error", e.getMessage())));
            cfg.routes.exception(IngestException.class, EventRoutes::ingestFailed);
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
