package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"

	"hukou/domain"
	"hukou/domain/population"
)

// SeedReport tells what SeedPopulation loaded and how long it took.
type SeedReport struct {
	Addresses  int
	Households int
	Residents  int
	// Cases, CasePeople and CaseActions are SeedCases': the cases, the
	// persons kept beside them and their history entries.
	Cases       int
	CasePeople  int
	CaseActions int
	Elapsed     time.Duration
}

// SeedOption adjusts SeedPopulation.
type SeedOption func(*seedOptions)

type seedOptions struct {
	append    bool
	batch     int
	workers   int
	noReindex bool
	noHcybsh  bool
}

// SeedAppend lets SeedPopulation load into a register that already holds
// residents. Rows that collide with existing ones (same IDs, household
// numbers or ID numbers, as a second load of the same Config would produce)
// still fail with CodeConflict.
func SeedAppend() SeedOption { return func(o *seedOptions) { o.append = true } }

// SeedBatchSize sets how many residents (with their households and
// addresses) go into one transaction; the default is 50,000.
func SeedBatchSize(n int) SeedOption { return func(o *seedOptions) { o.batch = n } }

// SeedWorkers sets how many connections load batches in parallel on
// PostgreSQL (default 2); SQLite always uses its single connection.
func SeedWorkers(n int) SeedOption { return func(o *seedOptions) { o.workers = n } }

// SeedKeepIndexes makes SeedPopulation keep the secondary indexes and
// foreign keys of an empty PostgreSQL register in place during the load
// instead of dropping and rebuilding them (slower; for measurements).
func SeedKeepIndexes() SeedOption { return func(o *seedOptions) { o.noReindex = true } }

// SeedWithoutHcybsh makes SeedPopulation load residents without household
// member identifiers: the hcybsh insert trigger is disabled during the load
// (and re-enabled afterwards, also after a failure), so the full generation
// can be measured and tested on a fresh register.
func SeedWithoutHcybsh() SeedOption { return func(o *seedOptions) { o.noHcybsh = true } }

