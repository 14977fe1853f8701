package dev.vigil.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The machine's PostgreSQL for tests: {@code VIGIL_TEST_PG_URL} or the local default. Each
 * test gets a schema of its own, dropped afterwards. Where PostgreSQL is not reachable the tests
 * are skipped with a message, unless {@code VIGIL_REQUIRE_PG=1} (set by CI), where they fail.
 */
public final class Postgres {
    public static final String BASE_URL = System.getenv().getOrDefault("VIGIL_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private Postgres() {}

    /** Creates a fresh schema and returns a JDBC URL whose default schema it is. */
    public static String freshSchemaUrl() {
        String schema = "vigil_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(BASE_URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            if ("1".equals(System.getenv("VIGIL_REQUIRE_PG"))) {
                throw new IllegalStateException("PostgreSQL is required (VIGIL_REQUIRE_PG=1) but " + BASE_URL + " is unreachable", e);
            }
            Assumptions.abort("PostgreSQL tests skipped: cannot reach " + BASE_URL + " (" + e.getMessage()
                    + "); set VIGIL_TEST_PG_URL to run them");
        }
        return BASE_URL + (BASE_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /**
     * A fresh schema for each test, dropped afterwards. As an extension its cleanup runs after
     * the test class's own {@code @AfterEach}, which closes the server first.
     */
    public static final class Schema implements AfterEachCallback {
        private String url;

        /** The JDBC URL of this test's schema, created on first use. */
        public String url() {
            if (url == null) url = freshSchemaUrl();
            return url;
        }

        @Override
        public void afterEach(ExtensionContext context) {
            if (url != null) drop(url);
            url = null;
        }
    }

    public static void drop(String url) {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = DriverManager.getConnection(BASE_URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
