package dev.vigil.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The whole of {@code vigil.yaml}, grouped by concern. Every section and value is optional;
 * the compact constructors fill in the defaults documented in the README, so a missing
 * section and an empty file mean the same thing.
 */
public record VigilConfig(Server server, Log log, Ingest ingest, Storage storage, Auth auth, Metrics metrics,
                          List<Path> rules, List<Agent> agents, Detection detection,
                          Map<String, Channel> channels, Map<String, JsonNode> playbooks, Response response, Meta meta) {
    public VigilConfig {
        if (meta == null) meta = new Meta(null, null, null, null, null);
        channels = channels == null ? Map.of() : Map.copyOf(channels);
        playbooks = playbooks == null ? Map.of() : Map.copyOf(playbooks);
        if (response == null) response = new Response(null, null, null, null, null, null);
        rules = rules == null ? List.of() : List.copyOf(rules);
        agents = agents == null ? List.of() : List.copyOf(agents);
        if (detection == null) detection = new Detection(null, null, null, null, null);
        if (server == null) server = new Server(null, null, null, null);
        if (log == null) log = new Log(null);
        if (ingest == null) ingest = new Ingest(null, null, null, null, null, null, null);
        if (storage == null) storage = new Storage(null, null);
        if (auth == null) auth = new Auth(null);
        if (metrics == null) metrics = new Metrics(null);
    }

    public static VigilConfig defaults() {
        return new VigilConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The same configuration with another server section (command-line flags, tests). */
    public VigilConfig withServer(Server server) {
        return new VigilConfig(server, log, ingest, storage, auth, metrics, rules, agents, detection, channels, playbooks, response, meta);
    }

    public VigilConfig withLog(Log log) {
        return new VigilConfig(server, log, ingest, storage, auth, metrics, rules, agents, detection, channels, playbooks, response, meta);
    }

    /**
     * Vigil watching itself: past these thresholds, over {@code window}, it raises an incident
     * about itself ({@code vigil-self-monitoring}) and notifies every channel.
     *
     * @param detectionLatencyP99 p99 of detection latency
     * @param channelFailures     deliveries given up for good
     * @param channelFailingAfter a channel whose oldest waiting delivery has failed for this long is failing
     */
    public record Meta(Duration detectionLatencyP99, Integer channelFailures, Duration window, Duration checkEvery,
                       Duration channelFailingAfter) {
        public Meta {
            if (channelFailingAfter == null) channelFailingAfter = Duration.ofMinutes(2);
            if (detectionLatencyP99 == null) detectionLatencyP99 = Duration.ofSeconds(30);
            if (channelFailures == null) channelFailures = 3;
            if (window == null) window = Duration.ofMinutes(15);
            if (checkEvery == null) checkEvery = Duration.ofMinutes(1);
        }
    }

    /**
     * A notification channel as configured: its {@code type} (slack, pagerduty, webhook, email,
     * alertmanager or ticket) and its settings, which the integration of that type reads into its
     * own configuration record ({@code dev.vigil.server.Integrations} lists them).
     */
    public record Channel(String type, ObjectNode settings) {
        @JsonCreator
        static Channel of(ObjectNode settings) {
            JsonNode type = settings.get("type");
            if (type == null || !type.isTextual()) {
                throw new IllegalArgumentException("every channel needs a type (slack, pagerduty, webhook, email, alertmanager or ticket)");
            }
            return new Channel(type.textValue(), settings);
        }

        /** Secrets stay out of logs and error messages. */
        @Override
        public String toString() {
            return "Channel[type=" + type + "]";
        }
    }

    /**
     * @param retryDefaultMaxContextTokens the context size a retry doubles when the agent never reported one
     * @param retriesPerAgentPerHour       retry directives one agent may receive in an hour
     * @param actionAttempts               delivery attempts before an action is given up; none: no cap, only {@code retryFor}
     * @param actionBackoff                first retry delay of a failed action; doubles each attempt, up to 5 minutes
     * @param retryFor                     how long a failing delivery is retried before it is given up (per channel: {@code retry_for})
     * @param publicUrl                    how people reach this server, for links in notifications
     */
    public record Response(Integer retryDefaultMaxContextTokens, Integer retriesPerAgentPerHour,
                           Integer actionAttempts, Duration actionBackoff, String publicUrl, Duration retryFor) {
        public Response {
            if (retryDefaultMaxContextTokens == null) retryDefaultMaxContextTokens = 8192;
            if (retriesPerAgentPerHour == null) retriesPerAgentPerHour = 3;
            if (retryFor == null) retryFor = Duration.ofHours(6);
            if (actionBackoff == null) actionBackoff = Duration.ofSeconds(1);
            positive("response.retry_default_max_context_tokens", retryDefaultMaxContextTokens);
            if (actionAttempts != null) positive("response.action_attempts", actionAttempts);
            positive("response.retry_for", retryFor.toMillis());
        }
    }

    /**
     * An agent's registry entry, visible to rules as {@code agent}.
     *
     * @param allowedTools absent: every tool is allowed
     * @param budgetUsdPerDay absent: no budget
     */
    public record Agent(String id, String owner, List<String> allowedTools, Double budgetUsdPerDay, Map<String, String> labels) {
        public Agent {
            if (id == null || id.isBlank()) throw new IllegalArgumentException("agents: every agent needs an id");
            if (allowedTools != null) allowedTools = List.copyOf(allowedTools);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            if (budgetUsdPerDay != null) positive("agents." + id + ".budget_usd_per_day", budgetUsdPerDay);
        }
    }

    /**
     * @param outOfOrder       how far behind a group's latest event an event may arrive and still count
     * @param maxGroupsPerRule groups of one rule held at once; the least recently used go first
     * @param maxEvidence      events kept as evidence per incident
     * @param queueEvents      committed events waiting for detection; when full, commits wait (backpressure)
     * @param watchRules       reload when a rule file changes
     */
    public record Detection(Duration outOfOrder, Integer maxGroupsPerRule, Integer maxEvidence, Integer queueEvents,
                            Boolean watchRules) {
        public Detection {
            if (outOfOrder == null) outOfOrder = Duration.ofMinutes(1);
            if (maxGroupsPerRule == null) maxGroupsPerRule = 100_000;
            if (maxEvidence == null) maxEvidence = 20;
            if (queueEvents == null) queueEvents = 100_000;
            if (watchRules == null) watchRules = true;
            positive("detection.max_groups_per_rule", maxGroupsPerRule);
            positive("detection.max_evidence", maxEvidence);
            positive("detection.queue_events", queueEvents);
        }
    }

    /**
     * @param db JDBC URL; absent means SQLite at {@code <data>/vigil.db}
     */
    public record Server(Integer port, String bind, Path data, String db) {
        public Server {
            if (port == null) port = 8080;
            if (bind == null) bind = "127.0.0.1";
            if (data == null) data = Path.of("vigil-data");
        }

        public String jdbcUrl() {
            return db != null ? db : "jdbc:sqlite:" + data.resolve("vigil.db");
        }
    }

    /** @param format {@code console} (readable lines) or {@code json} (one object per line) */
    public record Log(String format) {
        public Log {
            if (format == null) format = "console";
            if (!format.equals("console") && !format.equals("json")) {
                throw new IllegalArgumentException("log.format must be console or json, not '" + format + "'");
            }
        }
    }

    /**
     * @param maxBodyBytes   a request body larger than this is refused with 413
     * @param maxNesting     JSON nesting deeper than this anywhere in a body is refused with 400
     * @param maxFutureSkew  later timestamps are clamped to arrival time
     * @param maxAge         older events are rejected
     * @param queueEvents    events accepted but not yet committed; beyond this, 503
     * @param agentRate      per-agent admission rate; beyond it, 429 for that agent only
     */
    public record Ingest(Long maxBodyBytes, Integer maxNesting, Duration maxFutureSkew, Duration maxAge,
                         Integer queueEvents, AgentRate agentRate, Integer maxEventsPerRequest) {
        public Ingest {
            if (maxBodyBytes == null) maxBodyBytes = 8L * 1024 * 1024;
            if (maxNesting == null) maxNesting = 32;
            if (maxFutureSkew == null) maxFutureSkew = Duration.ofMinutes(5);
            if (maxAge == null) maxAge = Duration.ofHours(24);
            if (queueEvents == null) queueEvents = 200_000;
            if (agentRate == null) agentRate = new AgentRate(null, null);
            if (maxEventsPerRequest == null) maxEventsPerRequest = 10_000;
            positive("ingest.max_body_bytes", maxBodyBytes);
            positive("ingest.max_nesting", maxNesting);
            positive("ingest.queue_events", queueEvents);
            positive("ingest.max_events_per_request", maxEventsPerRequest);
        }
    }

    /** Token bucket per agent: {@code events_per_second} sustained, bursts up to {@code burst}. */
    public record AgentRate(Double eventsPerSecond, Integer burst) {
        public AgentRate {
            if (eventsPerSecond == null) eventsPerSecond = 20_000.0;
            if (burst == null) burst = (int) Math.max(1, Math.min(Integer.MAX_VALUE, eventsPerSecond * 5));
            positive("ingest.agent_rate.events_per_second", eventsPerSecond);
            positive("ingest.agent_rate.burst", burst);
        }
    }

    /** @param retention events older than this are pruned in the background; also the dedup horizon */
    public record Storage(Duration retention, Duration pruneEvery) {
        public Storage {
            if (retention == null) retention = Duration.ofDays(7);
            if (pruneEvery == null) pruneEvery = Duration.ofMinutes(5);
            if (retention.compareTo(Duration.ofHours(24)) < 0) {
                throw new IllegalArgumentException("storage.retention must be at least 24h: it is also how long event ids are remembered for dedup");
            }
        }
    }

    public record Auth(List<Key> keys) {
        public Auth {
            keys = keys == null ? List.of() : List.copyOf(keys);
        }
    }

    /**
     * An API key, stored only as the SHA-256 of the key (hex).
     *
     * @param agents for role {@code agent}: glob patterns of the agent ids the key may act for; empty means all
     */
    public record Key(String name, String role, String sha256, List<String> agents) {
        public Key {
            agents = agents == null ? List.of() : List.copyOf(agents);
            if (name == null || name.isBlank()) throw new IllegalArgumentException("auth.keys: every key needs a name");
            if (role == null) throw new IllegalArgumentException("auth.keys." + name + ".role is required: agent, operator or admin");
            if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("auth.keys." + name + ".sha256 must be 64 hex characters (the SHA-256 of the key)");
            }
        }
    }

    /** @param requireAuth when true, {@code /metrics} needs an operator key */
    public record Metrics(Boolean requireAuth) {
        public Metrics {
            if (requireAuth == null) requireAuth = false;
        }
    }

    private static void positive(String key, Number value) {
        if (value.doubleValue() <= 0) throw new IllegalArgumentException(key + " must be positive, not " + value);
    }
}
