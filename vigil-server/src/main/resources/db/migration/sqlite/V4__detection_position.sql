-- How far detection got: every event up to seq was detected on, and what it raised was saved and
-- responded to (the response stage planned its actions in the outbox). One row; start-up detects
-- again on what came after it. at: when it was written, microseconds since the epoch.
CREATE TABLE detection_position (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT  NOT NULL,
    at  BIGINT  NOT NULL
);
