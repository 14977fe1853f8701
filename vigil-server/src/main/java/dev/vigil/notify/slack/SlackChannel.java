package dev.vigil.notify.slack;

import dev.vigil.config.VigilConfig;
import dev.vigil.json.Json;
import dev.vigil.notify.ConfiguredChannel;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.HttpDelivery;
import dev.vigil.notify.Notification;
import java.util.Map;

/** A Slack incoming webhook: one readable message (headline, details, link). */
public final class SlackChannel extends ConfiguredChannel {

    public SlackChannel(String name, VigilConfig.Channel config) {
        super(name, config);
        require("webhook_url", config.webhookUrl());
    }

    public Delivery deliver(Notification n) {
        String text = "*" + n.headline() + "*\n" + n.body();
        return HttpDelivery.post(config.webhookUrl(), Json.MAPPER.valueToTree(Map.of("text", text)).toString(), Map.of(), config.timeout()).delivery();
    }
}
