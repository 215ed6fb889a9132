DROP INDEX IF EXISTS audit_log_login_addr_idx;
--bun:split
DROP INDEX IF EXISTS audit_log_login_name_idx;
--bun:split
ALTER TABLE users DROP COLUMN token_generation;
