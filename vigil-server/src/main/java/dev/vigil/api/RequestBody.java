package dev.vigil.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Ingest bodies, read whole but never beyond the configured bound. */
final class RequestBody {
    private RequestBody() {}

    /** Reads at most {@code maxBytes}, refusing larger bodies (413) without buffering them. */
    static byte[] read(Context ctx, long maxBytes) {
        long declared = ctx.contentLength();
        if (declared > maxBytes) throw tooLarge(maxBytes);
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) throw tooLarge(maxBytes);
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "body larger than the limit of " + maxBytes + " bytes (ingest.max_body_bytes); split the batch");
    }
}
