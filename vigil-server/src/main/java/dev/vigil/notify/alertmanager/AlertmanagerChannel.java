package dev.vigil.notify.alertmanager;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Json;
import dev.vigil.incident.Incident;
import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.ConfiguredChannel;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.HttpDelivery;
import dev.vigil.notify.Notification;
import dev.vigil.rule.Severity;
import dev.vigil.time.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Prometheus Alertmanager: {@code POST /api/v2/alerts}, one alert per incident (its id is a
 * label, so a late resolve of one incident never ends another's alert with the same rule and
 * group).
 *
 * <p>Alertmanager ends an alert at its {@code endsAt}, or {@code resolve_timeout} (5m by default)
 * after its last update when it has none, and tells its receivers "resolved". So, as Prometheus
 * does, every send of an open or acknowledged incident carries {@code endsAt}
 * {@link #ENDS_AFTER} re-send intervals ahead, and the response stage sends it again every
 * {@code resend_every} (1m by default) while it stays open; a Vigil that stops sending lets its
 * alerts end a few intervals later instead of firing forever. The resolve sends {@code endsAt} =
 * now. All three times are on Vigil's clock, which Alertmanager compares with its own.
 */
public final class AlertmanagerChannel extends ConfiguredChannel {
    /** Re-send intervals an alert stays active after a send: three missed re-sends are tolerated, as Prometheus does. */
    static final int ENDS_AFTER = 4;
    static final Duration DEFAULT_RESEND = Duration.ofMinutes(1);
    /** Below this, re-sends would come faster than the response stage looks at the clock (every 250 ms). */
    static final Duration MIN_RESEND = Duration.ofSeconds(1);

    /**
     * @param url         Alertmanager's base URL, such as {@code http://alertmanager:9093}
     * @param resendEvery how often an open incident's alert is sent again; 1m unless set, well under
     *                    Alertmanager's default resolve_timeout of 5m
     */
    public record Config(String url, Duration resendEvery) {}

    private final Config config;
    private final Duration resendEvery;
    private final Clock clock;

    public AlertmanagerChannel(String name, ChannelSettings settings, Config config, Clock clock) {
        super(name, settings);
        require("url", config.url());
        this.config = config;
        this.resendEvery = config.resendEvery() == null ? DEFAULT_RESEND : config.resendEvery();
        if (resendEvery.compareTo(MIN_RESEND) < 0) {
            throw new IllegalArgumentException("channels." + name + ".resend_every must be at least 1s, not " + Durations.format(resendEvery));
        }
        this.clock = clock;
    }

    @Override
    public boolean digests() {
        return false;
    }

    @Override
    public Duration resendEvery() {
        return resendEvery;
    }

    public Delivery deliver(Notification n) {
        if (n.kind() == Notification.Kind.DIGEST) return Delivery.fail("Alertmanager does not take digests");
        String base = config.url().endsWith("/") ? config.url().substring(0, config.url().length() - 1) : config.url();
        return HttpDelivery.post(base + "/api/v2/alerts", alerts(n).toString(), Map.of(), settings.timeout()).delivery();
    }

    ArrayNode alerts(Notification n) {
        Incident i = n.incident();
        ArrayNode alerts = Json.MAPPER.createArrayNode();
        ObjectNode alert = alerts.addObject();
        ObjectNode labels = alert.putObject("labels");
        i.labels().forEach(labels::put); // the rule's own first: Vigil's below win over a rule label of the same name
        labels.put("alertname", i.rule());
        labels.put("severity", severity(i.severity()));
        labels.put("vigil_severity", i.severity().wire());
        labels.put("category", i.category().wire());
        labels.put("agent", i.agent());
        labels.put("fingerprint", i.fingerprint());
        labels.put("incident", i.id());
        ObjectNode annotations = alert.putObject("annotations");
        annotations.put("summary", n.headline());
        annotations.put("description", n.body());
        alert.put("startsAt", i.detectedAt().toString());
        Instant now = clock.instant();
        alert.put("endsAt", ("resolved".equals(n.transition()) ? now : now.plus(resendEvery.multipliedBy(ENDS_AFTER))).toString());
        alert.put("generatorURL", n.link());
        return alerts;
    }

    /**
     * Alertmanager's usual values, which routes and inhibit rules match on: critical pages,
     * warning wants a look soon (Vigil's high and medium), info is for the record (low).
     */
    static String severity(Severity s) {
        return switch (s) {
            case CRITICAL -> "critical";
            case HIGH, MEDIUM -> "warning";
            case LOW -> "info";
        };
    }
}
