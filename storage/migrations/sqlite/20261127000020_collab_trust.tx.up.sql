-- Collaboration trust (issue 10); see the PostgreSQL migration. SQLite cannot drop a table constraint,
-- so collab_messages is rebuilt without UNIQUE (direction, sender_office, collab_no, case_seq).
CREATE TABLE collab_messages_rebuilt (
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
    updated_at      TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

--bun:split
INSERT INTO collab_messages_rebuilt SELECT * FROM collab_messages;

--bun:split
DROP TABLE collab_messages;

--bun:split
ALTER TABLE collab_messages_rebuilt RENAME TO collab_messages;

--bun:split
CREATE INDEX collab_messages_status_idx ON collab_messages (status, direction, deadline_at);

--bun:split
CREATE INDEX collab_messages_collab_no_idx ON collab_messages (collab_no, seq);

--bun:split
CREATE UNIQUE INDEX collab_messages_case_seq_idx ON collab_messages (direction, sender_office, collab_no, case_seq)
    WHERE case_seq > 0 AND status <> 'FAILED';

--bun:split
CREATE TABLE collab_peer_keys (
    key_id        TEXT PRIMARY KEY,
    public_key    TEXT NOT NULL,
    offices       TEXT NOT NULL,
    not_before    TIMESTAMP,
    not_after     TIMESTAMP,
    announced_by  TEXT NOT NULL,
    sender_office TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
