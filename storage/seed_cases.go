package storage

import (
	"context"
	"fmt"
	"sync"
	"time"

	"hukou/domain"
	"hukou/domain/population"
)

// The columns SeedCases loads: the cases, the persons the case list finds
// them by (case_people, as caseRepo.savePeople writes them) and their
// histories (case_actions, as caseRepo.AppendCaseAction writes them).
var (
	seedCaseCols = []string{"id", "kind", "side", "collab_no", "status", "acceptance_office", "registration_office",
		"registration_province", "office", "applicant", "ministry", "result", "deadline_at", "created_by", "created_at",
		"updated_at", "version"}
	seedCasePersonCols = []string{"case_id", "seq", "name", "id_number"}
	seedCaseActionCols = []string{"id", "case_id", "seq", "action", "from_status", "to_status", "actor_id", "actor_name",
		"office", "message_id", "note", "data", "at"}
)

// seedCaseBatch is how many cases one transaction loads.
const seedCaseBatch = 10_000

// seedTable is the rows of one table a seed batch loads: vals holds them
// one after the other, len(cols) values each.
type seedTable struct {
	name string
	cols []string
	vals []any
}

func (t *seedTable) rows() int { return len(t.vals) / len(t.cols) }

// SeedCases loads cfg's deterministic case population (1.5.x; `hukou seed
// cases`): the city's offices first, then the cases in batches of 10,000
// with their persons (case_people, so the case list finds them by name or
// ID number) and their histories (case_actions), generated while earlier
// batches load: with COPY on two connections on PostgreSQL, multi-row
// INSERTs on SQLite. progress, when set, is called with the cases loaded
// so far. Cases collide with existing ones of the same ID (a second load of
// the same config): CodeConflict, and the colliding batch loads nothing.
// The tables are analysed at the end.
func (db *DB) SeedCases(ctx context.Context, cfg population.CaseConfig, progress func(done int)) (rep SeedReport, err error) {
	start := time.Now()
	defer func() { rep.Elapsed = time.Since(start) }()
	offices, err := population.Offices(population.Config{Seed: cfg.Seed, Division: cfg.Division})
	if err != nil {
		return SeedReport{}, err
	}
	if err := db.SeedOffices(ctx, offices); err != nil {
		return SeedReport{}, err
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	workers := 2 // PostgreSQL: two connections load batches side by side
	if db.dialect != Postgres {
		workers = 1
	}
	batches := make(chan []seedTable, workers)
	done := make(chan []seedTable, workers)
	// The generator runs in its own goroutine, ahead of the loaders.
	var gen sync.WaitGroup
	gen.Go(func() {
		defer close(batches)
		b := newSeedCaseBatch()
		send := func() error {
			select {
			case batches <- b:
				b = newSeedCaseBatch()
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := population.GenerateCaseRecords(cfg, func(c *domain.Case, history []domain.CaseAction) error {
			db.seedCaseRows(b, c, history)
			if b[0].rows() == seedCaseBatch {
				return send()
			}
			return nil
		})
		if err == nil && b[0].rows() > 0 {
			err = send()
		}
		if err != nil && ctx.Err() == nil {
			fail(err)
		}
	})
	var loaders sync.WaitGroup
	for range workers {
		loaders.Go(func() {
			for b := range batches {
				if err := db.seedTables(ctx, b); err != nil {
					fail(err)
					break
				}
				done <- b
			}
			for range batches { //nolint:revive // let the generator finish after a failure
			}
		})
	}
	go func() {
		loaders.Wait()
		close(done)
	}()
	for b := range done {
		rep.Cases += b[0].rows()
		rep.CasePeople += b[1].rows()
		rep.CaseActions += b[2].rows()
		if progress != nil {
			progress(rep.Cases)
		}
	}
	gen.Wait()
	switch {
	case parent.Err() != nil: // the loaders' errors are then only echoes of it
		return rep, fmt.Errorf("seed cases: %w", parent.Err())
	case firstErr != nil:
		return rep, seedError(fmt.Errorf("seed cases: %w", firstErr))
	}
	if db.dialect == Postgres {
		_, err = db.SQL().ExecContext(ctx, "ANALYZE cases, case_people, case_actions")
	} else {
		_, err = db.SQL().ExecContext(ctx, "ANALYZE")
	}
	return rep, err
}

// newSeedCaseBatch returns an empty batch of SeedCases: cases, case_people
// and case_actions, in the order they load (the persons and the history
// refer to their case).
func newSeedCaseBatch() []seedTable {
	return []seedTable{
		{name: "cases", cols: seedCaseCols, vals: make([]any, 0, seedCaseBatch*len(seedCaseCols))},
		{name: "case_people", cols: seedCasePersonCols, vals: make([]any, 0, 2*seedCaseBatch*len(seedCasePersonCols))},
		{name: "case_actions", cols: seedCaseActionCols, vals: make([]any, 0, 4*seedCaseBatch*len(seedCaseActionCols))},
	}
}

// seedCaseRows appends c's row, its persons' and its history's to b
// (cases, case_people, case_actions).
func (db *DB) seedCaseRows(b []seedTable, c *domain.Case, history []domain.CaseAction) {
	var deadline any
	if c.DeadlineAt != nil {
		deadline = db.seedTime(*c.DeadlineAt)
	}
	b[0].vals = append(b[0].vals, c.ID, string(c.Kind), string(c.Side), c.CollabNo, string(c.Status), c.AcceptanceOffice,
		c.RegistrationOffice, c.RegistrationProvince, c.Office, jsonText(c.Applicant), jsonText(c.Ministry), jsonText(c.Result),
		deadline, c.CreatedBy, db.seedTime(c.CreatedAt), db.seedTime(c.UpdatedAt), c.Version)
	for i, p := range c.People {
		b[1].vals = append(b[1].vals, c.ID, i+1, p.Name, p.IDNumber)
	}
	for i := range history {
		a := &history[i]
		b[2].vals = append(b[2].vals, a.ID, a.CaseID, a.Seq, string(a.Action), string(a.From), string(a.To), a.ActorID,
			a.ActorName, a.Office, a.MessageID, a.Note, jsonText(a.Data), db.seedTime(a.At))
	}
}

// seedTables loads tables, in order, in one transaction: a COPY each on
// PostgreSQL, INSERTs of as many rows as SQLite binds on SQLite.
func (db *DB) seedTables(ctx context.Context, tables []seedTable) error {
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if db.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
			return err
		}
	}
	for _, t := range tables {
		w, n := len(t.cols), t.rows()
		if n == 0 {
			continue
		}
		if db.dialect == Postgres {
			if err := func() error {
				stmt, err := tx.PrepareContext(ctx, copyFromStdin(t.name, t.cols))
				if err != nil {
					return err
				}
				defer stmt.Close()
				for i := range n {
					if _, err := stmt.ExecContext(ctx, t.vals[i*w:(i+1)*w]...); err != nil {
						return err
					}
				}
				_, err = stmt.ExecContext(ctx)
				return err
			}(); err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			continue
		}
		per := min(500, seedMaxParams/w)
		for start := 0; start < n; start += per {
			k := min(per, n-start)
			if _, err := tx.ExecContext(ctx, seedInsertSQL(t.name, t.cols, k), t.vals[start*w:(start+k)*w]...); err != nil {
				return fmt.Errorf("insert %s: %w", t.name, err)
			}
		}
	}
	return tx.Commit()
}
