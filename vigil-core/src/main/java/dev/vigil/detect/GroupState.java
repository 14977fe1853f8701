package dev.vigil.detect;

import dev.vigil.event.Event;
import java.util.LinkedHashMap;
import java.util.Map;

/** The state one rule keeps for one group, one class per primitive. Mutable; owned by the engine's thread. */
final class GroupState {
    private GroupState() {}

    /** count, rate and sum: the events of the window. */
    static final class Windowed {
        final Window window = new Window();
    }

    /**
     * A fixed ring of time slices: for each of the latest {@code size} slices (numbered by
     * {@code floor(time / slice length)}), the sum of values, the number of events and the hits
     * among them. Slices older than the ring are gone; a slice the group sent nothing in is zero.
     * Memory is fixed per group whatever the rate of events.
     */
    static final class Slices {
        final double[] sum;
        final int[] count;
        final int[] hits;
        /** The latest slice seen; the ring holds {@code head - size + 1 .. head}. */
        long head = Long.MIN_VALUE;
        /** The earliest slice the group was seen in: how much history it has. */
        long first = Long.MAX_VALUE;

        Slices(int size, boolean values, boolean withHits) {
            sum = values ? new double[size] : null;
            count = new int[size];
            hits = withHits ? new int[size] : null;
        }

        int size() {
            return count.length;
        }

        /** Adds an event to slice {@code slice}; false when that slice is older than the ring holds. */
        boolean add(long slice, double value, boolean hit) {
            int n = count.length;
            if (head == Long.MIN_VALUE) {
                head = slice;
            } else if (slice > head) {
                long gap = slice - head;
                if (gap >= n) {
                    clear(0, n);
                } else {
                    for (long s = head + 1; s <= slice; s++) clear(slot(s), slot(s) + 1);
                }
                head = slice;
            } else if (slice <= head - n) {
                return false;
            }
            first = Math.min(first, slice);
            int i = slot(slice);
            if (sum != null) sum[i] += value;
            count[i]++;
            if (hit && hits != null) hits[i]++;
            return true;
        }

        private void clear(int from, int to) {
            for (int i = from; i < to; i++) {
                if (sum != null) sum[i] = 0;
                count[i] = 0;
                if (hits != null) hits[i] = 0;
            }
        }

        int slot(long slice) {
            return (int) Math.floorMod(slice, (long) count.length);
        }
    }

    /** surge: one-tenth-of-a-window slices of the current window and the baseline windows before it. */
    static final class Surge {
        final Slices slices;
        long maxTime = Long.MIN_VALUE;

        Surge(int baselineWindows) {
            slices = new Slices(dev.vigil.rule.Primitive.Surge.SLICES_PER_WINDOW * (baselineWindows + 1), true, false);
        }
    }

    /** rate with a baseline: the exact window, plus slices of the baseline before it. */
    static final class RateBaseline {
        final Window window = new Window();
        final Slices slices;

        RateBaseline(int slices) {
            this.slices = new Slices(slices, false, true);
        }
    }

    /**
     * repeat: a window per distinct action, least recently used first, at most {@link #MAX_ACTIONS};
     * with {@code in_run}, also how often each action (by a 64-bit hash) came in the run.
     */
    static final class Repeat {
        /** Distinct actions remembered per group; a loop repeats one action, so the recent ones are enough. */
        static final int MAX_ACTIONS = 256;
        final LinkedHashMap<String, Window> actions = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > MAX_ACTIONS;
            }
        };
        long maxTime = Long.MIN_VALUE;
        RunCounts run;
    }

    /**
     * How many times each action came in one run, at most {@code capacity} actions: a new one
     * replaces the least recently seen. Actions are 64-bit hashes of their text, so the state of
     * a long run holds no parameters.
     */
    static final class RunCounts {
        private long[] keys = new long[4];
        private int[] counts = new int[4];
        private long[] used = new long[4];
        private int size;
        private long tick;
        private final int capacity;

        RunCounts(int capacity) {
            this.capacity = capacity;
        }

        /** Counts one more of {@code key}; returns its count in the run. */
        int increment(long key) {
            tick++;
            for (int i = 0; i < size; i++) {
                if (keys[i] == key) {
                    used[i] = tick;
                    return ++counts[i];
                }
            }
            int at;
            if (size < capacity) {
                if (size == keys.length) {
                    int n = Math.min(capacity, keys.length * 2);
                    keys = java.util.Arrays.copyOf(keys, n);
                    counts = java.util.Arrays.copyOf(counts, n);
                    used = java.util.Arrays.copyOf(used, n);
                }
                at = size++;
            } else {
                at = 0;
                for (int i = 1; i < size; i++) if (used[i] < used[at]) at = i;
            }
            keys[at] = key;
            counts[at] = 1;
            used[at] = tick;
            return 1;
        }
    }

    /** sequence: for each step, the start time of the latest partial match that reached it, or -1. */
    static final class Sequence {
        final long[] started;

        Sequence(int steps) {
            started = new long[steps];
            java.util.Arrays.fill(started, -1);
        }
    }

    /**
     * absent: when the group was last seen (processing time), its last event, and whether a timer
     * is set for it; after the rule fires, no timer is set until the group is seen again.
     */
    static final class Absent {
        java.time.Instant lastSeen;
        Event lastEvent;
        boolean armed;
    }
}
