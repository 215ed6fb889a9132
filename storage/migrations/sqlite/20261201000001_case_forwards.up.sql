-- Scheduled forwards (see the PostgreSQL migration).
CREATE TABLE case_forwards (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    kind         TEXT NOT NULL,
    message_type TEXT NOT NULL,
    message      TEXT NOT NULL,
    saved_by     TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    due_at       TIMESTAMP NOT NULL,
    sent_at      TIMESTAMP,
    message_id   TEXT NOT NULL DEFAULT ''
);

--bun:split
CREATE INDEX case_forwards_case_idx ON case_forwards (case_id, created_at);

--bun:split
CREATE INDEX case_forwards_pending_idx ON case_forwards (created_at, id) WHERE sent_at IS NULL;
