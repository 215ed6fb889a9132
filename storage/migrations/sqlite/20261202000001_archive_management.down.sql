DROP TABLE IF EXISTS case_file_pages;

--bun:split
DROP INDEX IF EXISTS case_files_search_idx;

--bun:split
DROP TABLE IF EXISTS case_file_versions;

--bun:split
ALTER TABLE case_files DROP COLUMN delete_reason;

--bun:split
ALTER TABLE case_files DROP COLUMN pages;

--bun:split
ALTER TABLE case_files DROP COLUMN page_set;
