-- The event log: one row per accepted event, the body exactly as stored (normalized JSON).
-- ts and received_at are microseconds since the epoch, for filtering and ordering.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT    NOT NULL,
    agent       TEXT    NOT NULL,
    run         TEXT,
    task        TEXT,
    kind        TEXT    NOT NULL,
    ts          INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    body        TEXT    NOT NULL
);
-- Dedup: an id is unique per agent for as long as the event is retained. Keyed id first:
-- ids assigned by Vigil and the SDK are UUIDv7 (time-ordered), so new keys append at the end
-- of the index instead of dirtying a random page each. Only two indexes, both append-mostly:
-- a per-agent index would dirty one page per distinct agent in every commit, which cost SQLite
-- half its insert rate (BENCHMARKS.md); filters other than time scan within the time range.
CREATE UNIQUE INDEX events_id_agent ON events (id, agent);
CREATE INDEX events_ts ON events (ts, seq);
