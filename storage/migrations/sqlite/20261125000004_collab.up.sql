-- The collaboration message log (hash-chained), per-case sequence counters and cursors.
CREATE TABLE collab_messages (
    seq             INTEGER PRIMARY KEY,
    message_id      TEXT NOT NULL UNIQUE,
    direction       TEXT NOT NULL CHECK (direction IN ('OUT', 'IN')),
    collab_no       TEXT NOT NULL,
    case_kind       TEXT NOT NULL,
    message_type    TEXT NOT NULL,
    sender_office   TEXT NOT NULL,
    receiver_office TEXT NOT NULL,
    sender_user     TEXT NOT NULL,
    case_seq        INTEGER NOT NULL,
    sent_at         TIMESTAMP NOT NULL,
    body            TEXT NOT NULL,
    attachments     TEXT NOT NULL,
    reply_to_hash   TEXT NOT NULL DEFAULT '',
    signature       TEXT NOT NULL,
    signer_key_id   TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    log_hash        TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL CHECK (status IN ('PENDING', 'SENT', 'DEAD', 'RECEIVED', 'APPLIED', 'FAILED')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    deadline_at     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (direction, sender_office, collab_no, case_seq)
);

--bun:split
CREATE INDEX collab_messages_status_idx ON collab_messages (status, direction, deadline_at);

--bun:split
CREATE INDEX collab_messages_collab_no_idx ON collab_messages (collab_no, seq);

--bun:split
CREATE TABLE collab_sequences (
    scope     TEXT NOT NULL CHECK (scope IN ('OUT', 'APPLIED')),
    office    TEXT NOT NULL,
    collab_no TEXT NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (scope, office, collab_no)
);

--bun:split
CREATE TABLE collab_cursors (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

--bun:split
CREATE TABLE collab_log_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);

--bun:split
INSERT INTO collab_log_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
