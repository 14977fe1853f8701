package dev.vigil.ingest.otlp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.auth.Principal;
import dev.vigil.config.VigilConfig;
import dev.vigil.event.Kind;
import dev.vigil.ingest.IngestException;
import dev.vigil.ingest.IngestItem;
import dev.vigil.ingest.IngestResult;
import dev.vigil.ingest.IngestService;
import dev.vigil.config.Json;
import dev.vigil.metrics.VigilMetrics;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OTLP/HTTP trace export ({@code POST /v1/traces}): decode the request, map each GenAI span to an
 * event, and hand the events to {@link IngestService}, the same validation, authorization, rate
 * limit and durable commit as {@code POST /v1/events}. The answer completes after the commit,
 * so a 200 means stored, and it names the spans that were rejected (OTLP partial success).
 */
public final class OtlpTraceIngest {
    /** Rejections spelled out in the partial-success message; the count covers all of them. */
    private static final int MAX_REASONS = 5;
    private static final int MAX_MESSAGE_CHARS = 2048;

    private final IngestService ingest;
    private final OtlpDecoder decoder;
    private final SpanMapper mapper;
    private final VigilMetrics metrics;

    public OtlpTraceIngest(IngestService ingest, VigilConfig.Ingest config, VigilMetrics metrics) {
        ObjectMapper json = Json.nestingBounded(config.maxNesting());
        this.ingest = ingest;
        this.decoder = new OtlpDecoder(config.maxBodyBytes(), config.maxNesting(), json);
        this.mapper = new SpanMapper(ingest.limits(), json);
        this.metrics = metrics;
    }

    /**
     * @param contentEncoding the request's {@code Content-Encoding}, or null
     * @throws IngestException when the request is refused as a whole (nothing stored)
     */
    public CompletableFuture<ExportTraceServiceResponse> export(byte[] body, OtlpEncoding encoding, String contentEncoding,
                                                                Principal caller) {
        ExportTraceServiceRequest request = ingest.decode(() -> decoder.decode(body, encoding, contentEncoding));
        Mapped mapped = map(request);
        return ingest.ingest(mapped.events(), caller, IngestService.Partial.REJECT_EVENT).thenApply(result -> {
            metrics.otlpSpans("accepted", result.accepted());
            metrics.otlpSpans("rejected", result.rejected().size());
            metrics.otlpSpans("ignored", mapped.ignored());
            return response(result, mapped.spanIds());
        });
    }

    /** @param spanIds hex id of the span behind each event, for naming the rejected ones */
    private record Mapped(List<IngestItem> events, List<String> spanIds, int ignored) {}

    /** Counts the GenAI spans and refuses too many before mapping any, so a refused request builds no events. */
    private Mapped map(ExportTraceServiceRequest request) {
        List<Kind> kinds = new ArrayList<>();
        int genAi = 0;
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (Span span : scopeSpans.getSpansList()) {
                    Kind kind = GenAiSpanKinds.of(span);
                    kinds.add(kind);
                    if (kind != null) genAi++;
                }
            }
        }
        ingest.checkRequestSize(genAi);
        List<IngestItem> events = new ArrayList<>(genAi);
        List<String> spanIds = new ArrayList<>(genAi);
        Iterator<Kind> kindOfNext = kinds.iterator();
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            Map<String, AnyValue> resource = SpanAttributes.index(resourceSpans.getResource().getAttributesList());
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (Span span : scopeSpans.getSpansList()) {
                    Kind kind = kindOfNext.next();
                    if (kind == null) continue;
                    SpanMapper.SpanEvent mapped = mapper.map(span, kind, resource);
                    events.add(mapped.event());
                    spanIds.add(mapped.spanId());
                }
            }
        }
        return new Mapped(events, spanIds, kinds.size() - genAi);
    }

    private static ExportTraceServiceResponse response(IngestResult result, List<String> spanIds) {
        if (result.rejected().isEmpty()) return ExportTraceServiceResponse.getDefaultInstance();
        StringBuilder message = new StringBuilder().append(result.rejected().size()).append(" span(s) rejected: ");
        int shown = Math.min(MAX_REASONS, result.rejected().size());
        for (int i = 0; i < shown; i++) {
            IngestResult.Rejection r = result.rejected().get(i);
            if (i > 0) message.append("; ");
            message.append("span ").append(spanIds.get(r.index())).append(": ").append(r.error());
        }
        if (shown < result.rejected().size()) message.append("; and ").append(result.rejected().size() - shown).append(" more");
        String text = message.length() <= MAX_MESSAGE_CHARS ? message.toString() : message.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
        return ExportTraceServiceResponse.newBuilder()
                .setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                        .setRejectedSpans(result.rejected().size())
                        .setErrorMessage(text))
                .build();
    }
}
