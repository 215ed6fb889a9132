-- Electronic seals (5.1.1): the seals the province's e-seal service issued
-- to this deployment's offices and operators, as GB/T 38540 seal data, with
-- their status. The private keys are in the seal key store, never here:
-- key_ref only names the key there. status is VALID or REVOKED as stored;
-- EXPIRED is also derived from the validity when read.
CREATE TABLE seals (
    id             varchar(64) PRIMARY KEY,
    kind           varchar(16) NOT NULL,
    office_code    char(12) NOT NULL,
    user_id        varchar(36) NOT NULL DEFAULT '',
    name           varchar(200) NOT NULL,
    image          bytea NOT NULL,
    certificate    bytea NOT NULL,
    ca_certificate bytea NOT NULL,
    seal_data      bytea NOT NULL,
    valid_from     timestamptz NOT NULL,
    valid_to       timestamptz NOT NULL,
    status         varchar(16) NOT NULL DEFAULT 'VALID' CHECK (status IN ('VALID', 'EXPIRED', 'REVOKED')),
    revoked_at     timestamptz,
    revoke_reason  varchar(200) NOT NULL DEFAULT '',
    key_ref        varchar(64) NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

--bun:split
CREATE INDEX seals_office_idx ON seals (office_code, kind, created_at DESC);

--bun:split
CREATE INDEX seals_user_idx ON seals (user_id, kind, created_at DESC);
