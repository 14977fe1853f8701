package dev.vigil.ingest.otlp;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.EventLimits;
import dev.vigil.event.Kind;
import dev.vigil.ingest.IngestItem;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One OTLP span to the Vigil event it reports, in the wire format of DESIGN §3, so it is
 * validated by the same {@code EventParser} as {@code POST /v1/events}. The mapping is the table
 * in docs/OTLP.md: GenAI semantic conventions first, then their deprecated names, then
 * OpenInference. Spans that are neither (HTTP, database, ...) map to nothing.
 *
 * <p>Stateless; safe to share between threads.
 */
final class SpanMapper {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();
    private static final int TRACE_ID_BYTES = 16;
    private static final int SPAN_ID_BYTES = 8;

    private static final String[] AGENT = {"gen_ai.agent.id", "gen_ai.agent.name", "service.name"};
    private static final String[] RUN = {"gen_ai.conversation.id", "session.id"};
    private static final String[] MODEL = {"gen_ai.request.model", "gen_ai.response.model", "llm.model_name"};
    private static final String[] INPUT_TOKENS = {"gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt"};
    private static final String[] OUTPUT_TOKENS = {"gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion"};
    private static final String[] TOOL = {"gen_ai.tool.name", "tool.name"};
    private static final String[] TOOL_ARGUMENTS = {"gen_ai.tool.call.arguments", "tool.parameters"};
    private static final String[] PROVIDER = {"gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system"};
    private static final Set<String> LLM_OPERATIONS = Set.of("chat", "text_completion", "generate_content");

    /** gen_ai.* attributes that become event fields, so are not repeated in attrs. */
    private static final Set<String> MAPPED = Set.of(
            "gen_ai.operation.name", "gen_ai.agent.id", "gen_ai.conversation.id", "gen_ai.request.model",
            "gen_ai.request.temperature", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
            "gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens", "gen_ai.tool.name",
            "gen_ai.tool.call.arguments", "gen_ai.provider.name", "gen_ai.system");
    /** gen_ai.* attributes holding prompts, answers and tool results: large and often sensitive, never kept. */
    private static final Set<String> CONTENT = Set.of(
            "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions",
            "gen_ai.tool.definitions", "gen_ai.tool.call.result");
    private static final String[] CONTENT_PREFIXES = {"gen_ai.prompt", "gen_ai.completion"};

    /** Longest text kept in attrs: enough for an id or a finish reason, never a document. */
    private static final int MAX_KEPT_TEXT = 256;
    /**
     * JSON budget for unmapped attributes in attrs, a quarter of the attrs bound of
     * {@link EventLimits}: what a span carries beyond the mapping never gets it rejected.
     */
    private static final int MAX_KEPT_BYTES = 4096;

    private final EventLimits limits;
    private final ObjectMapper json;

    /** @param json parses JSON-valued attributes (tool arguments, invocation parameters); nesting-bounded */
    SpanMapper(EventLimits limits, ObjectMapper json) {
        this.limits = limits;
        this.json = json;
    }

