package dev.vigil.ingest.otlp;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.vigil.event.EventLimits;
import dev.vigil.event.Kind;
import dev.vigil.ingest.IngestItem;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * One OTLP span to the Vigil event it reports, in the wire format of DESIGN §3, so it is
 * validated by the same {@code EventParser} as {@code POST /v1/events}. The mapping is the table
 * in docs/OTLP.md: GenAI semantic conventions first, then their deprecated names, then
 * OpenInference. Which spans are mapped at all, and to which kind, {@link GenAiSpanKinds} decides.
 * Optional fields are fitted to the event limits ({@link OptionalFields}), so only a span without
 * a usable agent, ids or time is rejected.
 *
 * <p>Stateless; safe to share between threads.
 */
final class SpanMapper {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();
    private static final int TRACE_ID_BYTES = 16;
    private static final int SPAN_ID_BYTES = 8;

    private static final String AGENT_ID = "gen_ai.agent.id";
    private static final String AGENT_NAME = "gen_ai.agent.name";
    private static final String NO_AGENT = "agent: none of gen_ai.agent.id, gen_ai.agent.name (resource or span)"
            + " or the resource's service.name is set (the SDK default service.name unknown_service does not count);"
            + " set gen_ai.agent.id as a resource attribute, e.g. OTEL_RESOURCE_ATTRIBUTES=gen_ai.agent.id=billing-bot";
    /**
     * The unit of work, Vigil's task: the conversation (GenAI; "session, thread") or OpenInference's
     * session. A conversation outlives one agent invocation: each invoke_agent trace in it is one
     * attempt at it, so the trace is the run (docs/OTLP.md, "Task and run").
     */
    private static final String[] TASK = {"gen_ai.conversation.id", "session.id"};
    private static final String[] MODEL = {"gen_ai.request.model", "gen_ai.response.model", "llm.model_name"};
    private static final String[] INPUT_TOKENS = {"gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt"};
    private static final String[] OUTPUT_TOKENS = {"gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion"};
    private static final String[] TOOL = {"gen_ai.tool.name", "tool.name"};
    private static final String[] TOOL_ARGUMENTS = {"gen_ai.tool.call.arguments", "tool.parameters"};
    private static final String[] PROVIDER = {"gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system"};

    /** gen_ai.* attributes that become event fields, so are not repeated in attrs. */
    private static final Set<String> MAPPED = Set.of(
            "gen_ai.operation.name", "gen_ai.conversation.id", "gen_ai.request.model",
            "gen_ai.request.temperature", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
            "gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens", "gen_ai.tool.name",
            "gen_ai.tool.call.arguments", "gen_ai.provider.name", "gen_ai.system");
    /**
     * gen_ai.* attributes that become an event field only when a preferred one is absent (the
     * resource's agent id wins over the span's; the request's model over the response's): kept in
     * attrs when their value is not that field's, so a provider's agent id or the model version
     * that answered stays visible without showing up twice.
     */
    private static final Map<String, String> FIELD_IF_CHOSEN = Map.of(
            AGENT_ID, "agent", AGENT_NAME, "agent", "gen_ai.response.model", "model");
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

    /** A span's event, and the span's id in hex to name it by if the event is rejected. */
    record SpanEvent(String spanId, IngestItem event) {}

