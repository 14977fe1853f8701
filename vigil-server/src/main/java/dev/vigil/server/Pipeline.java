package dev.vigil.server;

import dev.vigil.api.HttpApi;
import dev.vigil.api.OperatorFeed;
import dev.vigil.config.ConfigException;
import dev.vigil.config.VigilConfig;
import dev.vigil.control.ControlPlane;
import dev.vigil.detect.DetectionEngine;
import dev.vigil.detect.InMemoryStateStore;
import dev.vigil.detect.Signal;
import dev.vigil.detect.SignalSink;
import dev.vigil.detection.AgentForgetter;
import dev.vigil.detection.DetectionLoop;
import dev.vigil.detection.DetectionPosition;
import dev.vigil.detection.DetectionQueue;
import dev.vigil.detection.RuleService;
import dev.vigil.event.EventLimits;
import dev.vigil.event.EventParser;
import dev.vigil.incident.IncidentManager;
import dev.vigil.incident.IncidentStore;
import dev.vigil.ingest.FleetUsage;
import dev.vigil.ingest.IngestService;
import dev.vigil.metrics.VigilMetrics;
import dev.vigil.notify.Channels;
import dev.vigil.playbook.Playbooks;
import dev.vigil.report.ResponseStats;
import dev.vigil.report.ReviewQueue;
import dev.vigil.report.SelfMonitor;
import dev.vigil.report.WeeklyReport;
import dev.vigil.respond.ActionRunner;
import dev.vigil.respond.Digests;
import dev.vigil.respond.Dispatcher;
import dev.vigil.respond.Links;
import dev.vigil.respond.Outbox;
import dev.vigil.respond.Planner;
import dev.vigil.respond.Resends;
import dev.vigil.respond.ResponseInbox;
import dev.vigil.respond.ResponseStage;
import dev.vigil.respond.RetryProtocol;
import dev.vigil.respond.Timers;
import dev.vigil.rule.AgentRegistry;
import dev.vigil.rule.Primitive;
import dev.vigil.rule.Rule;
import dev.vigil.rule.RuleSet;
import dev.vigil.store.Database;
import dev.vigil.store.EventLog;
import dev.vigil.store.Stores;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded pipeline (DESIGN §1), every stage of it assembled in {@link #assemble}, in the
 * order an event flows: ingest → event log → detection → incidents → response → notify and the
 * control plane. Stages hand on typed records: committed events through the
 * {@link DetectionQueue}, signals through a {@link SignalSink}, incident changes through the
 * {@link ResponseInbox}, actions through the outbox. The pipeline owns the threads that run
 * them (each stage's own, and one scheduler for timers) and stops them in flow order.
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    /** Idle operator streams get a comment this often, so proxies keep them open and dead clients are found. */
    private static final Duration OPERATOR_KEEP_ALIVE = Duration.ofSeconds(15);
    /** Incident changes the response stage may lag behind before detection waits for it: a storm of a few thousand new incidents. */
    private static final int RESPONSE_ROOM = 10_000;
    /** How often timers look at the clock: retries, digests and self-monitoring are seconds to minutes long. */
    private static final long TICK_MILLIS = 250;

    private final HttpApi.Stages parts;
    private final List<AutoCloseable> stages;
    private final ResponseInbox inbox;
    private final DetectionLoop detection;
    private final ActionRunner runner;
    private final SelfMonitor self;
    private final ScheduledExecutorService timers;

    private Pipeline(HttpApi.Stages parts, List<AutoCloseable> stages, DetectionLoop detection, ResponseInbox inbox, ActionRunner runner,
                     SelfMonitor self, ScheduledExecutorService timers) {
        this.parts = parts;
        this.stages = stages;
        this.detection = detection;
        this.runner = runner;
        this.self = self;
        this.inbox = inbox;
        this.timers = timers;
    }

    /**
     * Builds and starts every stage over the database.
     *
     * @param links how people reach this server, for links in notifications
     * @throws ConfigException when the channels or playbooks are misconfigured; nothing is started then
     */
    public static Pipeline assemble(VigilConfig config, RuleSet rules, Database db, Links links, Clock clock, VigilMetrics metrics) {
        VigilConfig.Detection d = config.detection();
        VigilConfig.Response r = config.response();
        Channels channels = Integrations.channels(config.channels(), clock, links.dashboard());
        Playbooks playbooks = playbooks(config, rules, channels);
        AgentRegistry agents = VigilServer.agentRegistry(config);

        // Ingest: accepted events are committed to the event log in batches, then queued for detection.
        DetectionQueue committed = new DetectionQueue(d.queueEvents());
        EventLog eventLog = Stores.eventLog(db, config.ingest().queueEvents(), metrics.commitLatency(), committed::submit);
        DetectionPosition position = new DetectionPosition(eventLog, clock);
        EventLog.Position start = position.start();
        EventParser parser = new EventParser(clock, EventLimits.defaults().withTime(config.ingest().maxFutureSkew(), config.ingest().maxAge()));
        IngestService ingest = new IngestService(clock, parser, config.ingest(), eventLog, metrics);

        // Incidents: one per fingerprint; each change goes to the metrics, the operators' stream and the response stage.
        OperatorFeed feed = new OperatorFeed(OPERATOR_KEEP_ALIVE);
        ResponseInbox inbox = new ResponseInbox(RESPONSE_ROOM);
        IncidentStore incidentStore = Stores.incidents(db);
        IncidentManager incidents = new IncidentManager(incidentStore, clock, d.maxEvidence(), change -> {
            metrics.incidentChanged(change);
            feed.incident(change);
            inbox.changed(change);
        });

        // Detection: the rules over committed events; signals to the incidents, saved after each batch, whose
        // position in the log is recorded once the response caught up with it; detection waits there while the
        // response stage is far behind. Answers to retry directives go to the response. A paused agent is silent
        // by design: its silence is no incident.
        ControlPlane control = new ControlPlane(db, clock);
        FleetUsage usage = new FleetUsage();
        DetectionEngine engine = new DetectionEngine(rules, new InMemoryStateStore(d.maxGroupsPerRule(), metrics::groupEvicted),
                agents, d.outOfOrder(), new EngineMetrics(metrics));
        DetectionLoop detection = new DetectionLoop(engine, committed, event -> {
            usage.observe(event);
            if (event.directive() != null) inbox.answered(event);
        }, SignalSink.of(signal -> {
            if (!silenceOfAPausedAgent(signal, control)) incidents.onSignal(signal);
        }, upTo -> {
            incidents.flush();
            position.handOn(upTo, inbox::then);
            inbox.awaitRoom();
        }), clock, start.seq());
        RuleService ruleService = new RuleService(config.rules(), rules, engine, detection, clock);

        // Response: the playbooks plan outbox entries, the runner carries them out through the control plane and the channels.
        control.subscribeAll(feed::agent);
        Outbox outbox = new Outbox(db);

        // Reports: the response's own figures; self-monitoring raises its signals through detection like any rule,
        // and a page refused for good at once.
        ResponseStats stats = new ResponseStats(incidentStore, outbox, clock);
        SelfMonitor self = new SelfMonitor(stats, outbox, config.meta(), clock);
        VigilServer.registerResponseGauges(metrics, stats, clock);

        Dispatcher dispatcher = new Dispatcher(channels, control, incidents, links, metrics,
                (channel, incident, error) -> detection.raise(List.of(self.pageRefused(channel, incident, error))));
        ActionRunner runner = new ActionRunner(outbox, dispatcher, clock, r);
        ResponseStage response = new ResponseStage(inbox,
                new Planner(playbooks, channels, outbox, runner, clock),
                new RetryProtocol(control, usage, clock, r),
                new Timers(control, new Digests(playbooks, outbox, runner, clock),
                        new Resends(channels, incidentStore, outbox, runner, clock), clock),
                incidents);

        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("vigil-timers").daemon().factory());
        every(timers, config.storage().pruneEvery(), "pruning the event log", () -> prune(eventLog, clock, config.storage().retention()));
        every(timers, Duration.ofMillis(TICK_MILLIS), "the response's timers", inbox::tick);
        every(timers, Duration.ofMillis(TICK_MILLIS), "self-monitoring", () -> detection.raise(self.checkIfDue()));

        // Recovery: incidents opened since the position was recorded are planned again (planning is idempotent);
        // the log's events rebuild the windows, and those after the position are detected on again.
        incidentStore.forEachActive(i -> {
            if (!i.detectedAt().isBefore(start.at())) inbox.replan(i);
        });
        position.resume(start, committed, longestWindow(rules).plus(d.outOfOrder()));

        HttpApi.Stages parts = new HttpApi.Stages(ingest, eventLog, ruleService, incidents, control, usage, agents, feed, stats,
                new ReviewQueue(incidentStore, outbox, clock), new WeeklyReport(incidentStore, clock),
                new AgentForgetter(engine, detection, usage, control));
        // Closed in flow order: commit what was accepted, detect on it, respond to it, finish deliveries.
        return new Pipeline(parts, List.of(eventLog, detection, response, runner), detection, inbox, runner, self, timers);
    }

    public HttpApi.Stages parts() {
        return parts;
    }

    /**
     * Waits until what was committed so far has been detected on and responded to (its actions
     * planned, not necessarily delivered). Drills and tests on a virtual clock use it instead of
     * waiting for time to pass.
     */
    public void awaitQuiet() throws InterruptedException {
        detection.raise(self.checkIfDue());
        detection.checkTimers().join();
        inbox.tick();
        inbox.awaitIdle();
        runner.awaitIdle();
    }

    /** How far back the rules' windows reach: what a restart reads again to rebuild them. */
    private static Duration longestWindow(RuleSet rules) {
        return rules.enabled().stream().map(r -> r.primitive().horizon()).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    private static boolean silenceOfAPausedAgent(Signal signal, ControlPlane control) {
        return signal.rule().primitive() instanceof Primitive.Absent && control.document(signal.trigger().agent()).paused();
    }

    private static Playbooks playbooks(VigilConfig config, RuleSet rules, Channels channels) {
        List<Rule> withSelf = new ArrayList<>(rules.all());
        withSelf.add(SelfMonitor.RULE);
        withSelf.add(SelfMonitor.PAGE_REFUSED);
        Playbooks.Loaded loaded = Playbooks.load(config.playbooks(), withSelf, config.channels().keySet(), channels.firstTicketChannel());
        if (loaded.playbooks() == null) throw new ConfigException(String.join("; ", loaded.errors()));
        return loaded.playbooks();
    }

    private static void every(ScheduledExecutorService timers, Duration period, String what, Runnable task) {
        long millis = period.toMillis();
        timers.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("{} failed; will try again", what, e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    private static void prune(EventLog eventLog, Clock clock, Duration retention) {
        long deleted = eventLog.pruneBefore(clock.instant().minus(retention));
        if (deleted > 0) log.info("pruned {} events older than {}", deleted, retention);
    }

    /** The engine's observations, as metrics. */
    private record EngineMetrics(VigilMetrics metrics) implements DetectionEngine.Observer {
        public void late(String rule) {
            metrics.lateEvent(rule);
        }

        public void groupEvicted(String rule) {
            metrics.groupEvicted(rule);
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
        for (AutoCloseable stage : stages) {
            try {
                stage.close();
            } catch (Exception e) {
                log.warn("stopping {} failed", stage.getClass().getSimpleName(), e);
            }
        }
    }
}
