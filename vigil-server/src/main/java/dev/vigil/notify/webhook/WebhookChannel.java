package dev.vigil.notify.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Json;
import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.ConfiguredChannel;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.HttpDelivery;
import dev.vigil.notify.Notification;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic webhook: the incident as JSON, signed. {@code X-Vigil-Signature} is
 * {@code sha256=} and the hex HMAC-SHA256, with the channel's secret, of the value of
 * {@code X-Vigil-Timestamp} (unix seconds), a dot, and the body; receivers recompute it and
 * reject old timestamps to stop replays.
 */
public final class WebhookChannel extends ConfiguredChannel {
    /** @param secret signs each delivery; none means unsigned */
    public record Config(String url, String secret) {
        @Override
        public String toString() {
            return "WebhookChannel.Config[url=" + url + ", secret=***]";
        }
    }

    private final Config config;
    private final Clock clock;

    public WebhookChannel(String name, ChannelSettings settings, Config config, Clock clock) {
        super(name, settings);
        require("url", config.url());
        this.config = config;
        this.clock = clock;
    }

    public Delivery deliver(Notification n) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", n.kind() == Notification.Kind.DIGEST ? "digest" : "incident");
        body.put("transition", n.transition());
        body.put("link", n.link());
        if (n.delivery() != null) body.put("delivery", n.delivery());
        if (n.incident() != null) body.set("incident", Json.MAPPER.valueToTree(n.incident()));
        if (n.kind() == Notification.Kind.DIGEST) body.set("incidents", Json.MAPPER.valueToTree(n.digest()));
        String json = body.toString();
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("X-Vigil-Timestamp", timestamp);
        if (config.secret() != null) headers.put("X-Vigil-Signature", "sha256=" + sign(config.secret(), timestamp + "." + json));
        // The same on every attempt of this delivery and after a restart: receivers drop what they have seen.
        if (n.delivery() != null) headers.put("Idempotency-Key", n.delivery());
        return HttpDelivery.post(config.url(), json, headers, settings.timeout()).delivery();
    }

    /** Hex HMAC-SHA256 of {@code text} with {@code secret}. */
    public static String sign(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
