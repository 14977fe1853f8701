package dev.vigil.server;

/** The ingest API on the embedded default, SQLite in the data directory. */
class SqliteIngestApiTest extends IngestApiContract {
    @Override
    String freshDatabase() {
        return null;
    }
}
