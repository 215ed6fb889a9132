package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

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
	// Restart abandons an unfinished run (marks it FAILED) instead of
	// resuming it from its checkpoint. Nothing is lost: a new run numbers
	// whatever is still NULL.
	Restart bool
	// RunID works that run (which must be RUNNING; one that is DONE is
	// left alone) instead of the newest unfinished one; its batch size
	// overrides BatchHouseholds.
	RunID int64
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
    INSERT INTO hcybsh_counters AS c (household_id, household_number, next_seq)
    SELECT k.household_id, h.number, max(k.n) + 1
    FROM ranked k JOIN households h ON h.id = k.household_id
    GROUP BY k.household_id, h.number
    ON CONFLICT (household_id) DO UPDATE SET next_seq = c.next_seq + excluded.next_seq - 1
    RETURNING c.household_id, c.household_number, c.next_seq
), numbered AS (
    UPDATE residents r
    SET hcybsh = v.household_number || lpad((v.next_seq - k.n - 1 + k.rn)::text, 2, '0')
    FROM ranked k
    JOIN reserved v ON v.household_id = k.household_id
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
INSERT INTO hcybsh_counters (household_id, household_number, next_seq)
SELECT r.household_id, h.number, max(CAST(substr(r.hcybsh, -2) AS INTEGER)) + 1
FROM residents r JOIN households h ON h.id = r.household_id
WHERE r.household_id > ? AND r.household_id <= ? AND r.hcybsh IS NOT NULL
GROUP BY r.household_id, h.number
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
// Each batch locks the run's row and reads the checkpoint under that lock,
// so two processes working the same run (the CLI and the GraphQL job, or a
// job River rescued while its first attempt still runs) take turns batch by
// batch instead of numbering a range twice.
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
	q := db.Rebind
	if err := sqldb.QueryRowContext(ctx, "SELECT count(*) FROM households").Scan(&rep.TotalHouseholds); err != nil {
		return rep, fmt.Errorf("hcybsh: count households: %w", err)
	}

	// Resume the given or the unfinished run, or start one.
	var state string
	if opts.RunID != 0 {
		err = sqldb.QueryRowContext(ctx, q(`SELECT id, state, batch_households, households_done, residents_numbered FROM hcybsh_runs WHERE id = ?`), opts.RunID).
			Scan(&rep.RunID, &state, &opts.BatchHouseholds, &rep.RunHouseholds, &rep.RunResidents)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return rep, domain.Errorf(domain.CodeNotFound, "hcybsh: run %d not found", opts.RunID)
		case err != nil:
			return rep, fmt.Errorf("hcybsh: find run %d: %w", opts.RunID, err)
		case state == string(domain.HcybshDone):
			return rep, nil
		case state != string(domain.HcybshRunning):
			return rep, domain.Errorf(domain.CodeConflict, "hcybsh: run %d is %s", opts.RunID, state)
		}
		rep.Resumed = rep.RunHouseholds > 0
	} else {
		err = sqldb.QueryRowContext(ctx, `SELECT id, households_done, residents_numbered
FROM hcybsh_runs WHERE state = 'RUNNING' ORDER BY id DESC LIMIT 1`).Scan(&rep.RunID, &rep.RunHouseholds, &rep.RunResidents)
		switch {
		case err == nil && opts.Restart:
			if err := db.FailHcybshRun(ctx, rep.RunID, "abandoned by a restart"); err != nil {
				return rep, err
			}
			fallthrough
		case errors.Is(err, sql.ErrNoRows):
			rep.RunHouseholds, rep.RunResidents = 0, 0
			if err := sqldb.QueryRowContext(ctx, q(`INSERT INTO hcybsh_runs (batch_households) VALUES (?) RETURNING id`), opts.BatchHouseholds).Scan(&rep.RunID); err != nil {
				if isUniqueViolation(err) {
					return rep, domain.Errorf(domain.CodeConflict, "hcybsh: another run started meanwhile")
				}
				return rep, fmt.Errorf("hcybsh: start run: %w", err)
			}
		case err != nil:
			return rep, fmt.Errorf("hcybsh: find run: %w", err)
		default:
			rep.Resumed = true
		}
	}
	if _, err := sqldb.ExecContext(ctx, q(`UPDATE hcybsh_runs SET households_total = ? WHERE id = ?`), rep.TotalHouseholds, rep.RunID); err != nil {
		return rep, fmt.Errorf("hcybsh: record total: %w", err)
	}

	for {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("hcybsh: %w", err)
		}
		b, err := db.hcybshBatch(ctx, rep.RunID, opts.BatchHouseholds)
		if err != nil {
			return rep, err
		}
		if b.households == 0 {
			break
		}
		rep.Batches++
		rep.Households += b.households
		rep.Residents += b.numbered
		rep.RunHouseholds, rep.RunResidents = b.runHouseholds, b.runResidents
		if progress != nil {
			progress(rep.RunHouseholds, rep.TotalHouseholds)
		}
	}
	if _, err := sqldb.ExecContext(ctx, q(`UPDATE hcybsh_runs SET state = 'DONE', finished_at = CURRENT_TIMESTAMP, updated_at = CURRENT_TIMESTAMP
WHERE id = ? AND state = 'RUNNING'`), rep.RunID); err != nil {
		return rep, fmt.Errorf("hcybsh: finish run: %w", err)
	}
	if err := sqldb.QueryRowContext(ctx, `SELECT count(*) FROM residents WHERE hcybsh IS NULL`).Scan(&rep.Unnumbered); err != nil {
		return rep, fmt.Errorf("hcybsh: count unnumbered: %w", err)
	}
	return rep, nil
}

