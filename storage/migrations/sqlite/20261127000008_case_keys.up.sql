-- The unique keys live cases hold (see the PostgreSQL migration).
CREATE TABLE case_keys (
    kind       TEXT NOT NULL,
    side       TEXT NOT NULL CHECK (side IN ('ACCEPTANCE', 'REGISTRATION')),
    key        TEXT NOT NULL,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    collab_no  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (kind, side, key)
);

--bun:split
CREATE INDEX case_keys_case_idx ON case_keys (case_id);

--bun:split
INSERT INTO case_keys (kind, side, key, case_id, collab_no, created_at)
SELECT kind, side, json_extract(ministry, '$.certificate.Number'), id, collab_no, created_at
FROM cases
WHERE kind = 'BIRTH' AND status NOT IN ('REFUSED', 'CLOSED') AND coalesce(json_extract(ministry, '$.certificate.Number'), '') <> ''
ORDER BY created_at, id
ON CONFLICT DO NOTHING;
