package dev.vigil.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The connection pool and schema of one database: SQLite (the embedded default) or PostgreSQL.
 * The schema is migrated by Flyway on open, from {@code db/migration/<dialect>}.
 */
public final class Database implements AutoCloseable {
    public enum Dialect { SQLITE, POSTGRESQL }

    private final HikariDataSource pool;
    private final Dialect dialect;

    private Database(HikariDataSource pool, Dialect dialect) {
        this.pool = pool;
        this.dialect = dialect;
    }

    public static Database open(String jdbcUrl) {
        Dialect dialect;
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        hc.setPoolName("vigil-db");
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            dialect = Dialect.SQLITE;
            createParentDirectory(jdbcUrl.substring("jdbc:sqlite:".length()));
            // WAL lets readers run beside the single writer; synchronous=FULL fsyncs the WAL on
            // every commit, which is what makes a 202 durable across a power cut, not just a crash.
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("synchronous", "FULL");
            hc.addDataSourceProperty("busy_timeout", "5000");
            // 64 MiB of page cache per connection keeps the hot index pages of a busy log in memory.
            hc.addDataSourceProperty("cache_size", "-65536");
            hc.addDataSourceProperty("foreign_keys", "true");
            // One writer at a time is all SQLite allows; the rest of the pool serves reads.
            hc.setMaximumPoolSize(6);
        } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            dialect = Dialect.POSTGRESQL;
            hc.setMaximumPoolSize(10);
        } else {
            throw new IllegalArgumentException("unsupported database URL '" + jdbcUrl
                    + "': use jdbc:sqlite:<file> or jdbc:postgresql://host/db");
        }
        hc.setConnectionTimeout(5_000);
        HikariDataSource pool = new HikariDataSource(hc);
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration/" + dialect.name().toLowerCase())
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool, dialect);
    }

    private static void createParentDirectory(String file) {
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            if (parent != null) Files.createDirectories(parent);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot create the data directory " + parent + ": " + e.getMessage(), e);
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** True when a connection can be had and answers a query. */
    public boolean reachable() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
