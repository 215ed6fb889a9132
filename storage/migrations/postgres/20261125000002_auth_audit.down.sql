DROP TABLE IF EXISTS audit_log;
--bun:split
DROP FUNCTION IF EXISTS audit_log_append_only();
--bun:split
DROP TABLE IF EXISTS refresh_tokens;
--bun:split
DROP TABLE IF EXISTS users;
