package dev.vigil.ingest;

import dev.vigil.auth.Principal;
import dev.vigil.config.VigilConfig;
import dev.vigil.event.Event;
import dev.vigil.event.EventParser;
import dev.vigil.event.InvalidEventException;
import dev.vigil.metrics.VigilMetrics;
import dev.vigil.store.EventLog;
import dev.vigil.store.EventRow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Ingest, from bytes to durably stored events: decode, validate, authorize, admit (per-agent
 * rate), then append to the event log. The returned future completes only after the commit,
 * so a 202 always means "stored".
 */
public final class IngestService {
    /** Agents tracked by the rate limiter at once; see {@link AgentRateLimiter}. */
    private static final int MAX_RATE_LIMITED_AGENTS = 100_000;

    private final Clock clock;
    private final EventParser parser;
    private final BodyDecoder decoder;
    private final AgentRateLimiter limiter;
    private final EventLog eventLog;
    private final VigilMetrics metrics;

    public IngestService(Clock clock, EventParser parser, VigilConfig.Ingest config, EventLog eventLog, VigilMetrics metrics) {
        this.clock = clock;
        this.parser = parser;
        this.decoder = new BodyDecoder(config.maxNesting(), config.maxEventsPerRequest());
        this.limiter = new AgentRateLimiter(clock, config.agentRate().eventsPerSecond(), config.agentRate().burst(),
                MAX_RATE_LIMITED_AGENTS);
        this.eventLog = eventLog;
        this.metrics = metrics;
    }

    /**
     * @throws IngestException when the request is refused as a whole (nothing stored)
     */
    public CompletableFuture<IngestResult> ingest(byte[] body, boolean ndjson, Principal caller) {
        List<BodyDecoder.Item> items;
        try {
            items = decoder.decode(body, ndjson);
        } catch (IngestException e) {
            metrics.rejected(e.status() == 413 ? "too_large" : "malformed", 1);
            throw e;
        }
        Instant arrival = clock.instant();
        List<IngestResult.Rejection> rejected = new ArrayList<>();
        List<EventRow> rows = new ArrayList<>(items.size());
        Map<String, Integer> perAgent = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            BodyDecoder.Item item = items.get(i);
            if (item.error() != null) {
                rejected.add(new IngestResult.Rejection(i, item.error()));
                metrics.rejected("malformed", 1);
                continue;
            }
            Event event;
            try {
                event = parser.parse(item.json(), arrival);
            } catch (InvalidEventException e) {
                rejected.add(new IngestResult.Rejection(i, e.getMessage()));
                metrics.rejected(e.rejection() == InvalidEventException.Cause.TOO_OLD ? "too_old" : "invalid", 1);
                continue;
            }
            if (!caller.mayActFor(event.agent())) {
                metrics.rejected("forbidden", items.size() - rejected.size());
                throw new IngestException(403, "key '" + caller.name() + "' may not send events for agent '"
                        + event.agent() + "' (event " + i + ")");
            }
            perAgent.merge(event.agent(), 1, Integer::sum);
            rows.add(EventRow.of(event));
        }
        if (rows.isEmpty()) {
            throw new IngestException(400, "every event in the request was rejected", 0, rejected);
        }
        AgentRateLimiter.Refusal refusal = limiter.tryAcquire(perAgent);
        if (refusal != null) {
            metrics.rejected("rate_limited", rows.size());
            throw new IngestException(429, "agent '" + refusal.agent() + "' is over its rate limit of "
                    + limiter.describe() + "; retry after " + refusal.retryAfterSeconds() + " s",
                    refusal.retryAfterSeconds(), List.of());
        }
        CompletableFuture<EventLog.AppendResult> stored;
        try {
            stored = eventLog.append(rows);
        } catch (EventLog.OverloadedException e) {
            metrics.rejected("overloaded", rows.size());
            throw new IngestException(503, "Vigil is overloaded: " + e.getMessage(), 1, List.of());
        }
        return stored.thenApply(result -> {
            metrics.ingested(result.stored());
            return new IngestResult(rows.size(), result.duplicates(), List.copyOf(rejected));
        });
    }
}
