package dev.vigil.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.notify.Channel;
import dev.vigil.notify.Channels;
import dev.vigil.playbook.Action;
import dev.vigil.playbook.Playbooks;
import dev.vigil.server.Integrations;
import dev.vigil.rule.RuleSet;
import dev.vigil.rule.Severity;
import dev.vigil.server.TestVigil;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseConfigTest {
    /** The configuration shape of the response issue, verbatim apart from the secrets. */
    private static final String ISSUE_SHAPE = """
            channels:
              pagerduty: {type: pagerduty, routing_key: "${PD_KEY}", url: "http://127.0.0.1:1/v2/enqueue"}
              slack:     {type: slack, webhook_url: "${SLACK_URL}"}
              hook:      {type: webhook, url: "http://127.0.0.1:1/hook", secret: "${HOOK_SECRET}"}
              mail:      {type: email, smtp_host: "smtp.example.com", smtp_port: 587, from: "vigil@example.com", to: ["oncall@example.com"], username: "vigil", password: "${SMTP_PASSWORD}", starttls: true}
              am:        {type: alertmanager, url: "http://alertmanager:9093"}
              tickets:   {type: ticket, url: "http://127.0.0.1:1/tickets", flavour: generic}
            playbooks:
              critical:
                - pause_agent: {}
                - notify: {channels: [pagerduty, slack, hook, mail]}
                - create_ticket: {channel: tickets}
              high:
                - retry: {temperature: {multiply: 0.5}, max_context_tokens: {multiply: 2}, timeout: 2m}
              medium:
                - monitor: {level: verbose, for: 1h}
                - batch: {every: 15m, channels: [slack]}
              low:
                - aggregate: {report: weekly}
            """;
    private static final Map<String, String> ENV = Map.of("PD_KEY", "pd-secret", "SLACK_URL", "http://127.0.0.1:1/slack",
            "HOOK_SECRET", "s3cret", "SMTP_PASSWORD", "pw");

    @Test
    void theIssuesConfigurationShapeWorksWithSecretsFromTheEnvironment() {
        VigilConfig c = ConfigLoader.parse("vigil.yaml", ISSUE_SHAPE, ENV);
        assertThat(c.channels()).containsOnlyKeys("pagerduty", "slack", "hook", "mail", "am", "tickets");
        assertThat(c.channels().get("pagerduty").settings().get("routing_key").textValue()).isEqualTo("pd-secret");
        assertThat(c.channels().get("mail").settings().get("password").textValue()).isEqualTo("pw");
        assertThat(c.channels().get("mail").toString()).doesNotContain("pw"); // secrets stay out of logs
        Channels channels = Integrations.channels(c.channels(), Clock.systemUTC(), "http://vigil.example/");
        assertThat(channels.get("pagerduty").paging()).isTrue();
        assertThat(channels.get("slack").paging()).isFalse();
        assertThat(channels.all()).extracting(Channel::name).containsExactly("am", "hook", "mail", "pagerduty", "slack", "tickets");
        Playbooks.Loaded p = Playbooks.load(c.playbooks(), RuleSet.load(List.of()).rules().all(), c.channels().keySet(),
                channels.firstTicketChannel());
        assertThat(p.errors()).isEmpty();
        assertThat(p.playbooks().forSeverity(Severity.CRITICAL)).containsExactly(new Action.PauseAgent(),
                new Action.Notify(List.of("pagerduty", "slack", "hook", "mail"), false), new Action.CreateTicket("tickets"));
        assertThat(p.playbooks().forSeverity(Severity.HIGH)).singleElement().isEqualTo(new Action.Retry(
                Map.of("temperature", new Action.ParamChange(0.5, null), "max_context_tokens", new Action.ParamChange(2.0, null)),
                Duration.ofMinutes(2)));
        assertThat(p.playbooks().forSeverity(Severity.MEDIUM)).containsExactly(new Action.Monitor("verbose", Duration.ofHours(1)),
                new Action.Batch(Duration.ofMinutes(15), List.of("slack")));
        assertThat(p.playbooks().forSeverity(Severity.LOW)).containsExactly(new Action.Aggregate("weekly"));
    }

    @Test
    void anUnsetSecretIsAnErrorWithItsLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("vigil.yaml", ISSUE_SHAPE, Map.of("PD_KEY", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("vigil.yaml line 3: environment variable SLACK_URL is not set");
    }

    @Test
    void defaultPlaybooksFollowTheSeverityTaxonomy() {
        Map<Severity, List<Action>> d = Playbooks.defaults("tickets");
        assertThat(d.get(Severity.CRITICAL)).containsExactly(new Action.PauseAgent(), new Action.Notify(List.of(), false),
                new Action.CreateTicket("tickets"));
        assertThat(d.get(Severity.HIGH).get(0)).isEqualTo(new Action.Notify(List.of(), true));
        assertThat(Playbooks.defaults(null).get(Severity.CRITICAL)).hasSize(2); // no ticket channel, no ticket
    }

    @Test
    void badPlaybooksAreRefusedWithThePath() {
        Playbooks.Loaded p = Playbooks.load(Map.of("critical", ConfigLoader.parse("x", """
                playbooks:
                  critical:
                    - notify: {channels: [pager]}
                    - page_everyone: {}
                    - monitor: {level: loud, for: soon}
                """, Map.of()).playbooks().get("critical")), List.of(), java.util.Set.of("slack"), null);
        assertThat(p.errors()).containsExactly(
                "playbooks.critical[0].notify.channels: unknown channel 'pager'",
                "playbooks.critical[1]: unknown action 'page_everyone'; actions are pause_agent, resume_agent, notify, create_ticket, retry, escalate, monitor, batch, aggregate, log",
                "playbooks.critical[2].monitor.level: must be verbose or normal",
                "playbooks.critical[2].monitor.for: bad duration 'soon': use a whole number and a unit (ms, s, m, h, d), such as 30s, 5m, 1h or 7d");
    }

    @Test
    void theServerRefusesToStartOnABadChannelOrPlaybook(@TempDir Path data) {
        assertThatThrownBy(() -> TestVigil.start(data, null, "channels:\n  s: {type: slack}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("channels.s.webhook_url is required for a slack channel");
        assertThatThrownBy(() -> TestVigil.start(data, null, "channels:\n  s: {type: carrier-pigeon}\n"))
                .hasMessageContaining("channels.s.type: unknown type 'carrier-pigeon'");
        assertThatThrownBy(() -> TestVigil.start(data, null, "channels:\n  am: {type: alertmanager, url: \"http://am:9093\", resend_every: 100ms}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("channels.am.resend_every must be at least 1s, not 100ms");
        assertThatThrownBy(() -> TestVigil.start(data, null, "channels:\n  am: {type: alertmanager, url: \"http://am:9093\", resend_every: often}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("channels.am.resend_every");
        assertThatThrownBy(() -> TestVigil.start(data, null, "playbooks:\n  urgent: [{log: {}}]\n"))
                .hasMessage("playbooks.urgent: not a severity; use critical, high, medium or low");
    }
}
