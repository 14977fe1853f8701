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
 * <p>LangChain4j swallows listeners' exceptions, so this listener only records (which never
 * blocks) and leaves refusing paused agents to {@link VigilTools}. It calls {@code onRequest} on
 * the thread of the chat call, but a streaming model's {@code onResponse} and {@code onError} on
 * the provider's I/O thread: the scope is therefore taken in {@code onRequest}, where a
 * thread-local scope is the caller's, and travels with the start time in the call's own
 * attributes. Thread-safe.
 */
public final class VigilChatModelListener implements ChatModelListener {
    /** The key of a call's {@link Call} in its attributes. */
    private static final Object CALL = new Object();

    /** What onRequest learned of a call, for its end. */
    private record Call(Recorder scope, long startedNanos) {}

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
     * Records into whatever scope {@code current} returns when each call starts, for a model
     * shared by many runs or tasks (e.g. one held in a thread-local or a request context).
     */
    public static VigilChatModelListener recordingTo(Supplier<? extends Recorder> current) {
        return new VigilChatModelListener(Objects.requireNonNull(current, "current"));
    }

    @Override
    public void onRequest(ChatModelRequestContext context) {
        context.attributes().put(CALL, new Call(recorder.get(), System.nanoTime()));
    }

    @Override
    public void onResponse(ChatModelResponseContext context) {
        ChatResponse response = context.chatResponse();
        String model = firstNonNull(response.modelName(), context.chatRequest().modelName());
        EventBuilder.LlmCall call = event(model, context.chatRequest(), context.attributes());
        if (call == null) return;
        TokenUsage usage = response.tokenUsage();
        // The server counts a missing count as 0: a provider that gave one count is sent as it gave it, one that gave none sends no tokens.
        if (usage != null && (usage.inputTokenCount() != null || usage.outputTokenCount() != null)) {
            call.tokens(orZero(usage.inputTokenCount()), orZero(usage.outputTokenCount()));
        }
        if (response.finishReason() != null) call.attr("finish_reason", response.finishReason().name().toLowerCase(java.util.Locale.ROOT));
        call.ok();
    }

    @Override
    public void onError(ChatModelErrorContext context) {
        EventBuilder.LlmCall call = event(context.chatRequest().modelName(), context.chatRequest(), context.attributes());
        if (call != null) call.error(context.error());
    }

    /** The call's event in the scope its onRequest found, or null for a call whose start this listener did not see. */
    private static EventBuilder.LlmCall event(String model, ChatRequest request, Map<Object, Object> attributes) {
        if (!(attributes.get(CALL) instanceof Call started) || started.scope() == null) return null;
        EventBuilder.LlmCall call = started.scope().llmCall(model == null ? "unknown" : model);
        if (request.temperature() != null) call.temperature(request.temperature());
        return call.latencyMs((System.nanoTime() - started.startedNanos()) / 1e6);
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private static long orZero(Integer count) {
        return count == null ? 0 : count;
    }
}
