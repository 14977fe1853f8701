package dev.vigil.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.vigil.sdk.EventBuilder;
import dev.vigil.sdk.Recorder;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A tool executor that asks Vigil first: {@code guard()} before the tool runs (a paused agent's
 * tool is refused with {@link dev.vigil.sdk.AgentPausedException} and never runs), then a
 * {@code tool_call} event with the tool's name, its arguments as {@code params}, the latency and
 * whether it failed. Stateless apart from its delegate, so as thread-safe as the delegate.
 */
final class GuardedToolExecutor implements ToolExecutor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<? extends Recorder> recorder;
    private final ToolExecutor delegate;

    GuardedToolExecutor(Supplier<? extends Recorder> recorder, ToolExecutor delegate) {
        this.recorder = recorder;
        this.delegate = delegate;
    }

    @Override
    public String execute(ToolExecutionRequest request, Object memoryId) {
        return run(request, () -> delegate.execute(request, memoryId), text -> false, text -> text);
    }

    @Override
    public ToolExecutionResult executeWithContext(ToolExecutionRequest request, InvocationContext context) {
        return run(request, () -> delegate.executeWithContext(request, context), ToolExecutionResult::isError,
                ToolExecutionResult::resultText);
    }

    private <T> T run(ToolExecutionRequest request, Supplier<T> tool, Predicate<T> failed, Function<T, String> text) {
        Recorder scope = recorder.get();
        scope.guard();
        long started = System.nanoTime();
        T result;
        try {
            result = tool.get();
        } catch (RuntimeException e) {
            // LangChain4j wraps what the tool threw; the tool's own exception is what went wrong.
            Throwable cause = e instanceof ToolExecutionException && e.getCause() != null ? e.getCause() : e;
            event(scope, request, started).error(cause);
            throw e; // as it came: LangChain4j unwraps it for the error handlers
        }
        EventBuilder.ToolCall call = event(scope, request, started);
        if (failed.test(result)) call.error("tool_error", text.apply(result));
        else call.ok();
        return result;
    }

    private static EventBuilder.ToolCall event(Recorder scope, ToolExecutionRequest request, long started) {
        EventBuilder.ToolCall call = scope.toolCall(request.name()).latencyMs((System.nanoTime() - started) / 1e6);
        Map<String, Object> params = parseArguments(request.arguments());
        if (params != null) call.params(params);
        else if (request.arguments() != null && !request.arguments().isBlank()) call.attr("arguments", request.arguments());
        return call;
    }

    /** The model's arguments as a map when they are a JSON object (the usual case), else null. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseArguments(String arguments) {
        if (arguments == null || arguments.isBlank()) return null;
        try {
            return JSON.readValue(arguments, Map.class) instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
        } catch (JsonProcessingException | ClassCastException e) {
            return null;
        }
    }
}
