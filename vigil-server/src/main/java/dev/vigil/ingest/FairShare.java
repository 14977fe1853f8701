package dev.vigil.ingest;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fair share under overload. The per-agent rate limit bounds what one agent may send, but a single
 * host commits less than it (about 8,000 events/s on SQLite here), so one busy agent below its
 * limit can fill the commit queue, and every other agent's events then wait behind it. When more
 * than {@link #SATURATED_BACKLOG} events wait to be committed, the server is saturated: an agent
 * sending more than {@link #FACTOR} times an equal share of what all agents send is refused with
 * 429 until the backlog drains, while calm agents keep going through at about their idle latency.
 *
 * <p>Each agent's recent rate is a count that decays with a half-life of {@link #HALF_LIFE_SECONDS}
 * on the injected clock, so a burst counts for a few seconds and then fades.
 *
 * <p>Concurrency: every method is synchronized; a request costs a few arithmetic operations per
 * agent in it, and under saturation one pass over the agents seen recently. Bound: at most
 * {@code maxAgents} agents, the least recently seen dropped first.
 */
final class FairShare {
    /**
     * Events waiting to be committed beyond which the server is saturated: a few hundredths of a
     * second of commits, so a calm agent's event waits behind little. At 1,000 a greedy agent kept
     * more throughput but a calm agent's median latency stayed 10x its idle one (BENCHMARKS.md).
     */
    static final int SATURATED_BACKLOG = 250;
    /**
     * Agents are not alike: one may send half again an equal share before it is the one slowing the
     * others; evenly busy agents never reach it, and of two agents the busier one does once it sends
     * three quarters of everything.
     */
    static final double FACTOR = 1.5;
    /** Short enough to follow a burst, long enough that one request does not decide. */
    private static final double HALF_LIFE_SECONDS = 1.0;
    /** Agents below this rate (events/s) count as idle, not as sharing the capacity. */
    private static final double ACTIVE_RATE = 0.5;
    /** An agent sending less than this (events/s) is never the one saturating a server, whatever its share as traffic starts. */
    private static final double JUDGED_RATE = 500;

    private static final class Rate {
        double value;
        long updatedNanos;
    }

    /** The agent over its share, what it sends and what an equal share is, in events/s. */
    record OverShare(String agent, double rate, double share) {}

    private final Clock clock;
    private final Map<String, Rate> rates;

    FairShare(Clock clock, int maxAgents) {
        this.clock = clock;
        this.rates = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Rate> eldest) {
                return size() > maxAgents;
            }
        };
    }

    /**
     * Counts the request's events and says whether to refuse it: null unless {@code backlog}
     * events wait to be committed beyond the saturation point and an agent of the request sends
     * more than its share.
     */
    synchronized OverShare admit(Map<String, Integer> countsByAgent, int backlog) {
        long now = nanos();
        for (Map.Entry<String, Integer> e : countsByAgent.entrySet()) {
            Rate r = rates.computeIfAbsent(e.getKey(), a -> new Rate());
            decay(r, now);
            r.value += e.getValue() / (HALF_LIFE_SECONDS / Math.log(2)); // events/s at steady state
        }
        if (backlog <= SATURATED_BACKLOG) return null;
        double total = 0;
        int active = 0;
        for (Rate r : rates.values()) {
            decay(r, now);
            if (r.value < ACTIVE_RATE) continue;
            total += r.value;
            active++;
        }
        double share = total / Math.max(1, active);
        for (String agent : countsByAgent.keySet()) {
            Rate r = rates.get(agent);
            if (r != null && active > 1 && r.value > JUDGED_RATE && r.value > FACTOR * share) return new OverShare(agent, r.value, share);
        }
        return null;
    }

    private static void decay(Rate r, long now) {
        double seconds = (now - r.updatedNanos) / 1e9;
        if (r.updatedNanos != 0 && seconds > 0) r.value *= Math.pow(0.5, seconds / HALF_LIFE_SECONDS);
        r.updatedNanos = now;
    }

    private long nanos() {
        Instant t = clock.instant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
