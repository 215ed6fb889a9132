-- audit_log, its function and its triggers are never dropped: a rollback of
-- the schema must not lose the record of who read and changed what. Drop it
-- by hand, deliberately, if it ever has to go.
DROP TABLE IF EXISTS refresh_tokens;
--bun:split
DROP TABLE IF EXISTS users;