// hcybshBatchResult is what one batch did, and the run's totals after it.
type hcybshBatchResult struct {
	households, numbered        int
	runHouseholds, runResidents int
}

// hcybshBatch numbers the next batch of at most size households after the
// run's checkpoint and advances the checkpoint, in one transaction. It
// returns zero households when the run has none left (or is no longer
// RUNNING).
func (db *DB) hcybshBatch(ctx context.Context, runID int64, size int) (res hcybshBatchResult, err error) {
	q := db.Rebind
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("hcybsh: %w", err)
	}
	defer tx.Rollback()
	lock := ""
	if db.dialect == Postgres {
		// Losing the last batches in a crash is harmless: the checkpoint
		// commits with them, and a rerun redoes them.
		if _, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit = off; SET LOCAL work_mem = '64MB'"); err != nil {
			return res, fmt.Errorf("hcybsh: %w", err)
		}
		lock = " FOR UPDATE"
	}
	var lo, state string
	if err := tx.QueryRowContext(ctx, q(`SELECT last_household_id, state FROM hcybsh_runs WHERE id = ?`+lock), runID).Scan(&lo, &state); err != nil {
		return res, fmt.Errorf("hcybsh: checkpoint of run %d: %w", runID, err)
	}
	if state != string(domain.HcybshRunning) {
		return res, nil
	}
	var hiNull sql.NullString
	if err := tx.QueryRowContext(ctx, q(`SELECT max(id), count(*) FROM (SELECT id FROM households WHERE id > ? ORDER BY id LIMIT ?) b`),
		lo, size).Scan(&hiNull, &res.households); err != nil {
		return res, fmt.Errorf("hcybsh: next batch: %w", err)
	}
	if res.households == 0 {
		return res, nil
	}
	hi := hiNull.String
	if db.dialect == Postgres {
		var maxSeq int
		if err := tx.QueryRowContext(ctx, hcybshBatchPG, lo, hi).Scan(&res.numbered, &maxSeq); err != nil {
			return res, fmt.Errorf("hcybsh: number households (%s, %s]: %w", lo, hi, err)
		}
		if maxSeq > domain.DefaultHcybshRule.MaxSeq() {
			return res, domain.Errorf(domain.CodeInvalid, "hcybsh: a household in (%s, %s] has more than %d members to number", lo, hi, domain.DefaultHcybshRule.MaxSeq())
		}
	} else {
		var full string
		switch err := tx.QueryRowContext(ctx, hcybshOverflowSQLite, lo, hi).Scan(&full); {
		case err == nil:
			return res, domain.Errorf(domain.CodeInvalid, "hcybsh: household %s has more than %d members to number", full, domain.DefaultHcybshRule.MaxSeq())
		case !errors.Is(err, sql.ErrNoRows):
			return res, fmt.Errorf("hcybsh: check households (%s, %s]: %w", lo, hi, err)
		}
		r, err := tx.ExecContext(ctx, hcybshBatchSQLite, lo, hi)
		if err != nil {
			return res, fmt.Errorf("hcybsh: number households (%s, %s]: %w", lo, hi, err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return res, fmt.Errorf("hcybsh: %w", err)
		}
		res.numbered = int(n)
		if _, err := tx.ExecContext(ctx, hcybshCountersSQLite, lo, hi); err != nil {
			return res, fmt.Errorf("hcybsh: counters of households (%s, %s]: %w", lo, hi, err)
		}
	}
	if err := tx.QueryRowContext(ctx, q(`UPDATE hcybsh_runs SET last_household_id = ?, households_done = households_done + ?,
residents_numbered = residents_numbered + ?, updated_at = CURRENT_TIMESTAMP WHERE id = ?
RETURNING households_done, residents_numbered`), hi, res.households, res.numbered, runID).Scan(&res.runHouseholds, &res.runResidents); err != nil {
		return res, fmt.Errorf("hcybsh: checkpoint: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("hcybsh: commit: %w", err)
	}
	return res, nil
}

// WorkHcybshRun implements domain.HcybshGenerator: it works the run from its
// checkpoint with GenerateHcybsh.
func (db *DB) WorkHcybshRun(ctx context.Context, id int64) error {
	_, err := db.GenerateHcybsh(ctx, HcybshOptions{RunID: id}, nil)
	return err
}

// FailHcybshRun implements domain.HcybshGenerator.
func (db *DB) FailHcybshRun(ctx context.Context, id int64, reason string) error {
	if _, err := db.SQL().ExecContext(ctx, db.Rebind(`UPDATE hcybsh_runs SET state = 'FAILED', error = ?,
finished_at = CURRENT_TIMESTAMP, updated_at = CURRENT_TIMESTAMP WHERE id = ? AND state = 'RUNNING'`), reason, id); err != nil {
		return fmt.Errorf("hcybsh: fail run %d: %w", id, err)
	}
	return nil
}

var _ domain.HcybshGenerator = (*DB)(nil)

// hcybshRepo implements domain.HcybshRepository.
type hcybshRepo struct{ idb bun.IDB }

// Hcybsh implements domain.Repos on the pool.
func (db *DB) Hcybsh() domain.HcybshRepository { return db.pool().Hcybsh() }

const hcybshRunColumns = `id, state, households_done, households_total, residents_numbered, batch_households, error, started_at, updated_at, finished_at`

func scanHcybshRun(row interface{ Scan(...any) error }) (*domain.HcybshRun, error) {
	var r domain.HcybshRun
	var state string
	var finished sql.NullTime
	if err := row.Scan(&r.ID, &state, &r.HouseholdsDone, &r.HouseholdsTotal, &r.ResidentsNumbered, &r.BatchHouseholds,
		&r.Error, &r.StartedAt, &r.UpdatedAt, &finished); err != nil {
		return nil, err
	}
	r.State = domain.HcybshRunState(state)
	if finished.Valid {
		r.FinishedAt = &finished.Time
	}
	return &r, nil
}

func (r hcybshRepo) CreateHcybshRun(ctx context.Context, batchHouseholds int) (*domain.HcybshRun, error) {
	run, err := scanHcybshRun(r.idb.QueryRowContext(ctx, `INSERT INTO hcybsh_runs (batch_households, households_total)
SELECT ?, count(*) FROM households RETURNING `+hcybshRunColumns, batchHouseholds))
	if err != nil && isUniqueViolation(err) {
		return nil, domain.Errorf(domain.CodeConflict, "a generation of household member identifiers is already running").WithReason("conflict.running")
	}
	return run, translate(err, "hcybsh run")
}

func (r hcybshRepo) FindHcybshRun(ctx context.Context, id int64) (*domain.HcybshRun, error) {
	run, err := scanHcybshRun(r.idb.QueryRowContext(ctx, `SELECT `+hcybshRunColumns+` FROM hcybsh_runs WHERE id = ?`, id))
	return run, translate(err, "hcybsh run")
}

func (r hcybshRepo) LatestHcybshRun(ctx context.Context) (*domain.HcybshRun, error) {
	run, err := scanHcybshRun(r.idb.QueryRowContext(ctx, `SELECT `+hcybshRunColumns+` FROM hcybsh_runs ORDER BY id DESC LIMIT 1`))
	return run, translate(err, "hcybsh run")
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

// HcybshRawBatchSQL is the raw statement for one batch: the households in
// ($1, $2] numbered as HcybshRawSQL numbers all, again without counters or a
// checkpoint. The bench runs it batch after batch (50,000 households, each
// committed), the faster raw form the batched generation is held to (issue 20).
func HcybshRawBatchSQL() string {
	return `UPDATE residents r SET hcybsh = h.number || lpad(k.rn::text, 2, '0')
FROM (SELECT r.id, r.household_id,
             row_number() OVER (PARTITION BY r.household_id ORDER BY ` + hcybshOrderPG + `) AS rn
      FROM residents r WHERE r.household_id > $1 AND r.household_id <= $2 AND r.hcybsh IS NULL) k
JOIN households h ON h.id = k.household_id
WHERE r.id = k.id AND r.household_id > $1 AND r.household_id <= $2`
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
