-- Electronic seals (5.1.1): the seals the province's e-seal service issued
-- to this deployment's offices and operators, as GB/T 38540 seal data, with
-- their status. The private keys are in the seal key store, never here:
-- key_ref only names the key there. status is VALID or REVOKED as stored;
-- EXPIRED is also derived from the validity when read.
CREATE TABLE seals (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    office_code    TEXT NOT NULL,
    user_id        TEXT NOT NULL DEFAULT '',
    name           TEXT NOT NULL,
    image          BLOB NOT NULL,
    certificate    BLOB NOT NULL,
    ca_certificate BLOB NOT NULL,
    seal_data      BLOB NOT NULL,
    valid_from     TIMESTAMP NOT NULL,
    valid_to       TIMESTAMP NOT NULL,
    status         TEXT NOT NULL DEFAULT 'VALID' CHECK (status IN ('VALID', 'EXPIRED', 'REVOKED')),
    revoked_at     TIMESTAMP,
    revoke_reason  TEXT NOT NULL DEFAULT '',
    key_ref        TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

--bun:split
CREATE INDEX seals_office_idx ON seals (office_code, kind, created_at DESC);

--bun:split
CREATE INDEX seals_user_idx ON seals (user_id, kind, created_at DESC);
