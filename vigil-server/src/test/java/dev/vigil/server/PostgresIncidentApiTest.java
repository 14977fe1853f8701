package dev.vigil.server;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Incidents on the machine's PostgreSQL, each test in a schema of its own. */
class PostgresIncidentApiTest extends IncidentApiContract {
    @RegisterExtension
    final Postgres.Schema schema = new Postgres.Schema();

    @Override
    String freshDatabase() {
        return schema.url();
    }
}
