package dev.vigil.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.notify.Channel;
import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.Channels;
import dev.vigil.notify.alertmanager.AlertmanagerChannel;
import dev.vigil.notify.email.EmailChannel;
import dev.vigil.notify.pagerduty.PagerDutyChannel;
import dev.vigil.notify.slack.SlackChannel;
import dev.vigil.notify.ticket.TicketChannel;
import dev.vigil.notify.webhook.WebhookChannel;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every notification integration, in one explicit list: a channel's {@code type} picks the
 * integration, which reads its own configuration record from the channel's settings, as strictly
 * as the rest of {@code vigil.yaml}.
 */
public final class Integrations {
    private Integrations() {}

    /** @throws ConfigException naming the channel and what is wrong */
    /** @param dashboard the dashboard's URL, for integrations that link back to their client (PagerDuty) */
    public static Channels channels(Map<String, VigilConfig.Channel> configured, Clock clock, String dashboard) {
        Map<String, Channel> byName = new LinkedHashMap<>();
        configured.forEach((name, c) -> byName.put(name, channel(name, c, clock, dashboard)));
        return new Channels(byName);
    }

    private static Channel channel(String name, VigilConfig.Channel c, Clock clock, String dashboard) {
        String path = "channels." + name;
        ObjectNode own = c.settings().deepCopy();
        ObjectNode shared = own.objectNode();
        for (String key : ChannelSettings.KEYS) if (own.has(key)) shared.set(key, own.remove(key));
        ChannelSettings settings = ConfigLoader.read(path, shared, ChannelSettings.class);
        try {
            return switch (c.type()) {
                case "slack" -> new SlackChannel(name, settings, ConfigLoader.read(path, own, SlackChannel.Config.class));
                case "pagerduty" -> new PagerDutyChannel(name, settings, ConfigLoader.read(path, own, PagerDutyChannel.Config.class), dashboard);
                case "webhook" -> new WebhookChannel(name, settings, ConfigLoader.read(path, own, WebhookChannel.Config.class), clock);
                case "email" -> new EmailChannel(name, settings, ConfigLoader.read(path, own, EmailChannel.Config.class));
                case "alertmanager" -> new AlertmanagerChannel(name, settings, ConfigLoader.read(path, own, AlertmanagerChannel.Config.class), clock);
                case "ticket" -> new TicketChannel(name, settings, ConfigLoader.read(path, own, TicketChannel.Config.class));
                default -> throw new ConfigException(path + ".type: unknown type '" + c.type()
                        + "'; use slack, pagerduty, webhook, email, alertmanager or ticket");
            };
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
