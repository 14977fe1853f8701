package dev.vigil.server;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The ingest API on the machine's PostgreSQL, each test in a schema of its own. */
class PostgresIngestApiTest extends IngestApiContract {
    @RegisterExtension
    final Postgres.Schema schema = new Postgres.Schema();

    @Override
    String freshDatabase() {
        return schema.url();
    }
}
