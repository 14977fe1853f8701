package dev.vigil.api;

import dev.vigil.ingest.IngestException;
import dev.vigil.ingest.otlp.OtlpEncoding;
import dev.vigil.ingest.otlp.OtlpTraceIngest;
import dev.vigil.store.StorageException;
import io.javalin.http.Context;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/traces}: OTLP/HTTP trace export (docs/OTLP.md). Answers, success or failure,
 * are written in the request's encoding: an {@code ExportTraceServiceResponse}, or a
 * {@code google.rpc.Status} with the HTTP status OTLP exporters act on (429 and 503 retried
 * after {@code Retry-After}, other failures dropped).
 */
final class TraceRoutes {
    private final OtlpTraceIngest otlp;
    private final long maxBodyBytes;

    TraceRoutes(OtlpTraceIngest otlp, long maxBodyBytes) {
        this.otlp = otlp;
        this.maxBodyBytes = maxBodyBytes;
    }

    void post(Context ctx) {
        OtlpEncoding encoding = OtlpEncoding.ofContentType(ctx.contentType());
        if (encoding == null) {
            throw new ApiException(415, "Content-Type must be application/x-protobuf or application/json (OTLP/HTTP)"
                    + (ctx.contentType() == null ? "" : ", not '" + ctx.contentType() + "'"));
        }
        CompletableFuture<ExportTraceServiceResponse> result;
        try {
            byte[] body = RequestBody.read(ctx, maxBodyBytes);
            result = otlp.export(body, encoding, ctx.header("Content-Encoding"), Authenticator.principal(ctx));
        } catch (IngestException e) {
            fail(ctx, encoding, e.status(), e.getMessage(), e.retryAfterSeconds());
            return;
        } catch (ApiException e) {
            fail(ctx, encoding, e.status(), e.getMessage(), 0);
            return;
        }
        ctx.future(() -> result.handle((response, failure) -> {
            if (failure == null) {
                ctx.contentType(encoding.contentType()).result(encoding.write(response));
            } else {
                // The commit failed: nothing of this request is stored, and the exporter may retry.
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                fail(ctx, encoding, 503, cause instanceof StorageException ? cause.getMessage() : "the event log could not commit", 1);
            }
            return null;
        }));
    }

    private static void fail(Context ctx, OtlpEncoding encoding, int status, String message, long retryAfterSeconds) {
        if (retryAfterSeconds > 0) ctx.header("Retry-After", Long.toString(retryAfterSeconds));
        ctx.status(status).contentType(encoding.contentType()).result(encoding.status(grpcCode(status), message));
    }

    /** The google.rpc.Code closest to an HTTP status, for the Status body. */
    private static int grpcCode(int httpStatus) {
        return switch (httpStatus) {
            case 400, 413, 415 -> 3; // INVALID_ARGUMENT
            case 403 -> 7; // PERMISSION_DENIED
            case 429 -> 8; // RESOURCE_EXHAUSTED
            case 503 -> 14; // UNAVAILABLE
            default -> 13; // INTERNAL
        };
    }
}