// SeedOffices inserts offices, or updates the name, level, parent and
// division of those whose code already exists, in one transaction. Parents
// must come before their children, as population.Offices orders them.
func (db *DB) SeedOffices(ctx context.Context, offices []domain.Office) error {
	const q = `INSERT INTO offices (code, name, level, parent_code, division, created_at, updated_at, version)
VALUES (?, ?, ?, ?, ?, ?, ?, 1)
ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
  parent_code = excluded.parent_code, division = excluded.division, updated_at = excluded.updated_at,
  version = offices.version + 1
WHERE offices.name <> excluded.name OR offices.level <> excluded.level
  OR offices.parent_code IS DISTINCT FROM excluded.parent_code OR offices.division <> excluded.division`
	query := q
	if db.dialect == SQLite {
		query = strings.ReplaceAll(q, "IS DISTINCT FROM", "IS NOT")
	}
	query = db.Rebind(query)
	now := time.Now().UTC()
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seed offices: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return fmt.Errorf("seed offices: %w", err)
	}
	defer stmt.Close()
	for _, o := range offices {
		var parent any
		if o.ParentCode != "" {
			parent = o.ParentCode
		}
		if _, err := stmt.ExecContext(ctx, o.Code, o.Name, string(o.Level), parent, o.Division, db.seedTime(now), db.seedTime(now)); err != nil {
			return seedError(fmt.Errorf("seed office %s: %w", o.Code, err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed offices: %w", err)
	}
	return nil
}

// SeedPopulation loads the population of cfg (population.Generate) into the
// register: first its offices (SeedOffices), then addresses, households and
// residents in transactions of about 50,000 residents, calling progress (if
// not nil) with the number of residents committed so far after each one.
//
// On PostgreSQL it loads with COPY over two connections; when the register
// is empty it first drops the secondary indexes and foreign keys of the
// three tables and rebuilds them from their catalogued definitions at the end
// (also after a failure), so the migrations remain the one place of the DDL.
// On SQLite it uses multi-row INSERTs in large transactions. A failure leaves
// the batches committed before it in place.
//
// It returns a CodeConflict *domain.Error if the register already holds
// residents (unless SeedAppend is given) or if a generated row collides with
// an existing one, and a CodeInvalid one for a bad cfg.
func (db *DB) SeedPopulation(ctx context.Context, cfg population.Config, progress func(done int), opts ...SeedOption) (rep SeedReport, err error) {
	start := time.Now()
	defer func() { rep.Elapsed = time.Since(start) }() // runs last: includes the rebuild
	o := seedOptions{batch: 50_000, workers: 2}
	for _, opt := range opts {
		opt(&o)
	}
	o.batch, o.workers = max(1, o.batch), max(1, o.workers)
	if db.dialect == SQLite {
		o.workers = 1
	}
	offices, err := population.Offices(cfg)
	if err != nil {
		return SeedReport{}, err
	}
	empty, err := db.seedEmpty(ctx)
	if err != nil {
		return SeedReport{}, err
	}
	if !empty && !o.append {
		return SeedReport{}, domain.Errorf(domain.CodeConflict, "the register already holds residents; seeding would mix populations")
	}
	if err := db.SeedOffices(ctx, offices); err != nil {
		return SeedReport{}, err
	}
	if db.dialect == Postgres && empty && !o.noReindex {
		restore, err := db.seedDropIndexes(ctx)
		if err != nil {
			return SeedReport{}, err
		}
		defer func() {
			// Rebuild even when the load failed or ctx was cancelled: the
			// register must never be left without its indexes.
			if rerr := restore(context.WithoutCancel(ctx)); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}()
	}
	if o.noHcybsh {
		enable, err := db.hcybshDisableTrigger(ctx)
		if err != nil {
			return SeedReport{}, err
		}
		defer func() {
			if rerr := enable(context.WithoutCancel(ctx)); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}()
	}
	return db.seedLoad(ctx, cfg, progress, o)
}

// seedBatch is a slice of the population that is committed together.
type seedBatch struct {
	addresses  []domain.Address
	households []domain.Household
	residents  []domain.Resident
}

func (db *DB) seedLoad(ctx context.Context, cfg population.Config, progress func(int), o seedOptions) (SeedReport, error) {
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
	batches := make(chan *seedBatch, o.workers)
	done := make(chan *seedBatch, o.workers)

	// The generator runs in its own goroutine, ahead of the loaders.
	var gen sync.WaitGroup
	gen.Go(func() {
		defer close(batches)
		b := &seedBatch{}
		send := func() error {
			select {
			case batches <- b:
				b = &seedBatch{}
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := population.Generate(cfg, func(h *population.Household) error {
			b.addresses = append(b.addresses, h.Address)
			b.households = append(b.households, h.Household)
			b.residents = append(b.residents, h.Members...)
			if len(b.residents) >= o.batch {
				return send()
			}
			return nil
		})
		if err == nil && len(b.residents) > 0 {
			err = send()
		}
		if err != nil && ctx.Err() == nil {
			fail(err)
		}
	})
	var loaders sync.WaitGroup
	for range o.workers {
		loaders.Go(func() {
			for b := range batches {
				var err error
				if db.dialect == Postgres {
					err = db.seedCopyBatch(ctx, b)
				} else {
					err = db.seedInsertBatch(ctx, b)
				}
				if err != nil {
					fail(err)
					break
				}
				done <- b
			}
			for range batches { // let the generator finish after a failure
			}
		})
	}
	go func() {
		loaders.Wait()
		close(done)
	}()
	var rep SeedReport
	for b := range done {
		rep.Addresses += len(b.addresses)
		rep.Households += len(b.households)
		rep.Residents += len(b.residents)
		if progress != nil {
			progress(rep.Residents)
		}
	}
	gen.Wait()
	switch {
	case parent.Err() != nil: // the loaders' errors are then only echoes of it
		return rep, fmt.Errorf("seed population: %w", parent.Err())
	case firstErr != nil:
		return rep, seedError(fmt.Errorf("seed population: %w", firstErr))
	case rep.Residents != cfg.Residents:
		return rep, fmt.Errorf("seed population: loaded %d of %d residents", rep.Residents, cfg.Residents)
	}
	return rep, nil
}

var (
	seedAddressCols   = []string{"id", "division", "detail", "urban_rural", "station_code", "created_at", "updated_at", "version"}
	seedHouseholdCols = []string{"id", "number", "type", "address_id", "station_code", "created_at", "updated_at", "version"}
	seedResidentCols  = []string{"id", "household_id", "station_code", "name", "former_names", "sex", "ethnicity", "birth_date",
		"birthplace_division", "id_number", "relation", "status", "created_at", "updated_at", "version"}
)

func (db *DB) seedAddressRow(a *domain.Address, row []any) []any {
	return append(row, a.ID, a.Division, a.Detail, a.UrbanRural, a.StationCode, db.seedTime(a.CreatedAt), db.seedTime(a.UpdatedAt), a.Version)
}

func (db *DB) seedHouseholdRow(h *domain.Household, row []any) []any {
	return append(row, h.ID, h.Number, string(h.Type), h.AddressID, h.StationCode, db.seedTime(h.CreatedAt), db.seedTime(h.UpdatedAt), h.Version)
}

func (db *DB) seedResidentRow(r *domain.Resident, row []any) []any {
	return append(row, r.ID, r.HouseholdID, r.StationCode, r.Name, r.FormerNames, r.Sex, r.Ethnicity,
		r.BirthDate.Format(time.DateOnly), r.BirthplaceDivision, r.IDNumber, r.Relation, string(r.Status),
		db.seedTime(r.CreatedAt), db.seedTime(r.UpdatedAt), r.Version)
}

// seedTime renders a timestamp as bun writes it on SQLite (UTC text), and
// passes it through on PostgreSQL.
func (db *DB) seedTime(t time.Time) any {
	if db.dialect == SQLite {
		return t.UTC().Format("2006-01-02 15:04:05.999999-07:00")
	}
	return t
}

// copyFromStdin is the COPY statement that pq runs as a bulk load when it is
// prepared and executed row by row (pq.CopyIn, now deprecated, built the same).
func copyFromStdin(table string, cols []string) string {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = pq.QuoteIdentifier(c)
	}
	return "COPY " + pq.QuoteIdentifier(table) + " (" + strings.Join(quoted, ", ") + ") FROM STDIN"
}

// seedCopyBatch loads one batch with three COPYs in one transaction.
func (db *DB) seedCopyBatch(ctx context.Context, b *seedBatch) error {
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Losing the last batches in a crash is harmless for a seed: it can be
	// re-run; not waiting for the WAL flush is what lets batches overlap.
	if _, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
		return err
	}
	row := make([]any, 0, len(seedResidentCols))
	copyIn := func(table string, cols []string, n int, fill func(i int, row []any) []any) error {
		stmt, err := tx.PrepareContext(ctx, copyFromStdin(table, cols))
		if err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
		defer stmt.Close()
		for i := 0; i < n; i++ {
			row = fill(i, row[:0])
			if _, err := stmt.ExecContext(ctx, row...); err != nil {
				return fmt.Errorf("copy %s: %w", table, err)
			}
		}
		if _, err := stmt.ExecContext(ctx); err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
		return nil
	}
	if err := copyIn("addresses", seedAddressCols, len(b.addresses), func(i int, row []any) []any {
		return db.seedAddressRow(&b.addresses[i], row)
	}); err != nil {
		return err
	}
	if err := copyIn("households", seedHouseholdCols, len(b.households), func(i int, row []any) []any {
		return db.seedHouseholdRow(&b.households[i], row)
	}); err != nil {
		return err
	}
	if err := copyIn("residents", seedResidentCols, len(b.residents), func(i int, row []any) []any {
		return db.seedResidentRow(&b.residents[i], row)
	}); err != nil {
		return err
	}
	return tx.Commit()
}

// seedMaxParams stays under SQLite's limit of 32,766 bound parameters per
// statement.
const seedMaxParams = 32_766

// seedInsertBatch loads one batch with multi-row INSERTs in one transaction.
func (db *DB) seedInsertBatch(ctx context.Context, b *seedBatch) error {
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insert := func(table string, cols []string, n int, fill func(i int, row []any) []any) error {
		per := min(500, seedMaxParams/len(cols))
		var full *sql.Stmt
		args := make([]any, 0, per*len(cols))
		for start := 0; start < n; start += per {
			k := min(per, n-start)
			args = args[:0]
			for i := start; i < start+k; i++ {
				args = fill(i, args)
			}
			var err error
			if k == per {
				if full == nil {
					if full, err = tx.PrepareContext(ctx, seedInsertSQL(table, cols, per)); err != nil {
						return fmt.Errorf("insert %s: %w", table, err)
					}
					defer full.Close()
				}
				_, err = full.ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, seedInsertSQL(table, cols, k), args...)
			}
			if err != nil {
				return fmt.Errorf("insert %s: %w", table, err)
			}
		}
		return nil
	}
	if err := insert("addresses", seedAddressCols, len(b.addresses), func(i int, row []any) []any {
		return db.seedAddressRow(&b.addresses[i], row)
	}); err != nil {
		return err
	}
	if err := insert("households", seedHouseholdCols, len(b.households), func(i int, row []any) []any {
		return db.seedHouseholdRow(&b.households[i], row)
	}); err != nil {
		return err
	}
	if err := insert("residents", seedResidentCols, len(b.residents), func(i int, row []any) []any {
		return db.seedResidentRow(&b.residents[i], row)
	}); err != nil {
		return err
	}
	return tx.Commit()
}

func seedInsertSQL(table string, cols []string, rows int) string {
	var sb strings.Builder
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	sb.Grow(len(table) + 64 + rows*(len(one)+2))
	sb.WriteString("INSERT INTO ")
	sb.WriteString(table)
	sb.WriteString(" (")
	sb.WriteString(strings.Join(cols, ", "))
	sb.WriteString(") VALUES ")
	for i := 0; i < rows; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(one)
	}
	return sb.String()
}

