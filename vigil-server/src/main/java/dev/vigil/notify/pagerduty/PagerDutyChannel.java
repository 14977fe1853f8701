package dev.vigil.notify.pagerduty;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Json;
import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.ConfiguredChannel;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.HttpDelivery;
import dev.vigil.notify.Notification;
import dev.vigil.rule.Severity;
import java.util.Map;

/**
 * PagerDuty Events API v2. The incident's fingerprint is the {@code dedup_key}, so trigger,
 * acknowledge and resolve land on one PagerDuty incident, and a redelivery after a crash is a no-op.
 */
public final class PagerDutyChannel extends ConfiguredChannel {
    static final String EVENTS_API = "https://events.pagerduty.com/v2/enqueue";

    /**
     * @param routingKey the integration key of the PagerDuty service
     * @param url        the Events API; PagerDuty's own unless set (a proxy, a test receiver)
     */
    public record Config(String routingKey, String url) {
        @Override
        public String toString() {
            return "PagerDutyChannel.Config[routing_key=***, url=" + url + "]";
        }
    }

    private final Config config;

    public PagerDutyChannel(String name, ChannelSettings settings, Config config) {
        super(name, settings);
        require("routing_key", config.routingKey());
        this.config = config;
    }

    public Delivery deliver(Notification n) {
        if (n.kind() == Notification.Kind.DIGEST) return Delivery.fail("PagerDuty does not take digests");
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("routing_key", config.routingKey());
        event.put("event_action", switch (n.transition()) {
            case "acknowledged" -> "acknowledge";
            case "resolved" -> "resolve";
            default -> "trigger";
        });
        event.put("dedup_key", n.incident().fingerprint());
        ObjectNode payload = event.putObject("payload");
        payload.put("summary", n.headline());
        payload.put("source", n.incident().agent());
        payload.put("severity", severity(n.incident().severity()));
        payload.put("component", n.incident().rule());
        payload.put("class", n.incident().category().wire());
        payload.set("custom_details", Json.MAPPER.valueToTree(n.incident()));
        event.putArray("links").addObject().put("href", n.link()).put("text", "Vigil incident");
        String url = config.url() != null ? config.url() : EVENTS_API;
        return HttpDelivery.post(url, event.toString(), Map.of(), settings.timeout()).delivery();
    }

    static String severity(Severity s) {
        return switch (s) {
            case CRITICAL -> "critical";
            case HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW -> "info";
        };
    }
}
