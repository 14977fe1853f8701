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

    /**
     * An incident's actions (retries and escalation included) are planned within this of its
     * detection: a series reads the actions of its period's incidents up to this after its end.
     */
    private static final Duration ACTIONS_WITHIN = Duration.ofDays(1);

    /** The figures for incidents detected at or after {@code since}. */
    public Map<String, Object> since(Instant since) {
        Map<String, Incident> byId = detected(since, null);
        Tally tally = new Tally();
        Map<String, Integer> bySeverity = new TreeMap<>();
        int escalated = 0;
        for (Incident i : byId.values()) {
            tally.incident(i);
            bySeverity.merge(i.severity().wire(), 1, Integer::sum);
            if (i.escalated()) escalated++;
        }

        Map<String, Integer> actions = new TreeMap<>();
        Map<String, Boolean> retried = new HashMap<>();
        for (Outbox.Entry e : outbox.createdSince(since)) {
            Incident i = e.incident() == null ? null : byId.get(e.incident());
            if (i == null) continue;
            actions.merge(e.status(), 1, Integer::sum);
            tally.action(i, e);
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
        tally.figures(out);
        out.put("automatic_recovery_success_rate", recovered + notRecovered == 0 ? null : (double) recovered / (recovered + notRecovered));
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("incidents", byId.size());
        counts.put("by_severity", bySeverity);
        counts.put("with_feedback", tally.withFeedback);
        counts.put("false_positives", tally.falsePositives);
        counts.put("escalated", escalated);
        counts.put("retries", retried.size());
        counts.put("recovered_by_retry", recovered);
        counts.put("actions", actions);
        out.put("counts", counts);
        return out;
    }

    /**
     * The same figures per bucket of {@code step} from {@code from} up to {@code to}, for charts:
     * incidents and their actions fall in the bucket of the incident's detection; channel
     * deliveries that gave up fall in the bucket of their last attempt, and the failed attempts
     * of deliveries that finally succeeded in the bucket they were planned in.
     */
    public List<Map<String, Object>> series(Instant from, Instant to, Duration step) {
        int buckets = (int) Math.ceilDiv(Duration.between(from, to).toMillis(), step.toMillis());
        Tally[] tallies = new Tally[buckets];
        int[] incidentsIn = new int[buckets];
        int[] failures = new int[buckets];
        int[] retries = new int[buckets];
        for (int b = 0; b < buckets; b++) tallies[b] = new Tally();
        java.util.function.ToIntFunction<Instant> bucket = t -> {
            if (t == null || t.isBefore(from) || !t.isBefore(to)) return -1;
            return (int) (Duration.between(from, t).toMillis() / step.toMillis());
        };

        Map<String, Incident> byId = detected(from, to);
        for (Incident i : byId.values()) {
            int b = bucket.applyAsInt(i.detectedAt());
            if (b < 0) continue;
            tallies[b].incident(i);
            incidentsIn[b]++;
        }
        for (Outbox.Entry e : outbox.created(from, to.plus(ACTIONS_WITHIN))) {
            Incident i = e.incident() == null ? null : byId.get(e.incident());
            int b = i == null ? -1 : bucket.applyAsInt(i.detectedAt());
            if (b >= 0) tallies[b].action(i, e);
            if (e.channel() == null) continue;
            int failedIn = "failed".equals(e.status()) ? bucket.applyAsInt(e.doneAt()) : -1;
            if (failedIn >= 0) failures[failedIn]++;
            int plannedIn = "done".equals(e.status()) && e.attempts() > 1 ? bucket.applyAsInt(e.createdAt()) : -1;
            if (plannedIn >= 0) retries[plannedIn] += e.attempts() - 1;
        }

        List<Map<String, Object>> out = new ArrayList<>(buckets);
        for (int b = 0; b < buckets; b++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", from.plus(step.multipliedBy(b)));
            m.put("end", from.plus(step.multipliedBy(b + 1)));
            m.put("incidents", incidentsIn[b]);
            tallies[b].figures(m);
            m.put("delivery_failures", failures[b]);
            m.put("delivery_retries", retries[b]);
            out.add(m);
        }
        return out;
    }

    /** Incidents detected in [from, to); a null {@code to} is no upper bound. */
    private Map<String, Incident> detected(Instant from, Instant to) {
        Map<String, Incident> byId = new LinkedHashMap<>();
        String cursor = null;
        do {
            IncidentStore.Page page = incidents.list(new IncidentStore.Query(null, null, null, null, from, to, 1000, cursor));
            page.incidents().forEach(i -> byId.put(i.id(), i));
            cursor = page.nextCursor();
        } while (cursor != null);
        return byId;
    }

    /** Latencies and operators' verdicts of a set of incidents and their actions. */
    private static final class Tally {
        final List<Long> detection = new ArrayList<>();
        final List<Long> action = new ArrayList<>();
        int withFeedback;
        int rightSeverity;
        int falsePositives;

        void incident(Incident i) {
            detection.add(Math.max(0, i.detectionLatencyMs()));
            if (i.feedback() == null) return;
            withFeedback++;
            if (i.feedback().severity() == i.severity()) rightSeverity++;
            if (i.feedback().verdict() == Incident.Verdict.FALSE_POSITIVE) falsePositives++;
        }

        /** Action latency: from the incident's detection to the action done. */
        void action(Incident i, Outbox.Entry e) {
            if ("done".equals(e.status()) && e.doneAt() != null) action.add(Math.max(0, Duration.between(i.detectedAt(), e.doneAt()).toMillis()));
        }

        void figures(Map<String, Object> out) {
            out.put("detection_latency_ms", percentiles(detection));
            out.put("action_latency_ms", percentiles(action));
            out.put("escalation_accuracy", withFeedback == 0 ? null : (double) rightSeverity / withFeedback);
            out.put("false_positive_rate", withFeedback == 0 ? null : (double) falsePositives / withFeedback);
        }
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
