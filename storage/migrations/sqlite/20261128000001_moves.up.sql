-- Household migration (2.2.4–2.2.6): as the PostgreSQL migration.
ALTER TABLE households ADD COLUMN closed_at TIMESTAMP;

--bun:split
CREATE TABLE resident_moves (
    id          TEXT PRIMARY KEY,
    resident_id TEXT NOT NULL REFERENCES residents (id),
    direction   TEXT NOT NULL CHECK (direction IN ('OUT', 'IN')),
    collab_no   TEXT NOT NULL,
    office      TEXT NOT NULL,
    place       TEXT NOT NULL,
    moved_on    TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (resident_id, direction, collab_no)
);

--bun:split
CREATE INDEX resident_moves_resident_idx ON resident_moves (resident_id);
