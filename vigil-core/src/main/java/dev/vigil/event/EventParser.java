package dev.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one decoded JSON object into a validated {@link Event}, or explains in one sentence
 * which field is wrong. Stateless apart from the clock; safe to share between threads.
 */
public final class EventParser {
    private static final Set<String> KNOWN = Set.of(
            "id", "ts", "agent", "run", "task", "kind", "status", "tool", "params", "model",
            "temperature", "tokens", "cost_usd", "latency_ms", "quality", "error", "flags",
            "directive", "attrs",
            // written by Vigil itself; accepted back so a stored event can be re-ingested (replay)
            "received_at", "clamped");

    private final Clock clock;
    private final EventLimits limits;

    public EventParser(Clock clock, EventLimits limits) {
        this.clock = clock;
        this.limits = limits;
    }

    public EventLimits limits() {
        return limits;
    }

    public Event parse(JsonNode node) throws InvalidEventException {
        return parse(node, clock.instant());
    }

    /** Parses with an explicit arrival time, so a whole batch shares one. */
    public Event parse(JsonNode node, Instant arrival) throws InvalidEventException {
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidEventException("event", "must be a JSON object, got " + describe(node));
        }
        String agent = agent(object);
        String kindName = requiredText(object, "kind", limits.maxIdLength());
        Kind kind = Kind.fromWire(kindName);
        if (kind == null) {
            throw new InvalidEventException("kind", "unknown kind '" + kindName + "'; expected one of " + Kind.allowed());
        }
        Status status = null;
        String statusName = optionalText(object, "status", limits.maxIdLength());
        if (statusName != null) {
            status = Status.fromWire(statusName);
            if (status == null) {
                throw new InvalidEventException("status", "unknown status '" + statusName + "'; expected ok or error");
            }
        }

        Instant ts = arrival;
        boolean clamped = false;
        String tsText = optionalText(object, "ts", 64);
        if (tsText != null) {
            try {
                ts = Instant.parse(tsText);
            } catch (DateTimeParseException e) {
                throw new InvalidEventException("ts", "not an ISO-8601 instant such as 2026-11-29T04:00:00Z: '" + tsText + "'");
            }
            if (ts.isAfter(arrival.plus(limits.maxFutureSkew()))) {
                ts = arrival;
                clamped = true;
            } else if (ts.isBefore(arrival.minus(limits.maxAge()))) {
                throw new InvalidEventException("ts", "older than the maximum age of " + limits.maxAge()
                        + " (" + tsText + ")", InvalidEventException.Cause.TOO_OLD);
            }
        }

        String id = optionalId(object, "id");
        if (id == null) {
            id = EventIds.next(arrival.toEpochMilli());
        } else if (id.isBlank()) {
            // An empty id would be a dedup key shared by unrelated events: the second would be dropped.
            throw new InvalidEventException("id", "must not be empty or blank; omit it and Vigil assigns one");
        }

