DROP TABLE IF EXISTS audit_log;
--bun:split
DROP TABLE IF EXISTS refresh_tokens;
--bun:split
DROP TABLE IF EXISTS users;
