-- SQLite has no TRUNCATE: a DELETE without WHERE fires audit_log_no_delete.

-- Access tokens carry the generation they were issued under; logout and a
-- reused refresh token bump it, which revokes every outstanding access token.
ALTER TABLE users ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;

--bun:split
-- Sign-in throttling counts recent failed sign-ins by username and by address.
CREATE INDEX audit_log_login_name_idx ON audit_log (actor_name, id) WHERE action = 'LOGIN';

--bun:split
CREATE INDEX audit_log_login_addr_idx ON audit_log (remote_addr, id) WHERE action = 'LOGIN';
