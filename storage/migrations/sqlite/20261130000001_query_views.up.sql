-- Query views (1.5.x): saved views per user, shareable read-only with the
-- owner's office, and the last condition sets per user and source.
CREATE TABLE query_views (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users (id),
    owner_name    TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL,
    name          TEXT NOT NULL,
    shared_office TEXT,
    spec          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);

--bun:split
CREATE INDEX query_views_owner_idx ON query_views (owner_id, source);

--bun:split
CREATE INDEX query_views_shared_idx ON query_views (shared_office, source) WHERE shared_office IS NOT NULL;

--bun:split
CREATE TABLE query_history (
    id        TEXT PRIMARY KEY,
    user_id   TEXT NOT NULL REFERENCES users (id),
    source    TEXT NOT NULL,
    hash      TEXT NOT NULL,
    conditions TEXT NOT NULL,
    at        TIMESTAMP NOT NULL,
    UNIQUE (user_id, source, hash)
);

--bun:split
CREATE INDEX query_history_user_idx ON query_history (user_id, source, at DESC);

--bun:split
CREATE INDEX cases_kind_updated_idx ON cases (kind, updated_at DESC, id DESC);

--bun:split
CREATE INDEX cases_kind_created_idx ON cases (kind, created_at DESC, id DESC);

--bun:split
CREATE INDEX residents_updated_idx ON residents (updated_at DESC, id DESC);

--bun:split
CREATE INDEX residents_created_idx ON residents (created_at DESC, id DESC);
