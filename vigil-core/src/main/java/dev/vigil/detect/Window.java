package dev.vigil.detect;

import java.util.Arrays;

/**
 * Entries in event-time order, for the sliding-window primitives: each entry is a time in
 * milliseconds, a value, and whether the event was a hit (matched the rule, for rates).
 * Out-of-order entries are inserted in place.
 *
 * <p>The entries live in {@code [start, end)} of the arrays: dropping the oldest only moves
 * {@code start}, and the arrays are compacted when an entry is added at their end, so a window
 * that slides costs O(1) per event rather than a copy of every entry. The number of events and
 * hits of all entries is kept as it changes (whole numbers: exact), so a rate reads its window
 * from the few entries at its trailing edge.
 *
 * <p>Bound: at most {@link #MAX_ENTRIES}. Past that, the two oldest entries are merged into
 * one (values added, the later time kept), so sums and counts stay exact while memory stays
 * fixed; only the position of the window's trailing edge loses precision, for groups busier
 * than {@code MAX_ENTRIES} events per window.
 */
final class Window {
    /** Enough for every event of a busy agent in a 10-minute window at 15 events/s. */
    static final int MAX_ENTRIES = 8192;

    private long[] times = new long[16];
    private double[] values = new double[16];
    private int[] counts = new int[16];
    private int[] hits = new int[16];
    private int start;
    private int end;
    /** Events and hits of all entries. */
    private long countAll;
    private long hitsAll;
    long maxTime = Long.MIN_VALUE;

    int size() {
        return end - start;
    }

    void add(long time, double value, boolean hit) {
        if (end == times.length) makeRoom();
        int at = end;
        while (at > start && times[at - 1] > time) at--;
        if (at < end) shift(at);
        times[at] = time;
        values[at] = value;
        counts[at] = 1;
        hits[at] = hit ? 1 : 0;
        end++;
        countAll++;
        if (hit) hitsAll++;
        maxTime = Math.max(maxTime, time);
        if (end - start > MAX_ENTRIES) mergeOldest();
    }

    /** Drops entries before {@code time}. */
    void dropBefore(long time) {
        while (start < end && times[start] < time) {
            countAll -= counts[start];
            hitsAll -= hits[start];
            start++;
        }
        if (start == end) start = end = 0;
    }

    /** What the entries in a time range add up to: values, events, and hits among them. */
    record Totals(double sum, int count, int hits) {}

    /** The totals of entries in [from, to], in one pass. */
    Totals totals(long from, long to) {
        double sum = 0;
        int count = 0;
        int hit = 0;
        for (int i = start; i < end; i++) {
            if (times[i] < from || times[i] > to) continue;
            sum += values[i];
            count += counts[i];
            hit += hits[i];
        }
        return new Totals(sum, count, hit);
    }

    /**
     * Events (high 32 bits) and hits (low 32 bits) of the entries at or after {@code from}: the
     * running totals less the entries before it, which lie at the start.
     */
    long countsSince(long from) {
        long count = countAll;
        long hit = hitsAll;
        for (int i = start; i < end && times[i] < from; i++) {
            count -= counts[i];
            hit -= hits[i];
        }
        return count << 32 | hit;
    }

    /**
     * The most events in any span {@code [s, s + length]} that contains {@code time}: the count a
     * newly inserted event at {@code time} can have completed.
     */
    int maxInSpanContaining(long time, long length) {
        int best = 0;
        int right = start;
        int inSpan = 0;
        for (int left = start; left < end; left++) {
            if (times[left] > time) break;
            if (times[left] < time - length) continue;
            if (right < left) {
                right = left;
                inSpan = 0;
            }
            // left lies in [time - length, time], so [times[left], times[left] + length] contains time
            while (right < end && times[right] <= times[left] + length) inSpan += counts[right++];
            best = Math.max(best, inSpan);
            inSpan -= counts[left];
        }
        return best;
    }

    private void shift(int at) {
        System.arraycopy(times, at, times, at + 1, end - at);
        System.arraycopy(values, at, values, at + 1, end - at);
        System.arraycopy(counts, at, counts, at + 1, end - at);
        System.arraycopy(hits, at, hits, at + 1, end - at);
    }

    /** Folds the oldest entry into the next one, which keeps its (later or equal) time. */
    private void mergeOldest() {
        values[start + 1] += values[start];
        counts[start + 1] += counts[start];
        hits[start + 1] += hits[start];
        start++;
    }

    /**
     * Room for one more entry at the end: the live entries move to the front, into arrays twice
     * as long when they fill three quarters or more (up to the bound), so each move frees at least
     * a quarter of the arrays and the moves cost O(1) per entry.
     */
    private void makeRoom() {
        int size = end - start;
        int n = times.length;
        if (size >= n * 3 / 4 && n < MAX_ENTRIES + 2) n = Math.min(n * 2, MAX_ENTRIES + 2);
        if (n == times.length) {
            System.arraycopy(times, start, times, 0, size);
            System.arraycopy(values, start, values, 0, size);
            System.arraycopy(counts, start, counts, 0, size);
            System.arraycopy(hits, start, hits, 0, size);
        } else {
            times = Arrays.copyOfRange(times, start, start + n);
            values = Arrays.copyOfRange(values, start, start + n);
            counts = Arrays.copyOfRange(counts, start, start + n);
            hits = Arrays.copyOfRange(hits, start, start + n);
        }
        start = 0;
        end = size;
    }
}
