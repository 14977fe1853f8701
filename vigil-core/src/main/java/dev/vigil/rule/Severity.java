package dev.vigil.rule;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How bad an incident is (DESIGN §2); decides the playbook. Ordered from worst to mildest. */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW;

    private final String wire = name().toLowerCase();

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static Severity fromWire(String name) {
        for (Severity s : values()) {
            if (s.wire.equals(name)) return s;
        }
        return null;
    }
}
