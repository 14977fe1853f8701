package dev.vigil.playbook;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.vigil.rule.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One step of a playbook (DESIGN §5). Closed set: the response stage handles each kind
 * explicitly. Stored in JSON with its name as the {@code action} property.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "action")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Action.PauseAgent.class, name = "pause_agent"),
        @JsonSubTypes.Type(value = Action.ResumeAgent.class, name = "resume_agent"),
        @JsonSubTypes.Type(value = Action.Notify.class, name = "notify"),
        @JsonSubTypes.Type(value = Action.CreateTicket.class, name = "create_ticket"),
        @JsonSubTypes.Type(value = Action.Retry.class, name = "retry"),
        @JsonSubTypes.Type(value = Action.Escalate.class, name = "escalate"),
        @JsonSubTypes.Type(value = Action.Monitor.class, name = "monitor"),
        @JsonSubTypes.Type(value = Action.Batch.class, name = "batch"),
        @JsonSubTypes.Type(value = Action.Aggregate.class, name = "aggregate"),
        @JsonSubTypes.Type(value = Action.Log.class, name = "log")})
public sealed interface Action {
    /** The YAML name of the action, also used on timelines and in metrics. */
    String name();

    record PauseAgent() implements Action {
        public String name() {
            return "pause_agent";
        }
    }

    record ResumeAgent() implements Action {
        public String name() {
            return "resume_agent";
        }
    }

    /** @param channels named channels; empty means every channel, or every non-paging one with {@code nonPaging} */
    record Notify(List<String> channels, boolean nonPaging) implements Action {
        public String name() {
            return "notify";
        }
    }

    /** @param channel the ticket channel; null means the first one configured (skipped when there is none) */
    record CreateTicket(String channel) implements Action {
        public String name() {
            return "create_ticket";
        }
    }

    /** A retry directive: parameter changes for the agent, answered within {@code timeout} or escalated. */
    record Retry(Map<String, ParamChange> params, Duration timeout) implements Action {
        public String name() {
            return "retry";
        }
    }

    /** How a retry changes one parameter: multiply the last observed value, or set one. */
    record ParamChange(Double multiply, Object set) {}

    record Escalate(Severity to) implements Action {
        public String name() {
            return "escalate";
        }
    }

    /** Raise the agent's telemetry level for a while; reverted when the time is up. */
    record Monitor(String level, Duration duration) implements Action {
        public String name() {
            return "monitor";
        }
    }

    /** Into the review queue; a digest of the batch goes to {@code channels} every {@code every}. */
    record Batch(Duration every, List<String> channels) implements Action {
        public String name() {
            return "batch";
        }
    }

    /** Counted in the weekly report. */
    record Aggregate(String report) implements Action {
        public String name() {
            return "aggregate";
        }
    }

    record Log() implements Action {
        public String name() {
            return "log";
        }
    }
}
