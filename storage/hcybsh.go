package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hukou/domain"
)

// The full generation of household member identifiers (8.1.1). The rule is
// domain.DefaultHcybshRule; the SQL below implements it (and the insert
// trigger of migration 20261125000003_hcybsh implements its incremental half).

// HcybshOptions adjusts GenerateHcybsh.
type HcybshOptions struct {
	// BatchHouseholds is how many households (in household ID order) one
	// batch numbers and commits; the default is 50,000.
	BatchHouseholds int
	// Restart abandons an unfinished run instead of resuming it from its
	// checkpoint. Nothing is lost: a new run numbers whatever is still NULL.
	Restart bool
}

// HcybshReport tells what GenerateHcybsh did.
type HcybshReport struct {
	RunID   int64 // the run, in hcybsh_runs
	Resumed bool  // it continued a run that had stopped before finishing
	// Households and Residents count what this call scanned and numbered;
	// RunHouseholds and RunResidents include earlier calls of a resumed run.
	Households, Residents       int
	RunHouseholds, RunResidents int
	TotalHouseholds             int // households in the register
	Batches                     int
	Unnumbered                  int // residents still without hcybsh afterwards (0 unless inserted with the trigger disabled meanwhile)
	Elapsed                     time.Duration
}

// hcybshOrder is the ORDER BY of the rule (domain.HcybshRule.Compare): head
// (02), spouse (10–12), then the others; then relation, birth date, ID number,
// compared byte-wise like Go does.
const hcybshOrderPG = `CASE r.relation WHEN '02' THEN 0 WHEN '10' THEN 1 WHEN '11' THEN 1 WHEN '12' THEN 1 ELSE 2 END,
             r.relation COLLATE "C", r.birth_date, r.id_number COLLATE "C"`

// hcybshBatchPG numbers the unnumbered residents of the households in
// ($1, $2] in one statement: it reserves a block of numbers per household on
// its counter row (locking it until commit, so the insert trigger of another
// session waits and then continues after the block) and writes hcybsh. It
// returns how many residents it numbered and the highest sequence it used.
const hcybshBatchPG = `
WITH ranked AS MATERIALIZED (
    SELECT r.id, r.household_id,
           row_number() OVER (PARTITION BY r.household_id ORDER BY ` + hcybshOrderPG + `) AS rn,
           count(*) OVER (PARTITION BY r.household_id) AS n
    FROM residents r
    WHERE r.household_id > $1 AND r.household_id <= $2 AND r.hcybsh IS NULL
), reserved AS (
    INSERT INTO hcybsh_counters AS c (household_id, next_seq)
    SELECT household_id, max(n) + 1 FROM ranked GROUP BY household_id
    ON CONFLICT (household_id) DO UPDATE SET next_seq = c.next_seq + excluded.next_seq - 1
    RETURNING c.household_id, c.next_seq
), numbered AS (
    UPDATE residents r
    SET hcybsh = h.number || lpad((v.next_seq - k.n - 1 + k.rn)::text, 2, '0')
    FROM ranked k
    JOIN reserved v ON v.household_id = k.household_id
    JOIN households h ON h.id = k.household_id
    WHERE r.id = k.id
      -- the range again lets the planner fetch the targets by household
      -- instead of hashing the whole table on every batch
      AND r.household_id > $1 AND r.household_id <= $2 AND r.hcybsh IS NULL
    RETURNING v.next_seq - k.n - 1 + k.rn AS seq
)
SELECT count(*), coalesce(max(seq), 0) FROM numbered`

// The SQLite batch: three statements in one transaction (SQLite has no
// data-modifying CTEs; it has one writer, so nothing can interleave).
const (
	hcybshOrderSQLite = `CASE r.relation WHEN '02' THEN 0 WHEN '10' THEN 1 WHEN '11' THEN 1 WHEN '12' THEN 1 ELSE 2 END,
             r.relation, substr(r.birth_date, 1, 10), r.id_number`
	hcybshOverflowSQLite = `
SELECT r.household_id FROM residents r LEFT JOIN hcybsh_counters c ON c.household_id = r.household_id
WHERE r.household_id > ? AND r.household_id <= ? AND r.hcybsh IS NULL
GROUP BY r.household_id HAVING coalesce(max(c.next_seq), 1) - 1 + count(*) > 99 LIMIT 1`
	hcybshBatchSQLite = `
UPDATE residents SET hcybsh = k.hcybsh FROM (
    SELECT r.id, h.number || printf('%02d', coalesce(c.next_seq, 1) - 1
             + row_number() OVER (PARTITION BY r.household_id ORDER BY ` + hcybshOrderSQLite + `)) AS hcybsh
    FROM residents r
    JOIN households h ON h.id = r.household_id
    LEFT JOIN hcybsh_counters c ON c.household_id = r.household_id
    WHERE r.household_id > ? AND r.household_id <= ? AND r.hcybsh IS NULL
) k WHERE residents.id = k.id`
	hcybshCountersSQLite = `
INSERT INTO hcybsh_counters (household_id, next_seq)
SELECT household_id, max(CAST(substr(hcybsh, -2) AS INTEGER)) + 1 FROM residents
WHERE household_id > ? AND household_id <= ? AND hcybsh IS NOT NULL
GROUP BY household_id
ON CONFLICT (household_id) DO UPDATE SET next_seq = max(next_seq, excluded.next_seq)`
)

