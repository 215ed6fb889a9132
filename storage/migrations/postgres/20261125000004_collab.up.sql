-- The collaboration message log (hash-chained), per-case sequence counters and cursors.
CREATE TABLE collab_messages (
    seq             bigint       PRIMARY KEY,        -- log position, from 1, gap-free
    message_id      varchar(128) NOT NULL UNIQUE,    -- each message is logged, and so applied, once
    direction       varchar(3)   NOT NULL CHECK (direction IN ('OUT', 'IN')),
    collab_no       varchar(64)  NOT NULL,
    case_kind       varchar(32)  NOT NULL,
    message_type    varchar(64)  NOT NULL,
    sender_office   char(12)     NOT NULL,
    receiver_office char(12)     NOT NULL,
    sender_user     varchar(64)  NOT NULL,
    case_seq        bigint       NOT NULL,           -- order of the sender's messages on the case
    sent_at         timestamptz  NOT NULL,
    body            text         NOT NULL,
    attachments     text         NOT NULL,           -- JSON array
    reply_to_hash   varchar(64)  NOT NULL DEFAULT '',
    signature       text         NOT NULL,           -- base64
    signer_key_id   varchar(128) NOT NULL,
    prev_hash       char(64)     NOT NULL,
    log_hash        char(64)     NOT NULL UNIQUE,
    status          varchar(10)  NOT NULL CHECK (status IN ('PENDING', 'SENT', 'DEAD', 'RECEIVED', 'APPLIED', 'FAILED')),
    attempts        integer      NOT NULL DEFAULT 0,
    last_error      text         NOT NULL DEFAULT '',
    deadline_at     timestamptz,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    updated_at      timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (direction, sender_office, collab_no, case_seq)
);
CREATE INDEX collab_messages_status_idx ON collab_messages (status, direction, deadline_at);
CREATE INDEX collab_messages_collab_no_idx ON collab_messages (collab_no, seq);

CREATE TABLE collab_sequences (
    scope     varchar(8)  NOT NULL CHECK (scope IN ('OUT', 'APPLIED')),
    office    char(12)    NOT NULL,
    collab_no varchar(64) NOT NULL,
    last_seq  bigint      NOT NULL,
    PRIMARY KEY (scope, office, collab_no)
);

CREATE TABLE collab_cursors (
    name  varchar(64) PRIMARY KEY,
    value text        NOT NULL
);

-- The head of the log: one row, locked by every append so the chain never forks.
CREATE TABLE collab_log_head (
    id   integer  PRIMARY KEY CHECK (id = 1),
    seq  bigint   NOT NULL,
    hash char(64) NOT NULL
);
INSERT INTO collab_log_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
