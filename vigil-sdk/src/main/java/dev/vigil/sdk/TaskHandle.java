package dev.vigil.sdk;

/**
 * One task of an agent, within a run or not: its events carry the task id, which rules group by
 * (e.g. the same task failing three times) and retry directives name. Immutable and thread-safe.
 */
public final class TaskHandle extends Scope {
    private final AgentHandle agent;

    TaskHandle(AgentHandle agent, String run, String task) {
        super(run, id("task", task));
        this.agent = agent;
    }

    /** The task's id. */
    public String id() {
        return task;
    }

    /** The run this task belongs to, or null. */
    public String runId() {
        return run;
    }

    @Override
    public AgentHandle agent() {
        return agent;
    }
}
