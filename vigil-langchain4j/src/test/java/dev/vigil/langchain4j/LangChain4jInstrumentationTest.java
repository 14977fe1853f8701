package dev.vigil.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import dev.vigil.sdk.AgentPausedException;
import dev.vigil.sdk.TaskHandle;
import dev.vigil.sdk.Vigil;
import dev.vigil.server.TestVigil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener and the tool guard in a LangChain4j AI service with a scripted model, against a real server. */
class LangChain4jInstrumentationTest {
    interface Assistant {
        String chat(String message);
    }

    static final class OrderTools {
        final AtomicInteger lookups = new AtomicInteger();

        @Tool("Looks up an order")
        String lookupOrder(String orderId) {
            lookups.incrementAndGet();
            return "order " + orderId + ": 30 EUR, paid";
        }

        @Tool("Refunds an order")
        String refund(String orderId) {
            throw new IllegalStateException("payment provider timed out");
        }
    }

    @TempDir
    Path data;
    TestVigil server;
    Vigil vigil;
    TaskHandle task;

    @BeforeEach
    void start() {
        server = TestVigil.start(data, null, "");
        vigil = Vigil.builder().url(server.url("")).key(TestVigil.AGENT).clock(server.clock).build();
        task = vigil.agent("order-agent").run("run-1").task("order-7");
    }

    @AfterEach
    void stop() {
        vigil.close();
        server.close();
    }

    private List<JsonNode> events(String kind) {
        vigil.flush(Duration.ofSeconds(10));
        TestVigil.Response r = server.get("/v1/events?agent=order-agent&kind=" + kind, TestVigil.OPERATOR);
        assertThat(r.status()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().get("events").forEach(out::add);
        return out;
    }

    @Test
    void everyChatCallIsAnLlmCallEventWithModelTemperatureTokensLatencyAndErrors() {
        ScriptedChatModel model = new ScriptedChatModel(VigilChatModelListener.recordingTo(task))
                .answers("hello").fails(new IllegalStateException("rate limited by provider"));
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("hi")).temperature(0.7).build();

        assertThat(model.chat(request).aiMessage().text()).isEqualTo("hello");
        assertThat(catchThrowable(() -> model.chat(request))).hasMessageContaining("rate limited");

        List<JsonNode> calls = events("llm_call");
        assertThat(calls).hasSize(2);
        JsonNode ok = calls.stream().filter(e -> e.get("status").textValue().equals("ok")).findFirst().orElseThrow();
        assertThat(ok.get("model").textValue()).isEqualTo(ScriptedChatModel.MODEL);
        assertThat(ok.get("temperature").doubleValue()).isEqualTo(0.7);
        assertThat(ok.get("tokens").get("input").intValue()).isEqualTo(120);
        assertThat(ok.get("tokens").get("output").intValue()).isEqualTo(30);
        assertThat(ok.get("latency_ms").doubleValue()).isGreaterThanOrEqualTo(0);
        assertThat(ok.get("run").textValue()).isEqualTo("run-1");
        assertThat(ok.get("task").textValue()).isEqualTo("order-7");
        JsonNode failed = calls.stream().filter(e -> e.get("status").textValue().equals("error")).findFirst().orElseThrow();
        assertThat(failed.get("error").get("type").textValue()).isEqualTo("java.lang.IllegalStateException");
        assertThat(failed.get("error").get("message").textValue()).isEqualTo("rate limited by provider");
    }

    @Test
    void guardedToolsOfAnAiServiceAreRecordedWithTheirArguments() {
        OrderTools tools = new OrderTools();
        ScriptedChatModel model = new ScriptedChatModel(VigilChatModelListener.recordingTo(task))
                .callsTool("lookupOrder", "{\"arg0\": \"A-1\"}")
                .callsTool("refund", "{\"arg0\": \"A-1\"}")
                .answers("could not refund A-1");
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(VigilTools.guarded(task, tools)).build();

        assertThat(assistant.chat("refund order A-1")).isEqualTo("could not refund A-1");

        assertThat(tools.lookups).hasValue(1);
        List<JsonNode> calls = events("tool_call");
        assertThat(calls).extracting(e -> e.get("tool").textValue()).containsExactlyInAnyOrder("lookupOrder", "refund");
        JsonNode lookup = calls.stream().filter(e -> e.get("tool").textValue().equals("lookupOrder")).findFirst().orElseThrow();
        assertThat(lookup.get("status").textValue()).isEqualTo("ok");
        assertThat(lookup.get("params").get("arg0").textValue()).isEqualTo("A-1");
        JsonNode refund = calls.stream().filter(e -> e.get("tool").textValue().equals("refund")).findFirst().orElseThrow();
        assertThat(refund.get("status").textValue()).isEqualTo("error");
        assertThat(refund.get("error").get("type").textValue()).isEqualTo("java.lang.IllegalStateException"); // the tool's, not LangChain4j's wrapper
        assertThat(refund.get("error").get("message").textValue()).isEqualTo("payment provider timed out");
        assertThat(events("llm_call")).hasSize(3);
    }

