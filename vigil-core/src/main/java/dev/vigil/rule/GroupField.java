package dev.vigil.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vigil.event.Event;
import java.util.Set;

/**
 * One field of {@code group_by} or {@code repeat.same}: an event field ({@code agent},
 * {@code run}, {@code task}, {@code tool}, {@code model}, {@code kind}, {@code status}) or a
 * path into {@code attrs} or {@code params} ({@code attrs.region}, {@code params}).
 */
public record GroupField(String name) {
    /** JSON with sorted keys: {"a":1,"b":2} and {"b":2,"a":1} are the same arguments. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();
    private static final Set<String> TOP = Set.of("agent", "run", "task", "tool", "model", "kind", "status", "params", "attrs");

    /** @throws IllegalArgumentException naming the accepted forms */
    public static GroupField parse(String name) {
        String top = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        boolean nested = name.contains(".");
        if (!TOP.contains(top) || (nested && !top.equals("attrs") && !top.equals("params")) || name.endsWith(".")) {
            throw new IllegalArgumentException("cannot group by '" + name
                    + "': use agent, run, task, tool, model, kind, status, params, or attrs.<key> / params.<key>");
        }
        return new GroupField(name);
    }

    /** The field's value in the event as a string; empty when the event does not have it. */
    public String valueOf(Event e) {
        return switch (name) {
            case "agent" -> e.agent();
            case "run" -> orEmpty(e.run());
            case "task" -> orEmpty(e.task());
            case "tool" -> orEmpty(e.tool());
            case "model" -> orEmpty(e.model());
            case "kind" -> e.kind().wire();
            case "status" -> e.status() == null ? "" : e.status().wire();
            case "params" -> e.params() == null ? "{}" : canonical(e.params());
            case "attrs" -> e.attrs() == null ? "{}" : canonical(e.attrs());
            default -> nested(name.startsWith("attrs.") ? e.attrs() : e.params(), name.substring(name.indexOf('.') + 1));
        };
    }

    private static String nested(JsonNode root, String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            if (node == null) return "";
            node = node.get(part);
        }
        if (node == null || node.isNull()) return "";
        return node.isValueNode() ? node.asText() : canonical(node);
    }

    private static String canonical(JsonNode node) {
        try {
            return CANONICAL.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            return node.toString();
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
