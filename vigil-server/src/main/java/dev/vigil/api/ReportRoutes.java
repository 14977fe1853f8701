package dev.vigil.api;

import dev.vigil.incident.Incident;
import dev.vigil.incident.IncidentStore;
import dev.vigil.respond.Outbox;
import dev.vigil.rule.Severity;
import dev.vigil.time.Durations;
import io.javalin.http.Context;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The review queue (medium incidents, batched) and the weekly report (JSON or Markdown). */
final class ReportRoutes {
    private static final Pattern WEEK = Pattern.compile("(\\d{4})-W(\\d{2})");

    private final IncidentStore incidents;
    private final Outbox outbox;
    private final dev.vigil.respond.ResponseStats stats;
    private final java.time.Clock clock;

    ReportRoutes(IncidentStore incidents, Outbox outbox, dev.vigil.respond.ResponseStats stats, java.time.Clock clock) {
        this.incidents = incidents;
        this.outbox = outbox;
        this.stats = stats;
        this.clock = clock;
    }

    /** {@code GET /v1/stats/response?since=}: the response's own figures; default the last 7 days. */
    void responseStats(Context ctx) {
        Instant since = Params.instant(ctx, "since");
        ctx.json(stats.since(since != null ? since : clock.instant().minus(java.time.Duration.ofDays(7))));
    }

    /** Buckets a chart can draw without the browser choking; a year by the hour is more than this. */
    private static final int MAX_BUCKETS = 1000;
    /** Every incident of the period is read to compute it: a period longer than this is a job for the weekly reports. */
    static final java.time.Duration MAX_SERIES_PERIOD = java.time.Duration.ofDays(90);

