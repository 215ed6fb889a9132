-- Electronic licences (4.1.1, 4.1.2): the Ministry's licences this
-- deployment fetched, refreshed when stale (fetched_at), and the licences
-- cases cite as materials.
CREATE TABLE licences (
    id                 TEXT  PRIMARY KEY,
    type               TEXT  NOT NULL,
    holder_id_number   TEXT  NOT NULL,
    holder_name        TEXT  NOT NULL,
    issuer             TEXT NOT NULL,
    issued_at          TIMESTAMP  NOT NULL,
    valid_until        TIMESTAMP  NOT NULL,
    data               text         NOT NULL,      -- JSON object of strings
    revoked_at         TIMESTAMP,
    revoke_reason      TEXT NOT NULL DEFAULT '',
    signature          BLOB        NOT NULL,
    issuer_certificate BLOB        NOT NULL,
    fetched_at         TIMESTAMP  NOT NULL
);

--bun:split
CREATE INDEX licences_holder_idx ON licences (holder_id_number, type);

--bun:split
CREATE TABLE case_licences (
    case_id       TEXT NOT NULL REFERENCES cases (id),
    licence_id    TEXT NOT NULL REFERENCES licences (id),
    material_code TEXT NOT NULL,
    cited_by      TEXT NOT NULL,
    cited_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, licence_id)
);
