package dev.vigil.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.incident.Incident;
import dev.vigil.incident.IncidentStore;
import dev.vigil.config.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Incidents in the database, each row the whole incident as JSON plus the columns the list filters on. */
final class JdbcIncidentStore implements IncidentStore {
    private final Database db;

    JdbcIncidentStore(Database db) {
        this.db = db;
    }

    @Override
    public Optional<Incident> findActive(String fingerprint) {
        return one("SELECT body FROM incidents WHERE fingerprint = ? AND status <> 'resolved'", fingerprint);
    }

    @Override
    public Optional<Incident> get(String id) {
        return one("SELECT body FROM incidents WHERE id = ?", id);
    }

    private static final String UPSERT = """
            INSERT INTO incidents (id, fingerprint, rule, severity, status, agent, detected_at, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, severity = excluded.severity, body = excluded.body""";

    @Override
    public void save(Incident i) {
        saveAll(List.of(i));
    }

    @Override
    public void saveAll(Collection<Incident> incidents) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(UPSERT)) {
            c.setAutoCommit(false);
            try {
                for (Incident i : incidents) {
                    s.setString(1, i.id());
                    s.setString(2, i.fingerprint());
                    s.setString(3, i.rule());
                    s.setString(4, i.severity().wire());
                    s.setString(5, i.status().wire());
                    s.setString(6, i.agent());
                    s.setLong(7, EventRow.micros(i.detectedAt()));
                    s.setString(8, Json.MAPPER.writeValueAsString(i));
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
            } catch (SQLException | JsonProcessingException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new StorageException("saving " + incidents.size() + " incidents failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Page list(Query q) {
        StringBuilder sql = new StringBuilder("SELECT body, detected_at, id FROM incidents WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.status() != null) {
            sql.append(" AND status = ?");
            args.add(q.status().wire());
        }
        if (q.severity() != null) {
            sql.append(" AND severity = ?");
            args.add(q.severity().wire());
        }
        if (q.agent() != null) {
            sql.append(" AND agent = ?");
            args.add(q.agent());
        }
        if (q.rule() != null) {
            sql.append(" AND rule = ?");
            args.add(q.rule());
        }
        if (q.since() != null) {
            sql.append(" AND detected_at >= ?");
            args.add(EventRow.micros(q.since()));
        }
        if (q.before() != null) {
            sql.append(" AND detected_at < ?");
            args.add(EventRow.micros(q.before()));
        }
        if (q.cursor() != null) {
            IncidentCursor c = IncidentCursor.decode(q.cursor());
            sql.append(" AND (detected_at < ? OR (detected_at = ? AND id < ?))");
            args.add(c.detectedMicros());
            args.add(c.detectedMicros());
            args.add(c.id());
        }
        sql.append(" ORDER BY detected_at DESC, id DESC LIMIT ?");
        args.add(q.limit() + 1);
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) s.setObject(i + 1, args.get(i));
            List<Incident> out = new ArrayList<>();
            String next = null;
            long lastDetected = 0;
            String lastId = null;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (out.size() == q.limit()) {
                        next = new IncidentCursor(lastDetected, lastId).encode();
                        break;
                    }
                    out.add(Json.MAPPER.readValue(rs.getString(1), Incident.class));
                    lastDetected = rs.getLong(2);
                    lastId = rs.getString(3);
                }
            }
            return new Page(out, next);
        } catch (SQLException | JsonProcessingException e) {
            throw new StorageException("listing incidents failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Integer> countByRule(boolean activeOnly, Instant since) {
        String sql = "SELECT rule, COUNT(*) FROM incidents WHERE " + (activeOnly ? "status <> 'resolved'" : "1 = 1")
                + (since == null ? "" : " AND detected_at >= ?") + " GROUP BY rule";
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            if (since != null) s.setLong(1, EventRow.micros(since));
            Map<String, Integer> counts = new HashMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) counts.put(rs.getString(1), rs.getInt(2));
            }
            return counts;
        } catch (SQLException e) {
            throw new StorageException("counting incidents failed: " + e.getMessage(), e);
        }
    }

    private Optional<Incident> one(String sql, String arg) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, arg);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(Json.MAPPER.readValue(rs.getString(1), Incident.class)) : Optional.empty();
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new StorageException("reading incidents failed: " + e.getMessage(), e);
        }
    }
}
