package dev.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;

/**
 * Bounds on a single event. Every string, collection and nested object an agent sends is
 * bounded so one misbehaving agent cannot exhaust memory or bloat the event log.
 *
 * @param maxFutureSkew how far ahead of arrival {@code ts} may be before it is clamped
 * @param maxAge        events older than this (by {@code ts}) are rejected: windows have closed
 * @param maxIdLength   ids, agent, run, task, model, directive
 * @param maxTextLength tool names, error type
 * @param maxMessageLength error messages
 * @param maxObjectBytes serialized size of {@code params} and of {@code attrs}, each
 * @param maxDepth      nesting depth inside {@code params} and {@code attrs}
 * @param maxFlags      entries in {@code flags}
 */
public record EventLimits(
        Duration maxFutureSkew,
        Duration maxAge,
        int maxIdLength,
        int maxTextLength,
        int maxMessageLength,
        int maxObjectBytes,
        int maxDepth,
        int maxFlags) {

    public static EventLimits defaults() {
        return new EventLimits(Duration.ofMinutes(5), Duration.ofHours(24), AgentIds.MAX_LENGTH, 256, 4096, 16 * 1024, 8, 32);
    }

    public EventLimits withTime(Duration maxFutureSkew, Duration maxAge) {
        return new EventLimits(maxFutureSkew, maxAge, maxIdLength, maxTextLength, maxMessageLength,
                maxObjectBytes, maxDepth, maxFlags);
    }

    /**
     * Holds {@code params} and {@code attrs} to {@link #maxDepth} and {@link #maxObjectBytes}, and
     * every key and string inside them to well-formed UTF-16 ({@link Utf16}).
     */
    public void checkObject(String field, ObjectNode object) throws InvalidEventException {
        int depth;
        try {
            depth = depth(object);
        } catch (MalformedText e) {
            throw new InvalidEventException(field + e.path, e.getMessage());
        }
        if (depth > maxDepth) {
            throw new InvalidEventException(field, "nested " + depth + " levels deep; the limit is " + maxDepth);
        }
        long size = JsonSize.of(object);
        if (size > maxObjectBytes) {
            throw new InvalidEventException(field, "is " + size + " bytes of JSON; the limit is " + maxObjectBytes);
        }
    }

    /** The nesting depth; throws on the first string or key that is not well-formed UTF-16. */
    private static int depth(JsonNode node) throws MalformedText {
        if (node.isTextual()) {
            String problem = Utf16.problem(node.textValue());
            if (problem != null) throw new MalformedText(problem);
            return 0;
        }
        if (!node.isContainerNode()) return 0;
        int deepest = 0;
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String key = field.getKey();
                String problem = Utf16.problem(key);
                if (problem != null) throw new MalformedText("key " + problem).under("." + Utf16.printable(key));
                try {
                    deepest = Math.max(deepest, depth(field.getValue()));
                } catch (MalformedText e) {
                    throw e.under("." + key);
                }
            }
        } else {
            for (int i = 0; i < node.size(); i++) {
                try {
                    deepest = Math.max(deepest, depth(node.get(i)));
                } catch (MalformedText e) {
                    throw e.under("[" + i + "]");
                }
            }
        }
        return deepest + 1;
    }

    /** A string inside an object that is not well-formed UTF-16, with its path, built as the walk unwinds. */
    private static final class MalformedText extends Exception {
        private String path = "";

        MalformedText(String problem) {
            super(problem, null, false, false);
        }

        MalformedText under(String segment) {
            path = segment + path;
            return this;
        }
    }
}
