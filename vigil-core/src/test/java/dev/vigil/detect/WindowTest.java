package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The window against a plain list of entries: adds in and out of order, drops, compaction and growth. */
class WindowTest {
    private record Entry(long time, double value, boolean hit) {}

    @Test
    void agreesWithAListOfEntries() {
        for (long seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            Window w = new Window();
            List<Entry> model = new ArrayList<>();
            long now = 0;
            for (int step = 0; step < 5_000; step++) {
                now += random.nextInt(1_000);
                long time = random.nextInt(10) == 0 ? now - random.nextInt(60_000) : now; // some out of order
                boolean hit = random.nextBoolean();
                double value = random.nextInt(100);
                w.add(time, value, hit);
                model.add(new Entry(time, value, hit));
                long drop = w.maxTime - 10_000L * (1 + random.nextInt(30)); // windows that grow and shrink
                w.dropBefore(drop);
                model.removeIf(e -> e.time() < drop);

                assertThat(w.size()).isEqualTo(model.size());
                long from = w.maxTime - random.nextInt(300_000);
                long count = model.stream().filter(e -> e.time() >= from).count();
                long hits = model.stream().filter(e -> e.time() >= from && e.hit()).count();
                assertThat(w.countsSince(from)).isEqualTo(count << 32 | hits);
                double sum = model.stream().filter(e -> e.time() >= from).mapToDouble(Entry::value).sum();
                assertThat(w.totals(from, w.maxTime)).isEqualTo(new Window.Totals(sum, (int) count, (int) hits));
                long length = random.nextInt(120_000);
                int best = 0;
                for (Entry left : model) {
                    if (left.time() < time - length || left.time() > time) continue;
                    best = Math.max(best, (int) model.stream().filter(e -> e.time() >= left.time() && e.time() <= left.time() + length).count());
                }
                assertThat(w.maxInSpanContaining(time, length)).as("seed %d step %d", seed, step).isEqualTo(best);
            }
        }
    }

    @Test
    void holdsAtMostMaxEntriesAndKeepsCountsExact() {
        Window w = new Window();
        for (int i = 0; i < Window.MAX_ENTRIES * 3; i++) w.add(i, 1, i % 2 == 0);
        assertThat(w.size()).isEqualTo(Window.MAX_ENTRIES);
        long all = w.countsSince(Long.MIN_VALUE);
        assertThat(all >>> 32).isEqualTo(Window.MAX_ENTRIES * 3L);
        assertThat((int) all).isEqualTo(Window.MAX_ENTRIES * 3 / 2);
        assertThat(w.totals(Long.MIN_VALUE, Long.MAX_VALUE).sum()).isEqualTo(Window.MAX_ENTRIES * 3.0);
    }
}
