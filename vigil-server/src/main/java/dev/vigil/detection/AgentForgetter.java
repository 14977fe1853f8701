package dev.vigil.detection;

import dev.vigil.control.ControlPlane;
import dev.vigil.detect.DetectionEngine;
import dev.vigil.ingest.FleetUsage;
import java.util.concurrent.ExecutionException;

/**
 * Forgets an agent ({@code POST /v1/agents/{id}/forget}): what detection holds of it (the window
 * state and timers of every rule grouped by agent), its usage figures and its control document.
 * For agents that are gone, above all a drill's: once forgotten, their silence raises nothing.
 * Incidents and stored events stay: they are history.
 *
 * <p>The detection part runs on the detection thread, after every event committed before it, so
 * no event of the agent already accepted can bring its state back.
 */
public final class AgentForgetter {
    /** What was forgotten. */
    public record Forgotten(String agent, int detectionGroups, boolean usage, boolean controlDocument) {}

    private final DetectionEngine engine;
    private final DetectionLoop loop;
    private final FleetUsage usage;
    private final ControlPlane control;

    public AgentForgetter(DetectionEngine engine, DetectionLoop loop, FleetUsage usage, ControlPlane control) {
        this.engine = engine;
        this.loop = loop;
        this.usage = usage;
        this.control = control;
    }

    /** @throws ControlPlane.Paused when the agent is paused (resume it first); nothing is forgotten then */
    public Forgotten forget(String agent) {
        if (control.document(agent).paused()) throw new ControlPlane.Paused(agent);
        int groups;
        boolean figures;
        try {
            int[] dropped = new int[1];
            figures = loop.call(() -> {
                dropped[0] = engine.forgetAgent(agent);
                return usage.forget(agent);
            }).get();
            groups = dropped[0];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while forgetting " + agent, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("forgetting " + agent + " failed", e.getCause());
        }
        return new Forgotten(agent, groups, figures, control.forget(agent));
    }
}
