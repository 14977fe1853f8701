package dev.vigil.ingest.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import dev.vigil.ingest.IngestException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Base64;
import java.util.HexFormat;

/**
 * OTLP JSON writes trace and span ids as hex, where the standard protobuf JSON mapping that
 * {@link JsonFormat} implements reads bytes as base64. Hex digits are base64 digits too, so the
 * ids parse without error into the wrong bytes; this turns them back. A 32- or 16-digit id is
 * whole base64 groups (4 digits to 3 bytes), so encoding the wrong bytes again gives back exactly
 * the digits that were sent. Both JSON spellings ({@code traceId}, {@code trace_id}) land here.
 */
final class OtlpJsonIds {
    private OtlpJsonIds() {}

    static void hexToBytes(ExportTraceServiceRequest.Builder request) {
        for (ResourceSpans.Builder resourceSpans : request.getResourceSpansBuilderList()) {
            for (ScopeSpans.Builder scopeSpans : resourceSpans.getScopeSpansBuilderList()) {
                for (Span.Builder span : scopeSpans.getSpansBuilderList()) {
                    span.setTraceId(hex(span.getTraceId(), "traceId"))
                            .setSpanId(hex(span.getSpanId(), "spanId"))
                            .setParentSpanId(hex(span.getParentSpanId(), "parentSpanId"));
                    for (Span.Link.Builder link : span.getLinksBuilderList()) {
                        link.setTraceId(hex(link.getTraceId(), "traceId")).setSpanId(hex(link.getSpanId(), "spanId"));
                    }
                }
            }
        }
    }

    private static ByteString hex(ByteString readAsBase64, String field) {
        if (readAsBase64.isEmpty()) return readAsBase64;
        String digits = Base64.getEncoder().encodeToString(readAsBase64.toByteArray());
        try {
            return ByteString.copyFrom(HexFormat.of().parseHex(digits));
        } catch (IllegalArgumentException e) {
            throw new IngestException(400, "a span's " + field + " is not hex; OTLP JSON writes trace ids as 32 hex digits"
                    + " and span ids as 16");
        }
    }
}
