package dev.vigil.control;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an agent must do now (DESIGN §5): run or stay paused, pending directives, and how much
 * telemetry to send. Agents read it by polling or over server-sent events; every change raises
 * {@code version}. {@code pausedBy} is the incident whose playbook paused the agent, if one did.
 */
public record ControlDocument(String agent, String state, String reason, Instant since, String pausedBy,
                              List<Directive> directives, Telemetry telemetry, long version) {
    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";

    public static ControlDocument initial(String agent) {
        return new ControlDocument(agent, RUNNING, null, null, null, List.of(), new Telemetry("normal", null, null), 0);
    }

    public boolean paused() {
        return PAUSED.equals(state);
    }

    /** A retry with changed parameters for one task, answered by an outcome event carrying its id. */
    public record Directive(String id, String type, String incident, String task, Map<String, Object> params, Instant expiresAt) {}

    /** @param incident the incident that raised the level, reverted when {@code until} passes */
    public record Telemetry(String level, Instant until, String incident) {}

    ControlDocument next(String state, String reason, Instant since, String pausedBy, List<Directive> directives, Telemetry telemetry) {
        return new ControlDocument(agent, state, reason, since, pausedBy, List.copyOf(directives), telemetry, version + 1);
    }
}
