package dev.vigil.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.AgentIds;
import dev.vigil.event.EventLimits;
import dev.vigil.event.Utf16;
import dev.vigil.event.InvalidEventException;
import java.util.ArrayList;
import java.util.List;

/**
 * The optional fields of one span's event, held to {@link EventLimits} before the event is
 * validated: a value that would fail validation is cut (text) or dropped (anything else), and
 * each of those is listed in {@code attrs.dropped}. {@code POST /v1/events} rejects such an event,
 * which its sender can fix and resend; an exporter cannot, and rejecting the whole span would hide
 * from the rules a tool call or an LLM call that did happen. One instance per span.
 */
final class OptionalFields {
    private final EventLimits limits;
    private final List<String> dropped = new ArrayList<>();

    OptionalFields(EventLimits limits) {
        this.limits = limits;
    }

    /**
     * An identifier (run, model): cut to {@link EventLimits#maxIdLength}; dropped if it has control
     * characters or is not well-formed UTF-16 ({@link AgentIds#identifierProblem}).
     */
    String id(String field, String value) {
        if (value == null) return null;
        String problem = AgentIds.identifierProblem(value);
        if (problem != null) {
            dropped.add(field + ": " + problem);
            return null;
        }
        return text(field, value, limits.maxIdLength());
    }

    /** Text (tool name): cut to {@code max} characters; dropped if it is not well-formed UTF-16. */
    String text(String field, String value, int max) {
        if (value == null) return null;
        String malformed = Utf16.problem(value);
        if (malformed != null) {
            dropped.add(field + ": " + malformed);
            return null;
        }
        if (value.length() <= max) return value;
        dropped.add(field + ": cut to " + max + " characters from " + value.length());
        return Texts.truncate(value, max);
    }

    /** Temperature, cost: kept when finite and not negative, as the event rules require. */
    JsonNode amount(String field, JsonNode value) {
        if (value == null) return null;
        double d = value.doubleValue();
        if (Double.isFinite(d) && d >= 0) return value;
        dropped.add(field + ": " + value.asText() + " is not a finite number of at least 0");
        return null;
    }

    /** Token counts: kept when whole and not negative. */
    JsonNode count(String field, JsonNode value) {
        JsonNode amount = amount(field, value);
        if (amount == null || amount.canConvertToExactIntegral() && amount.doubleValue() <= Long.MAX_VALUE / 2) return amount;
        dropped.add(field + ": " + amount.asText() + " is not a whole number of tokens");
        return null;
    }

    /** Params: kept within the depth and size bounds of {@link EventLimits#checkObject}. */
    ObjectNode object(String field, ObjectNode value) {
        if (value == null) return null;
        try {
            limits.checkObject(field, value);
            return value;
        } catch (InvalidEventException e) {
            dropped.add(e.getMessage());
            return null;
        }
    }

    /** Lists what was cut or dropped in {@code attrs.dropped}, if anything was. */
    void recordIn(ObjectNode attrs) {
        if (dropped.isEmpty()) return;
        ArrayNode list = attrs.putArray("dropped");
        dropped.forEach(list::add);
    }
}
