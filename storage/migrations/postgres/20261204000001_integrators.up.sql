-- Internet+ integrator clients (issue 18 item 1): the scopes, rate limit,
-- webhook and rotation state of an INTEGRATOR user (client ID = username).
CREATE TABLE integrator_clients (
    user_id               varchar(36)  PRIMARY KEY REFERENCES users (id),
    client_id             varchar(64)  NOT NULL UNIQUE,
    name                  varchar(100) NOT NULL,
    kinds                 text         NOT NULL,          -- comma-separated case kinds
    offices               text         NOT NULL,          -- comma-separated office-code prefixes
    rate_per_minute       integer      NOT NULL,
    webhook_url           varchar(500) NOT NULL DEFAULT '',
    webhook_secret        varchar(64)  NOT NULL DEFAULT '',
    previous_secret_hash  varchar(100) NOT NULL DEFAULT '',
    previous_secret_until timestamptz,
    operations            text         NOT NULL DEFAULT '', -- comma-separated SHA-256 hex allow-list
    created_at            timestamptz  NOT NULL,
    updated_at            timestamptz  NOT NULL,
    version               integer      NOT NULL DEFAULT 1
);
