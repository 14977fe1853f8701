package dev.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** The length of a JSON value's compact serialization, computed without serializing it. */
final class JsonSize {
    private JsonSize() {}

    static long of(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> {
                long size = 2 + Math.max(0, node.size() - 1); // braces and commas
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    size += field.getKey().length() + 3 + of(field.getValue()); // quotes and colon
                }
                yield size;
            }
            case ARRAY -> {
                long size = 2 + Math.max(0, node.size() - 1);
                for (JsonNode element : node) size += of(element);
                yield size;
            }
            case STRING -> node.textValue().length() + 2L;
            default -> node.asText().length();
        };
    }
}
