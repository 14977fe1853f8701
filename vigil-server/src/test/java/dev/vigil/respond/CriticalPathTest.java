package dev.vigil.respond;

import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.notify.webhook.WebhookChannel;
import dev.vigil.server.TestVigil;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriticalPathTest {
    @TempDir
    Path data;
    ResponseFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @Test
    void aViolationPausesTheAgentOverSseAndReachesEveryChannelAndATicket() throws Exception {
        f = new ResponseFixture(data, "");
        List<JsonNode> stream = f.streamControl("billing-bot", TestVigil.AGENT);
        await().atMost(Duration.ofSeconds(10)).until(() -> !stream.isEmpty());
        assertThat(stream.get(0).get("state").textValue()).isEqualTo("running");

        f.vigil.accept("[{\"agent\":\"billing-bot\",\"kind\":\"tool_call\",\"tool\":\"shell.exec\"}]");

        await().atMost(Duration.ofSeconds(10)).until(() -> stream.stream().anyMatch(d -> d.get("state").textValue().equals("paused")));
        JsonNode paused = stream.get(stream.size() - 1);
        assertThat(paused.get("reason").textValue()).contains("Agent called a tool outside its allow-list");
        assertThat(paused.get("version").longValue()).isEqualTo(1);

        // The pause can reach the agent before detection's batch is saved and the incident is listed.
        await().atMost(Duration.ofSeconds(10)).until(() -> f.incident("?agent=billing-bot") != null);
        String id = f.incident("?agent=billing-bot").get("id").textValue();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(f.slack.requests).hasSize(1);
            assertThat(f.pagerduty.requests).hasSize(1);
            assertThat(f.hook.requests).hasSize(1);
            assertThat(f.alertmanager.requests).hasSize(1);
            assertThat(f.tickets.requests).hasSize(1);
            assertThat(f.mail.getReceivedMessages()).hasSize(1);
        });

        JsonNode pd = f.pagerduty.requests.get(0).json();
        assertThat(pd.get("routing_key").textValue()).isEqualTo("rk-1");
        assertThat(pd.get("event_action").textValue()).isEqualTo("trigger");
        assertThat(pd.get("dedup_key").textValue()).isEqualTo("vigil-" + id);
        assertThat(pd.get("payload").get("severity").textValue()).isEqualTo("critical");
        assertThat(pd.get("payload").get("custom_details").get("id").textValue()).isEqualTo(id);
        // Links open the dashboard's page for the incident, not the API (a 401 in a browser).
        String page = f.vigil.url("/#/incidents/" + id);
        assertThat(pd.get("links").get(0).get("href").textValue()).isEqualTo(page);
        assertThat(pd.get("client_url").textValue()).isEqualTo(f.vigil.url("/"));

        assertThat(f.slack.requests.get(0).json().get("text").textValue())
                .contains("[CRITICAL] billing-bot: Agent called a tool outside its allow-list").contains("/#/incidents/" + id);

        Receiver.Request hook = f.hook.requests.get(0);
        String expected = "sha256=" + WebhookChannel.sign(ResponseFixture.SECRET, hook.header("X-Vigil-Timestamp") + "." + hook.body());
        assertThat(hook.header("X-Vigil-Signature")).isEqualTo(expected);
        assertThat(hook.json().get("incident").get("rule").textValue()).isEqualTo("unauthorized-tool");
        assertThat(WebhookChannel.sign("wrong", hook.header("X-Vigil-Timestamp") + "." + hook.body())).isNotEqualTo(expected.substring(7));

        JsonNode alert = f.alertmanager.requests.get(0).json().get(0);
        assertThat(f.alertmanager.requests.get(0).path()).isEqualTo("/api/v2/alerts");
        assertThat(alert.get("labels").get("alertname").textValue()).isEqualTo("unauthorized-tool");
        assertThat(alert.get("labels").get("severity").textValue()).isEqualTo("critical");
        assertThat(alert.get("generatorURL").textValue()).isEqualTo(page);
        assertThat(alert.get("endsAt").textValue()).isEqualTo(f.vigil.clock.instant().plus(Duration.ofMinutes(4)).toString());

        MimeMessage mail = f.mail.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[Vigil] [CRITICAL] billing-bot: Agent called a tool outside its allow-list");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("oncall@example.com");
        assertThat(((jakarta.mail.Multipart) mail.getContent()).getBodyPart(0).getContent().toString()).contains(page);
        assertThat(hook.json().get("link").textValue()).isEqualTo(page);

        assertThat(f.tickets.requests.get(0).json().get("incident").get("id").textValue()).isEqualTo(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> "https://tickets.example/T-1".equals(
                f.vigil.get("/v1/incidents/" + id, OPERATOR).json().path("ticket").asText(null)));

        // Transitions follow the incident to the channels it reached.
        f.vigil.post("/v1/incidents/" + id + "/ack", OPERATOR, null, "");
        f.vigil.post("/v1/incidents/" + id + "/resolve", OPERATOR, "application/json", "{\"note\":\"allow-list fixed\"}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(f.pagerduty.requests).extracting(r -> r.json().get("event_action").textValue())
                    .containsExactly("trigger", "acknowledge", "resolve");
            assertThat(f.alertmanager.requests).hasSize(3);
        });
        assertThat(f.alertmanager.requests.get(2).json().get(0).get("endsAt").textValue()).isEqualTo(f.vigil.clock.instant().toString());
        assertThat(f.pagerduty.requests).extracting(r -> r.json().get("dedup_key").textValue()).containsOnly(pd.get("dedup_key").textValue());
        assertThat(f.tickets.requests).hasSize(1); // tickets are not notified of transitions

        // No automatic recovery for critical: still paused until an operator resumes.
        JsonNode stillPaused = f.vigil.get("/v1/agents/billing-bot/control", OPERATOR).json();
        assertThat(stillPaused.get("state").textValue()).isEqualTo("paused");
        assertThat(stillPaused.get("paused_by").textValue()).isEqualTo(id);
        JsonNode resumed = f.vigil.post("/v1/agents/billing-bot/resume", OPERATOR, "application/json", "{\"reason\":\"fixed\"}").json();
        assertThat(resumed.get("state").textValue()).isEqualTo("running");
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.get(stream.size() - 1).get("state").textValue().equals("running"));
        // The revert is on the timeline of the incident that paused the agent.
        assertThat(f.vigil.get("/v1/incidents/" + id, OPERATOR).json().get("timeline").toString())
                .contains("\"type\":\"reverted\",\"actor\":\"operator (env key)\",\"detail\":\"agent billing-bot resumed: fixed (by operator (env key))\"");
    }

    @Test
    void aFailingChannelIsRetriedAndDeliveredExactlyOnceWithoutDelayingOthers() throws Exception {
        f = new ResponseFixture(data, "");
        f.slack.failNext(2);
        f.vigil.accept("[{\"agent\":\"leaky\",\"kind\":\"policy_violation\"}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.pagerduty.requests.size() == 1 && f.hook.requests.size() == 1);
        assertThat(f.vigil.get("/v1/agents/leaky/control", OPERATOR).json().get("state").textValue()).isEqualTo("paused");
        assertThat(f.slack.requests).isEmpty();
        // Backoff runs on the virtual clock: 1 s, then 2 s.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            f.vigil.clock.advance(Duration.ofSeconds(1));
            return f.slack.requests.size() == 1;
        });
        for (int i = 0; i < 8; i++) {
            f.vigil.clock.advance(Duration.ofSeconds(30));
            f.vigil.server.pipeline().awaitQuiet(); // every due entry run: a duplicate would show up here
        }
        assertThat(f.slack.requests).hasSize(1);
        String id = f.incident("?agent=leaky").get("id").textValue();
        assertThat(f.vigil.get("/v1/incidents/" + id, OPERATOR).json().get("timeline").toString())
                .contains("notify via slack: 127.0.0.1 answered 202 after 3 attempts");
    }

    @Test
    void transitionsReachAChannelInOrderEvenWhenTheFirstDeliveryNeedsRetries() throws Exception {
        f = new ResponseFixture(data, "");
        f.pagerduty.failNext(2);
        f.vigil.accept("[{\"agent\":\"flappy\",\"kind\":\"policy_violation\"}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.pagerduty.refused.get() == 1);
        String id = f.incident("?agent=flappy").get("id").textValue();
        f.vigil.post("/v1/incidents/" + id + "/ack", OPERATOR, null, "");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            f.vigil.clock.advance(Duration.ofSeconds(1));
            return f.pagerduty.requests.size() == 2;
        });
        // (Resolved while the trigger still waited, the page would be moot and expire: LongOutageTest.)
        f.vigil.post("/v1/incidents/" + id + "/resolve", OPERATOR, "application/json", "{\"note\":\"ok\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            f.vigil.clock.advance(Duration.ofSeconds(1));
            return f.pagerduty.requests.size() == 3;
        });
        assertThat(f.pagerduty.requests).extracting(r -> r.json().get("event_action").textValue())
                .containsExactly("trigger", "acknowledge", "resolve");
    }

    @Test
    void drillsNeverPageAndDryRunRulesActOnNothing() throws Exception {
        f = new ResponseFixture(data, """
                rules: [%s]
                """.formatted(writeRule()));
        f.vigil.accept("[{\"agent\":\"drill-bot\",\"kind\":\"policy_violation\",\"attrs\":{\"drill\":true}}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.drillHook.requests.size() == 1);
        JsonNode drill = f.incident("?agent=drill-bot");
        assertThat(drill.get("drill").booleanValue()).isTrue();

        f.vigil.accept("[{\"agent\":\"dry-bot\",\"kind\":\"decision\",\"flags\":[\"try-me\"]}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.incident("?rule=try-pause") != null);
        String dry = f.incident("?rule=try-pause").get("id").textValue();
        await().atMost(Duration.ofSeconds(10)).until(() -> f.vigil.get("/v1/incidents/" + dry, OPERATOR).json()
                .get("timeline").toString().contains("dry run: would pause_agent"));
        assertThat(f.vigil.get("/v1/agents/dry-bot/control", OPERATOR).json().get("state").textValue()).isEqualTo("running");

        f.vigil.server.pipeline().awaitQuiet(); // every planned delivery made: a stray one would show up here
        assertThat(f.pagerduty.requests).isEmpty();
        assertThat(f.slack.requests).isEmpty();
        assertThat(f.mail.getReceivedMessages()).isEmpty();
        assertThat(f.drillHook.requests).hasSize(1);
    }

    private Path writeRule() throws Exception {
        Path rules = data.resolve("dry.yaml");
        java.nio.file.Files.writeString(rules, """
                rules:
                  - {id: try-pause, severity: critical, category: security, dry_run: true, match: '"try-me" in event.flags'}
                """);
        return rules;
    }
}
