package dev.vigil.api;

import dev.vigil.ingest.IngestException;
import dev.vigil.ingest.IngestResult;
import dev.vigil.ingest.IngestService;
import dev.vigil.store.EventLog;
import dev.vigil.store.EventPage;
import dev.vigil.store.EventQuery;
import io.javalin.http.Context;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code POST /v1/events} (ingest) and {@code GET /v1/events} (read the log back). */
final class EventRoutes {
    private final IngestService ingest;
    private final EventLog eventLog;
    private final long maxBodyBytes;

    EventRoutes(IngestService ingest, EventLog eventLog, long maxBodyBytes) {
        this.ingest = ingest;
        this.eventLog = eventLog;
        this.maxBodyBytes = maxBodyBytes;
    }

    void post(Context ctx) {
        byte[] body = RequestBody.read(ctx, maxBodyBytes);
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase();
        boolean ndjson = type.startsWith("application/x-ndjson") || type.startsWith("application/ndjson");
        CompletableFuture<IngestResult> result = ingest.ingest(body, ndjson, Authenticator.principal(ctx));
        ctx.future(() -> result.handle((r, failure) -> {
            if (failure == null) ctx.status(202).json(r);
            else ingestFailed(IngestException.commitFailed(failure), ctx);
            return null;
        }));
    }

    void list(Context ctx) {
        int limit = Params.limit(ctx);
        EventPage.Cursor cursor = null;
        if (ctx.queryParam("cursor") != null) {
            try {
                cursor = EventPage.Cursor.decode(ctx.queryParam("cursor"));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, e.getMessage());
            }
        }
        EventPage page = eventLog.query(new EventQuery(
                ctx.queryParam("agent"), ctx.queryParam("run"), ctx.queryParam("task"), ctx.queryParam("kind"),
                Params.instant(ctx, "since"), Params.instant(ctx, "until"), limit, cursor));
        // The stored bodies are JSON already: splice them in rather than parse and re-serialize.
        StringBuilder json = new StringBuilder(page.bodies().size() * 400 + 64).append("{\"events\":[");
        for (int i = 0; i < page.bodies().size(); i++) {
            if (i > 0) json.append(',');
            json.append(page.bodies().get(i));
        }
        json.append("],\"next_cursor\":");
        json.append(page.nextCursor() == null ? "null" : "\"" + page.nextCursor().encode() + "\"").append('}');
        ctx.contentType("application/json").result(json.toString());
    }

    static void ingestFailed(IngestException e, Context ctx) {
        if (e.retryAfterSeconds() > 0) ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        ctx.status(e.status());
        if (e.rejected().isEmpty()) ctx.json(Map.of("error", e.getMessage()));
        else ctx.json(Map.of("error", e.getMessage(), "rejected", e.rejected()));
    }
}
