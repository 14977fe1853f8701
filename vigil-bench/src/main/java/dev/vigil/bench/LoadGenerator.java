package dev.vigil.bench;

import dev.vigil.time.Durations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Posts batches of realistic events to a running Vigil on N connections (one sending loop each,
 * closed-loop: the next request leaves when the previous answer arrives) and reports accepted
 * events per second and request latency percentiles. The batches are JSON event arrays to
 * {@code /v1/events}, or OTLP protobuf trace exports of GenAI spans to {@code /v1/traces}.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Post event batches to a running Vigil and report events/s and latency.")
final class LoadGenerator implements Callable<Integer> {
    /** What is posted: where, as what, and the answer that means every event of the batch was accepted. */
    enum Format {
        EVENTS("/v1/events", "application/json", 202),
        OTLP("/v1/traces", "application/x-protobuf", 200);

        final String path;
        final String contentType;
        private final int accepted;

        Format(String path, String contentType, int accepted) {
            this.path = path;
            this.contentType = contentType;
            this.accepted = accepted;
        }

        /** Null when the whole batch was accepted, else what went wrong (the status, or a partial success). */
        String outcome(HttpResponse<byte[]> response) {
            if (response.statusCode() != accepted) return Integer.toString(response.statusCode());
            // An OTLP answer without partial_success is the empty message: zero bytes in protobuf.
            if (this == OTLP && response.body().length > 0) return "partial success";
            return null;
        }

        /** A source of request bodies for one connection; each connection has its own random stream. */
        Batches batches(long seed, int agents, String agentPrefix) {
            if (this == OTLP) return new SpanMix(seed, agents)::batch;
            EventMix mix = new EventMix(seed, agents, agentPrefix);
            return (size, now) -> mix.batch(size, now).getBytes(StandardCharsets.UTF_8);
        }
    }

    interface Batches {
        byte[] next(int size, Instant now);
    }

    @Option(names = "--format", defaultValue = "events",
            description = "events: JSON event arrays to /v1/events; otlp: OTLP protobuf GenAI spans to /v1/traces (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Vigil base URL (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--key", defaultValue = "${env:VIGIL_AGENT_KEY}", description = "agent or admin key (default: $VIGIL_AGENT_KEY)")
    String key;

    @Option(names = "--connections", defaultValue = "8", description = "concurrent connections (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--batch", defaultValue = "100", description = "events per request (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--agents", defaultValue = "1000", description = "distinct agents in the fleet (default: ${DEFAULT-VALUE})")
    int agents;

    @Option(names = "--duration", defaultValue = "60s", description = "measured duration (default: ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--warmup", defaultValue = "10s", description = "unmeasured warm-up (default: ${DEFAULT-VALUE})")
    String warmup;

    @Option(names = "--agent-prefix", defaultValue = "agent-", description = "agents are named this and a number (default: ${DEFAULT-VALUE})")
    String agentPrefix;

    @Option(names = "--rate", description = "requests per second per connection, evenly paced (default: as fast as answered)")
    Double rate;

    private final LongAdder events = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Recorder latency = new Recorder(3);
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean(true);

    @Override
    public Integer call() throws Exception {
        if (key == null || key.isBlank()) {
            System.err.println("no key: pass --key or set VIGIL_AGENT_KEY");
            return 2;
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI target = URI.create(url + format.path);
        Thread[] senders = new Thread[connections];
        for (int i = 0; i < connections; i++) {
            Batches batches = format.batches(i * 7919L + 1, agents, agentPrefix);
            senders[i] = Thread.ofPlatform().name("sender-" + i).start(() -> send(client, target, batches));
        }
        Duration warm = Durations.parse(warmup);
        Duration measured = Durations.parse(duration);
        System.out.printf("warming up for %s on %d connections, %d events per request...%n", warm, connections, batch);
        Thread.sleep(warm.toMillis()); // the load generator runs in real time; only tests use the virtual clock
        events.reset();
        requests.reset();
        failures.clear();
        latency.getIntervalHistogram();
        measuring.set(true);
        long start = System.nanoTime();
        Histogram total = new Histogram(3);
        long end = start + measured.toNanos();
        long lastEvents = 0;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(10_000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            Histogram interval = latency.getIntervalHistogram();
            total.add(interval);
            long now = events.sum();
            System.out.printf("  %6.1fs  %,10.0f events/s  p50 %6.1f ms  p99 %6.1f ms%n",
                    (System.nanoTime() - start) / 1e9, (now - lastEvents) / 10.0,
                    interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0);
            lastEvents = now;
        }
        running.set(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        for (Thread t : senders) t.join();
        System.out.printf("%nresult: %,.0f events/s accepted over %.0f s (%,d requests of %d events, %d connections)%n",
                events.sum() / seconds, seconds, requests.sum(), batch, connections);
        System.out.printf("request latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                total.getValueAtPercentile(50) / 1000.0, total.getValueAtPercentile(99) / 1000.0, total.getMaxValue() / 1000.0);
        if (!failures.isEmpty()) System.out.println("failed requests by status: " + failures);
        return 0;
    }

    private void send(HttpClient client, URI target, Batches batches) {
        long pace = rate == null ? 0 : (long) (1e9 / rate);
        long next = System.nanoTime();
        while (running.get()) {
            if (pace > 0) {
                next += pace;
                long wait = next - System.nanoTime();
                if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait); // pacing a calm agent, in real time
            }
            byte[] body = batches.next(batch, Instant.now());
            HttpRequest request = HttpRequest.newBuilder(target)
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", format.contentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            long t0 = System.nanoTime();
            String outcome;
            try {
                outcome = format.outcome(client.send(request, HttpResponse.BodyHandlers.ofByteArray()));
            } catch (Exception e) {
                outcome = e.getClass().getSimpleName();
            }
            long micros = (System.nanoTime() - t0) / 1000;
            latency.recordValue(Math.max(1, micros));
            if (outcome == null) {
                events.add(batch);
                requests.increment();
            } else {
                failures.computeIfAbsent(outcome, s -> new LongAdder()).increment();
            }
        }
    }
}
