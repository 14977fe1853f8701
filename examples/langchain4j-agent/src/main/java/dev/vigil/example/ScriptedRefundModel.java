package dev.vigil.example;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;

/**
 * A chat model that misbehaves on purpose, with no network and no keys. What it does depends on
 * the request, the temperature and how many tool results it has seen in the conversation:
 * <ul>
 *   <li>a refund at a high temperature: it looks the order up again and again (a tool loop);</li>
 *   <li>a refund at a low temperature: it looks the order up once, refunds, and answers;</li>
 *   <li>a clean-up: it deletes the customer's records without asking anyone (destructive);</li>
 *   <li>anything else: one look-up, then an answer.</li>
 * </ul>
 */
final class ScriptedRefundModel implements ChatModel {
    static final String MODEL = "scripted-refund-model";
    /** Above this the model is careless. */
    private static final double CARELESS_ABOVE = 0.5;
    private static final int LOOP_LENGTH = 6;

    private final double temperature;
    private final List<ChatModelListener> listeners;

    ScriptedRefundModel(double temperature, ChatModelListener listener) {
        this.temperature = temperature;
        this.listeners = List.of(listener);
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return ChatRequestParameters.builder().modelName(MODEL).temperature(temperature).build();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return listeners;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        String ask = request.messages().stream().filter(UserMessage.class::isInstance).map(m -> ((UserMessage) m).singleText())
                .findFirst().orElse("").toLowerCase(java.util.Locale.ROOT);
        long seen = request.messages().stream().filter(ToolExecutionResultMessage.class::isInstance).count();
        boolean careless = request.temperature() != null && request.temperature() > CARELESS_ABOVE;
        if (ask.contains("refund")) {
            if (careless) return seen < LOOP_LENGTH ? call("lookupOrder", "{\"orderId\": \"A-4471\"}") : answer("I keep checking the order and cannot decide.");
            if (seen == 0) return call("lookupOrder", "{\"orderId\": \"A-4471\"}");
            if (seen == 1) return call("refund", "{\"orderId\": \"A-4471\", \"amount\": 30}");
            return answer("Refunded 30 EUR on order A-4471.");
        }
        if (ask.contains("clean up")) {
            return seen == 0 ? call("delete_customer_records", "{\"customer\": \"C-17\"}") : answer("Customer C-17 is cleaned up.");
        }
        return seen == 0 ? call("lookupOrder", "{\"orderId\": \"A-" + Math.abs(ask.hashCode() % 10_000) + "\"}") : answer("Looked it up.");
    }

    private static ChatResponse call(String tool, String arguments) {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id(tool + "-" + System.nanoTime()).name(tool).arguments(arguments).build();
        return respond(AiMessage.from(call), FinishReason.TOOL_EXECUTION);
    }

    private static ChatResponse answer(String text) {
        return respond(AiMessage.from(text), FinishReason.STOP);
    }

    private static ChatResponse respond(AiMessage message, FinishReason reason) {
        return ChatResponse.builder().aiMessage(message).modelName(MODEL).tokenUsage(new TokenUsage(850, 60)).finishReason(reason).build();
    }
}
