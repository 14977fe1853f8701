package dev.vigil.respond;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.config.Json;
import dev.vigil.store.Database;
import dev.vigil.store.EventRow;
import dev.vigil.store.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every response action, written to the database before it runs (DESIGN §5). The {@code dedup}
 * key (incident, action, channel, transition) is unique, so an action is planned once however
 * often the planning runs, and a restart finds every action that had not finished.
 *
 * <p>Rows keep the task's name, channel and transition in columns (the runner's lane queries
 * read them) and the rest of the task as JSON; {@link OutboxEntry#task} turns a row back into
 * its {@link Task}. The SQL stays next to the method that runs it.
 */
public final class Outbox {
    private final Database db;
    /** Planning order. Starts above every stored entry's, so order holds across restarts too. */
    private final AtomicLong sequence;

    public Outbox(Database db) {
        this.db = db;
        this.sequence = new AtomicLong(maxSeq());
    }

    private long maxSeq() {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement("SELECT MAX(seq) FROM outbox");
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new StorageException("reading the outbox failed: " + e.getMessage(), e);
        }
    }

    /** Writes the entry; false when an entry with the same dedup key exists (planned before). */
    public boolean insert(OutboxEntry e) {
        String sql = switch (db.dialect()) {
            case SQLITE -> "INSERT OR IGNORE INTO outbox (id, dedup, incident, action, channel, transition, payload, status, attempts, next_at, last_error, created_at, done_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
            case POSTGRESQL -> "INSERT INTO outbox (id, dedup, incident, action, channel, transition, payload, status, attempts, next_at, last_error, created_at, done_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup) DO NOTHING";
        };
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, e.id());
            s.setString(2, e.dedup());
            s.setString(3, e.incident());
            s.setString(4, e.task().name());
            s.setString(5, e.channel());
            s.setString(6, e.task() instanceof Task.Notify n ? n.transition().wire() : null);
            s.setString(7, Json.MAPPER.writeValueAsString(e.task() instanceof Task.Recorded r ? r.action() : e.task()));
            s.setString(8, e.status().wire());
            s.setInt(9, e.attempts());
            s.setLong(10, EventRow.micros(e.nextAt()));
            s.setString(11, e.lastError());
            s.setLong(12, EventRow.micros(e.createdAt()));
            if (e.doneAt() == null) s.setNull(13, java.sql.Types.BIGINT);
            else s.setLong(13, EventRow.micros(e.doneAt()));
            s.setLong(14, sequence.incrementAndGet());
            return s.executeUpdate() == 1;
        } catch (SQLException | JsonProcessingException ex) {
            throw new StorageException("writing to the outbox failed: " + ex.getMessage(), ex);
        }
    }

    /**
     * Pending entries that are due and first in their lane (no earlier pending entry for the same
     * incident and channel), in planning order. Entries waiting for a retry never hide later
     * lanes' entries, and within a lane order holds.
     */
    public List<OutboxEntry> runnable(Instant now, int limit) {
        return query("""
                SELECT * FROM outbox o WHERE o.status = 'pending' AND o.next_at <= ?
                AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.status = 'pending' AND p.incident = o.incident
                                AND p.channel = o.channel AND p.seq < o.seq)
                ORDER BY o.seq""" + " LIMIT " + limit, EventRow.micros(now));
    }

    /** Whether another entry of this incident's lane to this channel is still pending. */
    public boolean lanePending(String incident, String channel) {
        return !query("SELECT * FROM outbox WHERE status = 'pending' AND incident = ? AND channel = ? LIMIT 1", incident, channel).isEmpty();
    }

    /** Whether the entry is still pending after {@code attempts} attempts: not run meanwhile by another thread. */
    public boolean stillPending(String id, int attempts) {
        return !query("SELECT * FROM outbox WHERE id = ? AND status = 'pending' AND attempts = ?", id, attempts).isEmpty();
    }

    public List<OutboxEntry> forIncident(String incident) {
        return query("SELECT * FROM outbox WHERE incident = ? ORDER BY seq", incident);
    }

    /**
     * Every entry created at or after {@code since}, for the response statistics and
     * self-monitoring; re-sends are upkeep of deliveries made, not actions, and are left out.
     */
    public List<OutboxEntry> createdSince(Instant since) {
        return query("SELECT * FROM outbox WHERE created_at >= ? AND action <> 'resend' ORDER BY seq", EventRow.micros(since));
    }

    /** Entries created in [from, to), re-sends left out. */
    public List<OutboxEntry> created(Instant from, Instant to) {
        return query("SELECT * FROM outbox WHERE created_at >= ? AND created_at < ? AND action <> 'resend' ORDER BY seq",
                EventRow.micros(from), EventRow.micros(to));
    }

    /** Deletes the finished re-sends to a channel created before {@code before}: each is superseded by the next. */
    public void pruneResends(String channel, Instant before) {
        update("DELETE FROM outbox WHERE action = 'resend' AND channel = ? AND status <> 'pending' AND created_at < ?",
                channel, EventRow.micros(before));
    }

    /** The batch entries created in [from, to): the review queue and its digests. */
    public List<OutboxEntry> batches(Instant from, Instant to) {
        return query("SELECT * FROM outbox WHERE action = 'batch' AND created_at >= ? AND created_at < ? ORDER BY created_at",
                EventRow.micros(from), EventRow.micros(to));
    }

    /**
     * Channels failing now: each with a delivery planned before {@code plannedBefore} that is still
     * pending after a failed attempt, and that delivery's last error (the oldest such per channel).
     */
    public Map<String, String> failingChannels(Instant plannedBefore) {
        Map<String, String> failing = new LinkedHashMap<>();
        for (OutboxEntry e : query("SELECT * FROM outbox WHERE status = 'pending' AND channel IS NOT NULL AND attempts > 0 AND created_at < ? ORDER BY seq",
                EventRow.micros(plannedBefore))) {
            failing.putIfAbsent(e.channel(), e.lastError());
        }
        return failing;
    }

    /** The pending notifications of the incident's trigger and acknowledgement, and its ticket: moot once it is resolved. */
    public List<OutboxEntry> moot(String incident) {
        return query("""
                SELECT * FROM outbox WHERE incident = ? AND status = 'pending'
                AND ((action = 'notify' AND transition IN ('triggered', 'acknowledged')) OR action = 'create_ticket')""", incident);
    }

    /** Marks a pending entry expired; false when it was not pending any more (it ran meanwhile). */
    public boolean expire(String id, Instant at, String why) {
        return update("UPDATE outbox SET status = 'expired', done_at = ?, last_error = ? WHERE id = ? AND status = 'pending'",
                EventRow.micros(at), why, id) == 1;
    }

    public void done(String id, int attempts, Instant at, String detail) {
        update("UPDATE outbox SET status = 'done', attempts = ?, done_at = ?, last_error = ? WHERE id = ?", attempts, EventRow.micros(at), detail, id);
    }

    public void retryAt(String id, int attempts, Instant next, String error) {
        update("UPDATE outbox SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?", attempts, EventRow.micros(next), error, id);
    }

    public void failed(String id, int attempts, Instant at, String error) {
        update("UPDATE outbox SET status = 'failed', attempts = ?, done_at = ?, last_error = ? WHERE id = ?", attempts, EventRow.micros(at), error, id);
    }

    private int update(String sql, Object... args) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) s.setObject(i + 1, args[i]);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("updating the outbox failed: " + e.getMessage(), e);
        }
    }

    private List<OutboxEntry> query(String sql, Object... args) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) s.setObject(i + 1, args[i]);
            List<OutboxEntry> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long done = rs.getLong("done_at");
                    boolean noDone = rs.wasNull() || done == 0;
                    String dedup = rs.getString("dedup");
                    Task task = OutboxEntry.task(OutboxEntry.isRecorded(dedup), rs.getString("action"), rs.getString("channel"),
                            rs.getString("transition"), Json.MAPPER.readTree(rs.getString("payload")));
                    out.add(new OutboxEntry(rs.getString("id"), dedup, rs.getString("incident"), task,
                            OutboxEntry.Status.valueOf(rs.getString("status").toUpperCase()), rs.getInt("attempts"),
                            EventRow.instant(rs.getLong("next_at")), rs.getString("last_error"), EventRow.instant(rs.getLong("created_at")),
                            noDone ? null : EventRow.instant(done)));
                }
            }
            return out;
        } catch (SQLException | JsonProcessingException e) {
            throw new StorageException("reading the outbox failed: " + e.getMessage(), e);
        }
    }
}
