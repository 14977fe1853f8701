package dev.vigil.respond;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.incident.Incident;
import dev.vigil.notify.ChannelSettings;
import dev.vigil.notify.Notification;
import dev.vigil.notify.alertmanager.AlertmanagerChannel;
import dev.vigil.rule.Severity;
import dev.vigil.time.ManualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alerts Vigil posts to {@code /api/v2/alerts}: labels routes match on, and endsAt ahead on every send. */
class AlertmanagerAlertTest {
    private static JsonNode post(Incident i, String transition, Duration resendEvery, ManualClock clock) throws Exception {
        try (Receiver am = new Receiver()) {
            AlertmanagerChannel c = new AlertmanagerChannel("am", new ChannelSettings("alertmanager", null, null, Duration.ofSeconds(5), null),
                    new AlertmanagerChannel.Config(am.url(""), resendEvery), clock);
            assertThat(c.resendEvery()).isEqualTo(resendEvery == null ? Duration.ofMinutes(1) : resendEvery);
            assertThat(c.deliver(Notification.incident(transition, i, Hostile.LINK)).ok()).isTrue();
            assertThat(am.requests.get(0).path()).isEqualTo("/api/v2/alerts");
            return am.requests.get(0).json().get(0);
        }
    }

    @Test
    void severitiesMapToAlertmanagersUsualValuesAndVigilsStaysInALabel() throws Exception {
        ManualClock clock = new ManualClock(Hostile.T.plusSeconds(60));
        Map<Severity, String> expected = Map.of(Severity.CRITICAL, "critical", Severity.HIGH, "warning", Severity.MEDIUM, "warning",
                Severity.LOW, "info");
        for (Severity s : Severity.values()) {
            JsonNode labels = post(with(Hostile.incident("billing-bot", "t", "d"), s, Map.of()), "triggered", null, clock).get("labels");
            assertThat(labels.get("severity").textValue()).isEqualTo(expected.get(s));
            assertThat(labels.get("vigil_severity").textValue()).isEqualTo(s.wire());
        }
    }

    @Test
    void everySendCarriesEndsAtAheadAndTheResolveEndsItNow() throws Exception {
        ManualClock clock = new ManualClock(Hostile.T.plusSeconds(60));
        Incident i = with(Hostile.incident("billing-bot", "t", "d"), Severity.HIGH, Map.of("team", "payments", "severity", "page"));
        JsonNode alert = post(i, "triggered", Duration.ofSeconds(30), clock);
        JsonNode labels = alert.get("labels");
        assertThat(labels.get("alertname").textValue()).isEqualTo("hostile");
        assertThat(labels.get("incident").textValue()).isEqualTo("inc-1");
        assertThat(labels.get("fingerprint").textValue()).isEqualTo(i.fingerprint());
        assertThat(labels.get("agent").textValue()).isEqualTo("billing-bot");
        assertThat(labels.get("category").textValue()).isEqualTo("security");
        assertThat(labels.get("team").textValue()).isEqualTo("payments");
        assertThat(labels.get("severity").textValue()).as("a rule label cannot override Vigil's").isEqualTo("warning");
        assertThat(alert.get("startsAt").textValue()).isEqualTo(i.detectedAt().toString());
        assertThat(alert.get("endsAt").textValue()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)).toString());
        assertThat(alert.get("generatorURL").textValue()).isEqualTo(Hostile.LINK);

        clock.advance(Duration.ofSeconds(30));
        assertThat(post(i, "resolved", Duration.ofSeconds(30), clock).get("endsAt").textValue()).isEqualTo(clock.instant().toString());
    }

    private static Incident with(Incident i, Severity s, Map<String, String> labels) {
        return new Incident(i.id(), i.fingerprint(), i.rule(), i.title(), s, i.category(), i.agent(), i.group(), i.status(), i.count(),
                i.firstSeen(), i.lastSeen(), i.detectedAt(), i.detectionLatencyMs(), i.eventLagMs(), new HashMap<>(labels), i.drill(),
                i.dryRun(), i.evidence(), i.timeline(), i.feedback(), i.escalated(), i.ticket());
    }
}
