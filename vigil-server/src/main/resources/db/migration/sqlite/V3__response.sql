-- The control document of each agent (state, directives, telemetry level), as JSON.
CREATE TABLE agent_control (
    agent   TEXT    PRIMARY KEY,
    version INTEGER NOT NULL,
    body    TEXT    NOT NULL
);
-- Every response action, written before it runs. dedup makes an action happen once per
-- incident transition and channel, also across restarts.
CREATE TABLE outbox (
    id         TEXT    PRIMARY KEY,
    seq        INTEGER NOT NULL UNIQUE,
    dedup      TEXT    NOT NULL UNIQUE,
    incident   TEXT,
    action     TEXT    NOT NULL,
    channel    TEXT,
    transition TEXT,
    payload    TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    attempts   INTEGER NOT NULL,
    next_at    INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    done_at    INTEGER
);
-- seq: the order entries were planned in, strictly increasing, also across restarts.
CREATE INDEX outbox_pending ON outbox (status, seq);
CREATE INDEX outbox_incident ON outbox (incident);
