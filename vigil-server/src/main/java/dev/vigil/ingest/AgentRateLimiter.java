package dev.vigil.ingest;

import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A token bucket per agent, so one agent flooding Vigil is slowed with 429 while the rest of
 * the fleet keeps flowing. Time comes from the injected clock.
 *
 * <p>Concurrency: every method is synchronized on this object; the critical section is a few
 * arithmetic operations per agent in the request, far below the cost of parsing the request.
 *
 * <p>Bound: at most {@link #maxAgents} buckets. A full bucket carries no information (it is the
 * same as no bucket), so when the map is full, full buckets are dropped; if none is full, a new
 * agent is admitted untracked rather than growing the map, and the global commit queue still
 * bounds it.
 */
final class AgentRateLimiter {
    private static final class Bucket {
        double tokens;
        long updatedNanos;
    }

    private final Clock clock;
    private final double ratePerSecond;
    private final double burst;
    private final int maxAgents;
    private final Map<String, Bucket> buckets = new HashMap<>();

    AgentRateLimiter(Clock clock, double ratePerSecond, int burst, int maxAgents) {
        this.clock = clock;
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.maxAgents = maxAgents;
    }

    /** Why a request was not admitted. */
    sealed interface Refusal {}

    /** The most limited agent, and when it may send again. */
    record OverRate(String agent, long retryAfterSeconds) implements Refusal {}

    /**
     * An agent with more events in one request than its bucket ever holds: no wait admits the
     * request, so retrying it as it is would be refused forever.
     */
    record OverBurst(String agent, int events, long burst) implements Refusal {}

    String describe() {
        return ratePerSecond + " events/s with bursts of " + (long) burst;
    }

    /**
     * Takes {@code count} tokens from each agent's bucket, all or nothing.
     *
     * @return null when admitted
     */
    synchronized Refusal tryAcquire(Map<String, Integer> countsByAgent) {
        for (Map.Entry<String, Integer> e : countsByAgent.entrySet()) {
            if (e.getValue() > burst) return new OverBurst(e.getKey(), e.getValue(), (long) burst);
        }
        long now = nanos();
        double worstDeficit = 0;
        String worstAgent = null;
        for (Map.Entry<String, Integer> e : countsByAgent.entrySet()) {
            Bucket b = bucket(e.getKey(), now);
            if (b != null && e.getValue() - b.tokens > worstDeficit) {
                worstDeficit = e.getValue() - b.tokens;
                worstAgent = e.getKey();
            }
        }
        if (worstAgent != null) {
            return new OverRate(worstAgent, Math.max(1, (long) Math.ceil(worstDeficit / ratePerSecond)));
        }
        for (Map.Entry<String, Integer> e : countsByAgent.entrySet()) {
            Bucket b = buckets.get(e.getKey());
            if (b != null) b.tokens -= e.getValue();
        }
        return null;
    }

    private Bucket bucket(String agent, long now) {
        Bucket b = buckets.get(agent);
        if (b == null) {
            if (buckets.size() >= maxAgents && !evictFull(now)) return null;
            b = new Bucket();
            b.tokens = burst;
            b.updatedNanos = now;
            buckets.put(agent, b);
            return b;
        }
        refill(b, now);
        return b;
    }

    private void refill(Bucket b, long now) {
        double elapsed = (now - b.updatedNanos) / 1e9;
        if (elapsed > 0) {
            b.tokens = Math.min(burst, b.tokens + elapsed * ratePerSecond);
            b.updatedNanos = now;
        }
    }

    private boolean evictFull(long now) {
        boolean any = false;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket b = it.next();
            refill(b, now);
            if (b.tokens >= burst) {
                it.remove();
                any = true;
            }
        }
        return any;
    }

    private long nanos() {
        var t = clock.instant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
