package dev.vigil.store;

import dev.vigil.event.Event;
import dev.vigil.incident.IncidentStore;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.function.Consumer;

/** Creates the stores over one database; the implementations stay package-private. */
public final class Stores {
    private Stores() {}

    /**
     * @param onCommitted called on the writer thread after each commit with the newly stored
     *                    events (duplicates left out), in commit order; it may block, which holds
     *                    back further commits (backpressure from detection)
     */
    public static EventLog eventLog(Database db, int queueCapacityRows, Timer commitTimer, Consumer<EventLog.Committed> onCommitted) {
        return new JdbcEventLog(db, queueCapacityRows, commitTimer, onCommitted);
    }

    public static IncidentStore incidents(Database db) {
        return new JdbcIncidentStore(db);
    }
}
