-- Household member identifier (hcybsh, 8.1.1 and 8.1.2); same design as the
-- PostgreSQL migration (see there and domain/hcybsh.go for the rule).
CREATE TABLE hcybsh_counters (
    household_id     TEXT    PRIMARY KEY,
    household_number TEXT    NOT NULL,
    next_seq         INTEGER NOT NULL CHECK (next_seq >= 1)
) WITHOUT ROWID;

--bun:split
CREATE TABLE hcybsh_runs (
    id                 INTEGER   PRIMARY KEY AUTOINCREMENT,
    batch_households   INTEGER   NOT NULL,
    state              TEXT      NOT NULL DEFAULT 'RUNNING' CHECK (state IN ('RUNNING', 'DONE', 'FAILED')),
    last_household_id  TEXT      NOT NULL DEFAULT '',
    households_done    INTEGER   NOT NULL DEFAULT 0,
    households_total   INTEGER   NOT NULL DEFAULT 0,
    residents_numbered INTEGER   NOT NULL DEFAULT 0,
    error              TEXT      NOT NULL DEFAULT '',
    started_at         TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at         TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    finished_at        TIMESTAMP,
    CHECK ((state = 'RUNNING') = (finished_at IS NULL))
);

--bun:split
CREATE UNIQUE INDEX hcybsh_runs_one_running ON hcybsh_runs (state) WHERE state = 'RUNNING';

--bun:split
INSERT INTO hcybsh_counters (household_id, household_number, next_seq)
SELECT r.household_id, h.number, max(CAST(substr(r.hcybsh, -2) AS INTEGER)) + 1
FROM residents r JOIN households h ON h.id = r.household_id
WHERE r.hcybsh IS NOT NULL
GROUP BY r.household_id, h.number;

--bun:split
-- SQLite has no assignment to NEW in a BEFORE trigger: number the row just
-- inserted. One writer at a time, so the counter needs no lock. The counter
-- row carries the household number (copied when it is created), so only a
-- household's first insert looks the household up.
CREATE TRIGGER residents_hcybsh AFTER INSERT ON residents WHEN NEW.hcybsh IS NULL
BEGIN
    INSERT INTO hcybsh_counters (household_id, household_number, next_seq)
        SELECT h.id, h.number, 2 FROM households h WHERE h.id = NEW.household_id
        ON CONFLICT (household_id) DO UPDATE SET next_seq = next_seq + 1;
    SELECT RAISE(ABORT, 'hcybsh: household has no free member number (at most 99)')
        WHERE (SELECT next_seq FROM hcybsh_counters WHERE household_id = NEW.household_id) > 100;
    UPDATE residents
        SET hcybsh = (SELECT c.household_number || printf('%02d', c.next_seq - 1)
                      FROM hcybsh_counters c WHERE c.household_id = NEW.household_id)
        WHERE id = NEW.id;
END;

--bun:split
CREATE TRIGGER residents_hcybsh_given AFTER INSERT ON residents WHEN NEW.hcybsh IS NOT NULL
BEGIN
    INSERT INTO hcybsh_counters (household_id, household_number, next_seq)
        SELECT h.id, h.number, CAST(substr(NEW.hcybsh, -2) AS INTEGER) + 1 FROM households h WHERE h.id = NEW.household_id
        ON CONFLICT (household_id) DO UPDATE SET next_seq = max(next_seq, excluded.next_seq);
END;
