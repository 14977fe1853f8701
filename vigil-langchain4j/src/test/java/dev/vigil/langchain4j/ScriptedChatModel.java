package dev.vigil.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/** A chat model that plays back a script, one step per call: no network, no keys. */
final class ScriptedChatModel implements ChatModel {
    static final String MODEL = "scripted-1";

    private final Deque<Supplier<ChatResponse>> script = new ArrayDeque<>();
    private final List<ChatModelListener> listeners;
    private final List<String> toolResults = new ArrayList<>();

    ScriptedChatModel(ChatModelListener listener) {
        this.listeners = List.of(listener);
    }

    ScriptedChatModel callsTool(String tool, String arguments) {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call-" + script.size()).name(tool).arguments(arguments).build();
        script.add(() -> response(AiMessage.from(call), FinishReason.TOOL_EXECUTION));
        return this;
    }

    ScriptedChatModel answers(String text) {
        script.add(() -> response(AiMessage.from(text), FinishReason.STOP));
        return this;
    }

    /** An answer whose usage the provider reported without counts, as some providers do. */
    ScriptedChatModel answersWithoutTokenCounts(String text) {
        script.add(() -> ChatResponse.builder().aiMessage(AiMessage.from(text)).modelName(MODEL).tokenUsage(new TokenUsage(null, null)).build());
        return this;
    }

    ScriptedChatModel fails(RuntimeException error) {
        script.add(() -> {
            throw error;
        });
        return this;
    }

    private static ChatResponse response(AiMessage message, FinishReason reason) {
        return ChatResponse.builder().aiMessage(message).modelName(MODEL).tokenUsage(new TokenUsage(120, 30)).finishReason(reason).build();
    }

    /** The tool results the model was shown, in the order it saw them. */
    List<String> toolResults() {
        return List.copyOf(toolResults);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        request.messages().stream().filter(m -> m instanceof ToolExecutionResultMessage).map(m -> ((ToolExecutionResultMessage) m).text())
                .skip(toolResults.size()).forEach(toolResults::add);
        Supplier<ChatResponse> step = script.poll();
        if (step == null) throw new IllegalStateException("the script has no more steps");
        return step.get();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return listeners;
    }
}
