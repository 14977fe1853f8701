package dev.vigil.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * One validated telemetry event (DESIGN §3). Built only by {@link EventParser}, so every
 * instance satisfies the limits in {@link EventLimits}. Optional fields are null when absent.
 *
 * @param id         client id, or one assigned at ingest; the dedup key
 * @param ts         event time, after clamping
 * @param receivedAt arrival time at Vigil
 * @param clamped    true when {@code ts} was in the future beyond the allowed skew and was
 *                   replaced by {@code receivedAt}
 * @param attrs      free-form attributes, including unknown top-level fields
 */
public record Event(
        String id,
        Instant ts,
        Instant receivedAt,
        boolean clamped,
        String agent,
        String run,
        String task,
        Kind kind,
        Status status,
        String tool,
        ObjectNode params,
        String model,
        Double temperature,
        Tokens tokens,
        Double costUsd,
        Double latencyMs,
        Double quality,
        ErrorInfo error,
        List<String> flags,
        String directive,
        ObjectNode attrs) {

    /** The same event, marked as having had its timestamp moved to its arrival. */
    public Event clampedCopy() {
        return new Event(id, ts, receivedAt, true, agent, run, task, kind, status, tool, params, model, temperature, tokens,
                costUsd, latencyMs, quality, error, flags, directive, attrs);
    }

    /** Token usage of an LLM call. */
    public record Tokens(long input, long output) {
        public long total() {
            return input + output;
        }
    }

    /** The error an unsuccessful step reported. */
    public record ErrorInfo(String type, String message) {}
}
