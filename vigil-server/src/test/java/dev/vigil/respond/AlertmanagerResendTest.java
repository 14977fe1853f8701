package dev.vigil.respond;

import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.TestVigil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real Alertmanager, which ends alerts that are not re-sent: an open incident's alert
 * stays active past {@code resolve_timeout} because Vigil keeps sending it, and ends when Vigil
 * resolves the incident.
 *
 * <p>Two clocks: Alertmanager's is the wall clock, Vigil's the test's virtual one. Vigil's clock
 * starts four re-send intervals (less two seconds) before the wall clock, so the first send's
 * {@code endsAt} is two seconds into Alertmanager's future: without re-sends the alert would end
 * then. The test runs four intervals of Vigil's time in a moment, which ends near the wall
 * clock's present again: every {@code startsAt} is in Alertmanager's past, every {@code endsAt} of
 * an open alert in its future, and the resolve's {@code endsAt} (Vigil's now) in its past, as they
 * are in production, where both clocks are the wall clock.
 */
class AlertmanagerResendTest {
    private static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    Alertmanager am;
    TestVigil vigil;

    @BeforeEach
    void start() throws Exception {
        Alertmanager.assumeInstalled();
        am = new Alertmanager(Files.createDirectories(dir.resolve("am")), RESOLVE_TIMEOUT);
        vigil = TestVigil.start(Files.createDirectories(dir.resolve("vigil")), null, """
                channels:
                  am: {type: alertmanager, url: "%s", resend_every: 1m}
                """.formatted(am.url));
    }

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
        if (am != null) am.close();
    }

    @Test
    void anOpenIncidentsAlertOutlivesResolveTimeoutAndEndsWhenResolved() throws Exception {
        Instant wall = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant detected = wall.minus(Duration.ofMinutes(4)).plusSeconds(2);
        Instant firstEndsAt = detected.plus(Duration.ofMinutes(4));
        vigil.clock.set(detected);
        vigil.accept("[{\"agent\":\"billing-bot\",\"kind\":\"policy_violation\"}]");
        vigil.server.pipeline().awaitQuiet();
        String id = vigil.incidents("?agent=billing-bot").get(0).get("id").textValue();

        JsonNode alert = am.alert("incident", id);
        assertThat(alert).as("Vigil's alert in Alertmanager").isNotNull();
        assertThat(alert.at("/status/state").textValue()).isEqualTo("active");
        assertThat(alert.at("/labels/alertname").textValue()).isEqualTo("policy-violation");
        assertThat(alert.at("/labels/severity").textValue()).isEqualTo("critical");
        assertThat(alert.at("/labels/vigil_severity").textValue()).isEqualTo("critical");
        assertThat(alert.at("/labels/agent").textValue()).isEqualTo("billing-bot");
        assertThat(alert.get("generatorURL").textValue()).endsWith("/#/incidents/" + id);
        assertThat(Instant.parse(alert.get("startsAt").textValue())).isEqualTo(detected);
        // Four re-send intervals ahead of the send, not resolve_timeout after Alertmanager received it.
        assertThat(Instant.parse(alert.get("endsAt").textValue())).isEqualTo(firstEndsAt);

        // What Vigil used to send: no endsAt, so Alertmanager ends it resolve_timeout after its last update.
        am.post("[{\"labels\":{\"alertname\":\"sent-once\"},\"startsAt\":\"" + detected + "\"}]");

        // Four intervals of Vigil's time: each re-send pushes endsAt one interval further, acknowledged or not.
        for (int minute = 1; minute <= 4; minute++) {
            if (minute == 3) vigil.post("/v1/incidents/" + id + "/ack", OPERATOR, null, "");
            vigil.clock.advance(Duration.ofMinutes(1));
            vigil.server.pipeline().awaitQuiet();
            assertThat(Instant.parse(am.alert("incident", id).get("endsAt").textValue()))
                    .isEqualTo(detected.plus(Duration.ofMinutes(minute + 4)));
        }

        // Alertmanager's own clock passes resolve_timeout and the first send's endsAt: the alert sent
        // once ends, Vigil's stays, kept by its re-sends.
        await().atMost(Duration.ofSeconds(30)).until(() -> am.alert("alertname", "sent-once") == null && Instant.now().isAfter(firstEndsAt));
        JsonNode kept = am.alert("incident", id);
        assertThat(kept).as("Vigil's alert after resolve_timeout").isNotNull();
        assertThat(kept.at("/status/state").textValue()).isEqualTo("active");
        assertThat(kept.at("/annotations/summary").textValue()).startsWith("ACKNOWLEDGED: [CRITICAL] billing-bot");
        assertThat(Instant.parse(kept.get("startsAt").textValue())).isEqualTo(detected);

        // Resolved in Vigil: endsAt = Vigil's now, in Alertmanager's past, so the alert is over.
        vigil.post("/v1/incidents/" + id + "/resolve", OPERATOR, "application/json", "{\"note\":\"fixed\"}");
        vigil.server.pipeline().awaitQuiet();
        await().atMost(Duration.ofSeconds(10)).until(() -> am.alert("incident", id) == null);

        // No re-send follows the resolve.
        vigil.clock.advance(Duration.ofMinutes(1));
        vigil.server.pipeline().awaitQuiet();
        assertThat(am.alert("incident", id)).isNull();
    }
}
