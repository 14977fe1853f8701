package dev.vigil.notify.slack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Json;
import dev.vigil.incident.Incident;
import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.ConfiguredChannel;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.Escape;
import dev.vigil.notify.HttpDelivery;
import dev.vigil.notify.Markup;
import dev.vigil.notify.Notification;
import java.util.Map;

/**
 * A Slack incoming webhook: a Block Kit message (a header with the headline; severity, agent,
 * rule and status as fields; what happened; a button to the incident's page) with {@code text}
 * as the fallback that notifications and old clients show. Every outside string is escaped for
 * mrkdwn ({@link Markup#SLACK}), in plain_text objects too, so no {@code <!channel>} or
 * {@code <url|label>} of an agent's reaches Slack; lengths are cut to Block Kit's limits.
 */
public final class SlackChannel extends ConfiguredChannel {
    /** Block Kit's limits: a header's text, a section's text, one field's text. */
    static final int HEADER_MAX = 150, SECTION_MAX = 3000, FIELD_MAX = 2000;

    /** @param webhookUrl the incoming webhook's URL, itself a secret */
    public record Config(String webhookUrl) {
        @Override
        public String toString() {
            return "SlackChannel.Config[webhook_url=***]";
        }
    }

    private final Config config;

    public SlackChannel(String name, ChannelSettings settings, Config config) {
        super(name, settings);
        require("webhook_url", config.webhookUrl());
        this.config = config;
    }

    public Delivery deliver(Notification n) {
        return HttpDelivery.post(config.webhookUrl(), message(n).toString(), Map.of(), settings.timeout()).delivery();
    }

    static ObjectNode message(Notification n) {
        Markup m = Markup.SLACK;
        ObjectNode message = Json.MAPPER.createObjectNode();
        String open = n.kind() == Notification.Kind.DIGEST ? "Open the review queue" : "Open the incident";
        message.put("text", Escape.truncate(n.headline(m), SECTION_MAX) + "\n" + m.link(n.link(), open));
        ArrayNode blocks = message.putArray("blocks");
        blocks.addObject().put("type", "header").set("text", plain(Escape.truncate(n.headline(m), HEADER_MAX)));
        if (n.kind() == Notification.Kind.DIGEST) {
            blocks.addObject().put("type", "section").set("text", mrkdwn(Escape.truncate(n.body(m), SECTION_MAX)));
        } else {
            Incident i = n.incident();
            ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
            fields.add(mrkdwn("*Severity*\n" + i.severity().wire().toUpperCase()));
            fields.add(mrkdwn("*Agent*\n" + Escape.truncate(m.text(i.agent()), FIELD_MAX - 10)));
            fields.add(mrkdwn("*Rule*\n" + Escape.truncate(m.text(i.rule()), FIELD_MAX - 10)));
            fields.add(mrkdwn("*Status*\n" + i.status().wire()));
            blocks.addObject().put("type", "section").set("text", mrkdwn(Escape.truncate(
                    "*What happened*\n" + n.whatHappened(m) + "\nSeen " + i.count() + "x, first " + i.firstSeen() + ", last " + i.lastSeen(),
                    SECTION_MAX)));
        }
        ObjectNode button = blocks.addObject().put("type", "actions").putArray("elements").addObject();
        button.put("type", "button");
        button.set("text", plain(open));
        button.put("url", n.link());
        return message;
    }

    private static ObjectNode plain(String text) {
        return Json.MAPPER.createObjectNode().put("type", "plain_text").put("text", text);
    }

    private static ObjectNode mrkdwn(String text) {
        return Json.MAPPER.createObjectNode().put("type", "mrkdwn").put("text", text);
    }
}
