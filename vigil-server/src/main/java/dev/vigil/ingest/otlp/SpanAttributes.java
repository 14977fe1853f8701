package dev.vigil.ingest.otlp;

import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes one span is mapped from: its own, then its resource's. Each lookup takes a list
 * of names, current convention first, and answers with the first one set; each name is looked up
 * on the span before the resource, so a span can override what its process declares.
 */
final class SpanAttributes {
    private final Map<String, AnyValue> span;
    private final Map<String, AnyValue> resource;

    SpanAttributes(List<KeyValue> spanAttributes, Map<String, AnyValue> resource) {
        this.span = index(spanAttributes);
        this.resource = resource;
    }

    /** Attributes by key; on a repeated key the last wins, as in the OpenTelemetry SDK. */
    static Map<String, AnyValue> index(List<KeyValue> attributes) {
        Map<String, AnyValue> byKey = HashMap.newHashMap(attributes.size());
        for (KeyValue kv : attributes) byKey.put(kv.getKey(), kv.getValue());
        return byKey;
    }

    /** The span's own value of this attribute as text, or null when it is not set or blank. */
    String spanText(String key) {
        return nonBlank(textOf(span.get(key)));
    }

    /** The resource's value of this attribute as text, or null when it is not set or blank. */
    String resourceText(String key) {
        return nonBlank(textOf(resource.get(key)));
    }

    AnyValue value(String... keys) {
        for (String key : keys) {
            AnyValue v = span.get(key);
            if (v == null) v = resource.get(key);
            if (v != null && v.getValueCase() != AnyValue.ValueCase.VALUE_NOT_SET) return v;
        }
        return null;
    }

    /** The first of these set to a non-blank string (a number or boolean is taken as its text). */
    String text(String... keys) {
        for (String key : keys) {
            String text = nonBlank(textOf(value(key)));
            if (text != null) return text;
        }
        return null;
    }

    /**
     * The first of these set to a number, as a JSON number: whole for an int attribute, so
     * counts read back as counts. Instrumentations disagree on int versus double (and a few send
     * numbers as strings), so each is accepted; a string that is not a number is skipped.
     */
    NumericNode number(String... keys) {
        for (String key : keys) {
            AnyValue v = value(key);
            if (v == null) continue;
            switch (v.getValueCase()) {
                case INT_VALUE -> {
                    return LongNode.valueOf(v.getIntValue());
                }
                case DOUBLE_VALUE -> {
                    return DoubleNode.valueOf(v.getDoubleValue());
                }
                case STRING_VALUE -> {
                    NumericNode parsed = parse(v.getStringValue().trim());
                    if (parsed != null) return parsed;
                }
                default -> {
                    // not a number: try the next name
                }
            }
        }
        return null;
    }

    private static NumericNode parse(String number) {
        try {
            return LongNode.valueOf(Long.parseLong(number));
        } catch (NumberFormatException notWhole) {
            try {
                return DoubleNode.valueOf(Double.parseDouble(number));
            } catch (NumberFormatException notANumber) {
                return null;
            }
        }
    }

    private static String nonBlank(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static String textOf(AnyValue v) {
        if (v == null) return null;
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            default -> null;
        };
    }
}
