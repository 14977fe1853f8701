package dev.vigil.ingest;

import dev.vigil.auth.Principal;
import dev.vigil.config.VigilConfig;
import dev.vigil.event.Event;
import dev.vigil.event.EventLimits;
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
import java.util.function.Supplier;

/**
 * Ingest, from bytes to durably stored events: decode, validate, authorize, admit (per-agent
 * rate), then append to the event log. The returned future completes only after the commit,
 * so a 2xx always means "stored". Other protocols (OTLP) decode on their own and join the path
 * at validation, so every event is held to the same rules whichever way it came.
 */
public final class IngestService {
    /** Agents tracked by the rate limiter and the fair share at once; see {@link AgentRateLimiter}. */
    private static final int MAX_RATE_LIMITED_AGENTS = 100_000;

    private final Clock clock;
    private final EventParser parser;
    private final BodyDecoder decoder;
    private final AgentRateLimiter limiter;
    private final FairShare fairShare;
    private final EventLog eventLog;
    private final VigilMetrics metrics;
    private final int maxEventsPerRequest;

    public IngestService(Clock clock, EventParser parser, VigilConfig.Ingest config, EventLog eventLog, VigilMetrics metrics) {
        this.clock = clock;
        this.parser = parser;
        this.decoder = new BodyDecoder(config.maxNesting(), config.maxEventsPerRequest());
        this.limiter = new AgentRateLimiter(clock, config.agentRate().eventsPerSecond(), config.agentRate().burst(),
                MAX_RATE_LIMITED_AGENTS);
        this.fairShare = new FairShare(clock, MAX_RATE_LIMITED_AGENTS);
        this.eventLog = eventLog;
        this.metrics = metrics;
        this.maxEventsPerRequest = config.maxEventsPerRequest();
    }

    /** The bounds every event is validated against, for protocols that build events themselves. */
    public EventLimits limits() {
        return parser.limits();
    }

    /** How a request answers for the events in it that cannot be taken. */
    public enum Partial {
        /**
         * {@code POST /v1/events}: an event for an agent outside the key's scope refuses the whole
         * request (403), and so does a request without a single valid event (400).
         */
        REFUSE_REQUEST,
        /**
         * OTLP: each such event is rejected alone and the request still succeeds, as the OTLP
         * partial-success answer expects; an exporter retries neither, and the answer says why.
         */
        REJECT_EVENT
    }

    /**
     * A {@code POST /v1/events} body: one event, a JSON array, or NDJSON.
     *
     * @throws IngestException when the request is refused as a whole (nothing stored)
     */
    public CompletableFuture<IngestResult> ingest(byte[] body, boolean ndjson, Principal caller) {
        return ingest(decode(() -> decoder.decode(body, ndjson)), caller, Partial.REFUSE_REQUEST);
    }

    /**
     * Runs a protocol's decoder, counting a request it refuses in {@code vigil_events_rejected_total}.
     *
     * @throws IngestException as the decoder threw it
     */
    public <T> T decode(Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (IngestException e) {
            metrics.rejected(e.status() == 413 ? "too_large" : "malformed", 1);
            throw e;
        }
    }

    /**
     * Refuses a request of more than {@code ingest.max_events_per_request} events; protocols that
     * build events themselves call it before building them.
     *
     * @throws IngestException 413
     */
    public void checkRequestSize(int events) {
        if (events > maxEventsPerRequest) {
            metrics.rejected("too_large", events);
            throw new IngestException(413, "more than " + maxEventsPerRequest + " events in one request; split the batch");
        }
    }

    /**
     * Events already decoded by another protocol (OTLP): validated, authorized, admitted and
     * stored exactly like those of {@code POST /v1/events}. Rejections name the item's index.
     *
     * @throws IngestException when the request is refused as a whole (nothing stored)
     */
    public CompletableFuture<IngestResult> ingest(List<IngestItem> items, Principal caller, Partial partial) {
        // The decoders stop at this count already; the check here bounds every protocol.
        checkRequestSize(items.size());
        Instant arrival = clock.instant();
        List<IngestResult.Rejection> rejected = new ArrayList<>();
        List<EventRow> rows = new ArrayList<>(items.size());
        Map<String, Integer> perAgent = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            IngestItem item = items.get(i);
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
                String refusal = "key '" + caller.name() + "' may not send events for agent '" + event.agent() + "'";
                if (partial == Partial.REFUSE_REQUEST) {
                    metrics.rejected("forbidden", items.size() - rejected.size());
                    throw new IngestException(403, refusal + " (event " + i + ")");
                }
                rejected.add(new IngestResult.Rejection(i, refusal));
                metrics.rejected("forbidden", 1);
                continue;
            }
            perAgent.merge(event.agent(), 1, Integer::sum);
            rows.add(EventRow.of(event));
        }
        if (rows.isEmpty()) {
            if (partial == Partial.REJECT_EVENT) {
                return CompletableFuture.completedFuture(new IngestResult(0, 0, List.copyOf(rejected)));
            }
            throw new IngestException(400, "every event in the request was rejected", 0, rejected);
        }
        FairShare.OverShare greedy = fairShare.admit(perAgent, eventLog.backlog());
        if (greedy != null) {
            metrics.rejected("fair_share", rows.size());
            throw new IngestException(429, "Vigil is saturated (" + eventLog.backlog() + " events wait to be committed) and agent '"
                    + greedy.agent() + "' sends " + Math.round(greedy.rate()) + " events/s, more than " + FairShare.FACTOR
                    + " times an equal share (" + Math.round(greedy.share()) + " events/s); retry after 1 s", 1, List.of());
        }
        AgentRateLimiter.Refusal refusal = limiter.tryAcquire(perAgent);
        if (refusal != null) {
            metrics.rejected(refusal instanceof AgentRateLimiter.OverBurst ? "too_large" : "rate_limited", rows.size());
            throw refused(refusal);
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

    private IngestException refused(AgentRateLimiter.Refusal refusal) {
        return switch (refusal) {
            case AgentRateLimiter.OverRate r -> new IngestException(429, "agent '" + r.agent() + "' is over its rate limit of "
                    + limiter.describe() + "; retry after " + r.retryAfterSeconds() + " s", r.retryAfterSeconds(), List.of());
            // 413, not 429: a retry of the same request would wait forever; clients split on 413.
            case AgentRateLimiter.OverBurst b -> new IngestException(413, "agent '" + b.agent() + "' has " + b.events()
                    + " events in this request, more than its rate-limit burst of " + b.burst()
                    + " (ingest.agent_rate.burst), so the request can never be admitted; send smaller batches"
                    + " or raise the burst to at least the batch size");
        };
    }
}
