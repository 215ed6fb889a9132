-- Household member identifier (hcybsh, 8.1.1 and 8.1.2). The rule is documented
-- in domain/hcybsh.go (HcybshRule); this file and storage/hcybsh.go implement it
-- in SQL: household number || 2-digit member sequence.

-- The next free member sequence of each household, and the household's number
-- (copied once, when the row is created: households are never renumbered, and
-- the trigger then needs no lookup of the household per insert). Numbers are
-- handed out by updating this row (UPDATE … RETURNING, or INSERT … ON
-- CONFLICT DO UPDATE for the household's first number): its row lock
-- serialises concurrent inserts into one household until commit, without one
-- advisory lock per household (a bulk insert touching many households would
-- exhaust the lock table). The counter never goes back, so a number is never
-- reused. No foreign key to households: households are never deleted, and an
-- FK check would lock the household row (FOR KEY SHARE) on every first insert.
CREATE TABLE hcybsh_counters (
    household_id     varchar(36) PRIMARY KEY,
    household_number varchar(20) NOT NULL,
    next_seq         integer     NOT NULL CHECK (next_seq >= 1)
);

-- Full generation runs (`hukou hcybsh generate`, or the generate_hcybsh job an
-- ADMIN starts through GraphQL): the checkpoint a crashed run resumes from is
-- last_household_id, committed with each batch. state is RUNNING until the run
-- finishes (DONE) or is given up (FAILED, with error); at most one run is
-- RUNNING at a time.
CREATE TABLE hcybsh_runs (
    id                 bigserial   PRIMARY KEY,
    batch_households   integer     NOT NULL,
    state              varchar(8)  NOT NULL DEFAULT 'RUNNING' CHECK (state IN ('RUNNING', 'DONE', 'FAILED')),
    last_household_id  varchar(36) NOT NULL DEFAULT '',
    households_done    bigint      NOT NULL DEFAULT 0,
    households_total   bigint      NOT NULL DEFAULT 0,
    residents_numbered bigint      NOT NULL DEFAULT 0,
    error              text        NOT NULL DEFAULT '',
    started_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz,
    CHECK ((state = 'RUNNING') = (finished_at IS NULL))
);

CREATE UNIQUE INDEX hcybsh_runs_one_running ON hcybsh_runs (state) WHERE state = 'RUNNING';

-- Households numbered before this migration continue after their highest number.
INSERT INTO hcybsh_counters (household_id, household_number, next_seq)
SELECT r.household_id, h.number, max(right(r.hcybsh, 2)::integer) + 1
FROM residents r JOIN households h ON h.id = r.household_id
WHERE r.hcybsh ~ '[0-9]{2}$'
GROUP BY r.household_id, h.number;

-- Incremental generation (8.1.2): whoever inserts a resident without hcybsh
-- (hukou, COPY, raw SQL from older systems) gets the household's next number.
-- A resident inserted with an hcybsh keeps it and moves the counter past it.
--
-- The common case costs one statement: an UPDATE of the household's counter
-- row that returns the number and the household number together. Only a
-- household's first insert finds no row and takes the INSERT … ON CONFLICT
-- path (ON CONFLICT: another session may create the row meanwhile), which
-- looks the household number up once. No dynamic SQL: every statement's plan
-- is cached for the session.
CREATE FUNCTION residents_hcybsh_fill() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    seq integer;
    num varchar;
BEGIN
    IF NEW.hcybsh IS NULL THEN
        UPDATE hcybsh_counters SET next_seq = next_seq + 1
        WHERE household_id = NEW.household_id
        RETURNING next_seq - 1, household_number INTO seq, num;
        IF NOT FOUND THEN
            INSERT INTO hcybsh_counters AS c (household_id, household_number, next_seq)
            SELECT h.id, h.number, 2 FROM households h WHERE h.id = NEW.household_id
            ON CONFLICT (household_id) DO UPDATE SET next_seq = c.next_seq + 1
            RETURNING c.next_seq - 1, c.household_number INTO seq, num;
            -- No such household: seq stays NULL and the foreign key refuses the row.
        END IF;
        IF seq > 99 THEN
            RAISE EXCEPTION 'hcybsh: household % has no free member number (at most 99)', NEW.household_id
                USING ERRCODE = 'check_violation';
        END IF;
        NEW.hcybsh := num || CASE WHEN seq < 10 THEN '0' ELSE '' END || seq;
        RETURN NEW;
    END IF;
    IF NEW.hcybsh ~ '[0-9]{2}$' THEN
        INSERT INTO hcybsh_counters AS c (household_id, household_number, next_seq)
        SELECT h.id, h.number, right(NEW.hcybsh, 2)::integer + 1 FROM households h WHERE h.id = NEW.household_id
        ON CONFLICT (household_id) DO UPDATE SET next_seq = greatest(c.next_seq, excluded.next_seq);
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER residents_hcybsh BEFORE INSERT ON residents
    FOR EACH ROW EXECUTE FUNCTION residents_hcybsh_fill();