// seedEmpty reports whether the register holds no residents.
func (db *DB) seedEmpty(ctx context.Context) (bool, error) {
	var exists bool
	if err := db.SQL().QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM residents)").Scan(&exists); err != nil {
		return false, fmt.Errorf("count residents: %w", err)
	}
	return !exists, nil
}

// seedDropIndexes drops the non-unique indexes and the foreign keys of the
// seed tables (on PostgreSQL) and returns a function that recreates them
// from the definitions the catalog held, in two parallel sessions with a
// generous maintenance_work_mem, and then analyses the tables.
func (db *DB) seedDropIndexes(ctx context.Context) (restore func(context.Context) error, err error) {
	type object struct{ table, name, def string }
	var indexes, fks []object
	rows, err := db.SQL().QueryContext(ctx, `
SELECT t.relname, i.relname, pg_get_indexdef(i.oid)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
WHERE t.oid = ANY (ARRAY[to_regclass('addresses'), to_regclass('households'), to_regclass('residents')])
  AND NOT x.indisunique AND NOT x.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
ORDER BY t.relname, i.relname`)
	if err != nil {
		return nil, fmt.Errorf("list indexes: %w", err)
	}
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.table, &o.name, &o.def); err != nil {
			rows.Close()
			return nil, err
		}
		indexes = append(indexes, o)
	}
	rows.Close()
	rows, err = db.SQL().QueryContext(ctx, `
SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
WHERE c.contype = 'f'
  AND t.oid = ANY (ARRAY[to_regclass('addresses'), to_regclass('households'), to_regclass('residents')])
ORDER BY t.relname, c.conname`)
	if err != nil {
		return nil, fmt.Errorf("list foreign keys: %w", err)
	}
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.table, &o.name, &o.def); err != nil {
			rows.Close()
			return nil, err
		}
		fks = append(fks, o)
	}
	rows.Close()

	var drop []string
	for _, o := range fks {
		drop = append(drop, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", pq.QuoteIdentifier(o.table), pq.QuoteIdentifier(o.name)))
	}
	for _, o := range indexes {
		drop = append(drop, "DROP INDEX "+pq.QuoteIdentifier(o.name))
	}
	// Rebuild in two sessions: the trigram index, the slowest, alone in one;
	// everything else, then the foreign keys, in the other.
	var slow, rest []string
	for _, o := range indexes {
		if strings.Contains(o.def, "USING gin") {
			slow = append(slow, o.def)
		} else {
			rest = append(rest, o.def)
		}
	}
	for _, o := range fks {
		rest = append(rest, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", pq.QuoteIdentifier(o.table), pq.QuoteIdentifier(o.name), o.def))
	}

	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for _, q := range drop {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("drop before seeding: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		run := func(stmts []string) error {
			conn, err := db.SQL().Conn(ctx)
			if err != nil {
				return err
			}
			defer conn.Close()
			if _, err := conn.ExecContext(ctx, "SET maintenance_work_mem = '1GB'"); err != nil {
				return err
			}
			defer func() { _, _ = conn.ExecContext(ctx, "RESET maintenance_work_mem") }()
			for _, q := range stmts {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("rebuild after seeding: %s: %w", q, err)
				}
			}
			return nil
		}
		var wg sync.WaitGroup
		var errSlow, errRest error
		wg.Go(func() { errSlow = run(slow) })
		wg.Go(func() { errRest = run(rest) })
		wg.Wait()
		if err := errors.Join(errSlow, errRest); err != nil {
			return err
		}
		if _, err := db.SQL().ExecContext(ctx, "ANALYZE addresses, households, residents"); err != nil {
			return fmt.Errorf("analyze after seeding: %w", err)
		}
		return nil
	}, nil
}

// Rebind turns ? placeholders into $n on PostgreSQL, for raw SQL run
// through database/sql rather than bun.
func (db *DB) Rebind(q string) string {
	if db.dialect != Postgres {
		return q
	}
	var sb strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			fmt.Fprintf(&sb, "$%d", n)
			continue
		}
		sb.WriteRune(c)
	}
	return sb.String()
}

// seedError turns a unique violation into a CodeConflict *domain.Error that
// wraps it.
func seedError(err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" || err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return fmt.Errorf("%w: %w", domain.Errorf(domain.CodeConflict, "a seeded row collides with an existing one"), err)
	}
	return err
}