// GenerateHcybsh gives every resident without a household member identifier
// one, by domain.DefaultHcybshRule (8.1.1). It walks the households in ID
// order in batches of opts.BatchHouseholds; each batch is one set-based
// statement (a window over the batch's residents) committed together with
// the run's checkpoint in hcybsh_runs, so a run that crashes or is cancelled
// resumes after its last committed batch when called again. Only NULL
// identifiers are filled; existing ones never change, and a household's new
// numbers continue after the highest it ever handed out, so a second run
// changes nothing. progress (if not nil) gets the households done so far in
// the run and the total after each batch.
//
// Rows inserted meanwhile are numbered by the insert trigger; a household
// being numbered makes those inserts wait for the batch's commit.
func (db *DB) GenerateHcybsh(ctx context.Context, opts HcybshOptions, progress func(done, total int)) (rep HcybshReport, err error) {
	start := time.Now()
	defer func() { rep.Elapsed = time.Since(start) }()
	if opts.BatchHouseholds <= 0 {
		opts.BatchHouseholds = 50_000
	}
	sqldb := db.SQL()
	q := db.seedPlaceholders
	if err := sqldb.QueryRowContext(ctx, "SELECT count(*) FROM households").Scan(&rep.TotalHouseholds); err != nil {
		return rep, fmt.Errorf("hcybsh: count households: %w", err)
	}

	// Resume the unfinished run, or start one.
	var last string
	err = sqldb.QueryRowContext(ctx, `SELECT id, last_household_id, households_done, residents_numbered
FROM hcybsh_runs WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1`).Scan(&rep.RunID, &last, &rep.RunHouseholds, &rep.RunResidents)
	switch {
	case err == nil && opts.Restart:
		if _, err := sqldb.ExecContext(ctx, q(`UPDATE hcybsh_runs SET finished_at = CURRENT_TIMESTAMP WHERE id = ?`), rep.RunID); err != nil {
			return rep, fmt.Errorf("hcybsh: abandon run: %w", err)
		}
		fallthrough
	case errors.Is(err, sql.ErrNoRows):
		last, rep.RunHouseholds, rep.RunResidents = "", 0, 0
		if err := sqldb.QueryRowContext(ctx, q(`INSERT INTO hcybsh_runs (batch_households) VALUES (?) RETURNING id`), opts.BatchHouseholds).Scan(&rep.RunID); err != nil {
			return rep, fmt.Errorf("hcybsh: start run: %w", err)
		}
	case err != nil:
		return rep, fmt.Errorf("hcybsh: find run: %w", err)
	default:
		rep.Resumed = true
	}

	for {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("hcybsh: %w", err)
		}
		var hi sql.NullString
		var n int
		if err := sqldb.QueryRowContext(ctx, q(`SELECT max(id), count(*) FROM (SELECT id FROM households WHERE id > ? ORDER BY id LIMIT ?) b`),
			last, opts.BatchHouseholds).Scan(&hi, &n); err != nil {
			return rep, fmt.Errorf("hcybsh: next batch: %w", err)
		}
		if n == 0 {
			break
		}
		numbered, err := db.hcybshBatch(ctx, rep.RunID, last, hi.String, n)
		if err != nil {
			return rep, err
		}
		last = hi.String
		rep.Batches++
		rep.Households += n
		rep.Residents += numbered
		rep.RunHouseholds += n
		rep.RunResidents += numbered
		if progress != nil {
			progress(rep.RunHouseholds, rep.TotalHouseholds)
		}
	}
	if _, err := sqldb.ExecContext(ctx, q(`UPDATE hcybsh_runs SET finished_at = CURRENT_TIMESTAMP, updated_at = CURRENT_TIMESTAMP WHERE id = ?`), rep.RunID); err != nil {
		return rep, fmt.Errorf("hcybsh: finish run: %w", err)
	}
	if err := sqldb.QueryRowContext(ctx, `SELECT count(*) FROM residents WHERE hcybsh IS NULL`).Scan(&rep.Unnumbered); err != nil {
		return rep, fmt.Errorf("hcybsh: count unnumbered: %w", err)
	}
	return rep, nil
}

