package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"hukou/domain"
	"hukou/domain/population"
	"hukou/storage"
	"hukou/storage/storagetest"
)

func TestDB_SeedPopulation(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		// One name in 200 carries a rare character, so the 2,000 residents
		// hold about ten of them.
		cfg := population.Config{Seed: 11, Division: "211100", Residents: 2000, RareNameOneIn: 200}
		var progressed []int
		rep, err := db.SeedPopulation(ctx, cfg, func(done int) { progressed = append(progressed, done) }, storage.SeedBatchSize(700))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Residents != 2000 || len(progressed) != 3 || progressed[2] != 2000 {
			t.Fatalf("report %+v, progress %v", rep, progressed)
		}
		offices, _ := population.Offices(cfg)
		for table, want := range map[string]int{
			"offices": len(offices), "addresses": rep.Addresses, "households": rep.Households, "residents": 2000,
		} {
			if got := count(t, db, table); got != want {
				t.Errorf("%s: %d rows, report says %d", table, got, want)
			}
		}

		// Every generated resident reads back equal, rare characters included.
		rare := 0
		err = population.Generate(cfg, func(h *population.Household) error {
			for _, want := range h.Members {
				got := readResident(t, db, want.ID)
				// The hcybsh insert trigger numbered the row (hcybsh_test.go checks the numbers).
				if got.Hcybsh == nil {
					t.Fatalf("resident %s has no hcybsh after seeding", want.ID)
				}
				got.Hcybsh = nil
				want.CreatedAt, want.UpdatedAt = want.CreatedAt.UTC(), want.UpdatedAt.UTC()
				if got != want {
					t.Fatalf("resident read back\n got %+v\nwant %+v", got, want)
				}
				if strings.ContainsFunc(want.Name, func(c rune) bool { return c > 0xFFFF }) {
					rare++
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if rare == 0 {
			t.Fatal("no rare-character name in the sample")
		}
		t.Logf("%+v, %d rare-character names read back intact", rep, rare)

		// The ID number stays unique (its constraint survived the load).
		_, err = db.SQL().ExecContext(ctx, rebind(db, `INSERT INTO residents (id, household_id, station_code, name, sex, ethnicity,
birth_date, birthplace_division, id_number, relation, status)
SELECT 'dup', household_id, station_code, name, sex, ethnicity, birth_date, birthplace_division, id_number, relation, status
FROM residents WHERE id = ?`), firstResidentID(t, cfg))
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "unique") {
			t.Fatalf("duplicate ID number accepted: %v", err)
		}

		// Seeding again is refused; offices alone are idempotent.
		if _, err := db.SeedPopulation(ctx, cfg, nil); domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("second seed: %v", err)
		}
		if _, err := db.SeedPopulation(ctx, cfg, nil, storage.SeedAppend()); domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("appending the same population: %v", err)
		}
		if err := db.SeedOffices(ctx, offices); err != nil {
			t.Fatal(err)
		}
		if got := count(t, db, "offices"); got != len(offices) {
			t.Fatalf("offices after re-seeding: %d", got)
		}
		if got := count(t, db, "residents"); got != 2000 {
			t.Fatalf("residents after refused seeds: %d", got)
		}
		if db.Dialect() == storage.Postgres {
			// The dropped secondary indexes and foreign keys are back.
			var n int
			if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM pg_indexes
WHERE schemaname = current_schema() AND tablename IN ('residents', 'households')`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 11 { // residents: pkey, id_number, hcybsh, household, station_status, trgm, updated, created (query views); households: pkey, number, station
				t.Fatalf("%d indexes after seeding", n)
			}
			if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM pg_constraint
WHERE contype = 'f' AND conrelid = ANY (ARRAY['residents'::regclass, 'households'::regclass, 'addresses'::regclass])`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 5 {
				t.Fatalf("%d foreign keys after seeding", n)
			}
		}
	})
}

