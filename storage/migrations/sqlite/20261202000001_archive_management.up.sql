-- Archive management (1.4.6, 1.4.7, 1.4.8): the reason an archive was deleted (soft delete), and the content an
-- archive had before an image was replaced. Nothing is deleted physically: a replaced image stays referenced
-- here (old_blob_key), so the orphan sweeper keeps it. A multi-page archive (several images as one material) keeps
-- its first page in case_files and the others in case_file_pages under its page set.
ALTER TABLE case_files ADD COLUMN delete_reason TEXT NOT NULL DEFAULT '';

--bun:split
ALTER TABLE case_files ADD COLUMN pages INTEGER NOT NULL DEFAULT 1;

--bun:split
ALTER TABLE case_files ADD COLUMN page_set TEXT NOT NULL DEFAULT '';

--bun:split
CREATE TABLE case_file_versions (
    file_id       TEXT NOT NULL REFERENCES case_files (id),
    version       INTEGER NOT NULL,
    material_code TEXT NOT NULL,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    old_blob_key  TEXT NOT NULL,
    pages         INTEGER NOT NULL DEFAULT 1,
    page_set      TEXT NOT NULL DEFAULT '',
    replaced_by   TEXT NOT NULL DEFAULT '',
    replaced_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (file_id, version)
);

--bun:split
CREATE INDEX case_file_versions_blob_idx ON case_file_versions (old_blob_key);

--bun:split
CREATE TRIGGER case_file_versions_no_update BEFORE UPDATE ON case_file_versions
BEGIN
    SELECT RAISE(ABORT, 'case_file_versions is append-only');
END;

--bun:split
CREATE TRIGGER case_file_versions_no_delete BEFORE DELETE ON case_file_versions
BEGIN
    SELECT RAISE(ABORT, 'case_file_versions is append-only');
END;

--bun:split
CREATE INDEX case_files_search_idx ON case_files (category, created_at DESC, id DESC);

--bun:split
CREATE TABLE case_file_pages (
    file_id       TEXT NOT NULL REFERENCES case_files (id),
    page_set      TEXT NOT NULL,
    page          INTEGER NOT NULL CHECK (page >= 2),
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    page_blob_key TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (file_id, page_set, page)
);

--bun:split
CREATE INDEX case_file_pages_blob_idx ON case_file_pages (page_blob_key);
