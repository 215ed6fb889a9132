-- Row triggers do not fire on TRUNCATE: refuse it with a statement trigger.
-- Like the others it is never dropped (see the down migration).
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Access tokens carry the generation they were issued under; logout and a
-- reused refresh token bump it, which revokes every outstanding access token.
ALTER TABLE users ADD COLUMN token_generation integer NOT NULL DEFAULT 0;

-- Sign-in throttling counts recent failed sign-ins by username and by address.
CREATE INDEX audit_log_login_name_idx ON audit_log (actor_name, id) WHERE action = 'LOGIN';
CREATE INDEX audit_log_login_addr_idx ON audit_log (remote_addr, id) WHERE action = 'LOGIN';
