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
     * surge: the sum and number of values of the latest {@code baseline + 1} tumbling windows, in a
     * ring indexed by window number modulo its size; the first window the group was seen in.
     */
    static final class Surge {
        final long[] index;
        final double[] sum;
        final long[] count;
        long firstWindow = Long.MAX_VALUE;
        long maxTime = Long.MIN_VALUE;

        Surge(int baselineWindows) {
            index = new long[baselineWindows + 1];
            sum = new double[baselineWindows + 1];
            count = new long[baselineWindows + 1];
            java.util.Arrays.fill(index, Long.MIN_VALUE);
        }

        /** Adds a value to window {@code w}, reusing the slot of a window that has left the ring. */
        void add(long w, double value) {
            int slot = (int) Math.floorMod(w, (long) index.length);
            if (index[slot] != w) {
                if (index[slot] > w) return; // an older window than the ring holds: already outside the baseline
                index[slot] = w;
                sum[slot] = 0;
                count[slot] = 0;
            }
            sum[slot] += value;
            count[slot]++;
        }

        /** Sum and count of window {@code w}, or null when the group had no value in it. */
        double[] window(long w) {
            int slot = (int) Math.floorMod(w, (long) index.length);
            return index[slot] == w ? new double[] {sum[slot], count[slot]} : null;
        }
    }

    /** repeat: a window per distinct action, least recently used first, at most {@link #MAX_ACTIONS}. */
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
