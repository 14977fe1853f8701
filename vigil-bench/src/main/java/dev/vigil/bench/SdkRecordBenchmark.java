package dev.vigil.bench;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.sdk.TaskHandle;
import dev.vigil.sdk.Vigil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What recording an event costs the agent's thread with the Java SDK: building the event and
 * putting it into the buffer (serialization and HTTP happen on the SDK's sender thread). Two
 * endpoints: {@code unreachable} (nothing listens, the buffer stays full, so every event also
 * evicts the oldest: the SDK's worst case) and {@code discarding} (an in-process HTTP stub that
 * answers 202 to every batch, so the sender drains the buffer concurrently, as in production).
 * Sample mode gives the median and the tail per call, not just the mean.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class SdkRecordBenchmark {
    private static final Map<String, Object> PARAMS = Map.of("amount", 30, "currency", "EUR");

    @Param({"unreachable", "discarding"})
    public String endpoint;

    private HttpServer stub;
    private Vigil vigil;
    private TaskHandle task;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        int port;
        if (endpoint.equals("discarding")) {
            stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            stub.createContext("/v1/events", exchange -> {
                exchange.getRequestBody().transferTo(java.io.OutputStream.nullOutputStream());
                byte[] answer = "{\"rejected\":[]}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(202, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            stub.start();
            port = stub.getAddress().getPort();
        } else {
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
        }
        vigil = Vigil.builder().url("http://127.0.0.1:" + port).key("bench").bufferCapacity(10_000).build();
        task = vigil.agent("billing-bot").run("run-81f2").task("refund-4471");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("\nSDK stats: " + vigil.stats());
        vigil.close();
        if (stub != null) stub.stop(0);
    }

    @Benchmark
    public void toolCall() {
        task.toolCall("payments.refund").params(PARAMS).latencyMs(84).ok();
    }

    @Benchmark
    public void llmCall() {
        task.llmCall("gpt-x").temperature(0.7).tokens(1200, 300).costUsd(0.012).latencyMs(840).ok();
    }

    @Benchmark
    public void heartbeat() {
        task.heartbeat();
    }

    @Benchmark
    public void guard() {
        task.guard();
    }
}
