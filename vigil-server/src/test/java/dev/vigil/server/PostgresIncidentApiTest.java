package dev.vigil.server;

import org.junit.jupiter.api.AfterEach;

/** Incidents in the machine's PostgreSQL, each test in a schema of its own. */
class PostgresIncidentApiTest extends IncidentApiContract {
    private String url;

    @Override
    String freshDatabase() {
        url = Postgres.freshSchemaUrl();
        return url;
    }

    @AfterEach
    void dropSchema() {
        if (vigil != null) vigil.close();
        vigil = null;
        if (url != null) Postgres.drop(url);
    }
}
