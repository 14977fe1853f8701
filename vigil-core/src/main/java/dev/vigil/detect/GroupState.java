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
     * surge: a fixed ring of time slices of a tenth of the window; for each of the latest
     * {@code size} slices (numbered {@code floor(time / slice length)}), the sum of the values and
     * the number of events. Slices older than the ring are gone; a slice the group sent nothing in
     * is zero. Memory is fixed per group whatever the rate of events.
     */
    static final class Surge extends SliceRing {
        final double[] sum;
        final int[] count;

        Surge(int baselineWindows) {
            super(dev.vigil.rule.Primitive.Surge.SLICES_PER_WINDOW * (baselineWindows + 1));
            sum = new double[size()];
            count = new int[size()];
        }

        /** Adds a value to slice {@code slice}; false when that slice is older than the ring holds. */
        boolean add(long slice, double value) {
            if (!advance(slice)) return false;
            int i = slot(slice);
            sum[i] += value;
            count[i]++;
            return true;
        }

        @Override
        void clear(int i) {
            sum[i] = 0;
            count[i] = 0;
        }
    }

    /**
     * rate with a baseline: a fixed ring of slices of a tenth of the window, each one long holding
     * the slice's events (high 32 bits) and hits among them (low 32 bits): the current window and
     * the baseline before it in one array.
     */
    static final class RateSlices extends SliceRing {
        final long[] slots;

        RateSlices(int size) {
            super(size);
            slots = new long[size];
        }

        boolean add(long slice, boolean hit) {
            if (!advance(slice)) return false;
            slots[slot(slice)] += hit ? (1L << 32) | 1 : 1L << 32;
            return true;
        }

        @Override
        void clear(int i) {
            slots[i] = 0;
        }

        /** Events (high 32 bits) and hits (low 32 bits) of the {@code length} slices ending at {@code last}, all in the ring. */
        long total(long last, int length) {
            int n = slots.length;
            int i = slot(last);
            long total = 0;
            for (int k = 0; k < length; k++) {
                total += slots[i];
                if (--i < 0) i = n - 1;
            }
            return total;
        }
    }

    /**
     * A fixed ring of time slices (numbered {@code floor(time / slice length)}): the latest
     * {@code size} of them, the ring holding {@code head - size + 1 .. head}; slices that scroll out
     * are cleared for reuse. What each slice holds is the subclass's.
     */
    abstract static class SliceRing {
        private final int size;
        /** The latest slice seen. */
        long head = Long.MIN_VALUE;
        /** The earliest slice the group was seen in: how much history it has. */
        long first = Long.MAX_VALUE;
        long maxTime = Long.MIN_VALUE;

        SliceRing(int size) {
            this.size = size;
        }

        /** Moves the ring forward to {@code slice} if it is newer; false when it is older than the ring holds. */
        final boolean advance(long slice) {
            if (head == Long.MIN_VALUE) {
                head = slice;
            } else if (slice > head) {
                long gap = Math.min(slice - head, size);
                int i = slot(head);
                for (long k = 0; k < gap; k++) {
                    if (++i == size) i = 0;
                    clear(i);
                }
                head = slice;
            } else if (slice <= head - size) {
                return false;
            }
            first = Math.min(first, slice);
            return true;
        }

        /** Empties slot {@code i} for a slice that scrolled in. */
        abstract void clear(int i);

        final int size() {
            return size;
        }

        final int slot(long slice) {
            return (int) Math.floorMod(slice, (long) size);
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
        /** Per action: whether the rule's except holds for it, once asked (0 not yet, 1 yes, 2 no). */
        private byte[] exempt = new byte[4];
        private int size;
        private long tick;
        /** The slot of the action counted last. */
        private int last;
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
                    last = i;
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
                    exempt = java.util.Arrays.copyOf(exempt, n);
                }
                at = size++;
            } else {
                at = 0;
                for (int i = 1; i < size; i++) if (used[i] < used[at]) at = i;
            }
            keys[at] = key;
            counts[at] = 1;
            used[at] = tick;
            exempt[at] = 0;
            last = at;
            return 1;
        }

        /** Whether except holds for the action counted last: 0 not asked yet, 1 yes, 2 no. */
        byte lastExempt() {
            return exempt[last];
        }

        void lastExempt(boolean holds) {
            exempt[last] = holds ? (byte) 1 : (byte) 2;
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
