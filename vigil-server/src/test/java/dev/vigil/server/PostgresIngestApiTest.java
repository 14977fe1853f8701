package dev.vigil.server;

import org.junit.jupiter.api.AfterEach;

/** The ingest API on the machine's PostgreSQL, each test in a schema of its own. */
class PostgresIngestApiTest extends IngestApiContract {
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
