package dev.vigil.store;

import io.micrometer.core.instrument.Timer;

/** Creates the stores over one database; the implementations stay package-private. */
public final class Stores {
    private Stores() {}

    public static EventLog eventLog(Database db, int queueCapacityRows, Timer commitTimer) {
        return new JdbcEventLog(db, queueCapacityRows, commitTimer);
    }
}
