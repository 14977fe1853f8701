package io.opentelemetry.exporter.otlp.http.trace;

import io.opentelemetry.exporter.otlp.internal.HttpExporterBuilder;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.common.internal.StandardComponentId;

/**
 * The SDK's OTLP/HTTP span exporter in its JSON encoding ({@code http/json}). The 1.68 builder
 * offers only protobuf publicly; the JSON mode exists inside, behind a package-private
 * constructor, which this test helper shares a package with.
 */
public final class OtlpHttpJsonSpanExporters {
    private OtlpHttpJsonSpanExporters() {}

    public static OtlpHttpSpanExporterBuilder builder() {
        return new OtlpHttpSpanExporterBuilder(
                new HttpExporterBuilder(StandardComponentId.ExporterType.OTLP_HTTP_JSON_SPAN_EXPORTER, "http://localhost:4318/v1/traces")
                        .exportAsJson(),
                MemoryMode.IMMUTABLE_DATA);
    }
}
