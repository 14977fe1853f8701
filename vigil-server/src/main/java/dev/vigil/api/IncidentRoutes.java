package dev.vigil.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.incident.Incident;
import dev.vigil.incident.IncidentException;
import dev.vigil.incident.IncidentManager;
import dev.vigil.incident.IncidentStore;
import dev.vigil.config.Json;
import dev.vigil.rule.Severity;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /v1/incidents}: list, detail, acknowledge, resolve, feedback. */
final class IncidentRoutes {
    private final IncidentManager incidents;

    IncidentRoutes(IncidentManager incidents) {
        this.incidents = incidents;
    }

    void list(Context ctx) {
        String status = ctx.queryParam("status");
        String severity = ctx.queryParam("severity");
        Incident.Status s = status == null ? null : Incident.Status.fromWire(status);
        if (status != null && s == null) throw new ApiException(400, "status: must be open, acknowledged or resolved");
        Severity sev = severity == null ? null : Severity.fromWire(severity);
        if (severity != null && sev == null) throw new ApiException(400, "severity: must be critical, high, medium or low");
        IncidentStore.Page page;
        try {
            page = incidents.store().list(new IncidentStore.Query(s, sev, ctx.queryParam("agent"), ctx.queryParam("rule"),
                    Params.instant(ctx, "since"), Params.limit(ctx), ctx.queryParam("cursor")));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("incidents", page.incidents());
        body.put("next_cursor", page.nextCursor());
        ctx.json(body);
    }

    void get(Context ctx) {
        ctx.json(incidents.store().get(ctx.pathParam("id"))
                .orElseThrow(() -> new ApiException(404, "no incident " + ctx.pathParam("id"))));
    }

    void acknowledge(Context ctx) {
        JsonNode body = body(ctx);
        ctx.json(incidents.acknowledge(ctx.pathParam("id"), actor(ctx), text(body, "note")));
    }

    void resolve(Context ctx) {
        JsonNode body = body(ctx);
        ctx.json(incidents.resolve(ctx.pathParam("id"), actor(ctx), text(body, "note")));
    }

    void feedback(Context ctx) {
        JsonNode body = body(ctx);
        String verdictText = text(body, "verdict");
        Incident.Verdict verdict = verdictText == null ? null : Incident.Verdict.fromWire(verdictText);
        if (verdict == null) throw new ApiException(400, "verdict: must be true_positive or false_positive");
        String severityText = text(body, "severity");
        Severity severity = severityText == null ? null : Severity.fromWire(severityText);
        if (severityText != null && severity == null) throw new ApiException(400, "severity: must be critical, high, medium or low");
        ctx.json(incidents.feedback(ctx.pathParam("id"), actor(ctx), verdict, severity, text(body, "note")));
    }

    static void failed(IncidentException e, Context ctx) {
        int status = switch (e.reason()) {
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case INVALID -> 400;
        };
        ctx.status(status).json(Map.of("error", e.getMessage()));
    }

    private static String actor(Context ctx) {
        return Authenticator.principal(ctx).name();
    }

    private static JsonNode body(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) return Json.MAPPER.createObjectNode();
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            if (!node.isObject()) throw new ApiException(400, "body must be a JSON object");
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiException(400, "body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new ApiException(400, field + ": must be a string");
        if (v.textValue().length() > 4096) throw new ApiException(400, field + ": longer than 4096 characters");
        return v.textValue();
    }
}