    @Test
    void aPausedAgentsToolsAreRefusedAndTheCallEndsWithStopWhenPaused() {
        OrderTools tools = new OrderTools();
        ScriptedChatModel model = new ScriptedChatModel(VigilChatModelListener.recordingTo(task))
                .callsTool("lookupOrder", "{\"arg0\": \"A-1\"}").answers("done");
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(VigilTools.guarded(task, tools))
                .toolExecutionErrorHandler(VigilTools.stopWhenPaused()).build();
        pause();

        Throwable refused = catchThrowable(() -> assistant.chat("look up order A-1"));
        assertThat(refused).isInstanceOf(AgentPausedException.class).hasMessageContaining("refunds under investigation");
        assertThat(tools.lookups).hasValue(0);
        assertThat(events("tool_call")).isEmpty();
    }

    @Test
    void withoutStopWhenPausedTheModelIsToldTheToolWasRefused() {
        OrderTools tools = new OrderTools();
        ScriptedChatModel model = new ScriptedChatModel(VigilChatModelListener.recordingTo(task))
                .callsTool("lookupOrder", "{\"arg0\": \"A-1\"}").answers("I was stopped");
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(VigilTools.guarded(task, tools)).build();
        pause();

        assertThat(assistant.chat("look up order A-1")).isEqualTo("I was stopped");
        assertThat(tools.lookups).hasValue(0);
        assertThat(model.toolResults()).singleElement().asString().contains("refunds under investigation");
        assertThat(events("tool_call")).isEmpty();
    }

    @Test
    void theServicesToolErrorHandlerSeesWhatTheToolThrew() {
        List<Throwable> handled = new ArrayList<>();
        ScriptedChatModel model = new ScriptedChatModel(VigilChatModelListener.recordingTo(task))
                .callsTool("refund", "{\"arg0\": \"A-1\"}").answers("sorry");
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(VigilTools.guarded(task, new OrderTools()))
                .toolExecutionErrorHandler((error, context) -> {
                    handled.add(error);
                    return ToolErrorHandlerResult.text("handled: " + error.getMessage());
                }).build();

        assertThat(assistant.chat("refund order A-1")).isEqualTo("sorry");
        assertThat(handled).singleElement().isInstanceOfSatisfying(IllegalStateException.class, e -> assertThat(e).hasMessage("payment provider timed out"));
        assertThat(model.toolResults()).containsExactly("handled: payment provider timed out");
    }

    /** Tools of a base class, as LangChain4j finds them on a subclass's object. */
    public static class BaseTools {
        @Tool("Looks up a customer")
        public String lookupCustomer(String customerId) {
            return "customer " + customerId;
        }
    }

    public static final class CustomerTools extends BaseTools {}

    @Test
    void inheritedToolsAreRecordedToo() {
        ScriptedChatModel model = new ScriptedChatModel(VigilChatModelListener.recordingTo(task))
                .callsTool("lookupCustomer", "{\"arg0\": \"C-17\"}").answers("found");
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(VigilTools.guarded(task, new CustomerTools())).build();

        assertThat(assistant.chat("who is C-17?")).isEqualTo("found");
        assertThat(model.toolResults()).containsExactly("customer C-17");
        assertThat(events("tool_call")).extracting(e -> e.get("tool").textValue()).containsExactly("lookupCustomer");
    }

    @Test
    void inheritedToolsAreGuardedToo() {
        ScriptedChatModel model = new ScriptedChatModel(VigilChatModelListener.recordingTo(task))
                .callsTool("lookupCustomer", "{\"arg0\": \"C-17\"}").answers("I was stopped");
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(VigilTools.guarded(task, new CustomerTools())).build();
        pause();

        assertThat(assistant.chat("who is C-17?")).isEqualTo("I was stopped");
        assertThat(model.toolResults()).singleElement().asString()
                .doesNotContain("customer C-17") // the inherited method never ran
                .contains("refunds under investigation");
        assertThat(events("tool_call")).isEmpty();
    }

    @Test
    void aStreamingCallIsRecordedInTheScopeOfTheThreadThatStartedIt() {
        ThreadLocal<TaskHandle> current = ThreadLocal.withInitial(() -> vigil.agent("order-agent").task("no-task"));
        current.set(task);
        StreamingChatModel model = new AsyncStreamingChatModel(VigilChatModelListener.recordingTo(current::get));
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        model.chat(ChatRequest.builder().messages(UserMessage.from("hi")).build(), new StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });

        assertThat(done).succeedsWithin(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> !events("llm_call").isEmpty());
        assertThat(events("llm_call")).singleElement().satisfies(e -> assertThat(e.get("task").textValue()).isEqualTo("order-7"));
    }

    @Test
    void aResponseWithoutTokenCountsSendsNoTokens() {
        ScriptedChatModel model = new ScriptedChatModel(VigilChatModelListener.recordingTo(task)).answersWithoutTokenCounts("hello");
        model.chat(ChatRequest.builder().messages(UserMessage.from("hi")).build());
        assertThat(events("llm_call")).singleElement().satisfies(e -> assertThat(e.has("tokens")).isFalse());
    }

    private void pause() {
        TestVigil.Response paused = server.post("/v1/agents/order-agent/pause", TestVigil.OPERATOR, "application/json",
                "{\"reason\": \"refunds under investigation\"}");
        assertThat(paused.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> vigil.agent("order-agent").paused());
    }
}
