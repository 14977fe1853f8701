package dev.vigil.rule;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Map;

/**
 * A CEL expression compiled once, when its rule is loaded; evaluated per event over the
 * variables {@code event} and {@code agent}.
 */
public final class Expression {
    private final String text;
    private final CelRuntime.Program program;

    Expression(String text, CelRuntime.Program program) {
        this.text = text;
        this.program = program;
    }

    public String text() {
        return text;
    }

    /**
     * @throws CelEvaluationException when the expression fails on this input, e.g. reads a key
     *         the event does not have; callers treat that as "does not match"
     */
    public Object eval(Map<String, Object> variables) throws CelEvaluationException {
        return program.eval(variables);
    }

    /** True only when the expression evaluates to {@code true}; an error is not a match. */
    public boolean test(Map<String, Object> variables) {
        try {
            return Boolean.TRUE.equals(program.eval(variables));
        } catch (CelEvaluationException e) {
            return false;
        }
    }

    /** The numeric value, or null when it fails or is not a number. */
    public Double number(Map<String, Object> variables) {
        try {
            return program.eval(variables) instanceof Number n ? n.doubleValue() : null;
        } catch (CelEvaluationException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
