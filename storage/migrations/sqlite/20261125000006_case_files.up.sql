-- A case's files: captured archive images (1.4.1, 1.4.6, 1.4.7, 1.4.19) and
-- the PDFs the case generated. The bytes live in the blob store under
-- blob_key; a row is never deleted (valid = 0 is the soft delete).
CREATE TABLE case_files (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases (id),
    category      TEXT NOT NULL CHECK (category IN ('ARCHIVE', 'DOCUMENT')),
    material_code TEXT NOT NULL,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL CHECK (size >= 0),
    blob_key      TEXT NOT NULL,
    revision      INTEGER NOT NULL DEFAULT 0,
    restriction   TEXT NOT NULL DEFAULT 'NONE'
                  CHECK (restriction IN ('NONE', 'NO_DELETE', 'NO_MODIFY', 'NO_DELETE_NO_MODIFY')),
    valid         BOOLEAN NOT NULL DEFAULT 1,
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    version       INTEGER NOT NULL DEFAULT 1
);

--bun:split
CREATE INDEX case_files_case_idx ON case_files (case_id, category, material_code, created_at);

--bun:split
CREATE UNIQUE INDEX case_files_document_revision_idx ON case_files (case_id, material_code, revision)
    WHERE category = 'DOCUMENT';

--bun:split
CREATE INDEX case_files_blob_idx ON case_files (blob_key);
