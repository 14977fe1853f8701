package dev.vigil.sdk;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One agent of a {@link Vigil} instance, from {@link Vigil#agent(String)}: records its events,
 * starts its runs and tasks, and follows its control document (pause, retry directives, telemetry
 * level), which the server pushes over a server-sent-events stream (polled while the stream is
 * down), from the first time it is asked about it ({@code guard()}, {@link #paused()},
 * {@link #telemetryLevel()}, {@link #onRetry}) until its {@link Vigil} is closed. The same instance
 * is returned for the same id; it is thread-safe.
 */
public final class AgentHandle extends Scope {
    private final String id;
    private final EventBuffer buffer;
    private final Clock clock;
    private final AgentControl control;

    AgentHandle(String id, EventBuffer buffer, Clock clock, AgentControl control) {
        super(null, null);
        this.id = id;
        this.buffer = buffer;
        this.clock = clock;
        this.control = control;
    }

    /** The agent's id, as the server knows it. */
    public String id() {
        return id;
    }

    /** A run of this agent: its events carry the run id. */
    public RunHandle run(String run) {
        return new RunHandle(this, run);
    }

    /** A task of this agent outside any run. */
    public TaskHandle task(String task) {
        return new TaskHandle(this, null, task);
    }

    /**
     * Calls {@code listener} with every retry directive the server issues for this agent: an
     * incident's playbook asks the agent to retry a task with safer parameters, and to answer with
     * {@link RetryDirective#succeeded()} or {@link RetryDirective#failed(String)} before it
     * {@linkplain RetryDirective#expiresAt() expires}. Each directive is delivered once per
     * listener, including those pending when the listener is added, on a callback thread of this
     * agent's (never the agent's own thread, nor the one following the control stream, so a slow
     * listener delays neither the agent nor a pause): hand the work to the agent rather than doing
     * it in the listener. A directive already past its expiry by the
     * {@linkplain Vigil.Builder#clock(java.time.Clock) configured clock} is not delivered: the
     * server escalates it whatever the answer.
     *
     * @return a handle whose {@code run()} removes the listener
     */
    public Runnable onRetry(Consumer<RetryDirective> listener) {
        return control.onRetry(Objects.requireNonNull(listener, "listener"));
    }

    /** Whether the agent is paused now, as last heard from the server ({@link #guard()} throws while it is). */
    public boolean paused() {
        return control.paused();
    }

    /** The telemetry level the server asks of this agent now. */
    public TelemetryLevel telemetryLevel() {
        return control.telemetryLevel();
    }

    @Override
    public AgentHandle agent() {
        return this;
    }

    void emit(EventRecord event) {
        buffer.offer(event);
    }

    long clockMillis() {
        return clock.millis();
    }

    AgentControl control() {
        return control;
    }
}
