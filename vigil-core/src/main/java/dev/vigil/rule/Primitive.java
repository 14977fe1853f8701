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
            case Rate r -> r.baseline() == null
                    ? "rate: above " + r.above() + " of (" + r.of().text() + ") within " + Durations.format(r.within())
                            + ", at least " + r.minEvents() + " events"
                    : "rate: share of (" + r.of().text() + ") within " + Durations.format(r.within())
                            + (r.above() > 0 ? " above " + r.above() + " and" : "") + " above " + r.baseline().factor()
                            + "x the group's share in the " + Durations.format(r.baseline().span()) + " before, at least "
                            + r.minEvents() + " events";
            case Sum s -> "sum: " + s.value().text() + " above " + (s.above() != null ? s.above() : s.aboveBudget().text())
                    + " within " + Durations.format(s.within());
            case Surge s -> "surge: " + s.aggregate().name().toLowerCase() + " of " + s.value().text() + " over a sliding "
                    + Durations.format(s.window()) + " above " + s.factor() + "x the mean of the " + s.baselineWindows() + " windows before";
            case Repeat r -> "repeat: " + r.atLeast() + " identical " + r.same().stream().map(GroupField::name).toList()
                    + " within " + Durations.format(r.within()) + (r.inRun() > 0 ? ", or " + r.inRun() + " in one run" : "")
                    + (r.except() != null ? ", except where " + r.except().text() : "");
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
     * rule's {@code match} is above {@code above} (0 when only a baseline is given); silent below
     * {@code minEvents} such events. Without a baseline the window is exact; with one, the window
     * and the baseline are kept in slices of a tenth of {@code within} and the share must also be
     * above the baseline's factor times the group's own share in the slices before the window.
     */
    record Rate(double above, Expression of, Duration within, int minEvents, Baseline baseline) implements Primitive {
        /** The window is cut into this many slices to keep the baseline; the baseline is whole slices. */
        public static final int SLICES_PER_WINDOW = 10;

        public Rate(double above, Expression of, Duration within, int minEvents) {
            this(above, of, within, minEvents, null);
        }

        public Duration horizon() {
            return baseline == null ? within : within.plus(baseline.span());
        }

        /** Length of one baseline slice in milliseconds: a tenth of the window. */
        public long sliceMillis() {
            return within.toMillis() / SLICES_PER_WINDOW;
        }

        /** Number of slices in the baseline: its span in slices, rounded up. */
        public int baselineSlices() {
            long slice = sliceMillis();
            return (int) ((baseline.span().toMillis() + slice - 1) / slice);
        }
    }

    /**
     * {@code above_baseline}: the share must be above {@code factor} times the group's share over
     * {@code span} before the window, measured once that span held at least {@code minEvents}.
     */
    record Baseline(double factor, Duration span, int minEvents) {}

    /** The sum of {@code value} over the last {@code within} is above a fixed or per-agent threshold. */
    record Sum(Expression value, Double above, Expression aboveBudget, Duration within) implements Primitive {
        public Duration horizon() {
            return within;
        }
    }

    /**
     * The {@code aggregate} (sum, or mean per event) of {@code value} over the sliding
     * {@code window} ending at the group's latest event exceeds {@code factor} times the mean of
     * the {@code baselineWindows} windows before it, once that baseline is at least
     * {@code minBaseline}; silent until the group has been seen for the whole baseline. Time is
     * kept in slices of a tenth of the window (one minute for 10m).
     */
    record Surge(Expression value, Aggregate aggregate, Duration window, double factor, int baselineWindows,
                 double minBaseline) implements Primitive {
        /** Slices per window: the sliding window moves in steps of a tenth of its length. */
        public static final int SLICES_PER_WINDOW = 10;

        public Duration horizon() {
            return window.multipliedBy(baselineWindows + 1L);
        }

        public long sliceMillis() {
            return window.toMillis() / SLICES_PER_WINDOW;
        }
    }

    enum Aggregate { SUM, MEAN }

    /**
     * At least {@code atLeast} events with identical {@code same} fields within {@code within}; or,
     * when {@code inRun} is above 0, that many identical events in one run, whatever their spacing
     * (the rule groups by run; a run idle for {@link #RUN_IDLE} is forgotten). A call for which
     * {@code except} holds (a poll) never fires; it is evaluated only for a call that would.
     */
    record Repeat(List<GroupField> same, int atLeast, Duration within, int inRun, Expression except) implements Primitive {
        /** How long a run's identical-call counts outlive the run's latest matching event. */
        public static final Duration RUN_IDLE = Duration.ofHours(1);
        /** Distinct actions counted per run for {@code in_run}; the least recently seen is dropped. */
        public static final int MAX_RUN_ACTIONS = 64;

        public Repeat(List<GroupField> same, int atLeast, Duration within) {
            this(same, atLeast, within, 0, null);
        }

        public Duration horizon() {
            return inRun > 0 && RUN_IDLE.compareTo(within) > 0 ? RUN_IDLE : within;
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
