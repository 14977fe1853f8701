package dev.vigil.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What the SDK enforces of an agent's control document: the pause and the telemetry level.
 * Immutable; replaced as a whole when a new document arrives.
 */
record ControlState(boolean paused, String reason, String pausedBy, Instant since, TelemetryLevel telemetry, long version) {
    /** Before the first document: running, as the server treats an agent it has no document for. */
    static final ControlState UNKNOWN = new ControlState(false, null, null, null, TelemetryLevel.NORMAL, -1);

    static ControlState of(JsonNode document) {
        return new ControlState("paused".equals(document.path("state").asText()), text(document, "reason"),
                text(document, "paused_by"), instant(document.path("since")),
                TelemetryLevel.parse(document.path("telemetry").path("level").asText(null)),
                document.path("version").asLong());
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() ? v.textValue() : null;
    }

    static Instant instant(JsonNode node) {
        try {
            return node.isTextual() ? Instant.parse(node.textValue()) : null;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
