package dev.vigil.sdk;

/** One run of an agent: its events carry the run id. Immutable and thread-safe. */
public final class RunHandle extends Scope {
    private final AgentHandle agent;

    RunHandle(AgentHandle agent, String run) {
        super(id("run", run), null);
        this.agent = agent;
    }

    /** The run's id. */
    public String id() {
        return run;
    }

    /** A task of this run: its events carry both ids. */
    public TaskHandle task(String task) {
        return new TaskHandle(agent, run, task);
    }

    @Override
    public AgentHandle agent() {
        return agent;
    }
}
