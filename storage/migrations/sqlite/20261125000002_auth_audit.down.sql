-- audit_log and its triggers are never dropped: a rollback of the schema
-- must not lose the record of who read and changed what.
DROP TABLE IF EXISTS refresh_tokens;
--bun:split
DROP TABLE IF EXISTS users;