        return new Event(
                id, ts, arrival, clamped, agent,
                optionalId(object, "run"),
                optionalId(object, "task"),
                kind, status,
                optionalText(object, "tool", limits.maxTextLength()),
                boundedObject(object, "params"),
                optionalId(object, "model"),
                optionalNumber(object, "temperature"),
                tokens(object),
                optionalNumber(object, "cost_usd"),
                optionalNumber(object, "latency_ms"),
                optionalNumber(object, "quality"),
                error(object),
                flags(object),
                optionalId(object, "directive"),
                attrs(object));
    }

    /** The agent, held to {@link AgentIds}: the same rule as the agent routes' {@code {id}}. */
    private static String agent(ObjectNode o) throws InvalidEventException {
        String value = optionalText(o, "agent", Integer.MAX_VALUE);
        String problem = AgentIds.problem(value);
        if (problem != null) throw new InvalidEventException("agent", problem);
        return value;
    }

    private String requiredText(ObjectNode o, String field, int maxLength) throws InvalidEventException {
        String value = optionalText(o, field, maxLength);
        if (value == null) throw new InvalidEventException(field, "is required");
        return value;
    }

    /** Identifiers (id, run, task, model, directive) additionally may not contain control characters. */
    private String optionalId(ObjectNode o, String field) throws InvalidEventException {
        String value = optionalText(o, field, limits.maxIdLength());
        if (value != null) {
            String problem = AgentIds.identifierProblem(value);
            if (problem != null) throw new InvalidEventException(field, problem);
        }
        return value;
    }

    private static String optionalText(ObjectNode o, String field, int maxLength) throws InvalidEventException {
        JsonNode node = o.get(field);
        if (node == null || node.isNull()) return null;
        if (!node.isTextual()) {
            throw new InvalidEventException(field, "must be a string, got " + describe(node));
        }
        String value = node.textValue();
        if (value.length() > maxLength) {
            throw new InvalidEventException(field, "longer than " + maxLength + " characters (" + value.length() + ")");
        }
        String malformed = Utf16.problem(value);
        if (malformed != null) throw new InvalidEventException(field, malformed);
        return value;
    }

    /** Counts, costs, latencies and the other numbers on the wire: finite and never negative. */
    private static Double optionalNumber(ObjectNode o, String field) throws InvalidEventException {
        JsonNode node = o.get(field);
        if (node == null || node.isNull()) return null;
        return nonNegative(node, field);
    }

    private static double nonNegative(JsonNode node, String field) throws InvalidEventException {
        if (!node.isNumber()) throw new InvalidEventException(field, "must be a number, got " + describe(node));
        double value = node.doubleValue();
        if (!Double.isFinite(value)) throw new InvalidEventException(field, "must be a finite number");
        if (value < 0) throw new InvalidEventException(field, "must not be negative (" + node.asText() + ")");
        return value + 0.0; // -0.0 becomes 0.0: rules compare it as the zero it means
    }

    private static Event.Tokens tokens(ObjectNode o) throws InvalidEventException {
        JsonNode node = o.get("tokens");
        if (node == null || node.isNull()) return null;
        if (!node.isObject()) throw new InvalidEventException("tokens", "must be an object {input, output}, got " + describe(node));
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("input") && !name.equals("output")) {
                throw new InvalidEventException("tokens." + name, "unknown field; expected input and output");
            }
        }
        return new Event.Tokens(count(node.get("input"), "tokens.input"), count(node.get("output"), "tokens.output"));
    }

    private static long count(JsonNode node, String field) throws InvalidEventException {
        if (node == null || node.isNull()) return 0;
        double value = nonNegative(node, field);
        if (value != Math.rint(value) || value > Long.MAX_VALUE / 2) {
            throw new InvalidEventException(field, "must be a whole number of tokens (" + node.asText() + ")");
        }
        return (long) value;
    }

    private Event.ErrorInfo error(ObjectNode o) throws InvalidEventException {
        JsonNode node = o.get("error");
        if (node == null || node.isNull()) return null;
        if (node.isTextual()) {
            // A bare string is the common shorthand for the error's type.
            return new Event.ErrorInfo(optionalText(o, "error", limits.maxTextLength()), null);
        }
        if (!(node instanceof ObjectNode error)) {
            throw new InvalidEventException("error", "must be an object {type, message}, got " + describe(node));
        }
        String type = prefixed("error.", () -> optionalText(error, "type", limits.maxTextLength()));
        String message = prefixed("error.", () -> optionalText(error, "message", limits.maxMessageLength()));
        return new Event.ErrorInfo(type, message);
    }

    private List<String> flags(ObjectNode o) throws InvalidEventException {
        JsonNode node = o.get("flags");
        if (node == null || node.isNull()) return List.of();
        if (!node.isArray()) throw new InvalidEventException("flags", "must be an array of strings, got " + describe(node));
        if (node.size() > limits.maxFlags()) {
            throw new InvalidEventException("flags", "more than " + limits.maxFlags() + " entries (" + node.size() + ")");
        }
        List<String> flags = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode flag = node.get(i);
            if (!flag.isTextual() || flag.textValue().isEmpty() || flag.textValue().length() > limits.maxIdLength()) {
                throw new InvalidEventException("flags[" + i + "]", "must be a non-empty string of at most "
                        + limits.maxIdLength() + " characters");
            }
            String malformed = Utf16.problem(flag.textValue());
            if (malformed != null) throw new InvalidEventException("flags[" + i + "]", malformed);
            flags.add(flag.textValue());
        }
        return List.copyOf(flags);
    }

    private ObjectNode boundedObject(ObjectNode o, String field) throws InvalidEventException {
        JsonNode node = o.get(field);
        if (node == null || node.isNull()) return null;
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidEventException(field, "must be a JSON object, got " + describe(node));
        }
        limits.checkObject(field, object);
        return object;
    }

    /** {@code attrs} plus every unknown top-level field, so nothing an agent sends is silently dropped. */
    private ObjectNode attrs(ObjectNode o) throws InvalidEventException {
        ObjectNode attrs = boundedObject(o, "attrs");
        for (Map.Entry<String, JsonNode> field : o.properties()) {
            if (KNOWN.contains(field.getKey())) continue;
            if (attrs == null) attrs = JsonNodeFactory.instance.objectNode();
            else if (attrs == o.get("attrs")) attrs = attrs.deepCopy();
            attrs.set(field.getKey(), field.getValue());
        }
        if (attrs != null && attrs != o.get("attrs")) limits.checkObject("attrs", attrs);
        return attrs;
    }

    private static String describe(JsonNode node) {
        if (node == null) return "nothing";
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    private interface FieldReader {
        String read() throws InvalidEventException;
    }

    private static String prefixed(String prefix, FieldReader reader) throws InvalidEventException {
        try {
            return reader.read();
        } catch (InvalidEventException e) {
            throw new InvalidEventException(prefix + e.field(), e.getMessage().substring(e.field().length() + 2));
        }
    }
}
