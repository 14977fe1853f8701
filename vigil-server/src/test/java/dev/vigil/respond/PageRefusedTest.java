package dev.vigil.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A page refused for good is itself an incident, at once, on the other channels. */
class PageRefusedTest {
    @TempDir
    Path data;
    ResponseFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @Test
    void aRefusedPageRaisesACriticalIncidentAboutVigilOnTheOtherChannels() throws Exception {
        f = new ResponseFixture(data, "");
        f.pagerduty.failNext(1, 400); // a 4xx is permanent: PagerDuty will refuse this event however often it is sent
        f.vigil.accept("[{\"agent\":\"leaky\",\"kind\":\"policy_violation\"}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> !f.vigil.incidents("?rule=vigil-page-refused").isEmpty());
        String paged = f.incident("?agent=leaky").get("id").textValue();

        JsonNode self = f.vigil.incidents("?rule=vigil-page-refused").get(0);
        assertThat(self.get("agent").textValue()).isEqualTo("vigil");
        assertThat(self.get("severity").textValue()).isEqualTo("critical");
        assertThat(self.get("group").get("attrs.channel").textValue()).isEqualTo("pagerduty");
        assertThat(self.get("timeline").get(0).get("detail").textValue())
                .startsWith("pagerduty refused for good to page about incident " + paged + " (Agent reported a policy violation): ")
                .contains("answered 400");

        String headline = "[CRITICAL] vigil: A page could not be delivered";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(f.slack.requests).anyMatch(r -> r.json().get("text").textValue().startsWith(headline));
            assertThat(f.hook.requests).anyMatch(r -> r.json().at("/incident/rule").asText().equals("vigil-page-refused"));
            assertThat(f.alertmanager.requests).anyMatch(r -> r.json().at("/0/labels/alertname").asText().equals("vigil-page-refused"));
            assertThat(f.mail.getReceivedMessages()).anyMatch(m -> subject(m).equals("[Vigil] " + headline));
        });
        f.vigil.server.pipeline().awaitQuiet();
        // Not paged again on the channel that refused; its own playbook only notifies (no pause of "vigil").
        assertThat(f.pagerduty.refused.get()).isEqualTo(1);
        assertThat(f.pagerduty.requests).isEmpty();
        assertThat(f.vigil.get("/v1/incidents/" + self.get("id").textValue(), dev.vigil.server.TestVigil.OPERATOR).json()
                .get("timeline").toString()).doesNotContain("via pagerduty").doesNotContain("pause_agent");
    }

    private static String subject(jakarta.mail.internet.MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }
}
