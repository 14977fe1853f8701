package dev.vigil.api;

import dev.vigil.ingest.IngestException;
import dev.vigil.ingest.otlp.OtlpEncoding;
import dev.vigil.ingest.otlp.OtlpTraceIngest;
import io.javalin.http.Context;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/traces}: OTLP/HTTP trace export (docs/OTLP.md). Answers, success or failure,
 * are written in the request's encoding: an {@code ExportTraceServiceResponse}, or a
 * {@code google.rpc.Status} with the HTTP status OTLP exporters act on (429 and 503 retried
 * after {@code Retry-After}, other failures dropped). Every failure is answered here, none left
 * to the API's global handlers, whose Vigil JSON a protobuf client could not read.
 */
final class TraceRoutes {
    private static final Logger log = LoggerFactory.getLogger(TraceRoutes.class);

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
            fail(ctx, encoding, e);
            return;
        } catch (ApiException e) {
            fail(ctx, encoding, new IngestException(e.status(), e.getMessage()));
            return;
        } catch (RuntimeException e) {
            log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            fail(ctx, encoding, new IngestException(500, "internal error; see the server log"));
            return;
        }
        ctx.future(() -> result.handle((response, failure) -> {
            if (failure == null) ctx.contentType(encoding.contentType()).result(encoding.write(response));
            else fail(ctx, encoding, IngestException.commitFailed(failure));
            return null;
        }));
    }

    private static void fail(Context ctx, OtlpEncoding encoding, IngestException e) {
        if (e.retryAfterSeconds() > 0) ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        ctx.status(e.status()).contentType(encoding.contentType()).result(encoding.status(grpcCode(e.status()), e.getMessage()));
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
