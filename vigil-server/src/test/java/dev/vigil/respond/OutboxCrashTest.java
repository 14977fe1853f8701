package dev.vigil.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Actions pending when the server is killed with SIGKILL are delivered after the restart, once. */
class OutboxCrashTest {
    @TempDir
    Path data;
    private ServerProcess server;
    private Receiver hook;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (hook != null) hook.close();
    }

    @Test
    void pendingActionsSurviveSigkillAndAreDeliveredOnce() throws Exception {
        hook = new Receiver();
        hook.failNext(Integer.MAX_VALUE);
        Path config = data.resolve("vigil.yaml");
        Files.writeString(config, """
                channels:
                  hook: {type: webhook, url: "%s", secret: s}
                response:
                  action_backoff: 200ms
                """.formatted(hook.url("/in")));
        server = ServerProcess.start(data, "--config", config.toString());
        assertThat(server.post("/v1/events", "{\"agent\":\"doomed\",\"kind\":\"policy_violation\"}").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> hook.refused.get() >= 2); // failing, retried, still pending
        server.kill();
        assertThat(hook.requests).isEmpty();

        hook.failNext(0);
        server = ServerProcess.start(data, "--config", config.toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> hook.requests.size() == 1);
        assertThat(hook.requests.get(0).json().get("incident").get("agent").textValue()).isEqualTo("doomed");
        // The delivery after the crash carries the idempotency key its attempts before the crash carried.
        String key = hook.requests.get(0).header("Idempotency-Key");
        assertThat(key).isNotBlank();
        assertThat(hook.refusedRequests).isNotEmpty().allSatisfy(attempt -> assertThat(attempt.header("Idempotency-Key")).isEqualTo(key));
        // Once: the entry is done, later polls find nothing to send.
        String id = hook.requests.get(0).json().get("incident").get("id").textValue();
        await().atMost(Duration.ofSeconds(20)).until(() -> server.get("/v1/incidents/" + id).body().contains("notify via hook: 127.0.0.1 answered 202"));
        // The pause was not repeated either: still version 1.
        assertThat(new ObjectMapper().readTree(server.get("/v1/agents/doomed/control").body()).get("version").longValue()).isEqualTo(1);
        // Once, for good: after a clean stop nothing is left in the outbox that could be sent again, by this process or the next.
        server.stop();
        assertThat(hook.requests).hasSize(1);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("vigil.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT status, COUNT(*) FROM outbox GROUP BY status")) {
            java.util.Map<String, Integer> byStatus = new java.util.HashMap<>();
            while (rs.next()) byStatus.put(rs.getString(1), rs.getInt(2));
            assertThat(byStatus).doesNotContainKey("pending").containsKey("done");
        }
    }
}
