package dev.vigil.server;

/** Incidents in the embedded default, SQLite. */
class SqliteIncidentApiTest extends IncidentApiContract {
    @Override
    String freshDatabase() {
        return null;
    }
}
