DELETE FROM webhook_deliveries WHERE application_id IS NULL;

--bun:split
CREATE TABLE webhook_deliveries_old (
    id             TEXT PRIMARY KEY,
    client_user_id TEXT NOT NULL,
    application_id TEXT NOT NULL REFERENCES online_applications (id),
    seq            INTEGER NOT NULL,
    payload        TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    delivered_at   TIMESTAMP,
    UNIQUE (application_id, seq)
);

--bun:split
INSERT INTO webhook_deliveries_old (id, client_user_id, application_id, seq, payload, status, attempts, last_error, created_at, updated_at, delivered_at)
SELECT id, client_user_id, application_id, seq, payload, status, attempts, last_error, created_at, updated_at, delivered_at FROM webhook_deliveries;

--bun:split
DROP TABLE webhook_deliveries;

--bun:split
ALTER TABLE webhook_deliveries_old RENAME TO webhook_deliveries;

--bun:split
CREATE INDEX webhook_deliveries_status_idx ON webhook_deliveries (status, created_at);

--bun:split
DROP TABLE IF EXISTS portal_messages;
