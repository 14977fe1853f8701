package dev.vigil.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/** Ingest bodies, read whole but never beyond the configured bound. */
final class RequestBody {
    private RequestBody() {}

    /**
     * Reads at most {@code maxBytes}, refusing larger bodies (413) without buffering them, and
     * bodies that break off mid-way (400).
     */
    static byte[] read(Context ctx, long maxBytes) {
        long declared = ctx.contentLength();
        if (declared > maxBytes) throw tooLarge(maxBytes);
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) throw tooLarge(maxBytes);
            return body;
        } catch (IOException e) { // the body broke off: the client's fault, not a server failure (500)
            throw new ApiException(400, "the request body could not be read: " + e.getMessage());
        }
    }

    private static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "body larger than the limit of " + maxBytes + " bytes (ingest.max_body_bytes); split the batch");
    }
}
