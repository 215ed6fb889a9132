-- Message instructions (3.1.7): a portal's questions and instructions,
-- routed to an office (or an application's station and case), answered
-- before their deadline.
CREATE TABLE portal_messages (
    id             TEXT PRIMARY KEY,
    client_user_id TEXT NOT NULL REFERENCES users (id),
    client_id      TEXT NOT NULL,
    kind           TEXT NOT NULL,
    application_id TEXT REFERENCES online_applications (id),
    case_id        TEXT,
    office         TEXT NOT NULL,
    subject        TEXT NOT NULL,
    body           TEXT NOT NULL,
    status         TEXT NOT NULL,
    deadline_at    TIMESTAMP NOT NULL,
    answer         TEXT NOT NULL DEFAULT '',
    answered_by    TEXT NOT NULL DEFAULT '',
    answered_at    TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);

--bun:split
CREATE INDEX portal_messages_client_idx ON portal_messages (client_user_id, id DESC);

--bun:split
CREATE INDEX portal_messages_office_idx ON portal_messages (office, status, deadline_at);

--bun:split
-- The answer to a message is a webhook about no application: SQLite cannot
-- drop a NOT NULL, so the table is rebuilt with the same columns.
CREATE TABLE webhook_deliveries_new (
    id             TEXT PRIMARY KEY,
    client_user_id TEXT NOT NULL,
    application_id TEXT REFERENCES online_applications (id),
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
INSERT INTO webhook_deliveries_new (id, client_user_id, application_id, seq, payload, status, attempts, last_error, created_at, updated_at, delivered_at)
SELECT id, client_user_id, application_id, seq, payload, status, attempts, last_error, created_at, updated_at, delivered_at FROM webhook_deliveries;

--bun:split
DROP TABLE webhook_deliveries;

--bun:split
ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries;

--bun:split
CREATE INDEX webhook_deliveries_status_idx ON webhook_deliveries (status, created_at);
