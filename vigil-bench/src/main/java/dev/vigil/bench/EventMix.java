package dev.vigil.bench;

import java.time.Instant;
import java.util.SplittableRandom;
import dev.vigil.event.EventIds;

/**
 * Realistic agent telemetry for load: a fleet of agents making tool calls, LLM calls, decisions
 * and outcomes in the proportions a busy agent produces, each event with a client id (a UUIDv7, as the
 * SDK sends, so retries dedup) and the fields rules look at.
 */
final class EventMix {
    private static final String[] TOOLS = {"search.web", "payments.refund", "crm.lookup", "git.diff", "fs.read", "email.send"};
    private static final String[] MODELS = {"gpt-x", "claude-y", "llama-z"};

    private final SplittableRandom random;
    private final int agents;
    private final String agentPrefix;

    EventMix(long seed, int agents) {
        this(seed, agents, "agent-");
    }

    EventMix(long seed, int agents, String agentPrefix) {
        this.random = new SplittableRandom(seed);
        this.agents = agents;
        this.agentPrefix = agentPrefix;
    }

    /** A JSON array of {@code size} events. */
    String batch(int size, Instant now) {
        StringBuilder json = new StringBuilder(size * 420).append('[');
        String ts = now.toString();
        for (int i = 0; i < size; i++) {
            if (i > 0) json.append(',');
            event(json, ts);
        }
        return json.append(']').toString();
    }

    private void event(StringBuilder json, String ts) {
        int agent = random.nextInt(agents);
        int roll = random.nextInt(100);
        boolean error = random.nextInt(100) < 3;
        json.append("{\"id\":\"").append(EventIds.next(System.currentTimeMillis()))
                .append("\",\"ts\":\"").append(ts)
                .append("\",\"agent\":\"").append(agentPrefix).append(agent)
                .append("\",\"run\":\"run-").append(agent).append('-').append(random.nextInt(20))
                .append("\",\"task\":\"task-").append(random.nextInt(500)).append('"');
        if (roll < 40) {
            json.append(",\"kind\":\"tool_call\",\"tool\":\"").append(TOOLS[random.nextInt(TOOLS.length)])
                    .append("\",\"params\":{\"query\":\"order ").append(random.nextInt(100000))
                    .append("\",\"limit\":").append(random.nextInt(50)).append('}')
                    .append(",\"latency_ms\":").append(random.nextInt(2000));
        } else if (roll < 75) {
            json.append(",\"kind\":\"llm_call\",\"model\":\"").append(MODELS[random.nextInt(MODELS.length)])
                    .append("\",\"temperature\":0.7,\"tokens\":{\"input\":").append(200 + random.nextInt(4000))
                    .append(",\"output\":").append(50 + random.nextInt(800))
                    .append("},\"cost_usd\":").append(random.nextInt(300) / 10000.0)
                    .append(",\"latency_ms\":").append(200 + random.nextInt(3000));
        } else if (roll < 85) {
            json.append(",\"kind\":\"decision\",\"attrs\":{\"choice\":\"escalate\",\"confidence\":0.8}");
        } else if (roll < 95) {
            // A mostly healthy fleet: one outcome in a hundred scores low enough for low-quality.
            double quality = random.nextInt(100) == 0 ? random.nextInt(30) / 100.0 : 0.6 + random.nextInt(40) / 100.0;
            json.append(",\"kind\":\"outcome\",\"quality\":").append(quality);
        } else {
            json.append(",\"kind\":\"heartbeat\"");
        }
        json.append(",\"status\":\"").append(error ? "error" : "ok").append('"');
        if (error) json.append(",\"error\":{\"type\":\"timeout\",\"message\":\"upstream timed out\"}");
        json.append('}');
    }
}
