package dev.vigil.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.DetectionEngine;
import dev.vigil.detect.InMemoryStateStore;
import dev.vigil.detect.Signal;
import dev.vigil.event.Event;
import dev.vigil.event.EventLimits;
import dev.vigil.event.EventParser;
import dev.vigil.rule.AgentProfile;
import dev.vigil.rule.RuleParser;
import dev.vigil.rule.RuleSet;
import dev.vigil.rule.Severity;
import dev.vigil.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import dev.vigil.incident.Incident.TimelineEntry.Type;
import org.junit.jupiter.api.Test;

class IncidentManagerTest {
    private static final Instant T0 = Instant.parse("2026-11-29T04:00:00Z");
    private final ManualClock clock = new ManualClock(T0);
    private final List<Incident> opened = new ArrayList<>();
    private final InMemoryIncidentStore store = new InMemoryIncidentStore();
    private final IncidentManager incidents = new IncidentManager(store, clock, 3, c -> {
        if (c.kind() == IncidentChange.Kind.OPENED) opened.add(c.incident());
    });
    private final DetectionEngine engine = new DetectionEngine(RuleSet.of(RuleParser.parse("t.yaml", """
            rules:
              - {id: pv, title: Policy violation, severity: critical, category: security, match: 'event.kind == "policy_violation"', labels: {team: sec}}
            """).rules()), new InMemoryStateStore(100, r -> {}), id -> AgentProfile.unlisted(id).toCel(), Duration.ZERO,
            DetectionEngine.Observer.NONE);

    private Incident send(String agent, String extra) {
        return incidents.onSignal(signal(agent, extra));
    }

    /** The signal of a policy violation by {@code agent}, detected 40 ms after it arrived. */
    private Signal signal(String agent, String extra) {
        try {
            Event e = new EventParser(clock, EventLimits.defaults()).parse(new ObjectMapper().readTree(
                    "{\"agent\":\"" + agent + "\",\"kind\":\"policy_violation\"" + extra + "}"));
            clock.advance(Duration.ofMillis(40)); // detection happens a little after arrival
            List<Signal> signals = engine.onEvent(e, clock.instant());
            return signals.get(0);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void aSignalOpensAnIncidentWithEverything() {
        Incident i = send("a", ",\"id\":\"e1\"");
        assertThat(i.fingerprint()).isEqualTo("pv:agent=a");
        assertThat(i.rule()).isEqualTo("pv");
        assertThat(i.title()).isEqualTo("Policy violation");
        assertThat(i.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(i.status()).isEqualTo(Incident.Status.OPEN);
        assertThat(i.count()).isEqualTo(1);
        assertThat(i.agent()).isEqualTo("a");
        assertThat(i.labels()).containsEntry("team", "sec");
        assertThat(i.detectionLatencyMs()).isEqualTo(40);
        assertThat(i.evidence()).singleElement().satisfies(e -> assertThat(e.get("id").textValue()).isEqualTo("e1"));
        assertThat(i.timeline()).singleElement().satisfies(t -> {
            assertThat(t.type()).isEqualTo(Type.DETECTED);
            assertThat(t.detail()).isEqualTo("matching event");
        });
        assertThat(opened).containsExactly(i);
    }

    @Test
    void theResponseStagesChangesAreHandedOnTyped() {
        List<String> updates = new ArrayList<>();
        IncidentManager watched = new IncidentManager(store, clock, 3, c -> {
            if (c.kind() == IncidentChange.Kind.OPENED) return;
            updates.add(c.kind().wire() + " " + c.incident().timeline().getLast().type().wire()
                    + (c.incident().ticket() == null ? "" : " " + c.incident().ticket()));
        });
        String id = watched.onSignal(signal("u", "")).id();

        watched.record(id, Type.ACTION_SUCCEEDED, "vigil", "paused");
        watched.escalate(id, "no retry");
        watched.ticket(id, "OPS-1");
        assertThat(updates).containsExactly("updated action_succeeded", "escalated escalated", "updated escalated OPS-1");
    }

    @Test
    void repeatsUpdateTheOpenIncidentWithBoundedEvidence() {
        Incident first = send("a", ",\"id\":\"e1\"");
        for (int n = 2; n <= 5; n++) send("a", ",\"id\":\"e" + n + "\"");
        assertThat(store.get(first.id())).isEmpty(); // written together on flush, after the batch
        incidents.flush();
        Incident now = store.get(first.id()).orElseThrow();
        assertThat(now.count()).isEqualTo(5);
        assertThat(now.evidence()).extracting(e -> e.get("id").textValue()).containsExactly("e1", "e4", "e5");
        assertThat(store.all()).hasSize(1);
        assertThat(opened).hasSize(1);
        assertThat(send("b", "").id()).isNotEqualTo(first.id()); // another group, another incident
    }

    @Test
    void aMatchAfterResolutionOpensANewIncident() {
        Incident first = send("a", "");
        incidents.acknowledge(first.id(), "alice", "looking");
        assertThat(send("a", "").id()).isEqualTo(first.id()); // acknowledged is still active
        incidents.resolve(first.id(), "alice", "prompt fixed");
        Incident second = send("a", "");
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(second.count()).isEqualTo(1);
        assertThat(store.get(first.id()).orElseThrow().timeline()).extracting(Incident.TimelineEntry::type)
                .containsExactly(Type.DETECTED, Type.ACKNOWLEDGED, Type.RESOLVED);
    }

    @Test
    void lifecycleRefusesImpossibleTransitions() {
        Incident i = send("a", "");
        incidents.resolve(i.id(), "bob", null);
        assertThatThrownBy(() -> incidents.acknowledge(i.id(), "bob", null)).isInstanceOf(IncidentException.class)
                .hasMessage("incident " + i.id() + " is resolved, not open");
        assertThatThrownBy(() -> incidents.resolve(i.id(), "bob", null)).hasMessageContaining("already resolved");
        assertThatThrownBy(() -> incidents.acknowledge("nope", "bob", null))
                .satisfies(e -> assertThat(((IncidentException) e).reason()).isEqualTo(IncidentException.Reason.NOT_FOUND));
    }

    @Test
    void feedbackIsRecordedOnTheTimeline() {
        Incident i = send("a", "");
        Incident after = incidents.feedback(i.id(), "carol", Incident.Verdict.FALSE_POSITIVE, Severity.LOW, "test traffic");
        assertThat(after.feedback().verdict()).isEqualTo(Incident.Verdict.FALSE_POSITIVE);
        assertThat(after.feedback().severity()).isEqualTo(Severity.LOW);
        assertThat(after.timeline().get(1).detail()).isEqualTo("false_positive, right severity low: test traffic");
        assertThat(after.timeline().get(1).actor()).isEqualTo("carol");
    }

    @Test
    void drillTrafficIsMarked() {
        assertThat(send("a", ",\"attrs\":{\"drill\":true}").drill()).isTrue();
        assertThat(send("b", "").drill()).isFalse();
    }
}
