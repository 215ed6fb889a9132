-- Collaboration trust (issue 10).
-- A case sequence number is held only by a message that can still apply: a dead letter (FAILED, e.g. a
-- forgery that arrived first) no longer keeps the genuine message out, and unordered messages (case_seq 0)
-- do not collide at all.
ALTER TABLE collab_messages DROP CONSTRAINT collab_messages_direction_sender_office_collab_no_case_seq_key;
CREATE UNIQUE INDEX collab_messages_case_seq_idx ON collab_messages (direction, sender_office, collab_no, case_seq)
    WHERE case_seq > 0 AND status <> 'FAILED';

-- Keys that peers announced through the platform (KEY_ANNOUNCEMENT), beside the configured peer directory.
CREATE TABLE collab_peer_keys (
    key_id        varchar(128) PRIMARY KEY,
    public_key    text         NOT NULL,           -- base64 Ed25519
    offices       text         NOT NULL,           -- office code prefixes, comma-separated
    not_before    timestamptz,
    not_after     timestamptz,
    announced_by  varchar(128) NOT NULL,           -- key ID that signed the announcement
    sender_office char(12)     NOT NULL,
    message_id    varchar(128) NOT NULL,
    created_at    timestamptz  NOT NULL DEFAULT now()
);
