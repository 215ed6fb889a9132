-- Per-user preferences (#19 item 4): a closed set of keys, each a small JSON value checked by the domain.
CREATE TABLE user_preferences (
    user_id    TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (user_id, key)
);
