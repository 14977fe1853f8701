package dev.vigil.sdk;

import java.util.function.Consumer;

/** TODO: one agent's control document, kept current by SSE with polling as fallback. */
final class AgentControl {
    private final String agent;
    private final Endpoint endpoint;
    private final Config config;

    AgentControl(String agent, Endpoint endpoint, Config config) {
        this.agent = agent;
        this.endpoint = endpoint;
        this.config = config;
    }

    void start(AgentHandle handle) {}

    void guard() {}

    boolean paused() {
        return false;
    }

    TelemetryLevel telemetryLevel() {
        return TelemetryLevel.NORMAL;
    }

    Runnable onRetry(Consumer<RetryDirective> listener) {
        return () -> {};
    }

    void close() {}
}
