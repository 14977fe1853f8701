package dev.vigil.langchain4j;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import dev.langchain4j.service.tool.ToolExecutionErrorHandler;
import dev.langchain4j.service.tool.ToolService;
import dev.vigil.sdk.AgentPausedException;
import dev.vigil.sdk.Recorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Guards LangChain4j tools with Vigil: before each tool runs, the agent's pause state is checked
 * (a paused agent's tools are refused with {@link AgentPausedException}), and each call is
 * recorded as a {@code tool_call} event.
 *
 * <pre>{@code
 * Assistant assistant = AiServices.builder(Assistant.class)
 *         .chatModel(model)
 *         .tools(VigilTools.guarded(task, new OrderTools()))        // instead of .tools(new OrderTools())
 *         .toolExecutionErrorHandler(VigilTools.stopWhenPaused())   // a refusal ends the call, not just the tool
 *         .build();
 * }</pre>
 *
 * <p>LangChain4j turns a tool's exception into a message for the model by default, so without
 * {@link #stopWhenPaused()} a refused tool is not run but the model is told why and may go on
 * (and spend tokens) until it gives up; with it the AI service call throws the
 * {@link AgentPausedException} to the agent's code.
 */
public final class VigilTools {
    private VigilTools() {}

    /**
     * The {@link Tool @Tool} methods of {@code toolObjects}, each guarded, for
     * {@code AiServices.builder(..).tools(list)}. They are found and run as LangChain4j finds and
     * runs tool objects given to {@code tools(..)} (inherited methods included, the tool's
     * exceptions passed to the AI service's {@code toolExecutionErrorHandler}, each tool's
     * {@link Tool#returnBehavior() return behavior} kept).
     *
     * @throws dev.langchain4j.service.IllegalConfigurationException as LangChain4j does, e.g. for an object without {@code @Tool} methods
     */
    public static List<AiServiceTool> guarded(Recorder recorder, Object... toolObjects) {
        Objects.requireNonNull(recorder, "recorder");
        return guarded(() -> recorder, toolObjects);
    }

    /** As {@link #guarded(Recorder, Object...)}, recording into the scope {@code current} returns at each call. */
    public static List<AiServiceTool> guarded(Supplier<? extends Recorder> current, Object... toolObjects) {
        Objects.requireNonNull(current, "current");
        List<AiServiceTool> tools = new ArrayList<>();
        for (Object object : toolObjects) {
            for (AiServiceTool tool : ToolService.findTools(object)) {
                tools.add(tool.toBuilder().toolExecutor(guarded(current, tool.toolExecutor())).build());
            }
        }
        return tools;
    }

    /**
     * A tool error handler that ends the AI service call with the {@link AgentPausedException} when a
     * guarded tool was refused, and otherwise does what LangChain4j does by default: tells the
     * model the error's message.
     */
    public static ToolExecutionErrorHandler stopWhenPaused() {
        return (error, context) -> {
            for (Throwable t = error; t != null; t = t.getCause()) {
                if (t instanceof AgentPausedException paused) throw paused;
            }
            return ToolErrorHandlerResult.text(error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName());
        };
    }

    /** One executor, guarded: for tools built by hand as a specification and an executor. */
    public static ToolExecutor guarded(Supplier<? extends Recorder> current, ToolExecutor executor) {
        return new GuardedToolExecutor(Objects.requireNonNull(current, "current"), Objects.requireNonNull(executor, "executor"));
    }

    /** Every tool a provider provides (MCP servers, dynamic tools), guarded, for {@code AiServices.builder(..).toolProvider(..)}. */
    public static ToolProvider guarded(Supplier<? extends Recorder> current, ToolProvider provider) {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(provider, "provider");
        return new ToolProvider() {
            @Override
            public ToolProviderResult provideTools(ToolProviderRequest request) {
                ToolProviderResult provided = provider.provideTools(request);
                ToolProviderResult.Builder out = ToolProviderResult.builder().immediateReturnToolNames(provided.immediateReturnToolNames());
                provided.tools().forEach((spec, executor) -> out.add(spec, guarded(current, executor)));
                return out.build();
            }

            @Override
            public boolean isDynamic() {
                return provider.isDynamic();
            }
        };
    }
}
