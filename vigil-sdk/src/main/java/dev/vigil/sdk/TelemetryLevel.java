package dev.vigil.sdk;

/**
 * How much the agent reports, set by the server in the agent's control document (a medium
 * incident's {@code monitor} action raises it to verbose for a while, then reverts it).
 *
 * <p>The SDK always sends every field an event was given; what the level changes is
 * {@link EventBuilder#detail(String, Object) details}: they are sent only at {@link #VERBOSE}
 * (in the event's {@code attrs}) and dropped on the agent's thread otherwise, so bulky or
 * expensive diagnostics (prompts, tool results) cost nothing in normal operation.
 */
public enum TelemetryLevel {
    /** The default: events as recorded, without details. */
    NORMAL,
    /** Events as recorded, with their details. */
    VERBOSE;

    /** The level named by the server; an unknown name is {@link #NORMAL}, so a newer server never breaks an agent. */
    static TelemetryLevel parse(String wire) {
        return "verbose".equals(wire) ? VERBOSE : NORMAL;
    }
}
