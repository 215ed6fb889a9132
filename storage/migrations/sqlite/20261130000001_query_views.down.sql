DROP INDEX IF EXISTS residents_created_idx;

--bun:split
DROP INDEX IF EXISTS residents_updated_idx;

--bun:split
DROP INDEX IF EXISTS cases_kind_created_idx;

--bun:split
DROP INDEX IF EXISTS cases_kind_updated_idx;

--bun:split
DROP TABLE IF EXISTS query_history;

--bun:split
DROP TABLE IF EXISTS query_views;
