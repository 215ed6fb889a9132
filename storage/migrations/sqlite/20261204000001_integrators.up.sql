-- Internet+ integrator clients (issue 18 item 1): the scopes, rate limit,
-- webhook and rotation state of an INTEGRATOR user (client ID = username).
CREATE TABLE integrator_clients (
    user_id               TEXT PRIMARY KEY REFERENCES users (id),
    client_id             TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    kinds                 TEXT NOT NULL,
    offices               TEXT NOT NULL,
    rate_per_minute       INTEGER NOT NULL,
    webhook_url           TEXT NOT NULL DEFAULT '',
    webhook_secret        TEXT NOT NULL DEFAULT '',
    previous_secret_hash  TEXT NOT NULL DEFAULT '',
    previous_secret_until TIMESTAMP,
    operations            TEXT NOT NULL DEFAULT '',
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    version               INTEGER NOT NULL DEFAULT 1
);
