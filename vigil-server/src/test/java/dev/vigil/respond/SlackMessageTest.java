package dev.vigil.respond;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.slack.SlackChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slack incoming-webhook messages, field by field against Slack's published formats: Block Kit
 * (header, section with fields, section, actions with a link button) with {@code text} as the
 * fallback, and mrkdwn escaping (Slack's control characters {@code &}, {@code <}, {@code >} as
 * {@code &amp;}, {@code &lt;}, {@code &gt;}, nothing else).
 */
class SlackMessageTest {
    private static JsonNode send(dev.vigil.notify.Notification n) throws Exception {
        try (Receiver slack = new Receiver()) {
            SlackChannel c = new SlackChannel("slack", new ChannelSettings("slack", null, null, Duration.ofSeconds(5), null),
                    new SlackChannel.Config(slack.url("/hook")));
            Delivery d = c.deliver(n);
            assertThat(d.ok()).as(d.detail()).isTrue();
            assertThat(slack.requests.get(0).header("Content-Type")).isEqualTo("application/json");
            return slack.requests.get(0).json();
        }
    }

    @Test
    void aHostileAgentNameNeitherPingsTheChannelNorShowsADisguisedLink() throws Exception {
        JsonNode m = send(Hostile.trigger(Hostile.incident()));
        String agent = "&lt;!channel&gt; &lt;https://evil.example|click me&gt;";
        String title = "&lt;img src=x onerror=window.__x=2&gt;";

        assertThat(fieldNames(m)).containsExactly("text", "blocks");
        assertThat(m.get("text").textValue()).isEqualTo("[CRITICAL] " + agent + ": " + title + "\n<" + Hostile.LINK + "|Open the incident>");

        JsonNode blocks = m.get("blocks");
        assertThat(blocks).hasSize(4);
        JsonNode header = blocks.get(0);
        assertThat(header.get("type").textValue()).isEqualTo("header");
        assertThat(header.get("text").get("type").textValue()).isEqualTo("plain_text");
        assertThat(header.get("text").get("text").textValue()).isEqualTo("[CRITICAL] " + agent + ": " + title);

        JsonNode facts = blocks.get(1);
        assertThat(facts.get("type").textValue()).isEqualTo("section");
        List<String> fields = new ArrayList<>();
        facts.get("fields").forEach(f -> {
            assertThat(f.get("type").textValue()).isEqualTo("mrkdwn");
            fields.add(f.get("text").textValue());
        });
        assertThat(fields).containsExactly("*Severity*\nCRITICAL", "*Agent*\n" + agent, "*Rule*\nhostile", "*Status*\nopen");

        JsonNode what = blocks.get(2);
        assertThat(what.get("type").textValue()).isEqualTo("section");
        assertThat(what.get("text").get("type").textValue()).isEqualTo("mrkdwn");
        assertThat(what.get("text").get("text").textValue()).isEqualTo("*What happened*\n*bold* [x](https://evil.example) &amp; more\n"
                + "Seen 2x, first 2026-11-29T04:00:00Z, last 2026-11-29T04:00:05Z");

        JsonNode actions = blocks.get(3);
        assertThat(actions.get("type").textValue()).isEqualTo("actions");
        JsonNode button = actions.get("elements").get(0);
        assertThat(button.get("type").textValue()).isEqualTo("button");
        assertThat(button.get("text").get("type").textValue()).isEqualTo("plain_text");
        assertThat(button.get("text").get("text").textValue()).isEqualTo("Open the incident");
        assertThat(button.get("url").textValue()).isEqualTo(Hostile.LINK);

        // Nowhere in the message does an unescaped control sequence of the agent's survive.
        assertThat(m.toString()).doesNotContain("<!channel>").doesNotContain("<https://evil.example").doesNotContain("<img");
    }

    @Test
    void textsAreCutToBlockKitLimits() throws Exception {
        JsonNode m = send(Hostile.trigger(Hostile.incident("a".repeat(128), "t".repeat(400), "d".repeat(5000))));
        JsonNode blocks = m.get("blocks");
        assertThat(blocks.get(0).get("text").get("text").textValue()).hasSize(150).endsWith("…");
        assertThat(blocks.get(2).get("text").get("text").textValue()).hasSizeLessThanOrEqualTo(3000).endsWith("…");
        blocks.get(1).get("fields").forEach(f -> assertThat(f.get("text").textValue()).hasSizeLessThanOrEqualTo(2000));
        assertThat(blocks.get(1).get("fields")).hasSizeLessThanOrEqualTo(10);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
