DROP TABLE IF EXISTS case_file_pages;
DROP INDEX IF EXISTS case_files_search_idx;
DROP TABLE IF EXISTS case_file_versions;
DROP FUNCTION IF EXISTS case_file_versions_append_only();
ALTER TABLE case_files DROP COLUMN IF EXISTS delete_reason;
ALTER TABLE case_files DROP COLUMN IF EXISTS pages;
ALTER TABLE case_files DROP COLUMN IF EXISTS page_set;
