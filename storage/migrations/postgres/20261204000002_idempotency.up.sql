-- Idempotency keys (issue 18 item 6): the answer of each mutation made with
-- a key, per caller, for retries; response is NULL while the mutation runs.
CREATE TABLE idempotency_keys (
    owner_id     varchar(36)  NOT NULL,
    key          varchar(255) NOT NULL,
    request_hash char(64)     NOT NULL,
    response     text,
    created_at   timestamptz  NOT NULL,
    expires_at   timestamptz  NOT NULL,
    PRIMARY KEY (owner_id, key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
