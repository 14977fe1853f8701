package dev.vigil.api;

import dev.vigil.report.ResponseStats;
import dev.vigil.report.ReviewQueue;
import dev.vigil.report.WeeklyReport;
import dev.vigil.time.Durations;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The response's own figures, the review queue and the weekly report: parameters in, the report package's answers out. */
final class ReportRoutes {
    private final ResponseStats stats;
    private final ReviewQueue review;
    private final WeeklyReport weekly;
    private final Clock clock;

    ReportRoutes(ResponseStats stats, ReviewQueue review, WeeklyReport weekly, Clock clock) {
        this.stats = stats;
        this.review = review;
        this.weekly = weekly;
        this.clock = clock;
    }

    /** {@code GET /v1/stats/response?since=}: the response's own figures; default the last 7 days. */
    void responseStats(Context ctx) {
        Instant since = Params.instant(ctx, "since");
        ctx.json(stats.since(since != null ? since : clock.instant().minus(Duration.ofDays(7))));
    }

    /** Buckets a chart can draw without the browser choking; a year by the hour is more than this. */
    private static final int MAX_BUCKETS = 1000;
    /** Every incident of the period is read to compute it: a period longer than this is a job for the weekly reports. */
    static final Duration MAX_SERIES_PERIOD = Duration.ofDays(90);

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
        if (since == null) since = until.minus(duration(ctx, "period", Duration.ofHours(24)));
        Duration step = duration(ctx, "step", Duration.ofHours(1));
        if (step.isZero()) throw new ApiException(400, "step: must be longer than zero");
        if (!since.isBefore(until)) throw new ApiException(400, "since: must be before until");
        if (Duration.between(since, until).compareTo(MAX_SERIES_PERIOD) > 0) {
            throw new ApiException(400, "since: the period from since to until may be at most " + MAX_SERIES_PERIOD.toDays() + " days");
        }
        long buckets = Math.ceilDiv(Duration.between(since, until).toMillis(), step.toMillis());
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
    private static Duration duration(Context ctx, String param, Duration absent) {
        String value = ctx.queryParam(param);
        if (value == null) return absent;
        Duration d;
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
        ctx.json(Map.of("batches", review.batches()));
    }

    /** {@code GET /v1/reports/weekly?week=2026-W48&format=markdown}; default this week, as JSON. */
    void weekly(Context ctx) {
        WeeklyReport.Report report;
        try {
            report = weekly.of(ctx.queryParam("week"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        if ("markdown".equals(ctx.queryParam("format"))) {
            ctx.contentType("text/markdown; charset=utf-8").result(WeeklyReport.markdown(report));
        } else {
            ctx.json(report);
        }
    }
}
