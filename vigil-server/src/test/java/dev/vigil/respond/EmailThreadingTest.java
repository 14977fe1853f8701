package dev.vigil.respond;

import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mails through a real SMTP server (GreenMail): one thread per incident, and HTML that outside text cannot break. */
class EmailThreadingTest {
    @TempDir
    Path data;
    ResponseFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @Test
    void acknowledgeAndResolveMailsAnswerTheTriggerMail() throws Exception {
        f = new ResponseFixture(data, "");
        f.vigil.accept("[{\"agent\":\"billing-bot\",\"kind\":\"policy_violation\"}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.mail.getReceivedMessages().length == 1);
        String id = id("?agent=billing-bot");
        String trigger = "<" + id + ".triggered@example.com>";

        MimeMessage first = f.mail.getReceivedMessages()[0];
        assertThat(first.getMessageID()).isEqualTo(trigger);
        assertThat(first.getHeader("In-Reply-To")).isNull();
        assertThat(first.getHeader("References")).isNull();

        f.vigil.post("/v1/incidents/" + id + "/ack", OPERATOR, null, "");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.mail.getReceivedMessages().length == 2);
        f.vigil.post("/v1/incidents/" + id + "/resolve", OPERATOR, "application/json", "{\"note\":\"fixed\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.mail.getReceivedMessages().length == 3);

        MimeMessage ack = f.mail.getReceivedMessages()[1];
        assertThat(ack.getSubject()).isEqualTo("[Vigil] ACKNOWLEDGED: [CRITICAL] billing-bot: Agent reported a policy violation");
        assertThat(ack.getMessageID()).isEqualTo("<" + id + ".acknowledged@example.com>");
        assertThat(ack.getHeader("In-Reply-To")).containsExactly(trigger);
        assertThat(ack.getHeader("References")).containsExactly(trigger);

        MimeMessage resolved = f.mail.getReceivedMessages()[2];
        assertThat(resolved.getMessageID()).isEqualTo("<" + id + ".resolved@example.com>");
        assertThat(resolved.getHeader("In-Reply-To")).containsExactly(trigger);
        assertThat(resolved.getHeader("References")).containsExactly(trigger);
    }

    @Test
    void aMailHasAPlainPartAndAnEscapedHtmlPart() throws Exception {
        Path rules = Files.writeString(data.resolve("hostile.yaml"), """
                rules:
                  - id: hostile-title
                    title: "%s"
                    severity: critical
                    category: security
                    match: '"hostile" in event.flags'
                """.formatted(Hostile.TITLE));
        f = new ResponseFixture(data, "rules: [" + rules + "]\n");
        f.vigil.accept("[{\"agent\":\"" + Hostile.AGENT + "\",\"kind\":\"decision\",\"flags\":[\"hostile\"]}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.mail.getReceivedMessages().length == 1);
        String id = id("?rule=hostile-title");

        MimeMessage m = f.mail.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("[Vigil] [CRITICAL] " + Hostile.AGENT + ": " + Hostile.TITLE);
        assertThat(m.getContentType()).startsWith("multipart/alternative");
        Multipart parts = (Multipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain").contains("UTF-8");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html").contains("UTF-8");

        String text = (String) parts.getBodyPart(0).getContent();
        assertThat(text).contains("Agent: " + Hostile.AGENT).contains("/#/incidents/" + id);

        String html = (String) parts.getBodyPart(1).getContent();
        assertThat(html).contains("&lt;img src=x onerror=window.__x=2&gt;")
                .contains("Agent: &lt;!channel&gt; &lt;https://evil.example|click me&gt;")
                .contains("<a href=\"http://127.0.0.1:" + f.vigil.server.port() + "/#/incidents/" + id + "\">Open the incident in Vigil</a>")
                .doesNotContain("<img").doesNotContain("<https://evil");
    }

    /** The incident's id, once listed: a mail can arrive before detection's batch is saved. */
    private String id(String query) {
        await().atMost(Duration.ofSeconds(10)).until(() -> f.incident(query) != null);
        return f.incident(query).get("id").textValue();
    }
}
