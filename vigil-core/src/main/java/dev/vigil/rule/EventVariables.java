package dev.vigil.rule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.NullValue;
import dev.vigil.event.Event;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CEL value of {@code event}: the wire fields by their wire names. Strings that the event
 * lacks are empty strings, {@code tokens} is {@code {input: 0, output: 0}} when absent,
 * {@code params} and {@code attrs} are empty maps and {@code flags} an empty list, so rules read
 * them directly. Optional numbers ({@code temperature}, {@code cost_usd}, {@code latency_ms},
 * {@code quality}) are present only when sent: rules test them with {@code has(event.quality)}.
 *
 * <p>A lazy view: a field is computed when a rule reads it, and {@code params} and {@code attrs}
 * are converted from JSON at most once per event, so an event that no rule inspects deeply costs
 * almost nothing. Integers are {@code Long} and other numbers {@code Double}, as CEL expects.
 */
public final class EventVariables extends AbstractMap<String, Object> {
    private static final List<String> ALWAYS = List.of("id", "ts", "agent", "run", "task", "kind", "status", "tool",
            "model", "params", "attrs", "tokens", "error", "flags", "directive");

    private final Event e;
    private Map<String, Object> params;
    private Map<String, Object> attrs;

    private EventVariables(Event e) {
        this.e = e;
    }

    public static Map<String, Object> of(Event e) {
        return new EventVariables(e);
    }

    /** The variables of one evaluation: {@code event} and {@code agent}. */
    public static Map<String, Object> bind(Map<String, Object> event, Map<String, Object> agent) {
        return Map.of("event", event, "agent", agent);
    }

    /**
     * The variables for one event, with {@code agent} looked up only if a rule reads it: most
     * events reach no rule that asks about the agent's registry entry.
     */
    public static Map<String, Object> bind(Event event, java.util.function.Function<String, Map<String, Object>> agents) {
        EventVariables eventVariables = new EventVariables(event);
        return new AbstractMap<>() {
            private Map<String, Object> agent;

            @Override
            public Object get(Object key) {
                if ("event".equals(key)) return eventVariables;
                if ("agent".equals(key)) return agent != null ? agent : (agent = agents.apply(event.agent()));
                return null;
            }

            @Override
            public boolean containsKey(Object key) {
                return "event".equals(key) || "agent".equals(key);
            }

            @Override
            public Set<Entry<String, Object>> entrySet() {
                return Map.of("event", get("event"), "agent", get("agent")).entrySet();
            }
        };
    }

    @Override
    public Object get(Object key) {
        if (!(key instanceof String name)) return null;
        return switch (name) {
            case "id" -> e.id();
            case "ts" -> e.ts().toString();
            case "agent" -> e.agent();
            case "run" -> orEmpty(e.run());
            case "task" -> orEmpty(e.task());
            case "kind" -> e.kind().wire();
            case "status" -> e.status() == null ? "" : e.status().wire();
            case "tool" -> orEmpty(e.tool());
            case "model" -> orEmpty(e.model());
            case "params" -> params != null ? params : (params = object(e.params()));
            case "attrs" -> attrs != null ? attrs : (attrs = object(e.attrs()));
            case "tokens" -> e.tokens() == null ? Map.of("input", 0L, "output", 0L)
                    : Map.of("input", e.tokens().input(), "output", e.tokens().output());
            case "temperature" -> e.temperature();
            case "cost_usd" -> e.costUsd();
            case "latency_ms" -> e.latencyMs();
            case "quality" -> e.quality();
            case "error" -> e.error() == null ? Map.of("type", "", "message", "")
                    : Map.of("type", orEmpty(e.error().type()), "message", orEmpty(e.error().message()));
            case "flags" -> e.flags() == null ? List.of() : e.flags();
            case "directive" -> orEmpty(e.directive());
            default -> null;
        };
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (String name : ALWAYS) all.put(name, get(name));
        for (String name : List.of("temperature", "cost_usd", "latency_ms", "quality")) {
            Object v = get(name);
            if (v != null) all.put(name, v);
        }
        return all.entrySet();
    }

    private static Map<String, Object> object(JsonNode node) {
        if (node == null) return Map.of();
        Map<String, Object> out = new HashMap<>();
        node.properties().forEach(f -> out.put(f.getKey(), value(f.getValue())));
        return out;
    }

    private static Object value(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> object(node);
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode element : node) list.add(value(element));
                yield list;
            }
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            case NUMBER -> node.isIntegralNumber() && node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
            default -> NullValue.NULL_VALUE; // JSON null is CEL's null: the key is present
        };
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
