package dev.vigil.sdk;

/**
 * Records an agent's events in one scope: the agent itself ({@link AgentHandle}), one of its runs
 * ({@link RunHandle}) or one task ({@link TaskHandle}); each event carries the scope's agent, run
 * and task ids.
 *
 * <p>Recording never blocks and never throws for network reasons: the builders returned here
 * collect fields on the caller's thread, and their terminal call ({@code ok()}, {@code error(..)},
 * {@code send()}) puts one small immutable record into the {@link Vigil} instance's bounded buffer;
 * serialization and HTTP happen on its sender thread. A builder is for one event on one thread.
 * Handles themselves are immutable and thread-safe.
 */
public interface Recorder {
    /** The agent this scope belongs to: its control state, directives and telemetry level. */
    AgentHandle agent();

    /** Starts a {@code tool_call} event for the named tool, e.g. {@code payments.refund}. */
    EventBuilder.ToolCall toolCall(String tool);

    /** Starts an {@code llm_call} event for the named model. */
    EventBuilder.LlmCall llmCall(String model);

    /** Starts an {@code outcome} event: how the task ended ({@code ok()} or {@code error(..)}) and its quality. */
    EventBuilder.Outcome outcome();

    /** Starts a {@code decision} event; {@code choice} is sent as {@code attrs.choice}. */
    EventBuilder.Decision decision(String choice);

    /** Starts a {@code policy_violation} event (a critical incident by default); {@code policy} is sent as {@code attrs.policy}. */
    EventBuilder.PolicyViolation policyViolation(String policy);

    /** Records a {@code heartbeat}: the agent is alive (the {@code agent-silent} rule watches for their absence). */
    void heartbeat();

    /**
     * Returns when the agent may act; throws while the server has it paused. Call it before each
     * action (a tool call, an LLM call). It reads local state kept current by the control stream:
     * no I/O, a few nanoseconds.
     *
     * <p>Until the first control document has arrived the agent counts as running: a Vigil that
     * cannot be reached must not stop a fleet.
     *
     * @throws AgentPausedException while the agent is paused, with the server's reason and incident
     */
    void guard();
}
