package dev.vigil.rule;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.vigil.event.Kind;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A CEL expression compiled once, when its rule is loaded; evaluated per event over the
 * variables {@code event} and {@code agent}.
 */
public final class Expression {
    private final String text;
    private final CelRuntime.Program program;
    private final FastPath.Node fast;
    private final Set<Kind> kinds;

    /** @param fast the direct evaluator, or null to run on cel-java */
    Expression(String text, CelRuntime.Program program, FastPath.Node fast, Set<Kind> kinds) {
        this.text = text;
        this.program = program;
        this.fast = fast;
        this.kinds = kinds == null ? null : Collections.unmodifiableSet(kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(kinds));
    }

    public String text() {
        return text;
    }

    /** True when the expression may hold for an event of this kind; false means it certainly does not. */
    public boolean mayMatch(Kind kind) {
        return kinds == null || kinds.contains(kind);
    }

    /**
     * @throws CelEvaluationException when the expression fails on this input, e.g. reads a key
     *         the event does not have; callers treat that as "does not match"
     */
    public Object eval(Map<String, Object> variables) throws CelEvaluationException {
        return program.eval(name -> Optional.ofNullable(variables.get(name)));
    }

    /** Whether this expression runs on the direct evaluator rather than on cel-java. */
    public boolean fast() {
        return fast != null;
    }

    /** What {@link #viaCel} and {@link #viaFastPath} return for an evaluation error. */
    static final Object ERROR = new Object() {
        @Override
        public String toString() {
            return "<error>";
        }
    };

    /** cel-java's result, for comparing the two evaluators. */
    Object viaCel(Map<String, Object> variables) {
        try {
            return eval(variables);
        } catch (CelEvaluationException e) {
            return ERROR;
        }
    }

    Object viaFastPath(Map<String, Object> variables) {
        try {
            return fast.eval(variables);
        } catch (FastPath.CelError e) {
            return ERROR;
        }
    }

    /** The value, or null when evaluation fails: a rule that cannot be evaluated never stops detection. */
    private Object value(Map<String, Object> variables) {
        try {
            return fast != null ? fast.eval(variables) : eval(variables);
        } catch (FastPath.CelError | CelEvaluationException | RuntimeException e) {
            return null;
        }
    }

    /** True only when the expression evaluates to {@code true}; an error is not a match. */
    public boolean test(Map<String, Object> variables) {
        return Boolean.TRUE.equals(value(variables));
    }

    /** The numeric value, or null when it fails, is not a number, or is not finite (NaN would poison sums). */
    public Double number(Map<String, Object> variables) {
        return value(variables) instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
    }

    @Override
    public String toString() {
        return text;
    }
}
