package dev.vigil.langchain4j;

import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.vigil.sdk.EventBuilder;
import dev.vigil.sdk.Recorder;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Records every call of a LangChain4j chat model as an {@code llm_call} event: model, temperature,
 * input and output tokens, latency, and the error when the call failed. Register it on the model
 * (most providers' builders take {@code .listeners(List.of(listener))}).
 *
 * <p>LangChain4j calls listeners on the thread of the chat call and swallows their exceptions, so
 * this listener only records (which never blocks) and leaves refusing paused agents to
 * {@link VigilTools}. Thread-safe: the start time of a call travels in the call's own attributes.
 */
public final class VigilChatModelListener implements ChatModelListener {
    private static final Object STARTED_NANOS = new Object();

    private final Supplier<? extends Recorder> recorder;

    private VigilChatModelListener(Supplier<? extends Recorder> recorder) {
        this.recorder = recorder;
    }

    /** Records into one fixed scope: an agent, a run or a task. */
    public static VigilChatModelListener recordingTo(Recorder recorder) {
        Objects.requireNonNull(recorder, "recorder");
        return new VigilChatModelListener(() -> recorder);
    }

    /**
     * Records into whatever scope {@code current} returns at the end of each call, for a model
     * shared by many runs or tasks (e.g. one held in a thread-local or a request context).
     */
    public static VigilChatModelListener recordingTo(Supplier<? extends Recorder> current) {
        return new VigilChatModelListener(Objects.requireNonNull(current, "current"));
    }

    @Override
    public void onRequest(ChatModelRequestContext context) {
        context.attributes().put(STARTED_NANOS, System.nanoTime());
    }

    @Override
    public void onResponse(ChatModelResponseContext context) {
        ChatResponse response = context.chatResponse();
        String model = firstNonNull(response.modelName(), context.chatRequest().modelName());
        EventBuilder.LlmCall call = start(model, context.chatRequest(), context.attributes());
        TokenUsage usage = response.tokenUsage();
        if (usage != null) call.tokens(orZero(usage.inputTokenCount()), orZero(usage.outputTokenCount()));
        if (response.finishReason() != null) call.attr("finish_reason", response.finishReason().name().toLowerCase(java.util.Locale.ROOT));
        call.ok();
    }

    @Override
    public void onError(ChatModelErrorContext context) {
        Throwable error = context.error();
        start(context.chatRequest().modelName(), context.chatRequest(), context.attributes())
                .error(error.getClass().getSimpleName(), error.getMessage());
    }

    private EventBuilder.LlmCall start(String model, ChatRequest request, Map<Object, Object> attributes) {
        EventBuilder.LlmCall call = recorder.get().llmCall(model == null ? "unknown" : model);
        if (request.temperature() != null) call.temperature(request.temperature());
        if (attributes.get(STARTED_NANOS) instanceof Long started) call.latencyMs((System.nanoTime() - started) / 1e6);
        return call;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private static long orZero(Integer count) {
        return count == null ? 0 : count;
    }
}
