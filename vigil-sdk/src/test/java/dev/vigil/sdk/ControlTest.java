package dev.vigil.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.TestVigil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control plane as an agent lives it: pause and resume, retry directives, the telemetry level. */
class ControlTest {
    @TempDir
    Path data;
    TestVigil server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private Vigil connect() {
        // Polling only runs while the stream is down: a poll interval of an hour shows the stream does the work.
        return Vigil.builder().url(server.url("")).key(TestVigil.AGENT).clock(server.clock)
                .pollInterval(Duration.ofHours(1)).build();
    }

    @Test
    void guardRefusesWhilePausedAndPassesAfterResume() {
        server = TestVigil.start(data, null, "");
        try (Vigil vigil = connect()) {
            TaskHandle task = vigil.agent("billing-bot").run("r").task("refund-4471");
            task.guard(); // running

            TestVigil.Response paused = server.post("/v1/agents/billing-bot/pause", TestVigil.OPERATOR, "application/json",
                    "{\"reason\": \"refunds look wrong\"}");
            assertThat(paused.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> vigil.agent("billing-bot").paused());
            AgentPausedException refused = catchThrowableOfType(AgentPausedException.class, task::guard);
            assertThat(refused.agent()).isEqualTo("billing-bot");
            assertThat(refused.reason()).startsWith("refunds look wrong");
            assertThat(refused.incident()).isNull(); // an operator's pause, not a playbook's
            assertThat(refused.since()).isEqualTo(TestVigil.START);
            assertThat(refused.getMessage()).contains("billing-bot is paused: refunds look wrong");

            server.post("/v1/agents/billing-bot/resume", TestVigil.OPERATOR, "application/json", "{\"reason\": \"checked\"}");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(task::guard);
        }
    }

    @Test
    void whileTheStreamIsRefusedTheDocumentIsPolled() {
        server = TestVigil.start(data, null, "");
        AtomicInteger refusedStreams = new AtomicInteger();
        AtomicInteger polls = new AtomicInteger();
        try (Proxy proxy = new Proxy(server.url(""), (path, body) -> {
                 if (path.endsWith("/control/stream")) {
                     refusedStreams.incrementAndGet();
                     return Proxy.Action.REFUSE;
                 }
                 if (path.endsWith("/control")) polls.incrementAndGet();
                 return Proxy.Action.FORWARD;
             });
             Vigil vigil = Vigil.builder().url(proxy.url()).key(TestVigil.AGENT).clock(server.clock)
                     .pollInterval(Duration.ofMillis(50)).backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build()) {
            AgentHandle agent = vigil.agent("proxied");
            agent.guard(); // no document yet: running; and from now on the document is followed
            await().atMost(Duration.ofSeconds(10)).until(() -> refusedStreams.get() >= 1 && polls.get() >= 1);

            server.post("/v1/agents/proxied/pause", TestVigil.OPERATOR, "application/json", "{\"reason\": \"behind a proxy\"}");
            await().atMost(Duration.ofSeconds(10)).until(agent::paused);
            assertThatThrownBy(agent::guard).isInstanceOfSatisfying(AgentPausedException.class,
                    e -> assertThat(e.reason()).startsWith("behind a proxy"));
            assertThat(refusedStreams.get()).isGreaterThan(1); // it keeps trying to reconnect
        }
    }

