package dev.vigil.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.sdk.Vigil;
import dev.vigil.server.TestVigil;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example's story against a real server with the default rules and playbooks. */
class RefundAgentTest {
    @Test
    void theLoopIsRetriedAsToldAndTheDestructiveCallPausesTheAgent(@TempDir Path data) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (TestVigil server = TestVigil.start(data, null, "");
             Vigil vigil = Vigil.builder().url(server.url("")).key(TestVigil.AGENT).clock(server.clock).build()) {
            RefundAgent.Summary summary = RefundAgent.run(vigil, "refund-agent", new PrintStream(printed, true, StandardCharsets.UTF_8));

            assertThat(summary.retryHonoured()).as("%s\n%s", printed, server.incidents("")).isTrue();
            assertThat(summary.refusedWhilePaused()).isTrue();
            JsonNode loop = server.incidents("?rule=tool-loop").get(0);
            assertThat(loop.get("status").textValue()).isEqualTo("resolved");
            assertThat(loop.get("escalated").booleanValue()).isFalse();
            assertThat(loop.get("timeline").toString()).contains("retry succeeded");
            JsonNode destructive = server.incidents("?rule=destructive-without-confirmation").get(0);
            assertThat(destructive.get("severity").textValue()).isEqualTo("critical");
            JsonNode control = server.get("/v1/agents/refund-agent/control", TestVigil.OPERATOR).json();
            assertThat(control.get("state").textValue()).isEqualTo("paused");
            assertThat(control.get("paused_by").textValue()).isEqualTo(destructive.get("id").textValue());
            assertThat(summary.pauseReason()).contains("Destructive action without user confirmation");

            // The retry ran at the directive's temperature: half the 0.9 the agent last reported.
            JsonNode retried = server.get("/v1/events?agent=refund-agent&run=run-2&kind=llm_call", TestVigil.OPERATOR).json().get("events");
            assertThat(retried).isNotEmpty();
            retried.forEach(e -> assertThat(e.get("temperature").doubleValue()).isEqualTo(0.45));
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Vigil asks for a retry of refund-4471", "Vigil paused the agent");
    }
}
