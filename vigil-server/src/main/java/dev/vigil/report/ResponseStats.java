package dev.vigil.report;

import dev.vigil.incident.Incident;
import dev.vigil.incident.Incident.TimelineEntry.Type;
import dev.vigil.incident.IncidentStore;
import dev.vigil.playbook.Action;
import dev.vigil.respond.Outbox;
import dev.vigil.respond.OutboxEntry;
import dev.vigil.respond.Task;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How well the response itself works (issue 7, meta-monitoring): detection and action latency
 * percentiles, escalation accuracy (of the incidents with feedback, the share whose severity was
 * right), false-positive rate (false positives over incidents with feedback), the success rate
 * of automatic recovery (retries that resolved their incident, over retries that finished), and
 * counts. Computed from the incident store and the outbox for a period.
 */
public final class ResponseStats {
    /** Nearest-rank percentiles, in milliseconds; null when there is nothing to rank. */
    public record Percentiles(Long p50, Long p95, Long p99) {}

    /** The figures of a period, as {@code GET /v1/stats/response} shows them. */
    public record Figures(Instant since, Instant until, Percentiles detectionLatencyMs, Percentiles actionLatencyMs,
                          Double escalationAccuracy, Double falsePositiveRate, Double automaticRecoverySuccessRate, Counts counts) {}

    public record Counts(int incidents, Map<String, Integer> bySeverity, int withFeedback, int falsePositives, int escalated,
                         int retries, int recoveredByRetry, Map<String, Integer> actions) {}

    /** One bucket of a series: incidents detected in [start, end) and the figures of their response. */
    public record Bucket(Instant start, Instant end, int incidents, Percentiles detectionLatencyMs, Percentiles actionLatencyMs,
                         Double escalationAccuracy, Double falsePositiveRate, int deliveryFailures, int deliveryRetries) {}

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
    public Figures since(Instant since) {
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
        Set<String> retried = new HashSet<>();
        for (OutboxEntry e : outbox.createdSince(since)) {
            Incident i = e.incident() == null ? null : byId.get(e.incident());
            if (i == null) continue;
            actions.merge(e.status().wire(), 1, Integer::sum);
            tally.action(i, e);
            if (e.task() instanceof Task.Recorded r && r.action() instanceof Action.Retry) retried.add(i.id());
        }
        int recovered = 0;
        int notRecovered = 0;
        for (String id : retried) {
            Incident i = byId.get(id);
            if (i.escalated()) notRecovered++;
            else if (i.timeline().stream().anyMatch(t -> t.type() == Type.RECOVERED)) recovered++;
        }
        Counts counts = new Counts(byId.size(), bySeverity, tally.withFeedback, tally.falsePositives, escalated, retried.size(),
                recovered, actions);
        return new Figures(since, clock.instant(), percentiles(tally.detection), percentiles(tally.action), tally.accuracy(),
                tally.falsePositiveRate(), recovered + notRecovered == 0 ? null : (double) recovered / (recovered + notRecovered), counts);
    }

    /**
     * The same figures per bucket of {@code step} from {@code from} up to {@code to}, for charts:
     * incidents and their actions fall in the bucket of the incident's detection; channel
     * deliveries that gave up fall in the bucket of their last attempt, and the failed attempts
     * of deliveries that finally succeeded in the bucket they were planned in.
     */
    public List<Bucket> series(Instant from, Instant to, Duration step) {
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
        for (OutboxEntry e : outbox.created(from, to.plus(ACTIONS_WITHIN))) {
            Incident i = e.incident() == null ? null : byId.get(e.incident());
            int b = i == null ? -1 : bucket.applyAsInt(i.detectedAt());
            if (b >= 0) tallies[b].action(i, e);
            if (e.channel() == null) continue;
            int failedIn = e.status() == OutboxEntry.Status.FAILED ? bucket.applyAsInt(e.doneAt()) : -1;
            if (failedIn >= 0) failures[failedIn]++;
            int plannedIn = e.status() == OutboxEntry.Status.DONE && e.attempts() > 1 ? bucket.applyAsInt(e.createdAt()) : -1;
            if (plannedIn >= 0) retries[plannedIn] += e.attempts() - 1;
        }

        List<Bucket> out = new ArrayList<>(buckets);
        for (int b = 0; b < buckets; b++) {
            Tally t = tallies[b];
            out.add(new Bucket(from.plus(step.multipliedBy(b)), from.plus(step.multipliedBy(b + 1)), incidentsIn[b],
                    percentiles(t.detection), percentiles(t.action), t.accuracy(), t.falsePositiveRate(), failures[b], retries[b]));
        }
        return out;
    }

    /** Incidents detected in [from, to); a null {@code to} is no upper bound. */
    private Map<String, Incident> detected(Instant from, Instant to) {
        Map<String, Incident> byId = new LinkedHashMap<>();
        incidents.forEach(new IncidentStore.Query(null, null, null, null, from, to, 0, null), i -> byId.put(i.id(), i));
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
        void action(Incident i, OutboxEntry e) {
            if (e.status() == OutboxEntry.Status.DONE && e.doneAt() != null) action.add(Math.max(0, Duration.between(i.detectedAt(), e.doneAt()).toMillis()));
        }

        Double accuracy() {
            return withFeedback == 0 ? null : (double) rightSeverity / withFeedback;
        }

        Double falsePositiveRate() {
            return withFeedback == 0 ? null : (double) falsePositives / withFeedback;
        }
    }

    /** Nearest-rank p50, p95 and p99; nulls when there is nothing to rank. */
    static Percentiles percentiles(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        java.util.function.IntFunction<Long> rank = q ->
                sorted.isEmpty() ? null : sorted.get(Math.max(0, (int) Math.ceil(q / 100.0 * sorted.size()) - 1));
        return new Percentiles(rank.apply(50), rank.apply(95), rank.apply(99));
    }
}
