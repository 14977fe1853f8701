package dev.vigil.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;

/** A streaming model that answers on a thread of its own, as a provider's I/O thread would: no network, no keys. */
final class AsyncStreamingChatModel implements StreamingChatModel {
    private final List<ChatModelListener> listeners;

    AsyncStreamingChatModel(ChatModelListener listener) {
        this.listeners = List.of(listener);
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Thread.ofPlatform().name("provider-io").start(() -> {
            handler.onPartialResponse("hello");
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from("hello")).modelName(ScriptedChatModel.MODEL)
                    .tokenUsage(new TokenUsage(5, 1)).finishReason(FinishReason.STOP).build());
        });
    }

    @Override
    public List<ChatModelListener> listeners() {
        return listeners;
    }
}
