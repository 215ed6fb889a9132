-- The persons each case is about, for the case list's search by ID number or name (see the PostgreSQL twin).
CREATE TABLE case_people (
    case_id   TEXT    NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    name      TEXT    NOT NULL DEFAULT '',
    id_number TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, seq)
);

--bun:split
CREATE INDEX case_people_id_number_idx ON case_people (id_number) WHERE id_number <> '';

--bun:split
CREATE INDEX case_people_name_idx ON case_people (name) WHERE name <> '';
