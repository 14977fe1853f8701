package dev.vigil.respond;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.notify.ChannelSettings;
import dev.vigil.incident.Incident;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.Notification;
import dev.vigil.notify.ticket.TicketChannel;
import dev.vigil.rule.Category;
import dev.vigil.rule.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The GitHub and Jira ticket flavours against a real HTTP receiver. */
class TicketFlavoursTest {
    private static final Instant T = Instant.parse("2026-11-29T04:00:00Z");
    private static final Incident INCIDENT = new Incident("inc-1", "policy-violation:agent=a", "policy-violation",
            "Agent reported a policy violation", Severity.CRITICAL, Category.SECURITY, "a", Map.of("agent", "a"),
            Incident.Status.OPEN, 1, T, T, T, 5, 5, Map.of(), false, false, List.of(),
            List.of(new Incident.TimelineEntry(T, Incident.TimelineEntry.Type.DETECTED, "vigil", "matching event")), null, false, null);

    private static TicketChannel channel(String url, String flavour, String project) {
        return new TicketChannel("t", new ChannelSettings("ticket", null, null, Duration.ofSeconds(5), null),
                new TicketChannel.Config(url, flavour, "tok-123", project));
    }

    private static Notification ticket() {
        return new Notification(Notification.Kind.TICKET, "triggered", INCIDENT, "http://vigil/#/incidents/inc-1", List.of());
    }

    @Test
    void githubCreatesAnIssueAndKeepsItsUrl() throws Exception {
        try (Receiver github = new Receiver()) {
            github.answer("{\"number\": 7, \"html_url\": \"https://github.com/acme/agents/issues/7\"}");
            Delivery d = channel(github.url("/repos/acme/agents/issues"), "github", null).deliver(ticket());
            assertThat(d.ok()).isTrue();
            assertThat(d.reference()).isEqualTo("https://github.com/acme/agents/issues/7");
            Receiver.Request r = github.requests.get(0);
            assertThat(r.path()).isEqualTo("/repos/acme/agents/issues");
            assertThat(r.header("Authorization")).isEqualTo("Bearer tok-123");
            assertThat(r.header("Accept")).isEqualTo("application/vnd.github+json");
            JsonNode body = r.json();
            assertThat(body.get("title").textValue()).isEqualTo("[CRITICAL] a: Agent reported a policy violation");
            assertThat(body.get("body").textValue()).contains("Rule: policy-violation (security)").contains("[Open the incident in Vigil](http://vigil/#/incidents/inc-1)");
            assertThat(body.get("labels").toString()).isEqualTo("[\"vigil\",\"critical\"]");
        }
    }

    @Test
    void jiraCreatesAnIssueInTheProjectAndKeepsItsKey() throws Exception {
        try (Receiver jira = new Receiver()) {
            jira.answer("{\"id\": \"10001\", \"key\": \"OPS-42\"}");
            Delivery d = channel(jira.url("/rest/api/2/issue"), "jira", "OPS").deliver(ticket());
            assertThat(d.reference()).isEqualTo("OPS-42");
            JsonNode fields = jira.requests.get(0).json().get("fields");
            assertThat(fields.get("project").get("key").textValue()).isEqualTo("OPS");
            assertThat(fields.get("summary").textValue()).isEqualTo("[CRITICAL] a: Agent reported a policy violation");
            assertThat(fields.get("issuetype").get("name").textValue()).isEqualTo("Bug");
        }
    }

    @Test
    void aRefusedTicketIsNotRetriedButAnUnavailableSystemIs() throws Exception {
        try (Receiver tickets = new Receiver()) {
            tickets.failNext(1, 422);
            Delivery refused = channel(tickets.url("/t"), "generic", null).deliver(ticket());
            assertThat(refused.ok()).isFalse();
            assertThat(refused.recoverable()).isFalse(); // the ticket system refused this ticket: sending it again changes nothing
            assertThat(refused.detail()).contains("422");

            tickets.failNext(1);
            Delivery unavailable = channel(tickets.url("/t"), "generic", null).deliver(ticket());
            assertThat(unavailable.ok()).isFalse();
            assertThat(unavailable.recoverable()).isTrue();
        }
        Delivery unreachable = channel("http://127.0.0.1:1/nothing-listens", "generic", null).deliver(ticket());
        assertThat(unreachable.recoverable()).isTrue(); // connection refused: the system may come back
        assertThat(unreachable.detail()).isEqualTo("connection refused to 127.0.0.1:1"); // the cause, not "network error: null"
    }

    @Test
    void githubGetsOutsideTextEscapedForMarkdownWithInlineHtml() throws Exception {
        try (Receiver github = new Receiver()) {
            channel(github.url("/repos/acme/agents/issues"), "github", null).deliver(Hostile.ticket(Hostile.incident()));
            JsonNode body = github.requests.get(0).json();
            assertThat(body.get("title").textValue())
                    .isEqualTo("[CRITICAL] \u2039!channel\u203A \u2039https://evil.example|click me\u203A: \u2039img src=x onerror=window.__x=2\u203A");
            assertThat(body.get("body").textValue()).isEqualTo(String.join("  \n",
                    "Rule: hostile (security)",
                    "Agent: &lt;\\!channel&gt; &lt;https://evil.example\\|click me&gt;",
                    "What happened: \\*bold\\* \\[x\\](https://evil.example) &amp; more",
                    "Seen: 2x, first 2026-11-29T04:00:00Z, last 2026-11-29T04:00:05Z",
                    "Status: open",
                    "[Open the incident in Vigil](" + Hostile.LINK + ")"));
            assertThat(body.toString()).doesNotContain("<img").doesNotContain("<!channel>");
        }
    }

    @Test
    void jiraGetsWikiMarkupEscapedAndASummaryWithinItsLimit() throws Exception {
        try (Receiver jira = new Receiver()) {
            jira.answer("{\"key\": \"OPS-43\"}");
            channel(jira.url("/rest/api/2/issue"), "jira", "OPS").deliver(Hostile.ticket(
                    Hostile.incident("a", "{html}<img src=x onerror=window.__x=2>{html} " + "t".repeat(300), "!https://evil.example/x.png! [x|https://evil.example]")));
            JsonNode fields = jira.requests.get(0).json().get("fields");
            assertThat(fields.get("summary").textValue()).hasSize(255).startsWith("[CRITICAL] a: {html}\u2039img src=x").endsWith("…");
            assertThat(fields.get("description").textValue())
                    .contains("What happened: \\!https://evil.example/x.png\\! \\[x\\|https://evil.example\\]")
                    .contains("[Open the incident in Vigil|" + Hostile.LINK + "]");
        }
    }
}
