-- The persons each case is about (a kind's Workflow.People: newborn, parents, movers, declarant), so the case
-- list finds cases by a person's ID number or the start of a name (#19). Replaced with each save of the case.
CREATE TABLE case_people (
    case_id   varchar(36) NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq       integer     NOT NULL,
    name      text        NOT NULL DEFAULT '',
    id_number varchar(18) NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, seq)
);
CREATE INDEX case_people_id_number_idx ON case_people (id_number) WHERE id_number <> '';
CREATE INDEX case_people_name_idx ON case_people (name text_pattern_ops) WHERE name <> '';