// hcybshBatch numbers the households in (lo, hi] and advances the run's
// checkpoint in one transaction, and returns how many residents it numbered.
func (db *DB) hcybshBatch(ctx context.Context, runID int64, lo, hi string, households int) (int, error) {
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("hcybsh: %w", err)
	}
	defer tx.Rollback()
	var numbered int
	if db.dialect == Postgres {
		// Losing the last batches in a crash is harmless: the checkpoint
		// commits with them, and a rerun redoes them.
		if _, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit = off; SET LOCAL work_mem = '64MB'"); err != nil {
			return 0, fmt.Errorf("hcybsh: %w", err)
		}
		var maxSeq int
		if err := tx.QueryRowContext(ctx, hcybshBatchPG, lo, hi).Scan(&numbered, &maxSeq); err != nil {
			return 0, fmt.Errorf("hcybsh: number households (%s, %s]: %w", lo, hi, err)
		}
		if maxSeq > domain.DefaultHcybshRule.MaxSeq() {
			return 0, domain.Errorf(domain.CodeInvalid, "hcybsh: a household in (%s, %s] has more than %d members to number", lo, hi, domain.DefaultHcybshRule.MaxSeq())
		}
	} else {
		var full string
		switch err := tx.QueryRowContext(ctx, hcybshOverflowSQLite, lo, hi).Scan(&full); {
		case err == nil:
			return 0, domain.Errorf(domain.CodeInvalid, "hcybsh: household %s has more than %d members to number", full, domain.DefaultHcybshRule.MaxSeq())
		case !errors.Is(err, sql.ErrNoRows):
			return 0, fmt.Errorf("hcybsh: check households (%s, %s]: %w", lo, hi, err)
		}
		res, err := tx.ExecContext(ctx, hcybshBatchSQLite, lo, hi)
		if err != nil {
			return 0, fmt.Errorf("hcybsh: number households (%s, %s]: %w", lo, hi, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("hcybsh: %w", err)
		}
		numbered = int(n)
		if _, err := tx.ExecContext(ctx, hcybshCountersSQLite, lo, hi); err != nil {
			return 0, fmt.Errorf("hcybsh: counters of households (%s, %s]: %w", lo, hi, err)
		}
	}
	if _, err := tx.ExecContext(ctx, db.seedPlaceholders(`UPDATE hcybsh_runs SET last_household_id = ?, households_done = households_done + ?,
residents_numbered = residents_numbered + ?, updated_at = CURRENT_TIMESTAMP WHERE id = ?`), hi, households, numbered, runID); err != nil {
		return 0, fmt.Errorf("hcybsh: checkpoint: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("hcybsh: commit: %w", err)
	}
	return numbered, nil
}

// HcybshRawSQL returns the best single SQL statement for the same rule,
// numbering every resident without hcybsh at once (no batches, no
// checkpoint, no counters): the figure `go run ./bench hcybsh` compares
// GenerateHcybsh with. PostgreSQL only.
func HcybshRawSQL() string {
	return `UPDATE residents r SET hcybsh = h.number || lpad(k.rn::text, 2, '0')
FROM (SELECT r.id, r.household_id,
             row_number() OVER (PARTITION BY r.household_id ORDER BY ` + hcybshOrderPG + `) AS rn
      FROM residents r WHERE r.hcybsh IS NULL) k
JOIN households h ON h.id = k.household_id
WHERE r.id = k.id`
}

// hcybshDisableTrigger disables the hcybsh insert trigger and returns the
// function that enables it again (SeedWithoutHcybsh). On SQLite, which cannot
// disable a trigger, it drops it and recreates it from its catalogued SQL.
func (db *DB) hcybshDisableTrigger(ctx context.Context) (enable func(context.Context) error, err error) {
	if db.dialect == Postgres {
		if _, err := db.SQL().ExecContext(ctx, "ALTER TABLE residents DISABLE TRIGGER residents_hcybsh"); err != nil {
			return nil, fmt.Errorf("disable hcybsh trigger: %w", err)
		}
		return func(ctx context.Context) error {
			if _, err := db.SQL().ExecContext(ctx, "ALTER TABLE residents ENABLE TRIGGER residents_hcybsh"); err != nil {
				return fmt.Errorf("enable hcybsh trigger: %w", err)
			}
			return nil
		}, nil
	}
	var def string
	if err := db.SQL().QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'residents_hcybsh'").Scan(&def); err != nil {
		return nil, fmt.Errorf("find hcybsh trigger: %w", err)
	}
	if _, err := db.SQL().ExecContext(ctx, "DROP TRIGGER residents_hcybsh"); err != nil {
		return nil, fmt.Errorf("drop hcybsh trigger: %w", err)
	}
	return func(ctx context.Context) error {
		if _, err := db.SQL().ExecContext(ctx, def); err != nil {
			return fmt.Errorf("recreate hcybsh trigger: %w", err)
		}
		return nil
	}, nil
}
