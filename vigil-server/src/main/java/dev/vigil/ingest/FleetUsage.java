package dev.vigil.ingest;

import dev.vigil.event.Event;
import dev.vigil.event.Kind;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each agent sent today (UTC): last seen, events, tokens, cost; and the parameters it last
 * used, which a retry directive starts from. Fed with every committed event by the detection
 * thread; read by the fleet view and the retry protocol.
 *
 * <p>Concurrency: all methods are synchronized; an update is a handful of additions.
 * Bound: at most {@link #MAX_AGENTS} agents, least recently seen dropped first. Counters start
 * from zero when the process starts (the event log keeps the full history).
 */
public final class FleetUsage {
    private static final int MAX_AGENTS = 100_000;

    /** One agent's figures; {@code day} is the UTC day the counters belong to. */
    public record AgentUsage(String agent, Instant lastSeen, LocalDate day, long events, long tokens, double costUsd,
                             Double lastTemperature, Long lastMaxContextTokens) {}

    private final Map<String, AgentUsage> agents = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AgentUsage> eldest) {
            return size() > MAX_AGENTS;
        }
    };

    public synchronized void observe(Event e) {
        LocalDate day = LocalDate.ofInstant(e.receivedAt(), ZoneOffset.UTC);
        AgentUsage s = agents.get(e.agent());
        if (s == null || !s.day().equals(day)) {
            s = new AgentUsage(e.agent(), e.receivedAt(), day, 0, 0, 0, s == null ? null : s.lastTemperature(),
                    s == null ? null : s.lastMaxContextTokens());
        }
        Double temperature = e.kind() == Kind.LLM_CALL && e.temperature() != null ? e.temperature() : s.lastTemperature();
        Long context = s.lastMaxContextTokens();
        if (e.attrs() != null && e.attrs().path("max_context_tokens").isNumber()) context = e.attrs().get("max_context_tokens").longValue();
        if (e.params() != null && e.params().path("max_context_tokens").isNumber()) context = e.params().get("max_context_tokens").longValue();
        agents.put(e.agent(), new AgentUsage(e.agent(), e.receivedAt().isAfter(s.lastSeen()) ? e.receivedAt() : s.lastSeen(), day,
                s.events() + 1, s.tokens() + (e.tokens() == null ? 0 : e.tokens().total()),
                s.costUsd() + (e.costUsd() == null ? 0 : e.costUsd()), temperature, context));
    }

    /** The agent's figures for {@code today}; counters read zero when its last event was on an earlier day. */
    public synchronized AgentUsage get(String agent, LocalDate today) {
        AgentUsage s = agents.get(agent);
        if (s == null) return null;
        if (!s.day().equals(today)) {
            return new AgentUsage(agent, s.lastSeen(), today, 0, 0, 0, s.lastTemperature(), s.lastMaxContextTokens());
        }
        return s;
    }

    /** Drops the agent's figures; returns whether there were any. */
    public synchronized boolean forget(String agent) {
        return agents.remove(agent) != null;
    }

    public synchronized List<String> agents() {
        return new ArrayList<>(agents.keySet());
    }
}
