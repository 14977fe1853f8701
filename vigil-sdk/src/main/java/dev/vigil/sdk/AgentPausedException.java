package dev.vigil.sdk;

import java.time.Instant;

/**
 * Thrown by {@link Recorder#guard()} while the agent is paused: the agent must not take its next
 * action. Unchecked, so it unwinds the agent's step without every signature declaring it; catch it
 * where the agent can wait or give up the task.
 */
public final class AgentPausedException extends RuntimeException {
    private final String agent;
    private final String reason;
    private final String incident;
    private final Instant since;

    AgentPausedException(String agent, String reason, String incident, Instant since) {
        super("agent " + agent + " is paused" + (reason == null ? "" : ": " + reason), null, false, false);
        this.agent = agent;
        this.reason = reason;
        this.incident = incident;
        this.since = since;
    }

    /** The paused agent's id. */
    public String agent() {
        return agent;
    }

    /** Why it was paused, as the server says (an operator's reason or the incident's title); may be null. */
    public String reason() {
        return reason;
    }

    /** The incident whose playbook paused the agent, or null when an operator paused it. */
    public String incident() {
        return incident;
    }

    /** When the pause began, by the server's clock; may be null. */
    public Instant since() {
        return since;
    }
}
