-- Idempotency keys (issue 18 item 6): the answer of each mutation made with
-- a key, per caller, for retries; response is NULL while the mutation runs.
CREATE TABLE idempotency_keys (
    owner_id     TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response     TEXT,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (owner_id, key)
);

--bun:split
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
