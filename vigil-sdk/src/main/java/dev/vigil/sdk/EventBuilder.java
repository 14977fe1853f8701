package dev.vigil.sdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Collects the fields of one event on the caller's thread, then records it with a terminal call:
 * {@link #ok()}, {@link #error(String, String)} (or {@link #error(String)}, {@link #error(Throwable)})
 * or {@link #send()} (no status). The event's time is
 * taken at the terminal call, from the {@link Vigil.Builder#clock(java.time.Clock) configured clock}.
 *
 * <p>Not thread-safe, and good for one event: after the terminal call every method throws
 * {@link IllegalStateException}. Arguments are checked at once ({@link IllegalArgumentException}
 * for a negative or non-finite number), so a programming error shows in the agent's stack trace
 * rather than as an event the server rejects later. Maps given to {@link #params(Map)} are copied;
 * their values must not be changed afterwards (they are serialized on the sender thread).
 *
 * @param <B> the concrete builder, so that chained calls keep its own methods
 */
public abstract sealed class EventBuilder<B extends EventBuilder<B>>
        permits EventBuilder.ToolCall, EventBuilder.LlmCall, EventBuilder.Outcome, EventBuilder.Decision, EventBuilder.PolicyViolation {
    private final Scope scope;
    private final String kind;
    private boolean recorded;
    String tool;
    String model;
    String directive;
    String task;
    private Map<String, Object> params;
    private Map<String, Object> attrs;
    private List<String> flags;
    double temperature = Double.NaN;
    long inputTokens = -1;
    long outputTokens = -1;
    private double costUsd = Double.NaN;
    private double latencyMs = Double.NaN;
    double quality = Double.NaN;

    EventBuilder(Scope scope, String kind) {
        this.scope = scope;
        this.kind = kind;
        this.task = scope.task;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The event's {@code params}: the call's arguments (rules compare them, e.g. to find a tool called in a loop). Copied. */
    public B params(Map<String, ?> params) {
        open();
        this.params = params == null ? null : copy(params);
        return self();
    }

    /** An unmodifiable map ({@code Map.of}) is taken as it is; others are copied. */
    private static Map<String, Object> copy(Map<String, ?> params) {
        try {
            return Map.copyOf(params);
        } catch (NullPointerException nullValue) { // Map.copyOf refuses nulls, JSON takes them
            return new LinkedHashMap<>(params);
        }
    }

    /** Adds an entry to the event's {@code attrs}, free-form context the rules and operators can read. */
    public B attr(String key, Object value) {
        open();
        if (attrs == null) attrs = new LinkedHashMap<>();
        attrs.put(Objects.requireNonNull(key, "key"), value);
        return self();
    }

    /**
     * Adds a diagnostic entry to {@code attrs} only while the agent's telemetry level is
     * {@link TelemetryLevel#VERBOSE}; otherwise it is ignored. For what is worth sending while an
     * incident is being watched but not always: prompts, raw responses, intermediate results.
     * Check {@link AgentHandle#telemetryLevel()} first when computing the value is expensive.
     */
    public B detail(String key, Object value) {
        open();
        if (scope.agent().telemetryLevel() == TelemetryLevel.VERBOSE) attr(key, value);
        return self();
    }

    /** Adds a flag, e.g. {@code harmful} or {@code pii} (rules match on them). */
    public B flag(String flag) {
        open();
        if (flags == null) flags = new ArrayList<>(2);
        flags.add(Objects.requireNonNull(flag, "flag"));
        return self();
    }

    /** How long the action took, in milliseconds. */
    public B latencyMs(double latencyMs) {
        open();
        this.latencyMs = notNegative("latencyMs", latencyMs);
        return self();
    }

    /** What the action cost, in US dollars (budget rules add these up). */
    public B costUsd(double costUsd) {
        open();
        this.costUsd = notNegative("costUsd", costUsd);
        return self();
    }

    /** Records the event with {@code status: ok}. */
    public void ok() {
        record("ok", null, null);
    }

    /** Records the event with {@code status: error} and an error type, e.g. {@code timeout}. */
    public void error(String type) {
        record("error", Objects.requireNonNull(type, "type"), null);
    }

    /** Records the event with {@code status: error}, an error type and a message. */
    public void error(String type, String message) {
        record("error", Objects.requireNonNull(type, "type"), message);
    }

    /** Records the event with {@code status: error}, the exception's full class name as the type (unambiguous across packages) and its message. */
    public void error(Throwable failure) {
        record("error", failure.getClass().getName(), failure.getMessage());
    }

    /** Records the event without a status. */
    public void send() {
        record(null, null, null);
    }

    private void record(String status, String errorType, String errorMessage) {
        open();
        recorded = true;
        AgentHandle agent = scope.agent();
        agent.emit(new EventRecord(agent.clockMillis(), agent.id(), scope.run, task, kind, status, tool, model, params,
                temperature, inputTokens, outputTokens, costUsd, latencyMs, quality, errorType, errorMessage, flags,
                directive, attrs));
    }

    void open() {
        if (recorded) throw new IllegalStateException("this event was recorded already; start a new one");
    }

    static double notNegative(String field, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) throw new IllegalArgumentException(field + " must be a finite number, not negative: " + value);
        return value;
    }

    /** A {@code tool_call} event. */
    public static final class ToolCall extends EventBuilder<ToolCall> {
        ToolCall(Scope scope, String tool) {
            super(scope, "tool_call");
            this.tool = Objects.requireNonNull(tool, "tool");
        }
    }

    /** An {@code llm_call} event. */
    public static final class LlmCall extends EventBuilder<LlmCall> {
        LlmCall(Scope scope, String model) {
            super(scope, "llm_call");
            this.model = Objects.requireNonNull(model, "model");
        }

        /** The sampling temperature used; a retry directive starts from the latest one reported. */
        public LlmCall temperature(double temperature) {
            open();
            this.temperature = notNegative("temperature", temperature);
            return this;
        }

        /** Tokens consumed: prompt ({@code input}) and completion ({@code output}). */
        public LlmCall tokens(long input, long output) {
            open();
            if (input < 0 || output < 0) throw new IllegalArgumentException("tokens must not be negative: " + input + ", " + output);
            this.inputTokens = input;
            this.outputTokens = output;
            return this;
        }
    }

    /** An {@code outcome} event: how a task ended. */
    public static final class Outcome extends EventBuilder<Outcome> {
        Outcome(Scope scope) {
            super(scope, "outcome");
        }

        /** The quality of the result, 0 to 1 by convention (the {@code low-quality} rule fires below 0.3). */
        public Outcome quality(double quality) {
            open();
            this.quality = notNegative("quality", quality);
            return this;
        }

        /** Makes this outcome the answer to a directive, for the directive's task. */
        Outcome answering(RetryDirective d) {
            this.directive = d.id();
            if (d.task() != null) this.task = d.task();
            return this;
        }
    }

    /** A {@code decision} event; {@link #suboptimal()} feeds the weekly review. */
    public static final class Decision extends EventBuilder<Decision> {
        Decision(Scope scope, String choice) {
            super(scope, "decision");
            if (choice != null) attr("choice", choice);
        }

        /** Flags the decision {@code suboptimal}: the goal was reached, not in the best way. */
        public Decision suboptimal() {
            return flag("suboptimal");
        }
    }

    /** A {@code policy_violation} event, reported by the agent or its guardrail. */
    public static final class PolicyViolation extends EventBuilder<PolicyViolation> {
        PolicyViolation(Scope scope, String policy) {
            super(scope, "policy_violation");
            if (policy != null) attr("policy", policy);
        }
    }
}
