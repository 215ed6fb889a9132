-- The unique keys live cases hold (domain.Workflow.Unique): one live case per kind, side and key, by
-- constraint (a birth: one open or completed case per medical birth certificate number on each side).
-- A refused or closed case frees its key (the engine deletes the row).
CREATE TABLE case_keys (
    kind       varchar(16)  NOT NULL,
    side       varchar(12)  NOT NULL CHECK (side IN ('ACCEPTANCE', 'REGISTRATION')),
    key        varchar(128) NOT NULL,
    case_id    varchar(36)  NOT NULL REFERENCES cases (id),
    collab_no  varchar(64)  NOT NULL DEFAULT '',
    created_at timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, side, key)
);
CREATE INDEX case_keys_case_idx ON case_keys (case_id);

-- Live birth cases made before the guard hold their certificate numbers; of duplicates the oldest wins.
INSERT INTO case_keys (kind, side, key, case_id, collab_no, created_at)
SELECT kind, side, ministry::jsonb #>> '{certificate,Number}', id, collab_no, created_at
FROM cases
WHERE kind = 'BIRTH' AND status NOT IN ('REFUSED', 'CLOSED') AND coalesce(ministry::jsonb #>> '{certificate,Number}', '') <> ''
ORDER BY created_at, id
ON CONFLICT DO NOTHING;
