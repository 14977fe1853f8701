package dev.vigil.event;

/** Whether the reported step succeeded. */
public enum Status {
    OK, ERROR;

    private final String wire = name().toLowerCase();

    public String wire() {
        return wire;
    }

    /** The status with this wire name, or null. */
    public static Status fromWire(String name) {
        for (Status s : values()) {
            if (s.wire.equals(name)) return s;
        }
        return null;
    }
}
