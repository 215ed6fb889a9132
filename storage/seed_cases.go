package storage

import (
	"context"
	"fmt"
	"time"

	"hukou/domain"
	"hukou/domain/population"
)

// seedCaseCols are the columns SeedCases loads.
var seedCaseCols = []string{"id", "kind", "side", "collab_no", "status", "acceptance_office", "registration_office",
	"registration_province", "office", "applicant", "ministry", "result", "deadline_at", "created_by", "created_at",
	"updated_at", "version"}

// seedCaseBatch is how many cases one transaction loads.
const seedCaseBatch = 10_000

// SeedCases loads cfg's deterministic case population (1.5.x; `hukou seed
// cases`): the city's offices first, then the cases in batches of 10,000,
// with COPY on PostgreSQL and multi-row INSERTs on SQLite, generated while
// the previous batch loads. progress, when set, is called with the cases
// loaded so far. Cases collide with existing ones of the same collaboration
// number and side (a second load of the same config): CodeConflict. The
// tables are analysed at the end.
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
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan [][]any, 1)
	genErr := make(chan error, 1)
	go func() {
		defer close(batches)
		var rows [][]any
		err := population.GenerateCases(cfg, func(c *domain.Case) error {
			rows = append(rows, db.seedCaseRow(c))
			if len(rows) == seedCaseBatch {
				select {
				case batches <- rows:
				case <-ctx.Done():
					return ctx.Err()
				}
				rows = nil
			}
			return nil
		})
		if err == nil && len(rows) > 0 {
			select {
			case batches <- rows:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		genErr <- err
	}()
	for b := range batches {
		if err := db.seedCaseBatch(ctx, b); err != nil {
			cancel()
			for range batches { //nolint:revive // drain so the generator ends
			}
			return rep, seedError(err)
		}
		rep.Cases += len(b)
		if progress != nil {
			progress(rep.Cases)
		}
	}
	if err := <-genErr; err != nil {
		return rep, err
	}
	if db.dialect == Postgres {
		_, err = db.SQL().ExecContext(ctx, "ANALYZE cases")
	} else {
		_, err = db.SQL().ExecContext(ctx, "ANALYZE")
	}
	return rep, err
}

func (db *DB) seedCaseRow(c *domain.Case) []any {
	var deadline any
	if c.DeadlineAt != nil {
		deadline = db.seedTime(*c.DeadlineAt)
	}
	return []any{c.ID, string(c.Kind), string(c.Side), c.CollabNo, string(c.Status), c.AcceptanceOffice, c.RegistrationOffice,
		c.RegistrationProvince, c.Office, string(c.Applicant), string(c.Ministry), string(c.Result), deadline, c.CreatedBy,
		db.seedTime(c.CreatedAt), db.seedTime(c.UpdatedAt), c.Version}
}

// seedCaseBatch loads rows in one transaction: one COPY on PostgreSQL,
// INSERTs of as many rows as SQLite binds on SQLite.
func (db *DB) seedCaseBatch(ctx context.Context, rows [][]any) error {
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if db.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, copyFromStdin("cases", seedCaseCols))
		if err != nil {
			return fmt.Errorf("copy cases: %w", err)
		}
		defer stmt.Close()
		for _, r := range rows {
			if _, err := stmt.ExecContext(ctx, r...); err != nil {
				return fmt.Errorf("copy cases: %w", err)
			}
		}
		if _, err := stmt.ExecContext(ctx); err != nil {
			return fmt.Errorf("copy cases: %w", err)
		}
		return tx.Commit()
	}
	per := min(500, seedMaxParams/len(seedCaseCols))
	args := make([]any, 0, per*len(seedCaseCols))
	for start := 0; start < len(rows); start += per {
		k := min(per, len(rows)-start)
		args = args[:0]
		for _, r := range rows[start : start+k] {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, seedInsertSQL("cases", seedCaseCols, k), args...); err != nil {
			return fmt.Errorf("insert cases: %w", err)
		}
	}
	return tx.Commit()
}
