-- Internet+ intake (issue 18 items 2, 3.1.1–3.1.4): online applications a
-- portal submitted into a station's queue, and the signed webhook
-- deliveries that tell the portal of each change.
CREATE TABLE online_applications (
    id             TEXT PRIMARY KEY,
    client_user_id TEXT NOT NULL REFERENCES users (id),
    client_id      TEXT NOT NULL,
    kind           TEXT NOT NULL,
    office         TEXT NOT NULL,
    reference      TEXT NOT NULL DEFAULT '',
    data           TEXT NOT NULL,
    materials      TEXT NOT NULL,
    status         TEXT NOT NULL,
    case_id        TEXT UNIQUE REFERENCES cases (id),
    collab_no      TEXT NOT NULL DEFAULT '',
    case_status    TEXT NOT NULL DEFAULT '',
    result         TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);

--bun:split
CREATE INDEX online_applications_client_idx ON online_applications (client_user_id, id DESC);

--bun:split
CREATE INDEX online_applications_office_idx ON online_applications (office, status, id DESC);

--bun:split
CREATE TABLE webhook_deliveries (
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
CREATE INDEX webhook_deliveries_status_idx ON webhook_deliveries (status, created_at);
