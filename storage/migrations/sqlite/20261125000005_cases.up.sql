-- Cross-province cases (one row per side's copy) and their append-only history.
CREATE TABLE cases (
    id                    TEXT PRIMARY KEY,
    kind                  TEXT NOT NULL,
    side                  TEXT NOT NULL CHECK (side IN ('ACCEPTANCE', 'REGISTRATION')),
    collab_no             TEXT NOT NULL,
    status                TEXT NOT NULL,
    acceptance_office     TEXT NOT NULL,
    registration_office   TEXT NOT NULL,
    registration_province TEXT NOT NULL,
    office                TEXT NOT NULL,
    applicant             TEXT NOT NULL DEFAULT '{}',
    ministry              TEXT NOT NULL DEFAULT '{}',
    result                TEXT NOT NULL DEFAULT '{}',
    deadline_at           TIMESTAMP,
    created_by            TEXT NOT NULL DEFAULT '',
    created_at            TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at            TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    version               INTEGER NOT NULL DEFAULT 1,
    UNIQUE (collab_no, side)
);

--bun:split
CREATE INDEX cases_queue_idx ON cases (office, kind, side, status, updated_at DESC);

--bun:split
CREATE INDEX cases_deadline_idx ON cases (deadline_at) WHERE deadline_at IS NOT NULL;

--bun:split
CREATE TABLE case_actions (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    seq         INTEGER NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL DEFAULT '',
    office      TEXT NOT NULL DEFAULT '',
    message_id  TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}',
    at          TIMESTAMP NOT NULL,
    UNIQUE (case_id, seq)
);

--bun:split
CREATE TRIGGER case_actions_no_update BEFORE UPDATE ON case_actions
BEGIN SELECT RAISE(ABORT, 'case_actions is append-only'); END;

--bun:split
CREATE TRIGGER case_actions_no_delete BEFORE DELETE ON case_actions
BEGIN SELECT RAISE(ABORT, 'case_actions is append-only'); END;
