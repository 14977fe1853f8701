package dev.vigil.detect;

import java.util.Arrays;

/**
 * Entries in event-time order, for the sliding-window primitives: each entry is a time in
 * milliseconds, a value, and whether the event was a hit (matched the rule, for rates).
 * Out-of-order entries are inserted in place.
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
    private int size;
    long maxTime = Long.MIN_VALUE;

    int size() {
        return size;
    }

    void add(long time, double value, boolean hit) {
        if (size == times.length) grow();
        int at = size;
        while (at > 0 && times[at - 1] > time) at--;
        shift(at);
        times[at] = time;
        values[at] = value;
        counts[at] = 1;
        hits[at] = hit ? 1 : 0;
        size++;
        maxTime = Math.max(maxTime, time);
        if (size > MAX_ENTRIES) mergeOldest();
    }

    /** Drops entries before {@code time}. */
    void dropBefore(long time) {
        int n = 0;
        while (n < size && times[n] < time) n++;
        removeFirst(n);
    }

    /** What the entries in a time range add up to: values, events, and hits among them. */
    record Totals(double sum, int count, int hits) {}

    /** The totals of entries in [from, to], in one pass. */
    Totals totals(long from, long to) {
        double sum = 0;
        int count = 0;
        int hit = 0;
        for (int i = 0; i < size; i++) {
            if (times[i] < from || times[i] > to) continue;
            sum += values[i];
            count += counts[i];
            hit += hits[i];
        }
        return new Totals(sum, count, hit);
    }

    /**
     * The most events in any span {@code [s, s + length]} that contains {@code time}: the count a
     * newly inserted event at {@code time} can have completed.
     */
    int maxInSpanContaining(long time, long length) {
        int best = 0;
        int right = 0;
        int inSpan = 0;
        for (int left = 0; left < size; left++) {
            if (times[left] > time) break;
            if (times[left] < time - length) continue;
            if (right < left) {
                right = left;
                inSpan = 0;
            }
            // left lies in [time - length, time], so [times[left], times[left] + length] contains time
            while (right < size && times[right] <= times[left] + length) inSpan += counts[right++];
            best = Math.max(best, inSpan);
            inSpan -= counts[left];
        }
        return best;
    }

    private void shift(int at) {
        System.arraycopy(times, at, times, at + 1, size - at);
        System.arraycopy(values, at, values, at + 1, size - at);
        System.arraycopy(counts, at, counts, at + 1, size - at);
        System.arraycopy(hits, at, hits, at + 1, size - at);
    }

    /** Folds the oldest entry into the next one, which keeps its (later or equal) time. */
    private void mergeOldest() {
        values[1] += values[0];
        counts[1] += counts[0];
        hits[1] += hits[0];
        removeFirst(1);
    }

    private void removeFirst(int n) {
        if (n == 0) return;
        System.arraycopy(times, n, times, 0, size - n);
        System.arraycopy(values, n, values, 0, size - n);
        System.arraycopy(counts, n, counts, 0, size - n);
        System.arraycopy(hits, n, hits, 0, size - n);
        size -= n;
    }

    private void grow() {
        int n = Math.min(times.length * 2, MAX_ENTRIES + 1);
        times = Arrays.copyOf(times, n);
        values = Arrays.copyOf(values, n);
        counts = Arrays.copyOf(counts, n);
        hits = Arrays.copyOf(hits, n);
    }
}
