-- Background query exports (1.5.x, issue 15): see the PostgreSQL migration.
CREATE TABLE query_exports (
    id           TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES users (id),
    source       TEXT NOT NULL,
    format       TEXT NOT NULL,
    request      TEXT NOT NULL,
    state        TEXT NOT NULL,
    total        INTEGER NOT NULL DEFAULT 0,
    rows_written INTEGER NOT NULL DEFAULT 0,
    blob_key     TEXT,
    sha256       TEXT NOT NULL DEFAULT '',
    size         INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP
);

--bun:split
CREATE INDEX query_exports_owner_idx ON query_exports (owner_id, created_at DESC);
