package dev.vigil.notify.pagerduty;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Json;
import dev.vigil.incident.Incident;
import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.ConfiguredChannel;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.Escape;
import dev.vigil.notify.HttpDelivery;
import dev.vigil.notify.Notification;
import dev.vigil.rule.Severity;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * PagerDuty Events API v2 ({@code POST /v2/enqueue}). The {@code dedup_key} is the incident's
 * own ({@link #dedupKey}): trigger, acknowledge and resolve land on one PagerDuty alert, a
 * redelivery after a crash is a no-op, and a late resolve of one incident cannot close another
 * that shares its fingerprint. Fields with limits in the published format are cut to them
 * (dedup_key 255, summary 1024 characters, the whole event 512 KB) rather than refused with a
 * 400, which would never be retried.
 */
public final class PagerDutyChannel extends ConfiguredChannel {
    static final String EVENTS_API = "https://events.pagerduty.com/v2/enqueue";
    static final int DEDUP_KEY_MAX = 255, SUMMARY_MAX = 1024;
    /** The Events API takes events up to 512 KB; past this, custom_details leave out evidence and timeline. */
    static final int EVENT_MAX_BYTES = 500 * 1024;

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
    private final String clientUrl;

    /** @param clientUrl the dashboard, PagerDuty's link back to the client that sent the event */
    public PagerDutyChannel(String name, ChannelSettings settings, Config config, String clientUrl) {
        super(name, settings);
        require("routing_key", config.routingKey());
        this.config = config;
        this.clientUrl = clientUrl;
    }

    public Delivery deliver(Notification n) {
        if (n.kind() == Notification.Kind.DIGEST) return Delivery.fail("PagerDuty does not take digests");
        String url = config.url() != null ? config.url() : EVENTS_API;
        return HttpDelivery.post(url, event(n).toString(), Map.of(), settings.timeout()).delivery();
    }

    ObjectNode event(Notification n) {
        Incident i = n.incident();
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("routing_key", config.routingKey());
        event.put("event_action", switch (n.transition()) {
            case "acknowledged" -> "acknowledge";
            case "resolved" -> "resolve";
            default -> "trigger";
        });
        event.put("dedup_key", dedupKey(i));
        event.put("client", "Vigil");
        event.put("client_url", clientUrl);
        ObjectNode payload = event.putObject("payload");
        payload.put("summary", Escape.truncate(n.headline(), SUMMARY_MAX));
        payload.put("source", Escape.line(i.agent()));
        payload.put("severity", severity(i.severity()));
        payload.put("timestamp", i.detectedAt().toString());
        payload.put("component", Escape.line(i.rule()));
        payload.put("class", i.category().wire());
        payload.set("custom_details", Json.MAPPER.valueToTree(i));
        event.putArray("links").addObject().put("href", n.link()).put("text", "Open the incident in Vigil");
        if (event.toString().getBytes(StandardCharsets.UTF_8).length > EVENT_MAX_BYTES) {
            ObjectNode details = (ObjectNode) payload.get("custom_details");
            details.remove("evidence");
            details.remove("timeline");
            details.put("truncated", "evidence and timeline left out: the event would pass the Events API's 512 KB");
        }
        return event;
    }

    /** The incident's id is unique and short (its ULID); the prefix says whose key it is. */
    static String dedupKey(Incident i) {
        return Escape.truncate("vigil-" + i.id(), DEDUP_KEY_MAX);
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
