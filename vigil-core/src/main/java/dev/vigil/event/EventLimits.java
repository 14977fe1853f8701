package dev.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

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
        return new EventLimits(Duration.ofMinutes(5), Duration.ofHours(24), 128, 256, 4096, 16 * 1024, 8, 32);
    }

    public EventLimits withTime(Duration maxFutureSkew, Duration maxAge) {
        return new EventLimits(maxFutureSkew, maxAge, maxIdLength, maxTextLength, maxMessageLength,
                maxObjectBytes, maxDepth, maxFlags);
    }

    /** Holds {@code params} and {@code attrs} to {@link #maxDepth} and {@link #maxObjectBytes}. */
    public void checkObject(String field, ObjectNode object) throws InvalidEventException {
        int depth = depth(object);
        if (depth > maxDepth) {
            throw new InvalidEventException(field, "nested " + depth + " levels deep; the limit is " + maxDepth);
        }
        long size = JsonSize.of(object);
        if (size > maxObjectBytes) {
            throw new InvalidEventException(field, "is " + size + " bytes of JSON; the limit is " + maxObjectBytes);
        }
    }

    private static int depth(JsonNode node) {
        if (!node.isContainerNode()) return 0;
        int deepest = 0;
        for (JsonNode child : node) deepest = Math.max(deepest, depth(child));
        return deepest + 1;
    }
}
