-- Household member identifier (hcybsh, 8.1.1 and 8.1.2); same design as the
-- PostgreSQL migration (see there and domain/hcybsh.go for the rule).
CREATE TABLE hcybsh_counters (
    household_id TEXT    PRIMARY KEY,
    next_seq     INTEGER NOT NULL CHECK (next_seq >= 1)
) WITHOUT ROWID;

--bun:split
CREATE TABLE hcybsh_runs (
    id                 INTEGER   PRIMARY KEY AUTOINCREMENT,
    batch_households   INTEGER   NOT NULL,
    last_household_id  TEXT      NOT NULL DEFAULT '',
    households_done    INTEGER   NOT NULL DEFAULT 0,
    residents_numbered INTEGER   NOT NULL DEFAULT 0,
    started_at         TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at         TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    finished_at        TIMESTAMP
);

--bun:split
INSERT INTO hcybsh_counters (household_id, next_seq)
SELECT household_id, max(CAST(substr(hcybsh, -2) AS INTEGER)) + 1
FROM residents WHERE hcybsh IS NOT NULL
GROUP BY household_id;

--bun:split
-- SQLite has no assignment to NEW in a BEFORE trigger: number the row just
-- inserted. One writer at a time, so the counter needs no lock.
CREATE TRIGGER residents_hcybsh AFTER INSERT ON residents WHEN NEW.hcybsh IS NULL
BEGIN
    INSERT INTO hcybsh_counters (household_id, next_seq) VALUES (NEW.household_id, 2)
        ON CONFLICT (household_id) DO UPDATE SET next_seq = next_seq + 1;
    SELECT RAISE(ABORT, 'hcybsh: household has no free member number (at most 99)')
        WHERE (SELECT next_seq FROM hcybsh_counters WHERE household_id = NEW.household_id) > 100;
    UPDATE residents
        SET hcybsh = (SELECT h.number FROM households h WHERE h.id = NEW.household_id)
            || printf('%02d', (SELECT c.next_seq - 1 FROM hcybsh_counters c WHERE c.household_id = NEW.household_id))
        WHERE id = NEW.id;
END;

--bun:split
CREATE TRIGGER residents_hcybsh_given AFTER INSERT ON residents WHEN NEW.hcybsh IS NOT NULL
BEGIN
    INSERT INTO hcybsh_counters (household_id, next_seq)
        VALUES (NEW.household_id, CAST(substr(NEW.hcybsh, -2) AS INTEGER) + 1)
        ON CONFLICT (household_id) DO UPDATE SET next_seq = max(next_seq, excluded.next_seq);
END;
