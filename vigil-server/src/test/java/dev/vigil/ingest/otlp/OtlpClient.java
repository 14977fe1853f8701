package dev.vigil.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.util.JsonFormat;
import dev.vigil.config.Json;
import dev.vigil.server.TestVigil;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPOutputStream;

/** Hand-built OTLP requests, posted as raw bytes, for the cases an SDK never produces. */
final class OtlpClient {
    private final TestVigil vigil;
    private final HttpClient http = HttpClient.newHttpClient();

    OtlpClient(TestVigil vigil) {
        this.vigil = vigil;
    }

    /** @param retryAfter the Retry-After header, or null */
    record Answer(int status, String contentType, String retryAfter, byte[] body) {
        ExportTraceServiceResponse response() {
            try {
                if (contentType.startsWith("application/json")) {
                    ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
                    JsonFormat.parser().merge(new String(body, StandardCharsets.UTF_8), b);
                    return b.build();
                }
                return ExportTraceServiceResponse.parseFrom(body);
            } catch (IOException e) {
                throw new AssertionError("not an ExportTraceServiceResponse: " + this, e);
            }
        }

        /** The google.rpc.Status message of a failed request, decoded by hand like the server wrote it. */
        String statusMessage() {
            return rpcStatus().message();
        }

        record RpcStatus(int code, String message) {}

        RpcStatus rpcStatus() {
            try {
                if (contentType.startsWith("application/json")) {
                    JsonNode status = Json.MAPPER.readTree(body);
                    return new RpcStatus(status.get("code").intValue(), status.get("message").textValue());
                }
                CodedInputStream in = CodedInputStream.newInstance(body);
                int code = 0;
                String message = null;
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    switch (tag >>> 3) {
                        case 1 -> code = in.readInt32();
                        case 2 -> message = in.readString();
                        default -> in.skipField(tag);
                    }
                }
                return new RpcStatus(code, message);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + new String(body, StandardCharsets.UTF_8);
        }
    }

    Answer post(ExportTraceServiceRequest request) {
        return post(request.toByteArray(), "application/x-protobuf", null, TestVigil.AGENT);
    }

    Answer post(byte[] body, String contentType, String contentEncoding, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(vigil.url("/v1/traces")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (contentEncoding != null) b.header("Content-Encoding", contentEncoding);
        if (key != null) b.header("Authorization", "Bearer " + key);
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                    r.headers().firstValue("Retry-After").orElse(null), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static ExportTraceServiceRequest request(List<KeyValue> resource, Span... spans) {
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder().addAllAttributes(resource))
                        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
                .build();
    }

    /** A span with fresh random ids, from {@code start} lasting {@code millis}. */
    static Span.Builder span(String name, Instant start, long millis, KeyValue... attributes) {
        byte[] traceId = new byte[16];
        byte[] spanId = new byte[8];
        ThreadLocalRandom.current().nextBytes(traceId);
        ThreadLocalRandom.current().nextBytes(spanId);
        long startNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
        return Span.newBuilder().setName(name)
                .setTraceId(ByteString.copyFrom(traceId)).setSpanId(ByteString.copyFrom(spanId))
                .setStartTimeUnixNano(startNanos).setEndTimeUnixNano(startNanos + millis * 1_000_000)
                .addAllAttributes(List.of(attributes));
    }

    static KeyValue text(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static KeyValue integer(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    static KeyValue decimal(String key, double value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setDoubleValue(value)).build();
    }
}
