package dev.vigil.event;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What an event reports. The wire names are the lower-case forms (DESIGN §3). */
public enum Kind {
    TOOL_CALL, LLM_CALL, DECISION, OUTCOME, METRIC, POLICY_VIOLATION, HEARTBEAT;

    private final String wire = name().toLowerCase();

    public String wire() {
        return wire;
    }

    /** The kind with this wire name, or null. */
    public static Kind fromWire(String name) {
        for (Kind k : values()) {
            if (k.wire.equals(name)) return k;
        }
        return null;
    }

    public static String allowed() {
        return Arrays.stream(values()).map(Kind::wire).collect(Collectors.joining(", "));
    }
}
