-- E-hukou-book applications (3.1.6): a portal applies for a person's
-- e-hukou book; a job asks the Ministry's e-licence service and the result
-- (the licence number, or a refusal) goes back to the portal.
CREATE TABLE hukou_book_applications (
    id               TEXT PRIMARY KEY,
    client_user_id   TEXT NOT NULL REFERENCES users (id),
    client_id        TEXT NOT NULL,
    reference        TEXT NOT NULL DEFAULT '',
    id_number        TEXT NOT NULL,
    name             TEXT NOT NULL,
    office           TEXT NOT NULL,
    household_number TEXT NOT NULL,
    status           TEXT NOT NULL,
    licence_id       TEXT NOT NULL DEFAULT '',
    valid_until      TIMESTAMP,
    reason           TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);

--bun:split
CREATE INDEX hukou_book_applications_client_idx ON hukou_book_applications (client_user_id, id DESC);
