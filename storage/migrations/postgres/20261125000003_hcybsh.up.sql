-- Household member identifier (hcybsh, 8.1.1 and 8.1.2). The rule is documented
-- in domain/hcybsh.go (HcybshRule); this file and storage/hcybsh.go implement it
-- in SQL: household number || 2-digit member sequence.

-- The next free member sequence of each household. Numbers are handed out by
-- updating this row (INSERT … ON CONFLICT DO UPDATE … RETURNING): its row lock
-- serialises concurrent inserts into one household until commit, without one
-- advisory lock per household (a bulk insert touching many households would
-- exhaust the lock table). The counter never goes back, so a number is never
-- reused. No foreign key to households: households are never deleted, and an
-- FK check would lock the household row (FOR KEY SHARE) on every first insert.
CREATE TABLE hcybsh_counters (
    household_id varchar(36) PRIMARY KEY,
    next_seq     integer     NOT NULL CHECK (next_seq >= 1)
);

-- Full generation runs (`hukou hcybsh generate`): the checkpoint a crashed run
-- resumes from is last_household_id, committed with each batch.
CREATE TABLE hcybsh_runs (
    id                 bigserial   PRIMARY KEY,
    batch_households   integer     NOT NULL,
    last_household_id  varchar(36) NOT NULL DEFAULT '',
    households_done    bigint      NOT NULL DEFAULT 0,
    residents_numbered bigint      NOT NULL DEFAULT 0,
    started_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz
);

-- Households numbered before this migration continue after their highest number.
INSERT INTO hcybsh_counters (household_id, next_seq)
SELECT household_id, max(right(hcybsh, 2)::integer) + 1
FROM residents WHERE hcybsh ~ '[0-9]{2}$'
GROUP BY household_id;

-- Incremental generation (8.1.2): whoever inserts a resident without hcybsh
-- (hukou, COPY, raw SQL from older systems) gets the household's next number.
-- A resident inserted with an hcybsh keeps it and moves the counter past it.
CREATE FUNCTION residents_hcybsh_fill() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    seq integer;
    num varchar;
BEGIN
    IF NEW.hcybsh IS NOT NULL THEN
        IF NEW.hcybsh ~ '[0-9]{2}$' THEN
            INSERT INTO hcybsh_counters AS c (household_id, next_seq)
            VALUES (NEW.household_id, right(NEW.hcybsh, 2)::integer + 1)
            ON CONFLICT (household_id) DO UPDATE SET next_seq = greatest(c.next_seq, excluded.next_seq);
        END IF;
        RETURN NEW;
    END IF;
    INSERT INTO hcybsh_counters AS c (household_id, next_seq)
    VALUES (NEW.household_id, 2)
    ON CONFLICT (household_id) DO UPDATE SET next_seq = c.next_seq + 1
    RETURNING c.next_seq - 1 INTO seq;
    IF seq > 99 THEN
        RAISE EXCEPTION 'hcybsh: household % has no free member number (at most 99)', NEW.household_id
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT h.number INTO num FROM households h WHERE h.id = NEW.household_id;
    NEW.hcybsh := num || lpad(seq::text, 2, '0');
    RETURN NEW;
END $$;

CREATE TRIGGER residents_hcybsh BEFORE INSERT ON residents
    FOR EACH ROW EXECUTE FUNCTION residents_hcybsh_fill();
