-- A case's files: captured archive images (1.4.1, 1.4.6, 1.4.7, 1.4.19) and
-- the PDFs the case generated. The bytes live in the blob store under
-- blob_key; a row is never deleted (valid = false is the soft delete).
CREATE TABLE case_files (
    id            varchar(36)  PRIMARY KEY,
    case_id       varchar(36)  NOT NULL REFERENCES cases (id),
    category      varchar(12)  NOT NULL CHECK (category IN ('ARCHIVE', 'DOCUMENT')),
    material_code varchar(64)  NOT NULL,   -- archive: the Ministry materials-list code; document: its kind
    name          varchar(255) NOT NULL,
    content_type  varchar(100) NOT NULL,
    size          bigint       NOT NULL CHECK (size >= 0),
    blob_key      char(64)     NOT NULL,   -- lower-case hex SHA-256 of the content
    revision      integer      NOT NULL DEFAULT 0,
    restriction   varchar(24)  NOT NULL DEFAULT 'NONE'
                  CHECK (restriction IN ('NONE', 'NO_DELETE', 'NO_MODIFY', 'NO_DELETE_NO_MODIFY')),
    valid         boolean      NOT NULL DEFAULT true,
    created_by    varchar(64)  NOT NULL DEFAULT '',
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    version       integer      NOT NULL DEFAULT 1
);
CREATE INDEX case_files_case_idx ON case_files (case_id, category, material_code, created_at);
-- One row per revision of a generated document kind.
CREATE UNIQUE INDEX case_files_document_revision_idx ON case_files (case_id, material_code, revision)
    WHERE category = 'DOCUMENT';
-- The orphan sweeper asks whether any row still refers to a blob.
CREATE INDEX case_files_blob_idx ON case_files (blob_key);