    /** The event of this span, or null when the span is not a GenAI or OpenInference span. */
    IngestItem map(Span span, Map<String, AnyValue> resource) {
        SpanAttributes a = new SpanAttributes(span.getAttributesList(), resource);
        Kind kind = kindOf(a);
        if (kind == null) return null;
        if (span.getTraceId().size() != TRACE_ID_BYTES || span.getSpanId().size() != SPAN_ID_BYTES) {
            return IngestItem.undecodable("the span has no valid trace_id (16 bytes) and span_id (8 bytes)");
        }
        String agent = a.text(AGENT);
        if (agent == null) {
            return IngestItem.undecodable("agent: no gen_ai.agent.id, gen_ai.agent.name or resource service.name");
        }
        String traceId = HEX.formatHex(span.getTraceId().toByteArray());
        long timeNanos = span.getEndTimeUnixNano() != 0 ? span.getEndTimeUnixNano() : span.getStartTimeUnixNano();
        boolean failed = span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;

        ObjectNode event = NODES.objectNode();
        event.put("id", SpanEventIds.of(span.getTraceId(), span.getSpanId(), timeNanos / 1_000_000));
        if (timeNanos != 0) event.put("ts", Instant.ofEpochSecond(0, timeNanos).toString());
        event.put("agent", agent);
        event.put("run", orElse(a.text(RUN), traceId));
        event.put("kind", kind.wire());
        event.put("status", failed ? "error" : "ok");
        if (span.getStartTimeUnixNano() != 0 && span.getEndTimeUnixNano() >= span.getStartTimeUnixNano()) {
            event.put("latency_ms", (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e6);
        }
        ObjectNode attrs = event.putObject("attrs");
        attrs.put("trace_id", traceId);
        attrs.put("span_id", HEX.formatHex(span.getSpanId().toByteArray()));
        attrs.put("span_name", truncate(span.getName(), MAX_KEPT_TEXT));
        String provider = a.text(PROVIDER);
        if (provider != null) attrs.put("provider", truncate(provider, MAX_KEPT_TEXT));
        switch (kind) {
            case LLM_CALL -> llmCall(a, event);
            case TOOL_CALL -> toolCall(a, event, attrs);
            default -> {
                // an outcome reports the run's status only; its usage is already on the LLM spans
            }
        }
        if (failed) error(a, span.getStatus(), event);
        keepUnmapped(span, attrs);
        return IngestItem.of(event);
    }

    /** Kinds are read from the span itself: a resource describes a process, not one operation. */
    private static Kind kindOf(SpanAttributes a) {
        String operation = text(a.own().get("gen_ai.operation.name"));
        if (operation != null) {
            if (LLM_OPERATIONS.contains(operation)) return Kind.LLM_CALL;
            return switch (operation) {
                case "execute_tool" -> Kind.TOOL_CALL;
                case "invoke_agent" -> Kind.OUTCOME;
                default -> null; // embeddings, create_agent, ...: nothing the rules look at
            };
        }
        String openInference = text(a.own().get("openinference.span.kind"));
        if (openInference != null) {
            return switch (openInference.toUpperCase(Locale.ROOT)) {
                case "LLM" -> Kind.LLM_CALL;
                case "TOOL" -> Kind.TOOL_CALL;
                case "AGENT" -> Kind.OUTCOME;
                default -> null; // CHAIN, RETRIEVER, EMBEDDING, ...
            };
        }
        // Instrumentations from before gen_ai.operation.name (OpenLLMetry) mark LLM calls with gen_ai.system alone.
        boolean legacyLlmCall = a.own().containsKey("gen_ai.system")
                && (a.own().containsKey("gen_ai.request.model") || a.own().containsKey("gen_ai.response.model"));
        return legacyLlmCall ? Kind.LLM_CALL : null;
    }

    private void llmCall(SpanAttributes a, ObjectNode event) {
        String model = a.text(MODEL);
        if (model != null) event.put("model", model);
        JsonNode temperature = a.number("gen_ai.request.temperature");
        if (temperature == null) temperature = invocationTemperature(a);
        if (temperature != null) event.set("temperature", temperature);
        JsonNode input = a.number(INPUT_TOKENS);
        JsonNode output = a.number(OUTPUT_TOKENS);
        if (input != null || output != null) {
            ObjectNode tokens = event.putObject("tokens");
            if (input != null) tokens.set("input", input);
            if (output != null) tokens.set("output", output);
        }
        JsonNode cost = a.number("llm.cost.total");
        if (cost != null) event.set("cost_usd", cost);
    }

    /** OpenInference puts the request's parameters, temperature among them, in one JSON attribute. */
    private JsonNode invocationTemperature(SpanAttributes a) {
        JsonNode parameters = parse(a.text("llm.invocation_parameters"));
        JsonNode temperature = parameters == null ? null : parameters.get("temperature");
        return temperature != null && temperature.isNumber() ? temperature : null;
    }

    private void toolCall(SpanAttributes a, ObjectNode event, ObjectNode attrs) {
        String tool = a.text(TOOL);
        if (tool != null) event.put("tool", tool);
        for (String key : TOOL_ARGUMENTS) {
            String arguments = a.text(key);
            if (arguments == null) continue;
            JsonNode parsed = parse(arguments);
            // Rules compare params field by field, so only an object is params; anything else is kept as it came.
            if (parsed instanceof ObjectNode params) event.set("params", params);
            else attrs.put(key, truncate(arguments, MAX_KEPT_TEXT));
            return;
        }
    }

    private void error(SpanAttributes a, Status status, ObjectNode event) {
        String type = a.text("error.type");
        String message = status.getMessage().isEmpty() ? null : status.getMessage();
        if (type == null && message == null) return;
        ObjectNode error = event.putObject("error");
        if (type != null) error.put("type", truncate(type, limits.maxTextLength()));
        if (message != null) error.put("message", truncate(message, limits.maxMessageLength()));
    }

    /**
     * Other gen_ai.* attributes of the span (response id, finish reasons, ...) as they came, in
     * the span's order, while they fit {@link #MAX_KEPT_BYTES}. Scalars and arrays of scalars only.
     */
    private static void keepUnmapped(Span span, ObjectNode attrs) {
        int budget = MAX_KEPT_BYTES;
        for (KeyValue kv : span.getAttributesList()) {
            String key = kv.getKey();
            if (!key.startsWith("gen_ai.") || MAPPED.contains(key) || isContent(key)) continue;
            JsonNode value = keptValue(kv.getValue());
            if (value == null) continue;
            budget -= key.length() + value.toString().length() + 6; // quotes, colon, comma
            if (budget < 0) return;
            attrs.set(key, value);
        }
    }

    private static boolean isContent(String key) {
        if (CONTENT.contains(key)) return true;
        for (String prefix : CONTENT_PREFIXES) {
            if (key.startsWith(prefix)) return true;
        }
        return false;
    }

    private static JsonNode keptValue(AnyValue v) {
        return switch (v.getValueCase()) {
            case ARRAY_VALUE -> {
                ArrayNode array = NODES.arrayNode();
                for (AnyValue element : v.getArrayValue().getValuesList()) {
                    JsonNode scalar = scalar(element);
                    if (scalar == null) yield null;
                    array.add(scalar);
                }
                yield array;
            }
            default -> scalar(v);
        };
    }

    private static JsonNode scalar(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> NODES.textNode(truncate(v.getStringValue(), MAX_KEPT_TEXT));
            case BOOL_VALUE -> NODES.booleanNode(v.getBoolValue());
            case INT_VALUE -> NODES.numberNode(v.getIntValue());
            case DOUBLE_VALUE -> Double.isFinite(v.getDoubleValue()) ? NODES.numberNode(v.getDoubleValue()) : null;
            default -> null;
        };
    }

    private JsonNode parse(String text) {
        if (text == null) return null;
        try {
            return json.readTree(text);
        } catch (JacksonException notJson) {
            return null;
        }
    }

    private static String text(AnyValue v) {
        return v != null && v.getValueCase() == AnyValue.ValueCase.STRING_VALUE ? v.getStringValue() : null;
    }

    private static String orElse(String value, String fallback) {
        return value != null ? value : fallback;
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
