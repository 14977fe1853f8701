package dev.vigil.notify.slack;

import dev.vigil.config.VigilConfig;
import dev.vigil.json.Json;
import dev.vigil.notify.Channel;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.HttpDelivery;
import dev.vigil.notify.Notification;
import java.util.Map;

/** A Slack incoming webhook: one readable message (headline, details, link). */
public final class SlackChannel implements Channel {
    private final String name;
    private final VigilConfig.Channel config;

    public SlackChannel(String name, VigilConfig.Channel config) {
        if (config.webhookUrl() == null) throw new IllegalArgumentException("channels." + name + ".webhook_url is required for a slack channel");
        this.name = name;
        this.config = config;
    }

    public String name() {
        return name;
    }

    public boolean paging() {
        return config.paging();
    }

    public boolean drill() {
        return config.drill();
    }

    public Delivery deliver(Notification n) {
        String text = "*" + n.headline() + "*\n" + n.body();
        return HttpDelivery.post(config.webhookUrl(), Json.MAPPER.valueToTree(Map.of("text", text)).toString(), Map.of(), config.timeout()).delivery();
    }
}
