package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"hukou/domain"
	"hukou/domain/population"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// pgq turns ? placeholders into $1, $2, … on PostgreSQL.
func pgq(db *storage.DB, q string) string { return db.Rebind(q) }

// hcybshHousehold is a household with its members as the database holds them.
type hcybshHousehold struct {
	number  string
	members []domain.Resident
}

// loadHouseholds reads every resident, grouped by household ID.
func loadHouseholds(t *testing.T, db *storage.DB) map[string]*hcybshHousehold {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT r.id, r.household_id, h.number, r.relation, r.birth_date, r.id_number, r.hcybsh
FROM residents r JOIN households h ON h.id = r.household_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]*hcybshHousehold{}
	for rows.Next() {
		var (
			r      domain.Resident
			number string
			birth  any
			hcybsh sql.NullString
		)
		if err := rows.Scan(&r.ID, &r.HouseholdID, &number, &r.Relation, &birth, &r.IDNumber, &hcybsh); err != nil {
			t.Fatal(err)
		}
		r.BirthDate = asTime(t, birth)
		if hcybsh.Valid {
			r.Hcybsh = &hcybsh.String
		}
		h := out[r.HouseholdID]
		if h == nil {
			h = &hcybshHousehold{number: number}
			out[r.HouseholdID] = h
		}
		h.members = append(h.members, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// requireOracle checks that every resident holds the identifier the Go
// reference implementation gives when the whole household is numbered from
// scratch, and that each household's counter is one past its members.
func requireOracle(t *testing.T, db *storage.DB, households map[string]*hcybshHousehold) {
	t.Helper()
	counters := map[string]int{}
	rows, err := db.SQL().Query(`SELECT household_id, next_seq FROM hcybsh_counters`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		counters[id] = n
	}
	rows.Close()
	checked := 0
	for id, h := range households {
		blank := make([]domain.Resident, len(h.members))
		copy(blank, h.members)
		for i := range blank {
			blank[i].Hcybsh = nil
		}
		want, next, err := domain.AssignHcybsh(h.number, blank, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range h.members {
			if m.Hcybsh == nil || *m.Hcybsh != want[m.ID] {
				t.Fatalf("household %s member %s (relation %s, born %s): hcybsh %v, the rule says %s",
					h.number, m.ID, m.Relation, m.BirthDate.Format("2006-01-02"), deref(m.Hcybsh), want[m.ID])
			}
			checked++
		}
		if counters[id] != next {
			t.Fatalf("household %s: counter %d, want %d", h.number, counters[id], next)
		}
	}
	if checked == 0 {
		t.Fatal("no resident checked")
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// snapshotHcybsh maps resident ID to hcybsh.
func snapshotHcybsh(t *testing.T, db *storage.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	rows, err := db.SQL().Query(`SELECT id, coalesce(hcybsh, '') FROM residents`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, h string
		if err := rows.Scan(&id, &h); err != nil {
			t.Fatal(err)
		}
		out[id] = h
	}
	return out
}

func countNull(t *testing.T, db *storage.DB) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM residents WHERE hcybsh IS NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// seedUnnumbered seeds a population with the hcybsh trigger disabled.
func seedUnnumbered(t *testing.T, db *storage.DB, residents int) storage.SeedReport {
	t.Helper()
	cfg := population.Config{Seed: 7, Division: "211100", Residents: residents}
	rep, err := db.SeedPopulation(context.Background(), cfg, nil, storage.SeedWithoutHcybsh(), storage.SeedBatchSize(1000))
	if err != nil {
		t.Fatal(err)
	}
	if got := countNull(t, db); got != residents {
		t.Fatalf("%d of %d residents unnumbered after seeding without hcybsh", got, residents)
	}
	return rep
}

func TestGenerateHcybsh_MatchesRuleAndIsIdempotent(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := seedUnnumbered(t, db, 3000)
		// Some members left: they are numbered like everyone else.
		if _, err := db.SQL().Exec(`UPDATE residents SET status = 'MOVED_OUT' WHERE relation IN ('20', '30')`); err != nil {
			t.Fatal(err)
		}
		var calls []int
		rep, err := db.GenerateHcybsh(ctx, storage.HcybshOptions{BatchHouseholds: 250}, func(done, total int) {
			calls = append(calls, done)
			if total != seed.Households {
				t.Errorf("progress total %d, want %d", total, seed.Households)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		wantBatches := (seed.Households + 249) / 250
		if rep.Residents != 3000 || rep.Households != seed.Households || rep.Batches != wantBatches || rep.Unnumbered != 0 ||
			rep.Resumed || len(calls) != wantBatches || calls[len(calls)-1] != seed.Households {
			t.Fatalf("report %+v, progress %v", rep, calls)
		}
		requireOracle(t, db, loadHouseholds(t, db))

		// A second run changes nothing.
		before := snapshotHcybsh(t, db)
		again, err := db.GenerateHcybsh(ctx, storage.HcybshOptions{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if again.Residents != 0 || again.Resumed || again.RunID == rep.RunID {
			t.Fatalf("second run: %+v", again)
		}
		after := snapshotHcybsh(t, db)
		for id, h := range before {
			if after[id] != h {
				t.Fatalf("resident %s: %s became %s", id, h, after[id])
			}
		}
		t.Logf("%+v", rep)
	})
}

func TestGenerateHcybsh_ResumesAfterCrash(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		seed := seedUnnumbered(t, db, 2000)
		// The "crash": the run dies right after its first batch committed.
		ctx, cancel := context.WithCancel(context.Background())
		rep, err := db.GenerateHcybsh(ctx, storage.HcybshOptions{BatchHouseholds: 100}, func(done, total int) { cancel() })
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled run: %v", err)
		}
		if rep.Batches != 1 || rep.Households != 100 {
			t.Fatalf("cancelled run: %+v", rep)
		}
		left := countNull(t, db)
		if left == 0 || left == 2000 {
			t.Fatalf("%d residents unnumbered after one batch", left)
		}

		again, err := db.GenerateHcybsh(context.Background(), storage.HcybshOptions{BatchHouseholds: 100}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Resumed || again.RunID != rep.RunID || again.Residents != left ||
			again.Households != seed.Households-100 || again.RunHouseholds != seed.Households || again.RunResidents != 2000 {
			t.Fatalf("resumed run: %+v (first: %+v)", again, rep)
		}
		// Every resident numbered exactly once (the UNIQUE constraint holds
		// them apart), by the rule.
		requireOracle(t, db, loadHouseholds(t, db))
	})
}

// insertMember inserts a resident with raw SQL, as an older system would,
// without hcybsh, and returns the hcybsh the database gave it.
func insertMember(t *testing.T, db *storage.DB, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, householdID, id, idNumber string) error {
	t.Helper()
	_, err := q.ExecContext(context.Background(), pgq(db, `INSERT INTO residents (id, household_id, station_code, name, sex, ethnicity,
birth_date, birthplace_division, id_number, relation, status)
SELECT ?, id, station_code, '新成员', '1', '01', '2001-02-03', '211102', ?, '99', 'ACTIVE' FROM households WHERE id = ?`), id, idNumber, householdID)
	return err
}

func hcybshOf(t *testing.T, db *storage.DB, id string) string {
	t.Helper()
	var h sql.NullString
	if err := db.SQL().QueryRow(pgq(db, `SELECT hcybsh FROM residents WHERE id = ?`), id).Scan(&h); err != nil {
		t.Fatal(err)
	}
	return h.String
}

func TestHcybshTrigger_RawInsertsTakeTheNextFreeNumber(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		// Seeded with the trigger on: every row is numbered as it is inserted.
		cfg := population.Config{Seed: 3, Division: "211100", Residents: 300}
		if _, err := db.SeedPopulation(ctx, cfg, nil); err != nil {
			t.Fatal(err)
		}
		if n := countNull(t, db); n != 0 {
			t.Fatalf("%d seeded residents without hcybsh", n)
		}
		var hid, number string
		var members int
		if err := db.SQL().QueryRow(`SELECT h.id, h.number, count(*) FROM households h JOIN residents r ON r.household_id = h.id
GROUP BY h.id, h.number ORDER BY count(*) DESC, h.id LIMIT 1`).Scan(&hid, &number, &members); err != nil {
			t.Fatal(err)
		}
		want := func(seq int) string { return domain.DefaultHcybshRule.Format(number, seq) }

		// A raw INSERT without hcybsh gets the next number.
		if err := insertMember(t, db, db.SQL(), hid, "raw-1", "990000000000000001"); err != nil {
			t.Fatal(err)
		}
		if got := hcybshOf(t, db, "raw-1"); got != want(members+1) {
			t.Fatalf("raw insert got %q, want %q", got, want(members+1))
		}
		// The member moves out and keeps the number; the next one gets a new one.
		if _, err := db.SQL().Exec(pgq(db, `UPDATE residents SET status = 'MOVED_OUT' WHERE id = ?`), "raw-1"); err != nil {
			t.Fatal(err)
		}
		if err := insertMember(t, db, db.SQL(), hid, "raw-2", "990000000000000002"); err != nil {
			t.Fatal(err)
		}
		if got1, got2 := hcybshOf(t, db, "raw-1"), hcybshOf(t, db, "raw-2"); got1 != want(members+1) || got2 != want(members+2) {
			t.Fatalf("after moving out: %q and %q, want %q and %q", got1, got2, want(members+1), want(members+2))
		}
		// Even a deleted member's number is not handed out again.
		if _, err := db.SQL().Exec(pgq(db, `DELETE FROM residents WHERE id = ?`), "raw-2"); err != nil {
			t.Fatal(err)
		}
		if err := insertMember(t, db, db.SQL(), hid, "raw-3", "990000000000000003"); err != nil {
			t.Fatal(err)
		}
		if got := hcybshOf(t, db, "raw-3"); got != want(members+3) {
			t.Fatalf("after a delete: %q, want %q", got, want(members+3))
		}
		// A row inserted with an identifier keeps it and moves the counter past it.
		if _, err := db.SQL().Exec(pgq(db, `INSERT INTO residents (id, household_id, station_code, name, sex, ethnicity,
birth_date, birthplace_division, id_number, relation, status, hcybsh)
SELECT 'given', id, station_code, '旧系统', '2', '01', '1999-09-09', '211102', '990000000000000004', '99', 'ACTIVE', ? FROM households WHERE id = ?`),
			want(40), hid); err != nil {
			t.Fatal(err)
		}
		if err := insertMember(t, db, db.SQL(), hid, "raw-5", "990000000000000005"); err != nil {
			t.Fatal(err)
		}
		if got1, got2 := hcybshOf(t, db, "given"), hcybshOf(t, db, "raw-5"); got1 != want(40) || got2 != want(41) {
			t.Fatalf("after a given identifier: %q and %q, want %q and %q", got1, got2, want(40), want(41))
		}
		// The full generation leaves all of that alone.
		before := snapshotHcybsh(t, db)
		rep, err := db.GenerateHcybsh(ctx, storage.HcybshOptions{}, nil)
		if err != nil || rep.Residents != 0 {
			t.Fatalf("generate: %+v, %v", rep, err)
		}
		after := snapshotHcybsh(t, db)
		for id, h := range before {
			if after[id] != h {
				t.Fatalf("resident %s: %s became %s", id, h, after[id])
			}
		}
	})
}

func TestHcybshTrigger_ConcurrentInsertsIntoOneHousehold(t *testing.T) {
	t.Parallel()
	db := storagetest.OpenPostgres(t)
	ctx := context.Background()
	cfg := population.Config{Seed: 4, Division: "211100", Residents: 20}
	if _, err := db.SeedPopulation(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	// An empty household, so that 2 × 50 inserts meet the 99-member limit:
	// exactly 99 get distinct numbers and one is refused.
	if _, err := db.SQL().Exec(`INSERT INTO households (id, number, type, address_id, station_code)
SELECT 'hh-busy', '999999999', 'COLLECTIVE', address_id, station_code FROM households LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	var ok, refused atomic.Int32
	var other sync.Map
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Go(func() {
			conn, err := db.SQL().Conn(ctx) // one real session per goroutine
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			<-start
			for i := range 50 {
				tx, err := conn.BeginTx(ctx, nil)
				if err != nil {
					t.Error(err)
					return
				}
				err = insertMember(t, db, tx, "hh-busy", fmt.Sprintf("c%d-%02d", g, i), fmt.Sprintf("98%015d%d", i, g))
				if err == nil {
					err = tx.Commit()
				} else {
					tx.Rollback()
				}
				switch {
				case err == nil:
					ok.Add(1)
				case strings.Contains(err.Error(), "no free member number"):
					refused.Add(1)
				default:
					other.Store(err.Error(), true)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	other.Range(func(k, _ any) bool { t.Errorf("insert failed: %v", k); return true })
	if ok.Load() != 99 || refused.Load() != 1 {
		t.Fatalf("%d inserted, %d refused; want 99 and 1", ok.Load(), refused.Load())
	}
	var n, distinct int
	var lo, hi string
	if err := db.SQL().QueryRow(`SELECT count(*), count(DISTINCT hcybsh), min(hcybsh), max(hcybsh) FROM residents WHERE household_id = 'hh-busy'`).
		Scan(&n, &distinct, &lo, &hi); err != nil {
		t.Fatal(err)
	}
	if n != 99 || distinct != 99 || lo != "99999999901" || hi != "99999999999" {
		t.Fatalf("%d members, %d distinct identifiers from %s to %s", n, distinct, lo, hi)
	}
}
