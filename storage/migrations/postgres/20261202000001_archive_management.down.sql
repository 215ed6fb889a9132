DROP INDEX IF EXISTS case_files_search_idx;
DROP TABLE IF EXISTS case_file_versions;
DROP FUNCTION IF EXISTS case_file_versions_append_only();
ALTER TABLE case_files DROP COLUMN IF EXISTS delete_reason;
