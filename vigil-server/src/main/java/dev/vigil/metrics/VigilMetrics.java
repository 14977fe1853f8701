package dev.vigil.metrics;

import dev.vigil.incident.Incident;
import dev.vigil.incident.IncidentChange;
import dev.vigil.rule.Severity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Vigil's own measurements, exposed at {@code /metrics} in the Prometheus text format. Every
 * meter Vigil records is named here, so the list of metrics reads in one place.
 */
public final class VigilMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter ingested;
    private final ConcurrentMap<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Timer commitLatency;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public VigilMetrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        ingested = Counter.builder("vigil.events.ingested")
                .description("Events durably stored in the event log")
                .register(registry);
        commitLatency = Timer.builder("vigil.ingest.commit")
                .description("Time to write and commit one group of events to the event log")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    public void ingested(int events) {
        ingested.increment(events);
    }

    /** @param reason malformed, invalid, too_old, too_large, forbidden, rate_limited or overloaded */
    public void rejected(String reason, int events) {
        rejected.computeIfAbsent(reason, r -> Counter.builder("vigil.events.rejected")
                .description("Events refused at ingest, by reason")
                .tag("reason", r)
                .register(registry)).increment(events);
    }

    /** @param outcome accepted (stored, or a duplicate of a stored one), rejected, or ignored (not a GenAI span) */
    public void otlpSpans(String outcome, int spans) {
        if (spans == 0) return;
        Counter.builder("vigil.otlp.spans")
                .description("OTLP spans received on /v1/traces, by what became of them")
                .tag("outcome", outcome)
                .register(registry).increment(spans);
    }

    /** A new incident: counted by severity and rule; its detection latency observed by severity. */
    /** Counts what the incident stage hands on: new incidents (with their detection latency), escalations, verdicts. */
    public void incidentChanged(IncidentChange change) {
        Incident i = change.incident();
        switch (change.kind()) {
            case OPENED -> incidentOpened(i.severity().wire(), i.rule(), Duration.ofMillis(Math.max(0, i.detectionLatencyMs())));
            case ESCALATED -> escalated(i.severity().wire(), Severity.MEDIUM.wire());
            case FEEDBACK -> feedback(i.feedback().verdict().wire());
            default -> {}
        }
    }

    private void incidentOpened(String severity, String rule, Duration detectionLatency) {
        Counter.builder("vigil.incidents")
                .description("Incidents opened, by severity and rule")
                .tag("severity", severity).tag("rule", rule)
                .register(registry).increment();
        Timer.builder("vigil.detection.latency")
                .description("From a triggering event's arrival to its incident's detection")
                .tag("severity", severity)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry).record(detectionLatency);
    }

    /** A response action finished: its outcome, and the time from detection to its completion. */
    public void actionCompleted(String action, String outcome, Duration sinceDetection) {
        Counter.builder("vigil.actions")
                .description("Response actions by action and outcome (succeeded, failed, skipped)")
                .tag("action", action).tag("outcome", outcome)
                .register(registry).increment();
        if (!"succeeded".equals(outcome)) return;
        Timer.builder("vigil.action.latency")
                .description("From an incident's detection to the completion of one of its actions")
                .tag("action", action)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry).record(sinceDetection.isNegative() ? Duration.ZERO : sinceDetection);
    }

    private void escalated(String from, String to) {
        Counter.builder("vigil.escalations").description("Incidents escalated to another protocol")
                .tag("from", from).tag("to", to).register(registry).increment();
    }

    private void feedback(String verdict) {
        Counter.builder("vigil.feedback").description("Operator verdicts on incidents")
                .tag("verdict", verdict).register(registry).increment();
    }

    /** Gauges read from a supplier at scrape time, such as escalation accuracy. */
    public void gauge(String name, String description, java.util.function.DoubleSupplier value) {
        // Strong: Micrometer holds gauge state weakly, and nothing else holds this supplier.
        io.micrometer.core.instrument.Gauge.builder(name, value, java.util.function.DoubleSupplier::getAsDouble)
                .strongReference(true).description(description).register(registry);
    }

    /** A rule's group state was evicted because the rule reached its group cap. */
    public void groupEvicted(String rule) {
        Counter.builder("vigil.detect.groups.evicted")
                .description("Groups evicted because a rule reached detection.max_groups_per_rule")
                .tag("rule", rule).register(registry).increment();
    }

    /** An event arrived later than the out-of-order tolerance and was left out of a rule's windows. */
    public void lateEvent(String rule) {
        Counter.builder("vigil.detect.late.events")
                .description("Events left out of windows for arriving later than detection.out_of_order")
                .tag("rule", rule).register(registry).increment();
    }

    public Timer commitLatency() {
        return commitLatency;
    }

    /** Records one HTTP request under its route template, so ids in paths do not explode the series. */
    public void httpRequest(String method, String route, int status, Duration took) {
        Timer.builder("http.server.requests")
                .tag("method", method)
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .register(registry)
                .record(took);
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
