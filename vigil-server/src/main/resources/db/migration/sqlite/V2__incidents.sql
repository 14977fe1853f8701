-- Incidents: indexed columns for the list filters, the whole incident as JSON in body.
CREATE TABLE incidents (
    id          TEXT    PRIMARY KEY,
    fingerprint TEXT    NOT NULL,
    rule        TEXT    NOT NULL,
    severity    TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    agent       TEXT    NOT NULL,
    detected_at INTEGER NOT NULL,
    body        TEXT    NOT NULL
);
-- At most one open or acknowledged incident per fingerprint, enforced by the database too.
CREATE UNIQUE INDEX incidents_active_fingerprint ON incidents (fingerprint) WHERE status <> 'resolved';
CREATE INDEX incidents_detected ON incidents (detected_at, id);
