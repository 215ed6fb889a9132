-- Cross-province cases (one row per side's copy) and their append-only history.
CREATE TABLE cases (
    id                    varchar(36) PRIMARY KEY,
    kind                  varchar(16) NOT NULL,
    side                  varchar(12) NOT NULL CHECK (side IN ('ACCEPTANCE', 'REGISTRATION')),
    collab_no             varchar(64) NOT NULL,
    status                varchar(32) NOT NULL,
    acceptance_office     char(12)    NOT NULL,
    registration_office   char(12)    NOT NULL,
    registration_province char(2)     NOT NULL,
    office                char(12)    NOT NULL,    -- jurisdiction of this copy
    applicant             text        NOT NULL DEFAULT '{}',
    ministry              text        NOT NULL DEFAULT '{}',
    result                text        NOT NULL DEFAULT '{}',
    deadline_at           timestamptz,
    created_by            varchar(64) NOT NULL DEFAULT '',
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    version               integer     NOT NULL DEFAULT 1,
    UNIQUE (collab_no, side)                       -- one copy per side, everywhere
);
CREATE INDEX cases_queue_idx ON cases (office, kind, side, status, updated_at DESC);
CREATE INDEX cases_deadline_idx ON cases (deadline_at) WHERE deadline_at IS NOT NULL;

CREATE TABLE case_actions (
    id          varchar(36)  PRIMARY KEY,          -- unique transaction ID of the action
    case_id     varchar(36)  NOT NULL REFERENCES cases (id),
    seq         integer      NOT NULL,
    action      varchar(40)  NOT NULL,
    from_status varchar(32)  NOT NULL,
    to_status   varchar(32)  NOT NULL,
    actor_id    varchar(36)  NOT NULL DEFAULT '',
    actor_name  varchar(64)  NOT NULL DEFAULT '',
    office      varchar(12)  NOT NULL DEFAULT '',
    message_id  varchar(128) NOT NULL DEFAULT '',
    note        text         NOT NULL DEFAULT '',
    data        text         NOT NULL DEFAULT '{}',
    at          timestamptz  NOT NULL,
    UNIQUE (case_id, seq)
);

CREATE FUNCTION case_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_actions is append-only';
END $$;
CREATE TRIGGER case_actions_no_update BEFORE UPDATE OR DELETE ON case_actions
    FOR EACH ROW EXECUTE FUNCTION case_actions_append_only();