    @Test
    void anAgentThatOnlyRecordsOpensNoControlStreamUntilAskedAboutIt() {
        server = TestVigil.start(data, null, "");
        AtomicInteger streams = new AtomicInteger();
        try (Proxy proxy = new Proxy(server.url(""), (path, body) -> {
                 if (path.endsWith("/control/stream")) streams.incrementAndGet();
                 return Proxy.Action.FORWARD;
             });
             Vigil vigil = Vigil.builder().url(proxy.url()).key(TestVigil.AGENT).clock(server.clock).build()) {
            TaskHandle task = vigil.agent("recorder").run("r").task("t");
            task.toolCall("search").ok();
            assertThat(vigil.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(streams).hasValue(0);

            task.guard();
            // At least one: this proxy does not pass the stream's Accept header on, so the SDK retries it.
            await().atMost(Duration.ofSeconds(10)).until(() -> streams.get() >= 1);
        }
    }

    @Test
    void aStreamThatNeverAnswersIsGivenUpAndTheDocumentPolled() {
        server = TestVigil.start(data, null, "");
        try (Proxy proxy = new Proxy(server.url(""), (path, body) -> path.endsWith("/control/stream") ? Proxy.Action.HANG : Proxy.Action.FORWARD);
             Vigil vigil = Vigil.builder().url(proxy.url()).key(TestVigil.AGENT).clock(server.clock).requestTimeout(Duration.ofMillis(300))
                     .pollInterval(Duration.ofMillis(50)).backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build()) {
            AgentHandle agent = vigil.agent("unanswered");
            server.post("/v1/agents/unanswered/pause", TestVigil.OPERATOR, "application/json", "{\"reason\": \"behind a silent proxy\"}");
            await().atMost(Duration.ofSeconds(10)).until(agent::paused);
        }
    }

    @Test
    void aCriticalIncidentPausesTheAgentWithItsIncidentId() {
        server = TestVigil.start(data, null, "");
        try (Vigil vigil = connect()) {
            AgentHandle agent = vigil.agent("support-bot");
            agent.run("run-9").policyViolation("pii").attr("detail", "card number in a public reply").send();
            await().atMost(Duration.ofSeconds(10)).until(agent::paused);
            String incident = server.incidents("?rule=policy-violation").get(0).get("id").textValue();
            assertThatThrownBy(agent::guard).isInstanceOfSatisfying(AgentPausedException.class,
                    e -> assertThat(e.incident()).isEqualTo(incident));
        }
    }

    @Test
    void aRetryDirectiveIsDeliveredAndItsAnswerResolvesTheIncident() {
        server = TestVigil.start(data, null, "");
        List<RetryDirective> received = new CopyOnWriteArrayList<>();
        try (Vigil vigil = connect()) {
            AgentHandle agent = vigil.agent("refunder");
            agent.onRetry(d -> {
                received.add(d);
                d.succeeded(0.9);
            });
            TaskHandle task = agent.run("run-1").task("refund-1");
            task.llmCall("gpt-x").temperature(0.8).tokens(100, 20).ok();
            for (int i = 0; i < 3; i++) task.outcome().error("timeout"); // task-failure-storm: high, retry

            await().atMost(Duration.ofSeconds(20)).until(() -> !server.incidents("?rule=task-failure-storm&status=resolved").isEmpty());
            assertThat(received).hasSize(1);
            RetryDirective d = received.get(0);
            JsonNode incident = server.incidents("?rule=task-failure-storm").get(0);
            assertThat(d.incident()).isEqualTo(incident.get("id").textValue());
            assertThat(d.task()).isEqualTo("refund-1");
            assertThat(d.temperature()).hasValue(0.4); // half the temperature the agent last reported
            assertThat(d.expiresAt()).isEqualTo(TestVigil.START.plus(Duration.ofMinutes(2)));
            assertThat(incident.get("escalated").booleanValue()).isFalse();
            assertThat(incident.get("timeline").toString()).contains("retry succeeded: directive " + d.id() + " answered ok, quality 0.9");
            assertThatThrownBy(d::succeeded).isInstanceOf(IllegalStateException.class); // one answer per directive
        }
    }

    @Test
    void aDirectiveAlreadyExpiredByTheAgentsClockIsNotDelivered() {
        server = TestVigil.start(data, null, "");
        List<RetryDirective> onTime = new CopyOnWriteArrayList<>();
        List<RetryDirective> late = new CopyOnWriteArrayList<>();
        // Two instances for one agent: one on the server's time, one whose clock is an hour ahead of it.
        try (Vigil vigil = connect();
             Vigil lateVigil = Vigil.builder().url(server.url("")).key(TestVigil.AGENT).pollInterval(Duration.ofHours(1))
                     .clock(Clock.fixed(TestVigil.START.plus(Duration.ofHours(1)), ZoneOffset.UTC)).build()) {
            AgentHandle agent = vigil.agent("refunder");
            AgentHandle lateAgent = lateVigil.agent("refunder");
            agent.onRetry(onTime::add);
            lateAgent.onRetry(late::add);
            for (int i = 0; i < 3; i++) agent.task("refund-3").outcome().error("timeout"); // task-failure-storm: a retry directive

            await().atMost(Duration.ofSeconds(20)).until(() -> onTime.size() == 1);
            // A later document (the pause) shows the late instance had the directive's document before it.
            server.post("/v1/agents/refunder/pause", TestVigil.OPERATOR, "application/json", "{\"reason\": \"enough\"}");
            await().atMost(Duration.ofSeconds(10)).until(lateAgent::paused);
            assertThat(late).isEmpty();
        }
    }

    @Test
    void aFailedRetryEscalates() {
        server = TestVigil.start(data, null, "");
        try (Vigil vigil = connect()) {
            AgentHandle agent = vigil.agent("refunder");
            TaskHandle task = agent.task("refund-2");
            for (int i = 0; i < 3; i++) task.outcome().error("timeout");
            // A listener added after the directive arrived still gets it.
            await().atMost(Duration.ofSeconds(20)).until(() -> !server.incidents("?rule=task-failure-storm").isEmpty()
                    && server.get("/v1/agents/refunder/control", TestVigil.OPERATOR).json().get("directives").size() == 1);
            agent.onRetry(d -> d.failed("still_timing_out", "the payment provider is down"));
            await().atMost(Duration.ofSeconds(20)).until(() -> server.incidents("?rule=task-failure-storm").get(0).get("escalated").booleanValue());
            assertThat(server.incidents("?rule=task-failure-storm").get(0).get("timeline").toString())
                    .contains("answered with an error (still_timing_out)");
        }
    }

    @Test
    void detailsAreSentOnlyWhileTheServerAsksForVerboseTelemetry() throws Exception {
        // A medium rule whose playbook raises the agent's telemetry to verbose for an hour.
        Path rules = Files.writeString(data.resolve("watch.yaml"), """
                rules:
                  - {id: watch-me, title: Watched decision, severity: medium, category: performance, match: 'event.kind == "decision" && "watch" in event.flags'}
                """);
        server = TestVigil.start(data, null, "rules: [" + rules + "]\n");
        try (Vigil vigil = connect()) {
            AgentHandle agent = vigil.agent("planner");
            agent.toolCall("search").detail("prompt", "first prompt").attr("n", 1).ok();
            agent.decision("look closer").flag("watch").send();
            await().atMost(Duration.ofSeconds(20)).until(() -> agent.telemetryLevel() == TelemetryLevel.VERBOSE);
            agent.toolCall("search").detail("prompt", "second prompt").attr("n", 2).ok();
            assertThat(vigil.flush(Duration.ofSeconds(10))).isTrue();
        }
        List<JsonNode> calls = Server.events(server, "planner").stream().filter(e -> e.get("kind").textValue().equals("tool_call")).toList();
        assertThat(calls).hasSize(2);
        for (JsonNode call : calls) {
            boolean verbose = call.get("attrs").get("n").intValue() == 2;
            assertThat(call.get("attrs").has("prompt")).as("prompt sent at %s", verbose ? "verbose" : "normal").isEqualTo(verbose);
        }
    }
}
