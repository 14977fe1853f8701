package dev.vigil.server;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@code vigil serve} in a separate JVM on a data directory, for tests that kill it with SIGKILL. */
public final class ServerProcess implements AutoCloseable {
    public static final String KEY = "process-test-key";

    private final Process process;
    public final int port;
    public final List<String> output = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the server and waits until it is ready. */
    public static ServerProcess start(Path data, String... extraArgs) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", // these servers live for seconds: start-up matters, peak speed does not
                "-cp", System.getProperty("java.class.path"),
                "dev.vigil.cli.Main", "serve", "--port", Integer.toString(port), "--data", data.toString()));
        command.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("VIGIL_ADMIN_KEY", KEY);
        ServerProcess server = new ServerProcess(pb.start(), port);
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) server.output.add(line);
            } catch (IOException ignored) {
                // the process died; tests kill it on purpose
            }
        });
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> server.get("/readyz").statusCode() == 200);
        return server;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM: the server shuts down as it would on a deploy, finishing what is in flight. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
