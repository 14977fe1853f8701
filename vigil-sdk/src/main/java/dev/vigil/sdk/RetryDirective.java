package dev.vigil.sdk;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server asks the agent to retry a task with changed parameters (an incident's {@code retry}
 * action). The agent retries, then answers exactly once: {@link #succeeded()} resolves the
 * incident; {@link #failed(String)}, or no answer by {@link #expiresAt()}, escalates it. The
 * answer is an {@code outcome} event for the directive's task carrying the directive's id,
 * recorded like any other event. Thread-safe.
 */
public final class RetryDirective {
    private final AgentHandle agent;
    private final String id;
    private final String incident;
    private final String task;
    private final Map<String, Object> params;
    private final Instant expiresAt;
    private final AtomicBoolean answered = new AtomicBoolean();

    RetryDirective(AgentHandle agent, String id, String incident, String task, Map<String, Object> params, Instant expiresAt) {
        this.agent = agent;
        this.id = id;
        this.incident = incident;
        this.task = task;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.expiresAt = expiresAt;
    }

    /** The directive's id, which the answer carries. */
    public String id() {
        return id;
    }

    /** The incident that asked for the retry. */
    public String incident() {
        return incident;
    }

    /** The task to retry, or null when the incident was not about one task. */
    public String task() {
        return task;
    }

    /** The parameters to retry with, e.g. {@code temperature} and {@code max_context_tokens}. */
    public Map<String, Object> params() {
        return params;
    }

    /** The {@code temperature} parameter, if the directive sets one. */
    public OptionalDouble temperature() {
        return params.get("temperature") instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty();
    }

    /** The {@code max_context_tokens} parameter, if the directive sets one. */
    public OptionalLong maxContextTokens() {
        return params.get("max_context_tokens") instanceof Number n ? OptionalLong.of(n.longValue()) : OptionalLong.empty();
    }

    /** When the server stops waiting for the answer and escalates the incident. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** Answers that the retry worked: the incident is resolved. */
    public void succeeded() {
        answer().ok();
    }

    /** Answers that the retry worked, with the result's quality (on the incident's timeline). */
    public void succeeded(double quality) {
        answer().quality(quality).ok();
    }

    /** Answers that the retry failed, with an error type such as {@code timeout} (on the timeline); the incident escalates. */
    public void failed(String errorType) {
        answer().error(errorType);
    }

    /** Answers that the retry failed, with an error type and a message; the incident escalates. */
    public void failed(String errorType, String message) {
        answer().error(errorType, message);
    }

    /** @throws IllegalStateException when the directive was answered already */
    private EventBuilder.Outcome answer() {
        if (!answered.compareAndSet(false, true)) throw new IllegalStateException("directive " + id + " was answered already");
        return agent.outcome().answering(this);
    }

    @Override
    public String toString() {
        return "RetryDirective[" + id + ", task " + task + ", incident " + incident + ", params " + params + ", expires " + expiresAt + "]";
    }
}
