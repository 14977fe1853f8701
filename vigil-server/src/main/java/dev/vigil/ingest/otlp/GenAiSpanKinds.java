package dev.vigil.ingest.otlp;

import dev.vigil.event.Kind;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Locale;
import java.util.Set;

/**
 * Which event a span reports, if any: the first table of docs/OTLP.md. Read from the span itself
 * (a resource describes a process, not one operation) by one pass over its attributes, so a
 * request's GenAI spans can be counted before any of them is mapped.
 */
final class GenAiSpanKinds {
    private static final Set<String> LLM_OPERATIONS = Set.of("chat", "text_completion", "generate_content");

    private GenAiSpanKinds() {}

    /** The kind of event this span becomes, or null when it is not a GenAI or OpenInference span. */
    static Kind of(Span span) {
        String operation = null;
        String openInference = null;
        boolean system = false;
        boolean model = false;
        for (KeyValue kv : span.getAttributesList()) { // on a repeated key the last wins, as in SpanAttributes
            switch (kv.getKey()) {
                case "gen_ai.operation.name" -> operation = text(kv.getValue());
                case "openinference.span.kind" -> openInference = text(kv.getValue());
                case "gen_ai.system" -> system = true;
                case "gen_ai.request.model", "gen_ai.response.model" -> model = true;
                default -> {
                    // not one that decides the kind
                }
            }
        }
        if (operation != null) {
            if (LLM_OPERATIONS.contains(operation)) return Kind.LLM_CALL;
            return switch (operation) {
                case "execute_tool" -> Kind.TOOL_CALL;
                case "invoke_agent" -> Kind.OUTCOME;
                default -> null; // embeddings, create_agent, ...: nothing the rules look at
            };
        }
        if (openInference != null) {
            return switch (openInference.toUpperCase(Locale.ROOT)) {
                case "LLM" -> Kind.LLM_CALL;
                case "TOOL" -> Kind.TOOL_CALL;
                case "AGENT" -> Kind.OUTCOME;
                default -> null; // CHAIN, RETRIEVER, EMBEDDING, ...
            };
        }
        // Instrumentations from before gen_ai.operation.name (OpenLLMetry) mark LLM calls with gen_ai.system alone.
        return system && model ? Kind.LLM_CALL : null;
    }

    private static String text(AnyValue v) {
        return v.getValueCase() == AnyValue.ValueCase.STRING_VALUE ? v.getStringValue() : null;
    }
}
