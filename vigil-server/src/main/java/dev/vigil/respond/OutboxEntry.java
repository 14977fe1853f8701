package dev.vigil.respond;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Json;
import dev.vigil.event.EventIds;
import dev.vigil.playbook.Action;
import java.time.Instant;

/**
 * One action of the {@link Outbox}, in its states (its {@link Status}), and how a stored row is read
 * back into it.
 *
 * @param incident  null for digests, which belong to no single incident
 * @param lastError the last failure, or for done entries what was done
 */
public record OutboxEntry(String id, String dedup, String incident, Task task, Status status, int attempts, Instant nextAt,
                          String lastError, Instant createdAt, Instant doneAt) {
    /** A task to run now. */
    static OutboxEntry pending(String dedup, String incident, Task task, Instant now) {
        return new OutboxEntry(EventIds.next(now.toEpochMilli()), dedup, incident, task, Status.PENDING, 0, now, null, now, null);
    }

    /**
     * A task carried out (or skipped) while planning; {@code detail} says what was done. Its
     * dedup key is the incident's and the action's: planning an incident again (after a
     * restart) records nothing twice.
     */
    static OutboxEntry recorded(String incident, Task task, Status status, String detail, Instant now) {
        return new OutboxEntry(EventIds.next(now.toEpochMilli()), recordedDedup(incident, task.name()), incident, task, status,
                status == Status.DONE ? 1 : 0, now, detail, now, now);
    }

    static String recordedDedup(String incident, String action) {
        return RECORD + incident + ":" + action;
    }

    public String channel() {
        return task.channel();
    }

    /** The same entry after its final attempt. */
    OutboxEntry outcome(Status status, int attempts, Instant at, String detail) {
        return new OutboxEntry(id, dedup, incident, task, status, attempts, nextAt, detail, createdAt, at);
    }

    public enum Status {
        /** Not yet done: due at {@code next_at}. */
        PENDING,
        DONE,
        /** Given up: a permanent failure, or out of attempts. */
        FAILED,
        /** Not carried out: a dry-run rule, or nothing to deliver to. */
        SKIPPED,
        /** Moot before it could be delivered: its incident was resolved while the channel was failing. */
        EXPIRED;

        public String wire() {
            return name().toLowerCase();
        }
    }

    /** Dedup prefix of recorded entries, whose key is their incident's and action's. */
    private static final String RECORD = "record:";

    static boolean isRecorded(String dedup) {
        return dedup.startsWith(RECORD);
    }

    /** A row's task: recorded actions are stored as their {@link Action}, the others as their own record. */
    static Task task(boolean recorded, String action, String channel, String transition, JsonNode payload)
            throws JsonProcessingException {
        if (recorded) {
            // Rows written before actions were stored typed carry their fields without the type.
            if (!payload.has("action") && payload instanceof ObjectNode o) o.put("action", action);
            return new Task.Recorded(Json.MAPPER.treeToValue(payload, Action.class));
        }
        return switch (action) {
            case "pause_agent" -> new Task.PauseAgent(payload.path("agent").asText(), payload.path("reason").asText());
            case "resume_agent" -> new Task.ResumeAgent(payload.path("agent").asText(), payload.path("reason").asText());
            case "monitor" -> Json.MAPPER.treeToValue(payload, Task.SetTelemetry.class);
            case "notify" -> new Task.Notify(channel, Task.Transition.fromWire(transition));
            case "create_ticket" -> new Task.CreateTicket(channel);
            case "resend" -> new Task.Resend(channel);
            case "digest" -> Json.MAPPER.treeToValue(payload, Task.Digest.class);
            default -> throw new JsonMappingException(null, "unknown outbox action '" + action + "'");
        };
    }
}
