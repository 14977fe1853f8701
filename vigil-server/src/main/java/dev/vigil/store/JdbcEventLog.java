package dev.vigil.store;

import dev.vigil.event.Event;
import dev.vigil.event.EventJson;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log in SQLite or PostgreSQL, written with group commit.
 *
 * <p>Concurrency: any thread may call {@link #append}; one writer thread owns every insert.
 * Requests are handed to it through {@link #pending}; it takes everything waiting (up to
 * {@link #MAX_ROWS_PER_COMMIT} rows, never splitting a request), writes it in one transaction,
 * commits once, and only then completes each request's future. N concurrent requests thus
 * cost one commit and one fsync instead of N, so durability does not cost throughput.
 *
 * <p>Bound: {@link #capacity} holds one permit per row that is queued or being written.
 * {@code append} takes permits without waiting and fails with {@link OverloadedException} when
 * there are too few; the writer returns them after the commit. Memory held for unacknowledged
 * rows is therefore bounded whatever the load.
 *
 * <p>Invariant: a future completes successfully only after its rows' transaction committed.
 * If the commit fails, every future of that transaction fails and nothing was acknowledged.
 */
final class JdbcEventLog implements EventLog {
    private static final Logger log = LoggerFactory.getLogger(JdbcEventLog.class);
    /** Large enough to amortize a commit's fsync, small enough to keep a commit well under 100 ms. */
    private static final int MAX_ROWS_PER_COMMIT = 20_000;
    /** Deleting in chunks keeps each prune transaction short, so it never stalls the writer for long. */
    private static final int PRUNE_CHUNK = 5_000;

    private record Request(List<EventRow> rows, CompletableFuture<AppendResult> done) {}

    private final Database db;
    private final String insertSql;
    private final Semaphore capacity;
    private final int capacityRows;
    private final BlockingQueue<Request> pending = new LinkedBlockingQueue<>();
    private final Timer commitTimer;
    private final Consumer<Committed> onCommitted;
    private final Thread writer;
    private volatile boolean closing;

    JdbcEventLog(Database db, int capacityRows, Timer commitTimer, Consumer<Committed> onCommitted) {
        this.db = db;
        this.onCommitted = onCommitted;
        this.capacityRows = capacityRows;
        this.capacity = new Semaphore(capacityRows);
        this.commitTimer = commitTimer;
        this.insertSql = switch (db.dialect()) {
            case SQLITE -> "INSERT OR IGNORE INTO events (id, agent, run, task, kind, ts, received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
            case POSTGRESQL -> "INSERT INTO events (id, agent, run, task, kind, ts, received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id, agent) DO NOTHING";
        };
        this.writer = Thread.ofPlatform().name("vigil-event-writer").start(this::writeLoop);
    }

    @Override
    public CompletableFuture<AppendResult> append(List<EventRow> rows) {
        if (closing) throw new OverloadedException("shutting down");
        if (rows.size() > capacityRows || !capacity.tryAcquire(rows.size())) {
            throw new OverloadedException("the commit queue is full (" + capacityRows + " events)");
        }
        CompletableFuture<AppendResult> done = new CompletableFuture<>();
        pending.add(new Request(rows, done));
        return done;
    }

    private void writeLoop() {
        List<Request> batch = new ArrayList<>();
        while (!closing || !pending.isEmpty()) {
            try {
                Request first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                int rows = first.rows.size();
                Request next;
                while (rows < MAX_ROWS_PER_COMMIT && (next = pending.peek()) != null
                        && rows + next.rows.size() <= MAX_ROWS_PER_COMMIT) {
                    batch.add(pending.poll());
                    rows += next.rows.size();
                }
                commit(batch, rows);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Request> batch, int rows) {
        long start = System.nanoTime();
        int[] counts = new int[rows];
        long upTo;
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(insertSql)) {
                int i = 0;
                for (Request r : batch) {
                    for (EventRow row : r.rows) {
                        Event e = row.event();
                        insert.setString(1, e.id());
                        insert.setString(2, e.agent());
                        insert.setString(3, e.run());
                        insert.setString(4, e.task());
                        insert.setString(5, e.kind().wire());
                        insert.setLong(6, row.tsMicros());
                        insert.setLong(7, row.receivedMicros());
                        bindBody(insert, row.body());
                        insert.addBatch();
                        if (++i % 1000 == 0) copy(insert.executeBatch(), counts, i - 1000);
                    }
                }
                int tail = i % 1000;
                if (tail != 0) copy(insert.executeBatch(), counts, i - tail);
                upTo = maxSeq(c); // this one writer's rows are the latest: the last of them, or the log's end
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            log.error("event log commit of {} events failed; {} requests answered with an error", rows, batch.size(), e);
            for (Request r : batch) r.done.completeExceptionally(new StorageException("the event log could not commit: " + e.getMessage(), e));
            capacity.release(rows);
            return;
        }
        commitTimer.record(Duration.ofNanos(System.nanoTime() - start));
        capacity.release(rows);
        List<Event> committed = new ArrayList<>(rows);
        int offset = 0;
        int[] stored = new int[batch.size()];
        for (int b = 0; b < batch.size(); b++) {
            Request r = batch.get(b);
            for (int j = 0; j < r.rows.size(); j++) {
                if (counts[offset + j] != 0) {
                    stored[b]++;
                    committed.add(r.rows.get(j).event());
                }
            }
            offset += r.rows.size();
        }
        // Before the acknowledgements, so a 202 means "queued for detection" (what a drill waits on). Queueing
        // waits only while detection is behind, when the next commit would have to wait anyway.
        if (!committed.isEmpty()) onCommitted.accept(new Committed(committed, upTo));
        for (int b = 0; b < batch.size(); b++) batch.get(b).done.complete(new AppendResult(stored[b], batch.get(b).rows.size() - stored[b]));
    }

    /**
     * SQLite takes the UTF-8 bytes as they are (a BLOB holding JSON text, read back with
     * getString); this halves the single writer's work per row compared with binding a String.
     * PostgreSQL's column is text, so it gets a String.
     */
    private void bindBody(PreparedStatement insert, byte[] body) throws SQLException {
        if (db.dialect() == Database.Dialect.SQLITE) insert.setBytes(8, body);
        else insert.setString(8, new String(body, StandardCharsets.UTF_8));
    }

    private static void copy(int[] from, int[] to, int at) {
        System.arraycopy(from, 0, to, at, from.length);
    }

    @Override
    public EventPage query(EventQuery q) {
        StringBuilder sql = new StringBuilder("SELECT seq, ts, body FROM events WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        filter(sql, args, "agent", q.agent());
        filter(sql, args, "run", q.run());
        filter(sql, args, "task", q.task());
        filter(sql, args, "kind", q.kind());
        if (q.since() != null) {
            sql.append(" AND ts >= ?");
            args.add(EventRow.micros(q.since()));
        }
        if (q.until() != null) {
            sql.append(" AND ts < ?");
            args.add(EventRow.micros(q.until()));
        }
        if (q.cursor() != null) {
            sql.append(" AND (ts < ? OR (ts = ? AND seq < ?))");
            args.add(q.cursor().tsMicros());
            args.add(q.cursor().tsMicros());
            args.add(q.cursor().seq());
        }
        sql.append(" ORDER BY ts DESC, seq DESC LIMIT ?");
        args.add(q.limit() + 1); // one more than asked tells whether there is a next page
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) s.setObject(i + 1, args.get(i));
            List<String> bodies = new ArrayList<>();
            EventPage.Cursor last = null;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (bodies.size() == q.limit()) return new EventPage(bodies, last);
                    last = new EventPage.Cursor(rs.getLong(2), rs.getLong(1));
                    bodies.add(rs.getString(3));
                }
            }
            return new EventPage(bodies, null);
        } catch (SQLException e) {
            throw new StorageException("reading the event log failed: " + e.getMessage(), e);
        }
    }

    private static void filter(StringBuilder sql, List<Object> args, String column, String value) {
        if (value == null) return;
        sql.append(" AND ").append(column).append(" = ?");
        args.add(value);
    }

    @Override
    public long pruneBefore(Instant cutoff) {
        long total = 0;
        String sql = "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE ts < ? LIMIT " + PRUNE_CHUNK + ")";
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            int deleted;
            do {
                s.setLong(1, EventRow.micros(cutoff));
                deleted = s.executeUpdate();
                total += deleted;
            } while (deleted == PRUNE_CHUNK && !closing);
        } catch (SQLException e) {
            throw new StorageException("pruning the event log failed: " + e.getMessage(), e);
        }
        return total;
    }

    private static long maxSeq(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM events"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public int backlog() {
        return capacityRows - capacity.availablePermits();
    }

    @Override
    public long lastSeq() {
        try (Connection c = db.dataSource().getConnection()) {
            return maxSeq(c);
        } catch (SQLException e) {
            throw new StorageException("reading the event log failed: " + e.getMessage(), e);
        }
    }

    @Override
    public long firstSeqAt(Instant t) {
        // The ts index finds them; the smallest position among them is where a replay of that time starts.
        String sql = "SELECT MIN(seq) FROM events WHERE ts >= ?";
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, EventRow.micros(t));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long seq = rs.getLong(1);
                return rs.wasNull() ? maxSeq(c) + 1 : seq;
            }
        } catch (SQLException e) {
            throw new StorageException("reading the event log failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Stored> read(long afterSeq, int limit) {
        String sql = "SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT " + limit;
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, afterSeq);
            List<Stored> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) out.add(new Stored(rs.getLong(1), EventJson.read(rs.getString(2))));
            }
            return out;
        } catch (SQLException e) {
            throw new StorageException("reading the event log failed: " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.Optional<Position> detectedUpTo() {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT seq, at FROM detection_position WHERE id = 1");
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? java.util.Optional.of(new Position(rs.getLong(1), EventRow.instant(rs.getLong(2)))) : java.util.Optional.empty();
        } catch (SQLException e) {
            throw new StorageException("reading the detection position failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void detected(Position p) {
        String sql = "INSERT INTO detection_position (id, seq, at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, at = excluded.at";
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, p.seq());
            s.setLong(2, EventRow.micros(p.at()));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("recording the detection position failed: " + e.getMessage(), e);
        }
    }

    /** Stops taking rows, commits everything already queued, then returns. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
