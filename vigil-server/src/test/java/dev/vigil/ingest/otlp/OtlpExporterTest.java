package dev.vigil.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.TestVigil;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpJsonSpanExporters;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent instrumented with the real OpenTelemetry Java SDK, exporting GenAI spans over OTLP/HTTP
 * to a running Vigil, once per encoding: the spans arrive as events and the rules fire on them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpExporterTest {
    @TempDir
    static Path data;
    TestVigil vigil;

    @BeforeAll
    void start() {
        vigil = TestVigil.start(data, null, "");
    }

    @AfterAll
    void stop() {
        vigil.close();
    }

    /** Exports everything the agent traced in one request (a batch), and insists the export succeeded. */
    private static void export(OtlpHttpSpanExporterBuilder exporter, Resource resource, java.util.function.Consumer<Tracer> agent) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(resource))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter.build()).build())
                .build();
        try {
            agent.accept(provider.get("vigil-test-agent"));
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        } finally {
            provider.close();
        }
    }

    private OtlpHttpSpanExporterBuilder withVigil(OtlpHttpSpanExporterBuilder builder) {
        return builder.setEndpoint(vigil.url("/v1/traces")).addHeader("Authorization", "Bearer " + TestVigil.AGENT);
    }

    private List<JsonNode> events(String agent) {
        TestVigil.Response r = vigil.get("/v1/events?agent=" + agent + "&limit=100", TestVigil.OPERATOR);
        assertThat(r.status()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        r.json().get("events").forEach(events::add);
        return events;
    }

    private static JsonNode only(List<JsonNode> events, String kind) {
        List<JsonNode> ofKind = events.stream().filter(e -> e.get("kind").textValue().equals(kind)).toList();
        assertThat(ofKind).hasSize(1);
        return ofKind.get(0);
    }

    @Test
    void protobufWithGzip_agentRunBecomesEventsAndTheToolLoopOpensAnIncident() {
        Instant t0 = TestVigil.START.minusSeconds(60);
        String[] traceId = new String[1];
        export(withVigil(OtlpHttpSpanExporter.builder()).setCompression("gzip"),
                Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout-service",
                        AttributeKey.stringKey("gen_ai.agent.id"), "otel-proto-bot")),
                tracer -> {
                    Span run = tracer.spanBuilder("invoke_agent refunds").setStartTimestamp(t0)
                            .setAttribute("gen_ai.operation.name", "invoke_agent").startSpan();
                    traceId[0] = run.getSpanContext().getTraceId();
                    Context inRun = Context.root().with(run);
                    tracer.spanBuilder("chat gpt-x").setParent(inRun).setSpanKind(SpanKind.CLIENT).setStartTimestamp(t0)
                            .setAttribute("gen_ai.operation.name", "chat")
                            .setAttribute("gen_ai.provider.name", "openai")
                            .setAttribute("gen_ai.request.model", "gpt-x")
                            .setAttribute("gen_ai.response.model", "gpt-x-2026-01")
                            .setAttribute("gen_ai.request.temperature", 0.2)
                            .setAttribute("gen_ai.usage.input_tokens", 1200L)
                            .setAttribute("gen_ai.usage.output_tokens", 300L)
                            .setAttribute("gen_ai.response.id", "chatcmpl-81f2")
                            .setAttribute("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":\"a secret prompt\"}]")
                            .setAttribute("gen_ai.conversation.id", "conv-4471")
                            .startSpan().end(t0.plusMillis(840));
                    for (int i = 1; i <= 5; i++) {
                        tracer.spanBuilder("execute_tool search.web").setParent(inRun).setStartTimestamp(t0.plusSeconds(i))
                                .setAttribute("gen_ai.operation.name", "execute_tool")
                                .setAttribute("gen_ai.tool.name", "search.web")
                                .setAttribute("gen_ai.tool.call.arguments", "{\"query\":\"refund 4471\",\"limit\":5}")
                                .setAttribute("gen_ai.conversation.id", "conv-4471")
                                .startSpan().end(t0.plusSeconds(i).plusMillis(120));
                    }
                    tracer.spanBuilder("GET /healthz").setParent(inRun).setSpanKind(SpanKind.CLIENT).setStartTimestamp(t0)
                            .setAttribute("http.request.method", "GET").startSpan().end(t0.plusMillis(3));
                    run.setStatus(StatusCode.ERROR, "agent gave up after 5 searches");
                    run.setAttribute("error.type", "tool_loop");
                    run.end(t0.plusSeconds(10));
                });

        List<JsonNode> events = events("otel-proto-bot");
        assertThat(events).hasSize(7); // 1 chat, 5 tool calls, 1 outcome; the HTTP span is ignored

        JsonNode chat = only(events, "llm_call");
        assertThat(chat.get("task").textValue()).as("the conversation is the task").isEqualTo("conv-4471");
        assertThat(chat.get("run").textValue()).as("the trace is the run").isEqualTo(traceId[0]);
        assertThat(chat.get("model").textValue()).isEqualTo("gpt-x");
        assertThat(chat.get("temperature").doubleValue()).isEqualTo(0.2);
        assertThat(chat.get("tokens").get("input").longValue()).isEqualTo(1200);
        assertThat(chat.get("tokens").get("output").longValue()).isEqualTo(300);
        assertThat(chat.get("latency_ms").doubleValue()).isEqualTo(840.0);
        assertThat(chat.get("status").textValue()).isEqualTo("ok");
        assertThat(chat.get("ts").textValue()).isEqualTo(t0.plusMillis(840).toString());
        JsonNode attrs = chat.get("attrs");
        assertThat(attrs.get("trace_id").textValue()).isEqualTo(traceId[0]);
        assertThat(attrs.get("provider").textValue()).isEqualTo("openai");
        assertThat(attrs.get("gen_ai.response.id").textValue()).isEqualTo("chatcmpl-81f2");
        assertThat(attrs.get("gen_ai.response.model").textValue()).isEqualTo("gpt-x-2026-01");
        assertThat(attrs.has("gen_ai.input.messages")).as("prompts are never kept").isFalse();

        List<JsonNode> tools = events.stream().filter(e -> e.get("kind").textValue().equals("tool_call")).toList();
        assertThat(tools).hasSize(5).allSatisfy(tool -> {
            assertThat(tool.get("tool").textValue()).isEqualTo("search.web");
            assertThat(tool.get("params").toString()).isEqualTo("{\"query\":\"refund 4471\",\"limit\":5}");
            assertThat(tool.get("latency_ms").doubleValue()).isEqualTo(120.0);
            assertThat(tool.get("run").textValue()).isEqualTo(traceId[0]);
            assertThat(tool.get("task").textValue()).isEqualTo("conv-4471");
        });

        JsonNode outcome = only(events, "outcome");
        assertThat(outcome.get("status").textValue()).isEqualTo("error");
        assertThat(outcome.get("error").get("type").textValue()).isEqualTo("tool_loop");
        assertThat(outcome.get("error").get("message").textValue()).isEqualTo("agent gave up after 5 searches");
        assertThat(outcome.get("run").textValue()).as("one trace, one run").isEqualTo(traceId[0]);
        assertThat(outcome.has("task")).as("no conversation id on the agent span: no task").isFalse();
        assertThat(outcome.get("latency_ms").doubleValue()).isEqualTo(10_000.0);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<JsonNode> incidents = vigil.incidents("?rule=tool-loop&agent=otel-proto-bot");
            assertThat(incidents).hasSize(1);
            assertThat(incidents.get(0).get("severity").textValue()).isEqualTo("high");
            assertThat(incidents.get(0).get("group").toString()).contains(traceId[0]);
        });
        assertThat(vigil.get("/metrics", null).body())
                .contains("vigil_otlp_spans_total{outcome=\"ignored\"}")
                .contains("vigil_otlp_spans_total{outcome=\"accepted\"}");
    }

    @Test
    void json_spansOfAnAgentNamedByItsServiceBecomeEvents() {
        Instant t0 = TestVigil.START.minusSeconds(30);
        export(withVigil(OtlpHttpJsonSpanExporters.builder()),
                Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "otel-json-bot")),
                tracer -> {
                    tracer.spanBuilder("chat claude-y").setStartTimestamp(t0)
                            .setAttribute("gen_ai.operation.name", "chat")
                            .setAttribute("gen_ai.response.model", "claude-y")
                            .setAttribute("gen_ai.usage.input_tokens", 50L)
                            .setAttribute("gen_ai.usage.output_tokens", 7L)
                            .setAttribute("error.type", "rate_limited")
                            .startSpan().end(t0.plusMillis(95));
                    Span failed = tracer.spanBuilder("execute_tool shell.exec").setStartTimestamp(t0.plusSeconds(1))
                            .setAttribute("gen_ai.operation.name", "execute_tool")
                            .setAttribute("gen_ai.tool.name", "shell.exec")
                            .setAttribute("gen_ai.tool.call.arguments", "ls -la /")
                            .setAttribute("gen_ai.conversation.id", "conv-json")
                            .startSpan();
                    failed.setStatus(StatusCode.ERROR, "permission denied");
                    failed.end(t0.plusSeconds(1).plusMillis(5));
                });

        List<JsonNode> events = events("otel-json-bot");
        assertThat(events).hasSize(2);
        JsonNode chat = only(events, "llm_call");
        assertThat(chat.get("model").textValue()).as("no request model: the response's").isEqualTo("claude-y");
        assertThat(chat.get("tokens").toString()).isEqualTo("{\"input\":50,\"output\":7}");
        assertThat(chat.get("latency_ms").doubleValue()).isEqualTo(95.0);
        assertThat(chat.get("status").textValue()).as("status comes from the span status, which is unset").isEqualTo("ok");
        assertThat(chat.get("run").textValue()).isEqualTo(chat.get("attrs").get("trace_id").textValue()).hasSize(32);

        JsonNode tool = only(events, "tool_call");
        assertThat(tool.get("tool").textValue()).isEqualTo("shell.exec");
        assertThat(tool.has("params")).as("arguments that are not a JSON object are not params").isFalse();
        assertThat(tool.get("attrs").get("gen_ai.tool.call.arguments").textValue()).isEqualTo("ls -la /");
        assertThat(tool.get("status").textValue()).isEqualTo("error");
        assertThat(tool.get("error").get("message").textValue()).isEqualTo("permission denied");
        assertThat(tool.get("task").textValue()).isEqualTo("conv-json");
        assertThat(tool.get("run").textValue()).isEqualTo(tool.get("attrs").get("trace_id").textValue());
    }
}
