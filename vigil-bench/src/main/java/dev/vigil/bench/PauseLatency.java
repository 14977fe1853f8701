package dev.vigil.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * From a violating event's arrival to the paused state reaching an agent connected to its
 * control stream: each sample connects a fresh agent's SSE stream, posts a policy violation
 * for it, and times until the {@code paused} document arrives; all under a steady background
 * load of realistic events.
 */
@Command(name = "pause-latency", mixinStandardHelpOptions = true,
        description = "Measure violation-to-pause latency seen over SSE, under background load.")
final class PauseLatency implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080")
    String url;

    @Option(names = "--key", defaultValue = "${env:VIGIL_ADMIN_KEY}", description = "an admin key (ingest and control streams)")
    String key;

    @Option(names = "--background", defaultValue = "20000", description = "background events/s (default: ${DEFAULT-VALUE})")
    int background;

    @Option(names = "--samples", defaultValue = "100")
    int samples;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final LongAdder sent = new LongAdder();

    @Override
    public Integer call() throws Exception {
        int senders = 8;
        Thread[] load = new Thread[senders];
        for (int i = 0; i < senders; i++) {
            EventMix mix = new EventMix(i * 31L + 7, 1000);
            load[i] = Thread.ofPlatform().start(() -> backgroundLoad(mix, background / senders));
        }
        Thread.sleep(5000); // the load reaches a steady state first
        long loadStart = System.nanoTime();
        long sentAtStart = sent.sum();
        Histogram latency = new Histogram(3);
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int i = 0; i < samples; i++) {
            latency.recordValue(Math.max(1, sample("latency-probe-" + run + "-" + i)));
            Thread.sleep(100);
        }
        double rate = (sent.sum() - sentAtStart) / ((System.nanoTime() - loadStart) / 1e9);
        running.set(false);
        for (Thread t : load) t.join();
        System.out.printf("violation to paused over SSE, %d samples under %,.0f background events/s:%n", samples, rate);
        System.out.printf("p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0);
        return 0;
    }

    /** Microseconds from posting the violation to receiving the paused document. */
    private long sample(String agent) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        CountDownLatch paused = new CountDownLatch(1);
        HttpRequest stream = HttpRequest.newBuilder(URI.create(url + "/v1/agents/" + agent + "/control/stream"))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").build();
        var response = http.sendAsync(stream, HttpResponse.BodyHandlers.ofInputStream());
        Thread.ofVirtual().start(() -> {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(response.get().body()))) {
                for (String line; (line = lines.readLine()) != null && paused.getCount() > 0; ) {
                    if (!line.startsWith("data:")) continue;
                    connected.countDown();
                    if (line.contains("\"state\":\"paused\"")) paused.countDown();
                }
            } catch (Exception ignored) {
                // closing the stream ends the probe
            }
        });
        if (!connected.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("no control stream for " + agent);
        long start = System.nanoTime();
        HttpRequest violation = HttpRequest.newBuilder(URI.create(url + "/v1/events"))
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"agent\":\"" + agent + "\",\"kind\":\"policy_violation\"}")).build();
        http.send(violation, HttpResponse.BodyHandlers.discarding());
        if (!paused.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("no pause for " + agent);
        return (System.nanoTime() - start) / 1000; // the reader closes the stream once it saw the pause
    }

    /** Batches of 100 at a steady rate. */
    private void backgroundLoad(EventMix mix, int perSecond) {
        long intervalNanos = 100L * 1_000_000_000L / Math.max(1, perSecond);
        long next = System.nanoTime();
        while (running.get()) {
            try {
                HttpRequest r = HttpRequest.newBuilder(URI.create(url + "/v1/events"))
                        .header("Authorization", "Bearer " + key)
                        .POST(HttpRequest.BodyPublishers.ofString(mix.batch(100, Instant.now()))).build();
                if (http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 202) sent.add(100);
            } catch (Exception e) {
                return;
            }
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
