package dev.vigil.detect;

import dev.vigil.event.Event;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The state one rule keeps for one group, one class per primitive. Mutable; owned by the engine's thread. */
final class GroupState {
    private GroupState() {}

    /** count, rate and sum: the events of the window. */
    static final class Windowed {
        final Window window = new Window();
    }

    /** surge: per tumbling window (by index), the sum and number of values; the first window the group was seen in. */
    static final class Surge {
        final TreeMap<Long, double[]> windows = new TreeMap<>();
        long firstWindow = Long.MAX_VALUE;
        long maxTime = Long.MIN_VALUE;
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
