package dev.vigil.rule;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The failure taxonomy of DESIGN §2: what kind of misbehaviour a rule detects. */
public enum Category {
    HARMFUL_OUTPUT, BUDGET, SECURITY, LOOP, RESOURCE, QUALITY, PERFORMANCE, LATENCY, TOKEN_USAGE, SUBOPTIMAL;

    private final String wire = name().toLowerCase();

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static Category fromWire(String name) {
        for (Category c : values()) {
            if (c.wire.equals(name)) return c;
        }
        return null;
    }
}