func TestDB_SeedOffices(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		offices, err := population.Offices(population.Config{Seed: 1, Division: "211100"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SeedOffices(ctx, offices); err != nil {
			t.Fatal(err)
		}
		offices[1].Name = "renamed"
		if err := db.SeedOffices(ctx, offices); err != nil {
			t.Fatal(err)
		}
		var name string
		var version int
		err = db.SQL().QueryRowContext(ctx, rebind(db, "SELECT name, version FROM offices WHERE code = ?"), offices[1].Code).Scan(&name, &version)
		if err != nil {
			t.Fatal(err)
		}
		if name != "renamed" || version != 2 {
			t.Fatalf("office after upsert: %q version %d", name, version)
		}
		if got := count(t, db, "offices"); got != len(offices) {
			t.Fatalf("%d offices, want %d", got, len(offices))
		}
	})
}

func count(t *testing.T, db *storage.DB, table string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func firstResidentID(t *testing.T, cfg population.Config) string {
	t.Helper()
	for h, err := range population.All(cfg) {
		if err != nil {
			t.Fatal(err)
		}
		return h.Members[0].ID
	}
	t.Fatal("empty population")
	return ""
}

func rebind(db *storage.DB, q string) string {
	if db.Dialect() == storage.Postgres {
		return strings.ReplaceAll(q, "?", "$1")
	}
	return q
}

// readResident reads a resident with plain SQL: the register's repository
// is not part of this package yet.
func readResident(t *testing.T, db *storage.DB, id string) domain.Resident {
	t.Helper()
	var (
		r                       domain.Resident
		status                  string
		hcybsh                  sql.NullString
		birth, created, updated any
	)
	err := db.SQL().QueryRow(rebind(db, `SELECT id, household_id, station_code, name, former_names, sex, ethnicity, birth_date,
birthplace_division, id_number, relation, status, hcybsh, created_at, updated_at, version FROM residents WHERE id = ?`), id).Scan(
		&r.ID, &r.HouseholdID, &r.StationCode, &r.Name, &r.FormerNames, &r.Sex, &r.Ethnicity, &birth,
		&r.BirthplaceDivision, &r.IDNumber, &r.Relation, &status, &hcybsh, &created, &updated, &r.Version)
	if err != nil {
		t.Fatalf("read resident %s: %v", id, err)
	}
	r.Status = domain.ResidentStatus(status)
	if hcybsh.Valid {
		r.Hcybsh = &hcybsh.String
	}
	r.BirthDate = asTime(t, birth)
	r.CreatedAt, r.UpdatedAt = asTime(t, created), asTime(t, updated)
	return r
}

func asTime(t *testing.T, v any) time.Time {
	t.Helper()
	switch v := v.(type) {
	case time.Time:
		return v.UTC()
	case string:
		for _, layout := range []string{time.DateOnly, "2006-01-02 15:04:05.999999-07:00", time.RFC3339Nano} {
			if tm, err := time.Parse(layout, v); err == nil {
				return tm.UTC()
			}
		}
	case []byte:
		return asTime(t, string(v))
	}
	t.Fatalf("unexpected time value %T %v", v, v)
	return time.Time{}
}

func TestDB_SeedPopulation_Cancelled(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cfg := population.Config{Seed: 5, Division: "211100", Residents: 5000}
		_, err := db.SeedPopulation(ctx, cfg, func(int) { cancel() }, storage.SeedBatchSize(500))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled seed returned %v", err)
		}
		if n := count(t, db, "residents"); n == 0 || n >= 5000 {
			t.Fatalf("%d residents after cancelling", n)
		}
		if db.Dialect() == storage.Postgres {
			var n int
			if err := db.SQL().QueryRow(`SELECT count(*) FROM pg_indexes
WHERE schemaname = current_schema() AND tablename = 'residents'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 8 { // with the query views' updated and created indexes
				t.Fatalf("%d residents indexes after a cancelled seed, want 8", n)
			}
		}
	})
}
