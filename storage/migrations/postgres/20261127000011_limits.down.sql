-- audit_log_no_truncate stays: protections of the audit log are never rolled back.
DROP INDEX IF EXISTS audit_log_login_addr_idx;
--bun:split
DROP INDEX IF EXISTS audit_log_login_name_idx;
--bun:split
ALTER TABLE users DROP COLUMN IF EXISTS token_generation;
