package dev.vigil.sdk;

import java.util.List;
import java.util.Map;

/**
 * One recorded event as it waits in the buffer: built on the agent's thread, read on the sender
 * thread. Absent numbers are {@code NaN} (or -1 for tokens) rather than boxed, so recording
 * allocates this record and nothing else. The collections are owned by the record.
 */
record EventRecord(long tsMillis, String agent, String run, String task, String kind, String status,
                   String tool, String model, Map<String, Object> params, double temperature,
                   long inputTokens, long outputTokens, double costUsd, double latencyMs, double quality,
                   String errorType, String errorMessage, List<String> flags, String directive,
                   Map<String, Object> attrs) {
}
