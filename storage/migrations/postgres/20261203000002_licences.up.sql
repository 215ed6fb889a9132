-- Electronic licences (4.1.1, 4.1.2): the Ministry's licences this
-- deployment fetched, refreshed when stale (fetched_at), and the licences
-- cases cite as materials.
CREATE TABLE licences (
    id                 varchar(40)  PRIMARY KEY,
    type               varchar(32)  NOT NULL,
    holder_id_number   varchar(18)  NOT NULL,
    holder_name        varchar(50)  NOT NULL,
    issuer             varchar(100) NOT NULL,
    issued_at          timestamptz  NOT NULL,
    valid_until        timestamptz  NOT NULL,
    data               text         NOT NULL,      -- JSON object of strings
    revoked_at         timestamptz,
    revoke_reason      varchar(200) NOT NULL DEFAULT '',
    signature          bytea        NOT NULL,
    issuer_certificate bytea        NOT NULL,
    fetched_at         timestamptz  NOT NULL
);

--bun:split
CREATE INDEX licences_holder_idx ON licences (holder_id_number, type);

--bun:split
CREATE TABLE case_licences (
    case_id       varchar(36) NOT NULL REFERENCES cases (id),
    licence_id    varchar(40) NOT NULL REFERENCES licences (id),
    material_code varchar(64) NOT NULL,
    cited_by      varchar(64) NOT NULL,
    cited_at      timestamptz NOT NULL,
    PRIMARY KEY (case_id, licence_id)
);
