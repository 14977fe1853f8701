package dev.vigil.server;

import dev.vigil.api.HttpApi;
import dev.vigil.api.OperatorFeed;
import dev.vigil.auth.Credentials;
import dev.vigil.auth.KeyRing;
import dev.vigil.auth.Role;
import dev.vigil.config.ConfigException;
import dev.vigil.config.VigilConfig;
import dev.vigil.control.ControlPlane;
import dev.vigil.control.FleetStats;
import dev.vigil.incident.Incident;
import dev.vigil.notify.Channels;
import dev.vigil.respond.ActionRunner;
import dev.vigil.respond.Outbox;
import dev.vigil.respond.Playbooks;
import dev.vigil.respond.Responder;
import dev.vigil.respond.ResponseStats;
import dev.vigil.respond.SelfMonitor;
import dev.vigil.detect.DetectionEngine;
import dev.vigil.detect.InMemoryStateStore;
import dev.vigil.incident.IncidentManager;
import dev.vigil.pipeline.DetectionLoop;
import dev.vigil.pipeline.RuleService;
import dev.vigil.pipeline.RuleWatcher;
import dev.vigil.rule.AgentProfile;
import dev.vigil.rule.AgentRegistry;
import dev.vigil.rule.RuleError;
import dev.vigil.rule.RuleSet;
import dev.vigil.event.EventLimits;
import dev.vigil.event.EventParser;
import dev.vigil.ingest.IngestService;
import dev.vigil.metrics.VigilMetrics;
import dev.vigil.store.Database;
import dev.vigil.store.EventLog;
import dev.vigil.store.Stores;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Vigil: the database, the stores, the pipeline and the HTTP API, wired by hand in
 * the order data flows. {@link #close()} stops accepting requests, commits what was accepted,
 * then releases the database.
 */
public final class VigilServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VigilServer.class);
    /** Idle operator streams get a comment this often, so proxies keep them open and dead clients are found. */
    private static final Duration OPERATOR_KEEP_ALIVE = Duration.ofSeconds(15);

    private final Database db;
    private final EventLog eventLog;
    private final DetectionLoop detection;
    private final IncidentManager incidents;
    private final RuleService rules;
    /** Set once while starting, when rule files are watched. */
    private RuleWatcher watcher;
    private final ActionRunner runner;
    private final ControlPlane control;
    private final VigilMetrics metrics;
    private final Javalin http;
    private final ScheduledExecutorService background;

    private VigilServer(Database db, EventLog eventLog, DetectionLoop detection, IncidentManager incidents, RuleService rules,
                        ActionRunner runner, ControlPlane control, VigilMetrics metrics, Javalin http,
                        ScheduledExecutorService background) {
        this.db = db;
        this.eventLog = eventLog;
        this.detection = detection;
        this.incidents = incidents;
        this.rules = rules;
        this.runner = runner;
        this.control = control;
        this.metrics = metrics;
        this.http = http;
        this.background = background;
    }

    /**
     * @param env the process environment, for the {@code VIGIL_*_KEY} variables
     */
    public static VigilServer start(VigilConfig config, Clock clock, Map<String, String> env) {
        RuleSet.Loaded loaded = RuleSet.load(config.rules());
        if (!loaded.ok()) throw new InvalidRulesException(loaded.errors());
        KeyRing keys = keyRing(config, env);
        VigilMetrics metrics = new VigilMetrics();
        Database db = Database.open(config.server().jdbcUrl());

        VigilConfig.Detection d = config.detection();
        DetectionEngine engine = new DetectionEngine(loaded.rules(),
                new InMemoryStateStore(d.maxGroupsPerRule(), metrics::groupEvicted),
                agentRegistry(config), d.outOfOrder(), new DetectionEngine.Observer() {
                    public void late(String rule) {
                        metrics.lateEvent(rule);
                    }

                    public void groupEvicted(String rule) {
                        metrics.groupEvicted(rule);
                    }
                });
        Channels channels;
        Playbooks playbooks;
        try {
            channels = Channels.from(config.channels(), clock);
        } catch (IllegalArgumentException e) {
            db.close();
            throw new ConfigException(e.getMessage());
        }
        List<dev.vigil.rule.Rule> withSelf = new java.util.ArrayList<>(loaded.rules().all());
        withSelf.add(SelfMonitor.RULE);
        Playbooks.Loaded loadedPlaybooks = Playbooks.load(config.playbooks(), withSelf,
                config.channels().keySet(), channels.firstTicketChannel());
        if (loadedPlaybooks.playbooks() == null) {
            db.close();
            throw new ConfigException(String.join("; ", loadedPlaybooks.errors()));
        }
        playbooks = loadedPlaybooks.playbooks();

        ControlPlane control = new ControlPlane(db, clock);
        FleetStats fleet = new FleetStats();
        Outbox outbox = new Outbox(db);
        VigilConfig.Response r = config.response();
        ActionRunner runner = new ActionRunner(outbox, clock, r.actionAttempts(), r.actionBackoff());
        String[] publicUrl = {"http://" + config.server().bind() + ":" + config.server().port()};
        Responder responder = new Responder(playbooks, channels, control, fleet, outbox, runner, clock,
                r.retryDefaultMaxContextTokens(), r.retriesPerAgentPerHour(), () -> publicUrl[0], metrics);
        OperatorFeed feed = new OperatorFeed(OPERATOR_KEEP_ALIVE);
        control.subscribeAll(feed::agent);
        IncidentManager incidents = new IncidentManager(Stores.incidents(db), clock, d.maxEvidence(), new IncidentManager.Listener() {
            public void opened(Incident incident, dev.vigil.rule.Rule rule) {
                metrics.incidentOpened(incident.severity().wire(), incident.rule(),
                        Duration.ofMillis(Math.max(0, incident.detectionLatencyMs())));
                feed.incident("opened", incident);
                responder.opened(incident, rule);
            }

            public void transitioned(Incident incident, String transition) {
                feed.incident(transition, incident);
                responder.transitioned(incident, transition);
            }

            public void feedback(Incident incident) {
                metrics.feedback(incident.feedback().verdict().wire());
                feed.incident("feedback", incident);
            }

            public void updated(Incident incident) {
                feed.incident("updated", incident); // nothing to do when no dashboard is open
            }
        });
        responder.start(incidents);
        DetectionLoop detection = new DetectionLoop(engine, incidents, e -> {
            fleet.observe(e);
            responder.onEvent(e);
        }, clock, d.queueEvents());
        RuleService rules = new RuleService(config.rules(), loaded.rules(), engine, detection, clock);
        EventLog eventLog = Stores.eventLog(db, config.ingest().queueEvents(), metrics.commitLatency(), detection::submit);
        EventParser parser = new EventParser(clock,
                EventLimits.defaults().withTime(config.ingest().maxFutureSkew(), config.ingest().maxAge()));
        IngestService ingest = new IngestService(clock, parser, config.ingest(), eventLog, metrics);

        ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("vigil-background").daemon().factory());
        Duration retention = config.storage().retention();
        long every = config.storage().pruneEvery().toMillis();
        background.scheduleWithFixedDelay(() -> prune(eventLog, clock, retention), every, every, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(() -> {
            try {
                responder.tick();
            } catch (RuntimeException e) {
                log.warn("response timers failed; will try again", e);
            }
        }, 250, 250, TimeUnit.MILLISECONDS);

        ResponseStats stats = new ResponseStats(incidents.store(), outbox, clock);
        registerResponseGauges(metrics, stats, clock);
        SelfMonitor self = new SelfMonitor(stats, outbox, incidents, config.meta(), clock);
        long selfEvery = config.meta().checkEvery().toMillis();
        background.scheduleWithFixedDelay(() -> {
            try {
                self.check();
            } catch (RuntimeException e) {
                log.warn("self-monitoring failed; will try again", e);
            }
        }, selfEvery, selfEvery, TimeUnit.MILLISECONDS);
        Javalin http = HttpApi.create(new HttpApi.Parts(config, keys, ingest, eventLog, incidents, rules, control, responder, fleet,
                agentRegistry(config), outbox, stats, feed, clock, metrics, db::reachable));
        VigilServer server = new VigilServer(db, eventLog, detection, incidents, rules, runner, control, metrics, http, background);
        try {
            if (d.watchRules()) server.watcher = RuleWatcher.start(rules);
            http.start(config.server().bind(), config.server().port());
            publicUrl[0] = r.publicUrl() != null ? r.publicUrl() : "http://" + config.server().bind() + ":" + http.port();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        log.info("Vigil listening on http://{}:{} with {} ({}), {} rules", config.server().bind(), http.port(),
                db.dialect().name().toLowerCase(), redact(config.server().jdbcUrl()), loaded.rules().enabled().size());
        return server;
    }

    /**
     * Escalation accuracy and false-positive rate over the last 7 days, as gauges. Computing them
     * reads the store, so a value is reused for a minute; NaN until some incident has feedback.
     */
    private static void registerResponseGauges(VigilMetrics metrics, ResponseStats stats, Clock clock) {
        Object[] cached = {null, Instant.MIN};
        java.util.function.Function<String, Double> figure = key -> {
            synchronized (cached) {
                if (((Instant) cached[1]).isBefore(clock.instant().minusSeconds(60))) {
                    cached[0] = stats.since(clock.instant().minus(Duration.ofDays(7)));
                    cached[1] = clock.instant();
                }
                Object v = ((Map<?, ?>) cached[0]).get(key);
                return v instanceof Number n ? n.doubleValue() : Double.NaN;
            }
        };
        metrics.gauge("vigil.escalation.accuracy", "Share of incidents with feedback whose severity was right (7 days)",
                () -> figure.apply("escalation_accuracy"));
        metrics.gauge("vigil.false.positive.rate", "False positives over incidents with feedback (7 days)",
                () -> figure.apply("false_positive_rate"));
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

    private static void prune(EventLog eventLog, Clock clock, Duration retention) {
        try {
            long deleted = eventLog.pruneBefore(clock.instant().minus(retention));
            if (deleted > 0) log.info("pruned {} events older than {}", deleted, retention);
        } catch (RuntimeException e) {
            log.warn("pruning the event log failed; will try again", e);
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

    public EventLog eventLog() {
        return eventLog;
    }

    public IncidentManager incidents() {
        return incidents;
    }

    public RuleService rules() {
        return rules;
    }

    public ControlPlane control() {
        return control;
    }

    /** Stops in the order data flows: no new requests, commit what was accepted, detect on it, then the database. */
    @Override
    public void close() {
        http.stop();
        if (watcher != null) watcher.close();
        background.shutdownNow();
        eventLog.close();
        detection.close();
        runner.close();
        db.close();
        metrics.close();
    }
}
