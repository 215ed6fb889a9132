-- E-hukou-book applications (3.1.6): a portal applies for a person's
-- e-hukou book; a job asks the Ministry's e-licence service and the result
-- (the licence number, or a refusal) goes back to the portal.
CREATE TABLE hukou_book_applications (
    id               varchar(36)  PRIMARY KEY,              -- UUIDv7
    client_user_id   varchar(36)  NOT NULL REFERENCES users (id),
    client_id        varchar(64)  NOT NULL,
    reference        varchar(64)  NOT NULL DEFAULT '',
    id_number        char(18)     NOT NULL,
    name             varchar(64)  NOT NULL,
    office           char(12)     NOT NULL,
    household_number varchar(32)  NOT NULL,
    status           varchar(16)  NOT NULL,
    licence_id       varchar(40)  NOT NULL DEFAULT '',
    valid_until      timestamptz,
    reason           text         NOT NULL DEFAULT '',
    created_at       timestamptz  NOT NULL,
    updated_at       timestamptz  NOT NULL,
    version          integer      NOT NULL DEFAULT 1
);
CREATE INDEX hukou_book_applications_client_idx ON hukou_book_applications (client_user_id, id DESC);
