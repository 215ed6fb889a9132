-- Users, refresh tokens and the append-only audit log. The audit log
-- outlives a rollback (the down migration keeps it), so its statements here
-- accept that it may already exist.
CREATE TABLE users (
    id            varchar(36)  PRIMARY KEY,
    username      varchar(64)  NOT NULL UNIQUE,
    display_name  varchar(100) NOT NULL,
    password_hash varchar(100) NOT NULL,          -- bcrypt; for INTEGRATOR clients, of the client secret
    office_code   char(12)     NOT NULL REFERENCES offices (code),
    roles         varchar(200) NOT NULL,          -- comma-separated Role values
    disabled      boolean      NOT NULL DEFAULT false,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    version       integer      NOT NULL DEFAULT 1
);

CREATE TABLE refresh_tokens (
    id         varchar(36) PRIMARY KEY,
    user_id    varchar(36) NOT NULL REFERENCES users (id),
    token_hash char(64)    NOT NULL UNIQUE,       -- SHA-256 hex of the opaque token; the token itself is never stored
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE IF NOT EXISTS audit_log (
    id           bigserial    PRIMARY KEY,
    at           timestamptz  NOT NULL DEFAULT now(),
    actor_id     varchar(36)  NOT NULL DEFAULT '',
    actor_name   varchar(64)  NOT NULL DEFAULT '',
    office_code  varchar(12)  NOT NULL DEFAULT '',
    action       varchar(10)  NOT NULL CHECK (action IN ('READ', 'CHANGE', 'LOGIN', 'DENIED')),
    operation    varchar(100) NOT NULL,           -- GraphQL field or use case name
    subject_type varchar(30)  NOT NULL DEFAULT '',
    subject_id   varchar(64)  NOT NULL DEFAULT '',
    detail       text         NOT NULL DEFAULT '',
    remote_addr  varchar(64)  NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX IF NOT EXISTS audit_log_subject_idx ON audit_log (subject_type, subject_id);
CREATE INDEX IF NOT EXISTS audit_log_actor_idx ON audit_log (actor_id, at DESC);

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
