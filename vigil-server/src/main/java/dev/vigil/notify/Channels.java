package dev.vigil.notify;

import dev.vigil.config.VigilConfig;
import dev.vigil.notify.alertmanager.AlertmanagerChannel;
import dev.vigil.notify.email.EmailChannel;
import dev.vigil.notify.pagerduty.PagerDutyChannel;
import dev.vigil.notify.slack.SlackChannel;
import dev.vigil.notify.ticket.TicketChannel;
import dev.vigil.notify.webhook.WebhookChannel;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The configured channels by name; every integration is wired here, in one explicit list. */
public final class Channels {
    private final Map<String, Channel> byName;

    private Channels(Map<String, Channel> byName) {
        this.byName = byName;
    }

    /** @throws IllegalArgumentException naming the channel and what is missing */
    public static Channels from(Map<String, VigilConfig.Channel> configured, Clock clock) {
        Map<String, Channel> byName = new LinkedHashMap<>();
        configured.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String name = e.getKey();
            VigilConfig.Channel c = e.getValue();
            byName.put(name, switch (c.type()) {
                case "slack" -> new SlackChannel(name, c);
                case "pagerduty" -> new PagerDutyChannel(name, c);
                case "webhook" -> new WebhookChannel(name, c, clock);
                case "email" -> new EmailChannel(name, c);
                case "alertmanager" -> new AlertmanagerChannel(name, c, clock);
                case "ticket" -> new TicketChannel(name, c);
                default -> throw new IllegalArgumentException("channels." + name + ".type: unknown type '" + c.type()
                        + "'; use slack, pagerduty, webhook, email, alertmanager or ticket");
            });
        });
        return new Channels(byName);
    }

    public Channel get(String name) {
        return byName.get(name);
    }

    public Collection<Channel> all() {
        return byName.values();
    }

    /** The first ticket channel, for the default critical playbook; null when there is none. */
    public String firstTicketChannel() {
        return byName.values().stream().filter(Channel::tickets).map(Channel::name).findFirst().orElse(null);
    }
}
