package dev.vigil.respond;

import dev.vigil.incident.Incident;
import dev.vigil.incident.IncidentStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How well the response itself works (issue 7, meta-monitoring): detection and action latency
 * percentiles, escalation accuracy (of the incidents with feedback, the share whose severity was
 * right), false-positive rate (false positives over incidents with feedback), the success rate
 * of automatic recovery (retries that resolved their incident, over retries that finished), and
 * counts. Computed from the incident store and the outbox for a period.
 */
public final class ResponseStats {
    private final IncidentStore incidents;
    private final Outbox outbox;
    private final Clock clock;

    public ResponseStats(IncidentStore incidents, Outbox outbox, Clock clock) {
        this.incidents = incidents;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** The figures for incidents detected at or after {@code since}. */
    public Map<String, Object> since(Instant since) {
        Map<String, Incident> byId = new LinkedHashMap<>();
        String cursor = null;
        do {
            IncidentStore.Page page = incidents.list(new IncidentStore.Query(null, null, null, null, since, 1000, cursor));
            page.incidents().forEach(i -> byId.put(i.id(), i));
            cursor = page.nextCursor();
        } while (cursor != null);

        List<Long> detection = new ArrayList<>();
        Map<String, Integer> bySeverity = new TreeMap<>();
        int withFeedback = 0;
        int rightSeverity = 0;
        int falsePositives = 0;
        int escalated = 0;
        for (Incident i : byId.values()) {
            detection.add(Math.max(0, i.detectionLatencyMs()));
            bySeverity.merge(i.severity().wire(), 1, Integer::sum);
            if (i.escalated()) escalated++;
            if (i.feedback() != null) {
                withFeedback++;
                if (i.feedback().severity() == i.severity()) rightSeverity++;
                if (i.feedback().verdict() == Incident.Verdict.FALSE_POSITIVE) falsePositives++;
            }
        }

        List<Long> action = new ArrayList<>();
        Map<String, Integer> actions = new TreeMap<>();
        Map<String, Boolean> retried = new HashMap<>();
        for (Outbox.Entry e : outbox.createdSince(since)) {
            Incident i = e.incident() == null ? null : byId.get(e.incident());
            if (i == null) continue;
            actions.merge(e.status(), 1, Integer::sum);
            if ("done".equals(e.status()) && e.doneAt() != null) action.add(Math.max(0, Duration.between(i.detectedAt(), e.doneAt()).toMillis()));
            if ("retry".equals(e.action())) retried.put(i.id(), true);
        }
        int recovered = 0;
        int notRecovered = 0;
        for (String id : retried.keySet()) {
            Incident i = byId.get(id);
            if (i.escalated()) notRecovered++;
            else if (i.status() == Incident.Status.RESOLVED && i.timeline().stream().anyMatch(t -> t.detail() != null && t.detail().startsWith("retry succeeded"))) recovered++;
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("since", since);
        out.put("until", clock.instant());
        out.put("detection_latency_ms", percentiles(detection));
        out.put("action_latency_ms", percentiles(action));
        out.put("escalation_accuracy", withFeedback == 0 ? null : (double) rightSeverity / withFeedback);
        out.put("false_positive_rate", withFeedback == 0 ? null : (double) falsePositives / withFeedback);
        out.put("automatic_recovery_success_rate", recovered + notRecovered == 0 ? null : (double) recovered / (recovered + notRecovered));
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("incidents", byId.size());
        counts.put("by_severity", bySeverity);
        counts.put("with_feedback", withFeedback);
        counts.put("false_positives", falsePositives);
        counts.put("escalated", escalated);
        counts.put("retries", retried.size());
        counts.put("recovered_by_retry", recovered);
        counts.put("actions", actions);
        out.put("counts", counts);
        return out;
    }

    /** Nearest-rank p50, p95 and p99; nulls when there is nothing to rank. */
    static Map<String, Long> percentiles(List<Long> values) {
        Map<String, Long> p = new LinkedHashMap<>();
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        for (int q : new int[] {50, 95, 99}) {
            p.put("p" + q, sorted.isEmpty() ? null : sorted.get(Math.max(0, (int) Math.ceil(q / 100.0 * sorted.size()) - 1)));
        }
        return p;
    }
}
