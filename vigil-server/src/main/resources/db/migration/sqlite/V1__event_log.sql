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
-- Dedup: an id is unique per agent for as long as the event is retained.
CREATE UNIQUE INDEX events_agent_id ON events (agent, id);
CREATE INDEX events_ts ON events (ts, seq);
CREATE INDEX events_agent_ts ON events (agent, ts, seq);
