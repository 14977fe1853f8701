package dev.vigil.rule;

import dev.vigil.time.Durations;
import java.time.Duration;
import java.util.List;

/**
 * How a rule turns matching events into a firing: the window semantics of each primitive are
 * documented in docs/RULES.md. All windows are on event time except {@link Absent}, which is
 * on processing time.
 */
public sealed interface Primitive {
    /** The longest span of event time the primitive looks back over; state older than this is dead. */
    Duration horizon();

    /** A one-line summary for people, such as {@code count: at least 3 within 5m}. */
    default String describe() {
        return switch (this) {
            case PerEvent e -> "every matching event";
            case Count c -> "count: at least " + c.atLeast() + " within " + Durations.format(c.within());
            case Rate r -> "rate: above " + r.above() + " of (" + r.of().text() + ") within "
                    + Durations.format(r.within()) + ", at least " + r.minEvents() + " events";
            case Sum s -> "sum: " + s.value().text() + " above " + (s.above() != null ? s.above() : s.aboveBudget().text())
                    + " within " + Durations.format(s.within());
            case Surge s -> "surge: " + s.aggregate().name().toLowerCase() + " of " + s.value().text() + " per "
                    + Durations.format(s.window()) + " above " + s.factor() + "x the mean of " + s.baselineWindows() + " windows";
            case Repeat r -> "repeat: " + r.atLeast() + " identical " + r.same().stream().map(GroupField::name).toList()
                    + " within " + Durations.format(r.within());
            case Sequence q -> "sequence: " + q.steps().size() + " steps within " + Durations.format(q.within());
            case Absent a -> "absent: silent for " + Durations.format(a.silence());
        };
    }

    /** No primitive: fires for every matching event. */
    record PerEvent() implements Primitive {
        public Duration horizon() {
            return Duration.ZERO;
        }
    }

    /** At least {@code atLeast} matching events within any {@code within}-long span (inclusive). */
    record Count(int atLeast, Duration within) implements Primitive {
        public Duration horizon() {
            return within;
        }
    }

    /**
     * Of the events matching {@code of} in the last {@code within}, the share that also match the
     * rule's {@code match} is above {@code above}; silent below {@code minEvents} such events.
     */
    record Rate(double above, Expression of, Duration within, int minEvents) implements Primitive {
        public Duration horizon() {
            return within;
        }
    }

    /** The sum of {@code value} over the last {@code within} is above a fixed or per-agent threshold. */
    record Sum(Expression value, Double above, Expression aboveBudget, Duration within) implements Primitive {
        public Duration horizon() {
            return within;
        }
    }

    /**
     * The {@code aggregate} (sum, or mean per event) of {@code value} in the current
     * {@code window}-long tumbling window exceeds {@code factor} times the mean of the
     * {@code baselineWindows} windows before it, once that baseline is at least
     * {@code minBaseline}; silent until the group has been seen for the whole baseline.
     */
    record Surge(Expression value, Aggregate aggregate, Duration window, double factor, int baselineWindows,
                 double minBaseline) implements Primitive {
        public Duration horizon() {
            return window.multipliedBy(baselineWindows + 1L);
        }
    }

    enum Aggregate { SUM, MEAN }

    /** At least {@code atLeast} events with identical {@code same} fields within {@code within}. */
    record Repeat(List<GroupField> same, int atLeast, Duration within) implements Primitive {
        public Duration horizon() {
            return within;
        }
    }

    /** Events matching each step, in this order, the last within {@code within} of the first. */
    record Sequence(List<Expression> steps, Duration within) implements Primitive {
        public Duration horizon() {
            return within;
        }
    }

    /** A group seen before has sent no matching event for {@code silence} of processing time. */
    record Absent(Duration silence) implements Primitive {
        public Duration horizon() {
            return silence;
        }
    }
}