    /** The event of a span {@link GenAiSpanKinds} found to be of this kind. */
    SpanEvent map(Span span, Kind kind, Map<String, AnyValue> resource) {
        String spanId = HEX.formatHex(span.getSpanId().toByteArray());
        if (!isValidId(span.getTraceId(), TRACE_ID_BYTES) || !isValidId(span.getSpanId(), SPAN_ID_BYTES)) {
            return new SpanEvent(spanId, IngestItem.undecodable(
                    "the span has no valid trace_id and span_id (16 and 8 bytes, not all zero)"));
        }
        SpanAttributes a = new SpanAttributes(span.getAttributesList(), resource);
        String agent = agentOf(a);
        if (agent == null) return new SpanEvent(spanId, IngestItem.undecodable(NO_AGENT));
        OptionalFields fields = new OptionalFields(limits);
        String traceId = HEX.formatHex(span.getTraceId().toByteArray());
        long timeNanos = span.getEndTimeUnixNano() != 0 ? span.getEndTimeUnixNano() : span.getStartTimeUnixNano();
        boolean failed = span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;

        ObjectNode event = NODES.objectNode();
        event.put("id", SpanEventIds.of(span.getTraceId(), span.getSpanId(), timeNanos / 1_000_000));
        if (timeNanos != 0) event.put("ts", Instant.ofEpochSecond(0, timeNanos).toString());
        event.put("agent", agent);
        // One trace is one run; spans without a conversation or session have no task, so never
        // count towards a per-task rule (an empty task is in no task's group).
        event.put("run", traceId);
        String task = fields.id("task", a.text(TASK));
        if (task != null) event.put("task", task);
        event.put("kind", kind.wire());
        event.put("status", failed ? "error" : "ok");
        if (span.getStartTimeUnixNano() != 0 && span.getEndTimeUnixNano() >= span.getStartTimeUnixNano()) {
            event.put("latency_ms", (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e6);
        }
        ObjectNode attrs = event.putObject("attrs");
        attrs.put("trace_id", traceId);
        attrs.put("span_id", spanId);
        attrs.put("span_name", Texts.truncate(span.getName(), MAX_KEPT_TEXT));
        String provider = a.text(PROVIDER);
        if (provider != null) attrs.put("provider", Texts.truncate(provider, MAX_KEPT_TEXT));
        switch (kind) {
            case LLM_CALL -> llmCall(a, event, fields);
            case TOOL_CALL -> toolCall(a, event, attrs, fields);
            default -> {
                // an outcome reports the run's status only; its usage is already on the LLM spans
            }
        }
        if (failed) error(a, span.getStatus(), event);
        keepUnmapped(span, event, attrs);
        fields.recordIn(attrs);
        return new SpanEvent(spanId, IngestItem.of(event));
    }

    /** OTLP: ids of the right length, and all zeros is no id. */
    private static boolean isValidId(ByteString id, int bytes) {
        if (id.size() != bytes) return false;
        for (int i = 0; i < bytes; i++) {
            if (id.byteAt(i) != 0) return true;
        }
        return false;
    }

    /**
     * The agent, the resource's declaration first: an operator names the agent on the resource,
     * while instrumentations put on invoke_agent spans whatever id their provider gave it
     * ({@code asst_...}), which would split one agent's events across two names.
     */
    private static String agentOf(SpanAttributes a) {
        String agent = a.resourceText(AGENT_ID);
        if (agent == null) agent = a.spanText(AGENT_ID);
        if (agent == null) agent = a.resourceText(AGENT_NAME);
        if (agent == null) agent = a.spanText(AGENT_NAME);
        if (agent == null) agent = namedService(a.resourceText("service.name"));
        return agent;
    }

    /** A service name set on purpose: the SDKs fall back to unknown_service[:process], which would merge every unconfigured process. */
    private static String namedService(String serviceName) {
        boolean sdkDefault = serviceName != null
                && (serviceName.equals("unknown_service") || serviceName.startsWith("unknown_service:"));
        return sdkDefault ? null : serviceName;
    }

    private void llmCall(SpanAttributes a, ObjectNode event, OptionalFields fields) {
        String model = fields.id("model", a.text(MODEL));
        if (model != null) event.put("model", model);
        JsonNode temperature = a.number("gen_ai.request.temperature");
        if (temperature == null) temperature = invocationTemperature(a);
        temperature = fields.amount("temperature", temperature);
        if (temperature != null) event.set("temperature", temperature);
        JsonNode input = fields.count("tokens.input", a.number(INPUT_TOKENS));
        JsonNode output = fields.count("tokens.output", a.number(OUTPUT_TOKENS));
        if (input != null || output != null) {
            ObjectNode tokens = event.putObject("tokens");
            if (input != null) tokens.set("input", input);
            if (output != null) tokens.set("output", output);
        }
        JsonNode cost = fields.amount("cost_usd", a.number("llm.cost.total"));
        if (cost != null) event.set("cost_usd", cost);
    }

    /** OpenInference puts the request's parameters, temperature among them, in one JSON attribute. */
    private JsonNode invocationTemperature(SpanAttributes a) {
        JsonNode parameters = parse(a.text("llm.invocation_parameters"));
        JsonNode temperature = parameters == null ? null : parameters.get("temperature");
        return temperature != null && temperature.isNumber() ? temperature : null;
    }

    private void toolCall(SpanAttributes a, ObjectNode event, ObjectNode attrs, OptionalFields fields) {
        String tool = fields.text("tool", a.text(TOOL), limits.maxTextLength());
        if (tool != null) event.put("tool", tool);
        for (String key : TOOL_ARGUMENTS) {
            String arguments = a.text(key);
            if (arguments == null) continue;
            JsonNode parsed = parse(arguments);
            // Rules compare params field by field, so only an object is params; anything else is kept as it came.
            if (!(parsed instanceof ObjectNode params)) attrs.put(key, Texts.truncate(arguments, MAX_KEPT_TEXT));
            else if (fields.object("params", params) != null) event.set("params", params);
            return;
        }
    }

    private void error(SpanAttributes a, Status status, ObjectNode event) {
        String type = a.text("error.type");
        String message = status.getMessage().isEmpty() ? null : status.getMessage();
        if (type == null && message == null) return;
        ObjectNode error = event.putObject("error");
        if (type != null) error.put("type", Texts.truncate(type, limits.maxTextLength()));
        if (message != null) error.put("message", Texts.truncate(message, limits.maxMessageLength()));
    }

    /**
     * Other gen_ai.* attributes of the span (response id, finish reasons, ...) as they came, in
     * the span's order, while they fit {@link #MAX_KEPT_BYTES}; one too large for what is left is
     * skipped, not the end of the others. Scalars and arrays of scalars only.
     */
    private static void keepUnmapped(Span span, ObjectNode event, ObjectNode attrs) {
        int budget = MAX_KEPT_BYTES;
        for (KeyValue kv : span.getAttributesList()) {
            String key = kv.getKey();
            if (!key.startsWith("gen_ai.") || MAPPED.contains(key) || isContent(key)) continue;
            JsonNode value = keptValue(kv.getValue());
            if (value == null || isChosen(key, value, event)) continue;
            int size = key.length() + value.toString().length() + 6; // quotes, colon, comma
            if (size > budget) continue;
            budget -= size;
            attrs.set(key, value);
        }
    }

    private static boolean isChosen(String key, JsonNode value, ObjectNode event) {
        String field = FIELD_IF_CHOSEN.get(key);
        return field != null && event.path(field).asText().equals(value.asText());
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
            case STRING_VALUE -> NODES.textNode(Texts.truncate(v.getStringValue(), MAX_KEPT_TEXT));
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
}
