-- The control document of each agent (state, directives, telemetry level), as JSON.
CREATE TABLE agent_control (
    agent   TEXT    PRIMARY KEY,
    version BIGINT  NOT NULL,
    body    TEXT    NOT NULL
);
-- Every response action, written before it runs. dedup makes an action happen once per
-- incident transition and channel, also across restarts.
CREATE TABLE outbox (
    id         TEXT    PRIMARY KEY,
    seq        BIGINT  NOT NULL UNIQUE,
    dedup      TEXT    NOT NULL UNIQUE,
    incident   TEXT,
    action     TEXT    NOT NULL,
    channel    TEXT,
    transition TEXT,
    payload    TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    attempts   BIGINT  NOT NULL,
    next_at    BIGINT  NOT NULL,
    last_error TEXT,
    created_at BIGINT  NOT NULL,
    done_at    BIGINT 
);
-- seq: the order entries were planned in, strictly increasing, also across restarts.
CREATE INDEX outbox_pending ON outbox (status, seq);
CREATE INDEX outbox_incident ON outbox (incident);
