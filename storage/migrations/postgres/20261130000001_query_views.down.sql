DROP INDEX IF EXISTS residents_created_idx;
DROP INDEX IF EXISTS residents_updated_idx;
DROP INDEX IF EXISTS cases_kind_created_idx;
DROP INDEX IF EXISTS cases_kind_updated_idx;
DROP TABLE IF EXISTS query_history;
DROP TABLE IF EXISTS query_views;