    /**
     * {@code GET /v1/stats/response/series?since=&until=&step=}: the same figures per time bucket,
     * for the dashboard's charts; default the last 24 hours by the hour. {@code period} (e.g.
     * {@code 6h}) instead of {@code since} means that long before {@code until}, so a chart of
     * "the last hour" needs no second request for the server's time.
     */
    void responseSeries(Context ctx) {
        Instant until = Params.instant(ctx, "until");
        if (until == null) until = clock.instant();
        Instant since = Params.instant(ctx, "since");
        if (since == null) since = until.minus(duration(ctx, "period", java.time.Duration.ofHours(24)));
        java.time.Duration step = duration(ctx, "step", java.time.Duration.ofHours(1));
        if (step.isZero()) throw new ApiException(400, "step: must be longer than zero");
        if (!since.isBefore(until)) throw new ApiException(400, "since: must be before until");
        if (java.time.Duration.between(since, until).compareTo(MAX_SERIES_PERIOD) > 0) {
            throw new ApiException(400, "since: the period from since to until may be at most " + MAX_SERIES_PERIOD.toDays() + " days");
        }
        long buckets = Math.ceilDiv(java.time.Duration.between(since, until).toMillis(), step.toMillis());
        if (buckets > MAX_BUCKETS) {
            throw new ApiException(400, "step: " + Durations.format(step) + " makes " + buckets + " buckets; at most " + MAX_BUCKETS + ", so use a longer step or a shorter period");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("since", since);
        body.put("until", until);
        body.put("step", Durations.format(step));
        body.put("buckets", stats.series(since, until, step));
        ctx.json(body);
    }

    /** A duration parameter such as {@code 15m}; at most {@link #MAX_SERIES_PERIOD}, which also keeps it clear of overflowing. */
    private static java.time.Duration duration(Context ctx, String param, java.time.Duration absent) {
        String value = ctx.queryParam(param);
        if (value == null) return absent;
        java.time.Duration d;
        try {
            d = Durations.parse(value);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ApiException(400, param + ": " + e.getMessage());
        }
        if (d.compareTo(MAX_SERIES_PERIOD) > 0) throw new ApiException(400, param + ": at most " + MAX_SERIES_PERIOD.toDays() + " days");
        return d;
    }

    /** Medium and escalated incidents awaiting review (open or acknowledged), grouped by the batch they joined. */
    void review(Context ctx) {
        Instant now = clock.instant();
        Map<String, List<Incident>> batches = new TreeMap<>(java.util.Comparator.reverseOrder());
        for (Outbox.Entry e : outbox.created("batch", now.minus(java.time.Duration.ofDays(30)), now.plusSeconds(1))) {
            Incident i = incidents.get(e.incident()).orElse(null);
            if (i == null || !i.active()) continue;
            long every = java.time.Duration.parse(e.payload().path("every").asText("PT15M")).toMillis();
            long start = Math.floorDiv(e.createdAt().toEpochMilli(), every) * every;
            String window = Instant.ofEpochMilli(start) + "/" + Instant.ofEpochMilli(start + every);
            List<Incident> batch = batches.computeIfAbsent(window, w -> new ArrayList<>());
            if (batch.stream().noneMatch(x -> x.id().equals(i.id()))) batch.add(i);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        batches.forEach((window, list) -> {
            list.sort(java.util.Comparator.comparing(Incident::detectedAt).reversed()); // newest first, like the batches
            String[] bounds = window.split("/");
            out.add(Map.of("batch_start", bounds[0], "batch_end", bounds[1], "incidents", list));
        });
        ctx.json(Map.of("batches", out));
    }

    void weekly(Context ctx) {
        String weekParam = ctx.queryParam("week");
        LocalDate monday;
        String week;
        if (weekParam == null) {
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
            monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        } else {
            Matcher m = WEEK.matcher(weekParam);
            if (!m.matches()) throw new ApiException(400, "week: use the ISO form YYYY-Www, such as 2026-W48");
            try {
                monday = LocalDate.of(Integer.parseInt(m.group(1)), 6, 1)
                        .with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, Long.parseLong(m.group(2)))
                        .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            } catch (RuntimeException e) {
                throw new ApiException(400, "week: no such week: " + weekParam);
            }
        }
        week = monday.get(IsoFields.WEEK_BASED_YEAR) + "-W" + String.format("%02d", monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        Instant from = monday.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = from.plus(java.time.Duration.ofDays(7));
        List<Incident> all = new ArrayList<>();
        IncidentPages.forEach(incidents, new IncidentStore.Query(null, null, null, null, from, to, 0, null), all::add);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("week", week);
        report.put("from", from);
        report.put("to", to);
        report.put("total", all.size());
        report.put("by_severity", bySeverity(all));
        report.put("by_agent", count(all, Incident::agent));
        report.put("by_rule", count(all, Incident::rule));
        report.put("by_category", count(all, i -> i.category().wire()));
        List<Incident> low = all.stream().filter(i -> i.severity() == Severity.LOW).toList();
        report.put("low", low.stream().map(i -> Map.of("id", i.id(), "agent", i.agent(), "rule", i.rule(), "title", i.title(),
                "count", i.count(), "detected_at", i.detectedAt().toString())).toList());
        if ("markdown".equals(ctx.queryParam("format"))) {
            ctx.contentType("text/markdown; charset=utf-8").result(markdown(report, low));
        } else {
            ctx.json(report);
        }
    }

    /** Counts by severity, most severe first (not alphabetically: "low" before "medium" reads wrong). */
    private static Map<String, Integer> bySeverity(List<Incident> all) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Severity s : Severity.values()) {
            int n = (int) all.stream().filter(i -> i.severity() == s).count();
            if (n > 0) counts.put(s.wire(), n);
        }
        return counts;
    }

    private static Map<String, Integer> count(List<Incident> all, java.util.function.Function<Incident, String> key) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Incident i : all) counts.merge(key.apply(i), 1, Integer::sum);
        return counts;
    }

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> r, List<Incident> low) {
        StringBuilder s = new StringBuilder("# Vigil weekly report, ").append(r.get("week")).append("\n\n");
        s.append(r.get("total")).append(" incidents from ").append(r.get("from")).append(" to ").append(r.get("to")).append(".\n");
        for (String section : List.of("by_severity", "by_agent", "by_rule", "by_category")) {
            s.append("\n## ").append(section.replace("by_", "By ")).append("\n\n| | incidents |\n|---|---|\n");
            ((Map<String, Integer>) r.get(section)).forEach((k, v) -> s.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        }
        s.append("\n## Low-severity incidents to review\n\n");
        if (low.isEmpty()) s.append("None.\n");
        for (Incident i : low) {
            s.append("- ").append(i.detectedAt()).append(" **").append(i.agent()).append("**: ").append(i.title())
                    .append(" (`").append(i.rule()).append("`, ").append(i.count()).append("x)\n");
        }
        return s.toString();
    }
}
