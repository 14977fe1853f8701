package dev.vigil.server;

import dev.vigil.api.HttpApi;
import dev.vigil.auth.Credentials;
import dev.vigil.auth.KeyRing;
import dev.vigil.auth.Role;
import dev.vigil.config.VigilConfig;
import dev.vigil.incident.IncidentManager;
import dev.vigil.control.ControlPlane;
import dev.vigil.detection.RuleService;
import dev.vigil.detection.RuleWatcher;
import dev.vigil.metrics.VigilMetrics;
import dev.vigil.report.ResponseStats;
import dev.vigil.respond.Links;
import dev.vigil.rule.AgentProfile;
import dev.vigil.rule.AgentRegistry;
import dev.vigil.rule.RuleError;
import dev.vigil.rule.RuleSet;
import dev.vigil.store.Database;
import dev.vigil.store.EventLog;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Vigil, the composition root: reads the configuration, opens the database, has the
 * {@link Pipeline} assemble the stages, and serves them over HTTP. {@link #close()} stops
 * accepting requests, then the pipeline in flow order (commit what was accepted, detect on it,
 * respond to it), then releases the database.
 */
public final class VigilServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VigilServer.class);

    private final Database db;
    private final Pipeline pipeline;
    private final VigilMetrics metrics;
    private final Javalin http;
    private final RuleWatcher watcher;

    private VigilServer(Database db, Pipeline pipeline, VigilMetrics metrics, Javalin http, RuleWatcher watcher) {
        this.db = db;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.http = http;
        this.watcher = watcher;
    }

    /**
     * @param env the process environment, for the {@code VIGIL_*_KEY} variables
     */
    public static VigilServer start(VigilConfig config, Clock clock, Map<String, String> env) {
        RuleSet.Loaded loaded = RuleSet.load(config.rules());
        if (!loaded.ok()) throw new InvalidRulesException(loaded.errors());
        KeyRing keys = keyRing(config, env);
        int port = port(config.server());
        Links links = new Links(config.response().publicUrl() != null ? config.response().publicUrl()
                : "http://" + config.server().bind() + ":" + port);
        VigilMetrics metrics = new VigilMetrics();
        Database db = Database.open(config.server().jdbcUrl());
        Pipeline pipeline;
        try {
            pipeline = Pipeline.assemble(config, loaded.rules(), db, links, clock, metrics);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        Javalin http = HttpApi.create(config, keys, pipeline.parts(), clock, metrics, db::reachable);
        RuleWatcher watcher = null;
        try {
            if (config.detection().watchRules()) watcher = RuleWatcher.start(pipeline.parts().rules());
            http.start(config.server().bind(), port);
        } catch (IOException | RuntimeException e) {
            new VigilServer(db, pipeline, metrics, http, watcher).close();
            throw e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e);
        }
        log.info("Vigil listening on http://{}:{} with {} ({}), {} rules", config.server().bind(), http.port(),
                db.dialect().name().toLowerCase(), redact(config.server().jdbcUrl()), loaded.rules().enabled().size());
        return new VigilServer(db, pipeline, metrics, http, watcher);
    }

    /**
     * The configured port; for port 0, a free one chosen now, so the links in notifications can
     * name it before the HTTP server starts. (Between this and the start another process could
     * take it; port 0 is for tests and drills on the loopback, where that does not happen.)
     */
    private static int port(VigilConfig.Server server) {
        if (server.port() != 0) return server.port();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(server.bind()))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + server.bind(), e);
        }
    }

    /**
     * Escalation accuracy and false-positive rate over the last 7 days, as gauges. Computing them
     * reads the store, so the figures are reused for a minute; NaN until some incident has feedback.
     */
    static void registerResponseGauges(VigilMetrics metrics, ResponseStats stats, Clock clock) {
        LastWeek lastWeek = new LastWeek(stats, clock);
        metrics.gauge("vigil.escalation.accuracy", "Share of incidents with feedback whose severity was right (7 days)",
                () -> orNaN(lastWeek.figures().escalationAccuracy()));
        metrics.gauge("vigil.false.positive.rate", "False positives over incidents with feedback (7 days)",
                () -> orNaN(lastWeek.figures().falsePositiveRate()));
    }

    private static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }

    /** The last seven days' figures, computed at most once a minute. */
    private static final class LastWeek {
        private final ResponseStats stats;
        private final Clock clock;
        private ResponseStats.Figures figures;
        private Instant computedAt = Instant.MIN;

        LastWeek(ResponseStats stats, Clock clock) {
            this.stats = stats;
            this.clock = clock;
        }

        synchronized ResponseStats.Figures figures() {
            Instant now = clock.instant();
            if (computedAt.isBefore(now.minusSeconds(60))) {
                figures = stats.since(now.minus(Duration.ofDays(7)));
                computedAt = now;
            }
            return figures;
        }
    }

    /** The agents of the configuration, as rules see them. */
    public static AgentRegistry agentRegistry(VigilConfig config) {
        return new AgentRegistry(config.agents().stream()
                .map(a -> new AgentProfile(a.id(), a.owner(), a.allowedTools(), a.budgetUsdPerDay(), a.labels()))
                .toList());
    }

    /** The rule files are invalid; the server does not start. The message lists every error. */
    public static final class InvalidRulesException extends RuntimeException {
        public InvalidRulesException(List<RuleError> errors) {
            super("invalid rules:\n  " + String.join("\n  ", errors.stream().map(RuleError::toString).toList()));
        }
    }

    /**
     * Configured keys plus the environment's; with none at all, generated keys in
     * {@code <data>/credentials} so a fresh server is never open.
     */
    static KeyRing keyRing(VigilConfig config, Map<String, String> env) {
        KeyRing.Builder keys = KeyRing.builder().configured(config.auth().keys()).fromEnvironment(env);
        KeyRing ring = keys.build();
        if (!ring.isEmpty()) return ring;
        Path data = config.server().data();
        Map<String, String> generated = Credentials.loadOrCreate(data);
        generated.forEach((name, key) -> {
            Role role = KeyRing.ENV_KEYS.get(name);
            if (role != null) keys.plain(KeyRing.generatedKeyName(role), role, key);
        });
        log.warn("No API keys configured: using the generated admin and agent keys in {} (readable by this user only)",
                data.resolve(Credentials.FILE_NAME).toAbsolutePath());
        return keys.build();
    }

    /** The JDBC URL without credentials, for the log. */
    private static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//[^/@]*@", "//***@");
    }

    public int port() {
        return http.port();
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public EventLog eventLog() {
        return pipeline.parts().eventLog();
    }

    public IncidentManager incidents() {
        return pipeline.parts().incidents();
    }

    public RuleService rules() {
        return pipeline.parts().rules();
    }

    public ControlPlane control() {
        return pipeline.parts().control();
    }

    /** Stops in the order data flows: no new requests, then the pipeline, then the database. */
    @Override
    public void close() {
        http.stop();
        if (watcher != null) watcher.close();
        pipeline.close();
        db.close();
        metrics.close();
    }
}
