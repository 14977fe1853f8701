package dev.vigil.example;

import dev.langchain4j.service.AiServices;
import dev.vigil.langchain4j.VigilChatModelListener;
import dev.vigil.langchain4j.VigilTools;
import dev.vigil.sdk.AgentHandle;
import dev.vigil.sdk.AgentPausedException;
import dev.vigil.sdk.RetryDirective;
import dev.vigil.sdk.RunHandle;
import dev.vigil.sdk.TaskHandle;
import dev.vigil.sdk.Vigil;
import java.io.PrintStream;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A LangChain4j refund agent that misbehaves on purpose, watched by Vigil:
 * <ol>
 *   <li>it loops on a tool while refunding an order; Vigil's {@code tool-loop} rule (high) sends a
 *       retry directive with a lower temperature; the agent retries the task as told, succeeds, and
 *       answers the directive, which resolves the incident;</li>
 *   <li>it deletes a customer's records without confirmation; the
 *       {@code destructive-without-confirmation} rule (critical) pauses it, and its next tool call is
 *       refused by the guard.</li>
 * </ol>
 * Run it against a local Vigil: {@code --url http://127.0.0.1:8080 --key <key>} (or
 * {@code VIGIL_URL}, {@code VIGIL_KEY}).
 */
public final class RefundAgent {
    interface Assistant {
        String chat(String request);
    }

    /** What happened, for the caller (and the example's test). */
    public record Summary(String agent, boolean retryHonoured, boolean refusedWhilePaused, String pauseReason) {}

    private static final Duration DIRECTIVE_WAIT = Duration.ofSeconds(30);
    private static final int WORK_AFTER_CLEANUP = 100;
    /** Between two orders: a real agent's pace, and time for Vigil's pause to arrive. */
    private static final Duration ORDER_PACE = Duration.ofMillis(200);

    private final Vigil vigil;
    private final AgentHandle agent;
    private final PrintStream out;
    private final BlockingQueue<RetryDirective> directives = new LinkedBlockingQueue<>();

    RefundAgent(Vigil vigil, String agentId, PrintStream out) {
        this.vigil = vigil;
        this.agent = vigil.agent(agentId);
        this.out = out;
        agent.onRetry(directives::add); // the SDK's control thread hands directives to the agent's own thread
    }

    public static void main(String[] args) throws InterruptedException {
        String url = option(args, "--url", System.getenv().getOrDefault("VIGIL_URL", "http://127.0.0.1:8080"));
        String key = option(args, "--key", System.getenv("VIGIL_KEY"));
        if (key == null) {
            System.err.println("give a Vigil key: --key KEY or VIGIL_KEY (the key `vigil demo` prints works)");
            System.exit(2);
        }
        String agentId = option(args, "--agent", "refund-agent-" + UUID.randomUUID().toString().substring(0, 4));
        Summary summary;
        try (Vigil vigil = Vigil.connect(url, key)) {
            summary = run(vigil, agentId, System.out);
        }
        System.exit(summary.retryHonoured() && summary.refusedWhilePaused() ? 0 : 1);
    }

    /** Runs the whole story once. */
    public static Summary run(Vigil vigil, String agentId, PrintStream out) throws InterruptedException {
        return new RefundAgent(vigil, agentId, out).run();
    }

    private Summary run() throws InterruptedException {
        out.println("agent " + agent.id() + " starts");
        boolean retried = refundWithRetry();
        String pauseReason = cleanUpThenWork();
        vigil.flush(Duration.ofSeconds(10));
        return new Summary(agent.id(), retried, pauseReason != null, pauseReason);
    }

    private boolean refundWithRetry() throws InterruptedException {
        String taskId = "refund-4471";
        TaskHandle task = agent.run("run-1").task(taskId);
        out.println("1. refund-4471 at temperature 0.9: the model looks the order up again and again");
        String answer = assistant(task, 0.9).chat("Please refund order A-4471");
        task.outcome().error("no_decision", answer);
        out.println("   model: " + answer);

        RetryDirective directive = directives.poll(DIRECTIVE_WAIT.toSeconds(), TimeUnit.SECONDS);
        if (directive == null) {
            out.println("   no retry directive within " + DIRECTIVE_WAIT.toSeconds() + " s: is the tool-loop rule enabled?");
            return false;
        }
        double temperature = directive.temperature().orElse(0.2);
        // A directive names no task when its incident was not about one: this agent had a single task in flight.
        String retried = directive.task() != null ? directive.task() : taskId;
        out.println("   Vigil asks for a retry of " + retried + " with temperature " + temperature + " (directive " + directive.id() + ")");
        TaskHandle retry = agent.run("run-2").task(retried);
        answer = assistant(retry, temperature).chat("Please refund order A-4471");
        directive.succeeded();
        out.println("   model: " + answer + " -> retry answered ok; Vigil resolves the incident");
        vigil.flush(Duration.ofSeconds(10)); // the answer reaches Vigil before the next misdeed
        return true;
    }

    /** @return the pause reason once a tool call was refused, null if it never was */
    private String cleanUpThenWork() throws InterruptedException {
        RunHandle run = agent.run("run-3");
        out.println("2. clean-up: the model deletes customer C-17's records without asking anyone");
        out.println("   model: " + assistant(run.task("cleanup-c17"), 0.2).chat("Clean up customer C-17"));
        for (int i = 1; i <= WORK_AFTER_CLEANUP; i++) {
            try {
                assistant(run.task("order-" + i), 0.2).chat("Look up order " + i);
                out.println("   order-" + i + ": done");
            } catch (AgentPausedException paused) {
                out.println("3. Vigil paused the agent: order-" + i + "'s tool call was refused");
                out.println("   reason: " + paused.reason());
                out.println("   resume it with: curl -X POST -H 'Authorization: Bearer <operator key>' -d '{\"reason\": \"fixed\"}' "
                        + "<vigil url>/v1/agents/" + agent.id() + "/resume");
                return paused.reason();
            }
            Thread.sleep(ORDER_PACE.toMillis());
        }
        out.println("   the agent was never paused: is the destructive-without-confirmation rule enabled?");
        return null;
    }

    private Assistant assistant(TaskHandle task, double temperature) {
        return AiServices.builder(Assistant.class)
                .chatModel(new ScriptedRefundModel(temperature, VigilChatModelListener.recordingTo(task)))
                .tools(VigilTools.guarded(task, new OrderTools()))
                .toolExecutionErrorHandler(VigilTools.stopWhenPaused())
                .build();
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) return args[i + 1];
        }
        return fallback;
    }
}
