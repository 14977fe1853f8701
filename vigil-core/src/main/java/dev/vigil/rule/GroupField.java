package dev.vigil.rule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.event.Event;
import java.util.Set;

/**
 * One field of {@code group_by} or {@code repeat.same}: an event field ({@code agent},
 * {@code run}, {@code task}, {@code tool}, {@code model}, {@code kind}, {@code status}) or a
 * path into {@code attrs} or {@code params} ({@code attrs.region}, {@code params}).
 */
public record GroupField(String name) {
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
            case "params" -> e.params() == null ? "{}" : e.params().toString();
            case "attrs" -> e.attrs() == null ? "{}" : e.attrs().toString();
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
        return node.isValueNode() ? node.asText() : node.toString();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
