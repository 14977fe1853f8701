package dev.vigil.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Realistic OTLP trace exports for load: each request is one agent process's batch (one resource
 * naming the agent, as an SDK exporter sends), of GenAI spans in the proportions an agent run
 * produces: tool calls, chat calls, and the agent span closing a run, about 3% failing.
 */
final class SpanMix {
    private static final String[] TOOLS = {"search.web", "payments.refund", "crm.lookup", "git.diff", "fs.read", "email.send"};
    private static final String[] MODELS = {"gpt-x", "claude-y", "llama-z"};

    private final SplittableRandom random;
    private final int agents;

    SpanMix(long seed, int agents) {
        this.random = new SplittableRandom(seed);
        this.agents = agents;
    }

    /** An {@code ExportTraceServiceRequest} of {@code size} spans, in protobuf. */
    byte[] batch(int size, Instant now) {
        int agent = random.nextInt(agents);
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        long endNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        for (int i = 0; i < size; i++) scope.addSpans(span(agent, endNanos));
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder()
                                .addAttributes(text("service.name", "agent-service-" + agent))
                                .addAttributes(text("gen_ai.agent.id", "agent-" + agent)))
                        .addScopeSpans(scope))
                .build().toByteArray();
    }

    private Span span(int agent, long endNanos) {
        int roll = random.nextInt(100);
        boolean error = random.nextInt(100) < 3;
        Span.Builder span = Span.newBuilder()
                .setTraceId(randomBytes(16)).setSpanId(randomBytes(8))
                .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                .setEndTimeUnixNano(endNanos)
                .addAttributes(text("gen_ai.conversation.id", "run-" + agent + "-" + random.nextInt(20)));
        long latencyMillis;
        if (roll < 45) {
            String tool = TOOLS[random.nextInt(TOOLS.length)];
            latencyMillis = random.nextInt(2000);
            span.setName("execute_tool " + tool)
                    .addAttributes(text("gen_ai.operation.name", "execute_tool"))
                    .addAttributes(text("gen_ai.tool.name", tool))
                    .addAttributes(text("gen_ai.tool.call.arguments",
                            "{\"query\":\"order " + random.nextInt(100000) + "\",\"limit\":" + random.nextInt(50) + "}"));
        } else if (roll < 85) {
            String model = MODELS[random.nextInt(MODELS.length)];
            latencyMillis = 200 + random.nextInt(3000);
            span.setName("chat " + model)
                    .addAttributes(text("gen_ai.operation.name", "chat"))
                    .addAttributes(text("gen_ai.provider.name", "openai"))
                    .addAttributes(text("gen_ai.request.model", model))
                    .addAttributes(number("gen_ai.request.temperature", 0.7))
                    .addAttributes(integer("gen_ai.usage.input_tokens", 200 + random.nextInt(4000)))
                    .addAttributes(integer("gen_ai.usage.output_tokens", 50 + random.nextInt(800)))
                    .addAttributes(text("gen_ai.response.id", "chatcmpl-" + random.nextInt(1_000_000)));
        } else {
            latencyMillis = 5000 + random.nextInt(60_000);
            span.setName("invoke_agent agent-" + agent)
                    .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
                    .addAttributes(text("gen_ai.operation.name", "invoke_agent"));
        }
        span.setStartTimeUnixNano(endNanos - latencyMillis * 1_000_000);
        if (error) {
            span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("upstream timed out"))
                    .addAttributes(text("error.type", "timeout"));
        }
        return span.build();
    }

    private ByteString randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return ByteString.copyFrom(bytes);
    }

    private static KeyValue text(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private static KeyValue integer(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    private static KeyValue number(String key, double value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setDoubleValue(value)).build();
    }
}
