-- Background query exports (1.5.x, issue 15): an export above the row threshold runs as a River job that
-- writes its file to the blob store; the row tells its progress, the file (blob_key, protected from the
-- orphan sweeper by its name), its rows and SHA-256, and when its download expires. Only the owner
-- downloads it.
CREATE TABLE query_exports (
    id           varchar(36)  PRIMARY KEY,
    owner_id     varchar(36)  NOT NULL REFERENCES users (id),
    source       varchar(32)  NOT NULL,
    format       varchar(8)   NOT NULL,
    request      text         NOT NULL,
    state        varchar(12)  NOT NULL,
    total        integer      NOT NULL DEFAULT 0,
    rows_written integer      NOT NULL DEFAULT 0,
    blob_key     varchar(128),
    sha256       varchar(64)  NOT NULL DEFAULT '',
    size         bigint       NOT NULL DEFAULT 0,
    error        text         NOT NULL DEFAULT '',
    created_at   timestamptz  NOT NULL,
    updated_at   timestamptz  NOT NULL,
    expires_at   timestamptz
);
CREATE INDEX query_exports_owner_idx ON query_exports (owner_id, created_at DESC);
