package dev.vigil.respond;

import dev.vigil.playbook.Action;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one outbox entry does. All but {@link Recorded} are carried out by the {@link Dispatcher} (and
 * retried by the {@link ActionRunner}); {@link Recorded} is an action carried out while planning,
 * or skipped, kept so the incident's actions are all in one place.
 */
public sealed interface Task {
    /** The action's name, as in playbooks, on timelines and in metrics. */
    String name();

    /** The channel the task delivers to; null for tasks that reach the agent instead. */
    default String channel() {
        return null;
    }

    /** An incident's transition as a channel hears it. */
    enum Transition {
        TRIGGERED, ACKNOWLEDGED, RESOLVED;

        public String wire() {
            return name().toLowerCase();
        }

        public static Transition fromWire(String s) {
            return s == null ? null : valueOf(s.toUpperCase());
        }
    }

    /** The agent travels in the task: pausing reads nothing else, so nothing delays it. */
    record PauseAgent(String agent, String reason) implements Task {
        public String name() {
            return "pause_agent";
        }
    }

    record ResumeAgent(String agent, String reason) implements Task {
        public String name() {
            return "resume_agent";
        }
    }

    /** Raise (or lower) the agent's telemetry until {@code until}, when the timers revert it. */
    record SetTelemetry(String agent, String level, Instant until) implements Task {
        public String name() {
            return "monitor";
        }
    }

    record Notify(String channel, Transition transition) implements Task {
        public String name() {
            return "notify";
        }
    }

    /**
     * The incident's current state, sent again to a channel that forgets alerts not re-sent
     * (Alertmanager), while the incident is open or acknowledged; see {@link Resends}.
     */
    record Resend(String channel) implements Task {
        public String name() {
            return "resend";
        }
    }

    record CreateTicket(String channel) implements Task {
        public String name() {
            return "create_ticket";
        }
    }

    /** The review-queue digest of the window [{@code start}, {@code end}) for one channel. */
    record Digest(String channel, Instant start, Instant end, List<String> incidents) implements Task {
        public String name() {
            return "digest";
        }
    }

    /**
     * An action done while planning (a retry directive, a batch, a log line, a count in the weekly
     * report), or skipped (a dry-run rule, no channel to reach). A batch keeps its resolved
     * channels, which its digests read back.
     */
    record Recorded(Action action) implements Task {
        public String name() {
            return action.name();
        }

        /** The batch interval, for entries of a {@link Action.Batch}. */
        public Duration batchEvery() {
            return action instanceof Action.Batch b ? b.every() : null;
        }
    }
}
