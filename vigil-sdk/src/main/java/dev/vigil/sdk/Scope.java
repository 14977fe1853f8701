package dev.vigil.sdk;

import java.util.Objects;

/**
 * What the three handles share: the recording methods, for the ids of one scope. Immutable.
 */
abstract sealed class Scope implements Recorder permits AgentHandle, RunHandle, TaskHandle {
    /** Null when the scope is not inside a run or a task. */
    final String run;
    final String task;

    Scope(String run, String task) {
        this.run = run;
        this.task = task;
    }

    static String id(String what, String id) {
        Objects.requireNonNull(id, what);
        if (id.isEmpty() || id.length() > 128) throw new IllegalArgumentException(what + " must be 1 to 128 characters: '" + id + "'");
        return id;
    }

    @Override
    public final EventBuilder.ToolCall toolCall(String tool) {
        return new EventBuilder.ToolCall(this, tool);
    }

    @Override
    public final EventBuilder.LlmCall llmCall(String model) {
        return new EventBuilder.LlmCall(this, model);
    }

    @Override
    public final EventBuilder.Outcome outcome() {
        return new EventBuilder.Outcome(this);
    }

    @Override
    public final EventBuilder.Decision decision(String choice) {
        return new EventBuilder.Decision(this, choice);
    }

    @Override
    public final EventBuilder.PolicyViolation policyViolation(String policy) {
        return new EventBuilder.PolicyViolation(this, policy);
    }

    @Override
    public final void heartbeat() {
        AgentHandle agent = agent();
        agent.emit(new EventRecord(agent.clockMillis(), agent.id(), run, task, "heartbeat", null, null, null, null,
                Double.NaN, -1, -1, Double.NaN, Double.NaN, Double.NaN, null, null, null, null, null));
    }

    @Override
    public final void guard() {
        agent().control().guard();
    }
}
