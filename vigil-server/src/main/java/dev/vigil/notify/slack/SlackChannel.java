package dev.vigil.notify.slack;

import dev.vigil.config.Json;
import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.ConfiguredChannel;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.HttpDelivery;
import dev.vigil.notify.Notification;
import java.util.Map;

/** A Slack incoming webhook: one readable message (headline, details, link). */
public final class SlackChannel extends ConfiguredChannel {
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
        String text = "*" + n.headline() + "*\n" + n.body();
        return HttpDelivery.post(config.webhookUrl(), Json.MAPPER.valueToTree(Map.of("text", text)).toString(), Map.of(), settings.timeout()).delivery();
    }
}
