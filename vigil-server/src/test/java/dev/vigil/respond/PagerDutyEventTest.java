package dev.vigil.respond;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.incident.Incident;
import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.Delivery;
import dev.vigil.notify.Notification;
import dev.vigil.notify.pagerduty.PagerDutyChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * PagerDuty Events API v2 alert events, field by field against the published format
 * (developer.pagerduty.com, "Send an Alert Event"): the fields it defines and no others,
 * {@code dedup_key} at most 255 characters, {@code payload.summary} at most 1024,
 * {@code severity} one of critical, error, warning, info, {@code timestamp} ISO 8601, links as
 * {@code {href, text}}.
 */
class PagerDutyEventTest {
    private static final Set<String> EVENT_FIELDS = Set.of("routing_key", "event_action", "dedup_key", "payload", "images", "links",
            "client", "client_url");
    private static final Set<String> PAYLOAD_FIELDS = Set.of("summary", "source", "severity", "timestamp", "component", "group", "class",
            "custom_details");

    private static JsonNode send(Notification n) throws Exception {
        try (Receiver pd = new Receiver()) {
            PagerDutyChannel c = new PagerDutyChannel("pagerduty", new ChannelSettings("pagerduty", null, null, Duration.ofSeconds(5), null),
                    new PagerDutyChannel.Config("rk-1", pd.url("/v2/enqueue")), "http://vigil.example/");
            Delivery d = c.deliver(n);
            assertThat(d.ok()).as(d.detail()).isTrue();
            assertThat(pd.requests.get(0).path()).isEqualTo("/v2/enqueue");
            return pd.requests.get(0).json();
        }
    }

    @Test
    void aTriggerHasEveryFieldOfTheFormatAndNoOther() throws Exception {
        Incident i = Hostile.incident("billing-bot", "Agent called a tool outside its allow-list", "tool shell.exec");
        JsonNode e = send(Hostile.trigger(i));

        assertThat(names(e)).isSubsetOf(EVENT_FIELDS);
        assertThat(e.get("routing_key").textValue()).isEqualTo("rk-1");
        assertThat(e.get("event_action").textValue()).isEqualTo("trigger");
        assertThat(e.get("dedup_key").textValue()).isEqualTo("vigil-inc-1");
        assertThat(e.get("client").textValue()).isEqualTo("Vigil");
        assertThat(e.get("client_url").textValue()).isEqualTo("http://vigil.example/");
        assertThat(e.get("links")).hasSize(1);
        assertThat(names(e.get("links").get(0))).containsExactlyInAnyOrder("href", "text");
        assertThat(e.get("links").get(0).get("href").textValue()).isEqualTo(Hostile.LINK);
        assertThat(e.get("links").get(0).get("text").textValue()).isEqualTo("Open the incident in Vigil");

        JsonNode p = e.get("payload");
        assertThat(names(p)).isSubsetOf(PAYLOAD_FIELDS);
        assertThat(p.get("summary").textValue()).isEqualTo("[CRITICAL] billing-bot: Agent called a tool outside its allow-list");
        assertThat(p.get("source").textValue()).isEqualTo("billing-bot");
        assertThat(p.get("severity").textValue()).isIn("critical", "error", "warning", "info").isEqualTo("critical");
        assertThat(Instant.parse(p.get("timestamp").textValue())).isEqualTo(i.detectedAt());
        assertThat(p.get("component").textValue()).isEqualTo("hostile");
        assertThat(p.get("class").textValue()).isEqualTo("security");
        assertThat(p.get("custom_details").isObject()).isTrue();
        assertThat(p.get("custom_details").get("id").textValue()).isEqualTo("inc-1");
    }

    @Test
    void longNamesStayWithinTheLimits() throws Exception {
        // The case from the issue: a 114-character agent and a 125-character run made a 267-character fingerprint.
        Incident i = Hostile.incident("a".repeat(114), "t".repeat(2000), "d");
        i = withFingerprint(i, "task-failure-storm:agent=" + "a".repeat(114) + ",run=" + "r".repeat(125));
        assertThat(i.fingerprint()).hasSizeGreaterThan(255);
        JsonNode e = send(Hostile.trigger(i));
        assertThat(e.get("dedup_key").textValue()).hasSizeLessThanOrEqualTo(255);
        assertThat(e.get("payload").get("summary").textValue()).hasSize(1024).endsWith("…");
    }

    @Test
    void incidentsSharingAFingerprintHaveTheirOwnKeys() throws Exception {
        Incident first = Hostile.incident("a", "t", "d");
        Incident second = withId(first, "inc-2");
        assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
        JsonNode resolveFirst = send(Notification.incident("resolved", first, Hostile.LINK));
        JsonNode triggerSecond = send(Hostile.trigger(second));
        assertThat(resolveFirst.get("event_action").textValue()).isEqualTo("resolve");
        assertThat(resolveFirst.get("dedup_key").textValue()).isNotEqualTo(triggerSecond.get("dedup_key").textValue());
    }

    private static Incident withFingerprint(Incident i, String fingerprint) {
        return new Incident(i.id(), fingerprint, i.rule(), i.title(), i.severity(), i.category(), i.agent(), i.group(), i.status(),
                i.count(), i.firstSeen(), i.lastSeen(), i.detectedAt(), i.detectionLatencyMs(), i.eventLagMs(), i.labels(), i.drill(),
                i.dryRun(), i.evidence(), i.timeline(), i.feedback(), i.escalated(), i.ticket());
    }

    private static Incident withId(Incident i, String id) {
        return new Incident(id, i.fingerprint(), i.rule(), i.title(), i.severity(), i.category(), i.agent(), i.group(), i.status(),
                i.count(), i.firstSeen(), i.lastSeen(), i.detectedAt(), i.detectionLatencyMs(), i.eventLagMs(), i.labels(), i.drill(),
                i.dryRun(), i.evidence(), i.timeline(), i.feedback(), i.escalated(), i.ticket());
    }

    private static Set<String> names(JsonNode n) {
        Set<String> names = new HashSet<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
