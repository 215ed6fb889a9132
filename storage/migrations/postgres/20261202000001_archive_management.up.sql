-- Archive management (1.4.6, 1.4.7, 1.4.8): the reason an archive was deleted (soft delete), and the content an
-- archive had before an image was replaced. Nothing is deleted physically: a replaced image stays referenced
-- here (old_blob_key), so the orphan sweeper keeps it. A multi-page archive (several images as one material) keeps
-- its first page in case_files and the others in case_file_pages under its page set.
ALTER TABLE case_files ADD COLUMN delete_reason varchar(500) NOT NULL DEFAULT '';
ALTER TABLE case_files ADD COLUMN pages integer NOT NULL DEFAULT 1 CHECK (pages >= 1);
ALTER TABLE case_files ADD COLUMN page_set varchar(36) NOT NULL DEFAULT '';

CREATE TABLE case_file_versions (
    file_id       varchar(36)  NOT NULL REFERENCES case_files (id),
    version       integer      NOT NULL,   -- the file's version that had this content
    material_code varchar(64)  NOT NULL,
    name          varchar(255) NOT NULL,
    content_type  varchar(100) NOT NULL,
    size          bigint       NOT NULL,
    old_blob_key  char(64)     NOT NULL,
    pages         integer      NOT NULL DEFAULT 1,
    page_set      varchar(36)  NOT NULL DEFAULT '',
    replaced_by   varchar(64)  NOT NULL DEFAULT '',
    replaced_at   timestamptz  NOT NULL,
    PRIMARY KEY (file_id, version)
);
CREATE INDEX case_file_versions_blob_idx ON case_file_versions (old_blob_key);

CREATE FUNCTION case_file_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_file_versions is append-only';
END $$;
CREATE TRIGGER case_file_versions_no_update BEFORE UPDATE OR DELETE ON case_file_versions
    FOR EACH ROW EXECUTE FUNCTION case_file_versions_append_only();

-- Archive search (1.4.8): newest first within a category, keyset by (created_at, id).
CREATE INDEX case_files_search_idx ON case_files (category, created_at DESC, id DESC);

-- Pages 2, 3, … of multi-page archives (item 5 of issue 16); page 1 is the case file's own content. Rows are
-- only inserted: a replaced content keeps its pages under its old page set.
CREATE TABLE case_file_pages (
    file_id       varchar(36)  NOT NULL REFERENCES case_files (id),
    page_set      varchar(36)  NOT NULL,
    page          integer      NOT NULL CHECK (page >= 2),
    name          varchar(255) NOT NULL,
    content_type  varchar(100) NOT NULL,
    size          bigint       NOT NULL,
    page_blob_key char(64)     NOT NULL,
    created_at    timestamptz  NOT NULL,
    PRIMARY KEY (file_id, page_set, page)
);
CREATE INDEX case_file_pages_blob_idx ON case_file_pages (page_blob_key);
