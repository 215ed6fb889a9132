-- Users, refresh tokens and the append-only audit log. The audit log
-- outlives a rollback (the down migration keeps it), so its statements here
-- accept that it may already exist.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    office_code   TEXT NOT NULL REFERENCES offices (code),
    roles         TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    version       INTEGER NOT NULL DEFAULT 1
);

--bun:split
CREATE TABLE refresh_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

--bun:split
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

--bun:split
CREATE TABLE IF NOT EXISTS audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    actor_id     TEXT NOT NULL DEFAULT '',
    actor_name   TEXT NOT NULL DEFAULT '',
    office_code  TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL CHECK (action IN ('READ', 'CHANGE', 'LOGIN', 'DENIED')),
    operation    TEXT NOT NULL,
    subject_type TEXT NOT NULL DEFAULT '',
    subject_id   TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '',
    remote_addr  TEXT NOT NULL DEFAULT ''
);

--bun:split
CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (at DESC);

--bun:split
CREATE INDEX IF NOT EXISTS audit_log_subject_idx ON audit_log (subject_type, subject_id);

--bun:split
CREATE INDEX IF NOT EXISTS audit_log_actor_idx ON audit_log (actor_id, at DESC);

--bun:split
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

--bun:split
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
