package dev.vigil.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.Event;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CEL value of {@code event}: the wire fields by their wire names. Strings that the event
 * lacks are empty strings, {@code tokens} is {@code {input: 0, output: 0}} when absent,
 * {@code params} and {@code attrs} are empty maps and {@code flags} an empty list, so rules read
 * them directly. Optional numbers ({@code temperature}, {@code cost_usd}, {@code latency_ms},
 * {@code quality}) are present only when sent: rules test them with {@code has(event.quality)}.
 * Built once per event and shared by every rule.
 */
public final class EventVariables {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventVariables() {}

    public static Map<String, Object> of(Event e) {
        Map<String, Object> m = new HashMap<>(32);
        m.put("id", e.id());
        m.put("ts", e.ts().toString());
        m.put("agent", e.agent());
        m.put("run", orEmpty(e.run()));
        m.put("task", orEmpty(e.task()));
        m.put("kind", e.kind().wire());
        m.put("status", e.status() == null ? "" : e.status().wire());
        m.put("tool", orEmpty(e.tool()));
        m.put("model", orEmpty(e.model()));
        m.put("params", e.params() == null ? Map.of() : toMap(e.params()));
        m.put("attrs", e.attrs() == null ? Map.of() : toMap(e.attrs()));
        m.put("tokens", e.tokens() == null ? Map.of("input", 0L, "output", 0L)
                : Map.of("input", e.tokens().input(), "output", e.tokens().output()));
        put(m, "temperature", e.temperature());
        put(m, "cost_usd", e.costUsd());
        put(m, "latency_ms", e.latencyMs());
        put(m, "quality", e.quality());
        m.put("error", e.error() == null ? Map.of("type", "", "message", "")
                : Map.of("type", orEmpty(e.error().type()), "message", orEmpty(e.error().message())));
        m.put("flags", e.flags() == null ? List.of() : e.flags());
        m.put("directive", orEmpty(e.directive()));
        return m;
    }

    /** The variables of one evaluation: {@code event} and {@code agent}. */
    public static Map<String, Object> bind(Map<String, Object> event, Map<String, Object> agent) {
        return Map.of("event", event, "agent", agent);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toMap(JsonNode node) {
        // CEL wants Long for integers and Double for the rest, which is what Jackson's
        // natural mapping gives once small ints are widened.
        return (Map<String, Object>) widen(JSON.convertValue(node, Map.class));
    }

    @SuppressWarnings("unchecked")
    private static Object widen(Object value) {
        if (value instanceof Integer i) return i.longValue();
        if (value instanceof Float f) return f.doubleValue();
        if (value instanceof java.math.BigInteger b) return b.doubleValue();
        if (value instanceof java.math.BigDecimal b) return b.doubleValue();
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new HashMap<>();
            ((Map<String, Object>) map).forEach((k, v) -> out.put(k, widen(v)));
            return out;
        }
        if (value instanceof List<?> list) return list.stream().map(EventVariables::widen).toList();
        return value;
    }

    private static void put(Map<String, Object> m, String key, Double value) {
        if (value != null) m.put(key, value);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
