package dev.vigil.notify.alertmanager;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Json;
import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.ConfiguredChannel;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.HttpDelivery;
import dev.vigil.notify.Notification;
import java.time.Clock;
import java.util.Map;

/** Prometheus Alertmanager: {@code POST /api/v2/alerts}, labels from the incident, {@code endsAt} on resolve. */
public final class AlertmanagerChannel extends ConfiguredChannel {
    /** @param url Alertmanager's base URL, such as {@code http://alertmanager:9093} */
    public record Config(String url) {}

    private final Config config;
    private final Clock clock;

    public AlertmanagerChannel(String name, ChannelSettings settings, Config config, Clock clock) {
        super(name, settings);
        require("url", config.url());
        this.config = config;
        this.clock = clock;
    }

    @Override
    public boolean digests() {
        return false;
    }

    public Delivery deliver(Notification n) {
        if (n.kind() == Notification.Kind.DIGEST) return Delivery.fail("Alertmanager does not take digests");
        ArrayNode alerts = Json.MAPPER.createArrayNode();
        ObjectNode alert = alerts.addObject();
        ObjectNode labels = alert.putObject("labels");
        labels.put("alertname", n.incident().rule());
        labels.put("severity", n.incident().severity().wire());
        labels.put("category", n.incident().category().wire());
        labels.put("agent", n.incident().agent());
        labels.put("fingerprint", n.incident().fingerprint());
        n.incident().labels().forEach(labels::put);
        ObjectNode annotations = alert.putObject("annotations");
        annotations.put("summary", n.headline());
        annotations.put("description", n.body());
        alert.put("startsAt", n.incident().detectedAt().toString());
        if ("resolved".equals(n.transition())) alert.put("endsAt", clock.instant().toString());
        alert.put("generatorURL", n.link());
        String base = config.url().endsWith("/") ? config.url().substring(0, config.url().length() - 1) : config.url();
        return HttpDelivery.post(base + "/api/v2/alerts", alerts.toString(), Map.of(), settings.timeout()).delivery();
    }
}
