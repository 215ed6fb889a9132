-- Query views (1.5.x): saved views per user, shareable read-only with the
-- owner's office, and the last condition sets per user and source.
CREATE TABLE query_views (
    id            varchar(36)  PRIMARY KEY,
    owner_id      varchar(36)  NOT NULL REFERENCES users (id),
    owner_name    varchar(64)  NOT NULL DEFAULT '',
    source        varchar(32)  NOT NULL,
    name          varchar(120) NOT NULL,
    shared_office char(12),                         -- readable by the users of this office
    spec          text         NOT NULL,            -- domain.QueryViewSpec as JSON
    created_at    timestamptz  NOT NULL,
    updated_at    timestamptz  NOT NULL,
    version       integer      NOT NULL DEFAULT 1
);
CREATE INDEX query_views_owner_idx ON query_views (owner_id, source);
CREATE INDEX query_views_shared_idx ON query_views (shared_office, source) WHERE shared_office IS NOT NULL;

CREATE TABLE query_history (
    id        varchar(36) PRIMARY KEY,
    user_id   varchar(36) NOT NULL REFERENCES users (id),
    source    varchar(32) NOT NULL,
    hash      char(64)    NOT NULL,                 -- SHA-256 of the condition as JSON
    conditions text       NOT NULL,
    at        timestamptz NOT NULL,
    UNIQUE (user_id, source, hash)
);
CREATE INDEX query_history_user_idx ON query_history (user_id, source, at DESC);

-- Keyset pagination of case views by time within a kind.
CREATE INDEX cases_kind_updated_idx ON cases (kind, updated_at DESC, id DESC);
CREATE INDEX cases_kind_created_idx ON cases (kind, created_at DESC, id DESC);
CREATE INDEX residents_updated_idx ON residents (updated_at DESC, id DESC);
CREATE INDEX residents_created_idx ON residents (created_at DESC, id DESC);
