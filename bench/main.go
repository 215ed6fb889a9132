// Command bench measures hukou against raw PostgreSQL on the same database
// in the same run, and prints each figure beside the raw one.
//
//	go run ./bench hcybsh --database-url postgres://…/throwaway [--residents 1500000]
//
// hcybsh seeds an EMPTY throwaway database (its data is overwritten) with the
// hcybsh trigger disabled, then measures: the full generation
// (storage.GenerateHcybsh, batched) against the best single raw UPDATE for
// the same rule, each on a freshly written table; and single-row inserts by
// 4 clients with the hcybsh trigger against the same without it, alternated
// so that fsync noise hits both alike, once with synchronous commits and once
// without (the trigger's CPU cost).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"hukou/domain/population"
	"hukou/storage"
)

func main() {
	if len(os.Args) < 2 || os.Args[1] != "hcybsh" {
		fmt.Fprintln(os.Stderr, "usage: go run ./bench hcybsh --database-url postgres://… [--residents N] [--insert-seconds S]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("hcybsh", flag.ExitOnError)
	dsn := fs.String("database-url", os.Getenv("BENCH_DATABASE_URL"), "a throwaway PostgreSQL database")
	residents := fs.Int("residents", 1_500_000, "residents to seed")
	insertSeconds := fs.Float64("insert-seconds", 8, "length of each insert measurement")
	_ = fs.Parse(os.Args[2:])
	if err := benchHcybsh(context.Background(), *dsn, *residents, time.Duration(*insertSeconds*float64(time.Second))); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func benchHcybsh(ctx context.Context, dsn string, residents int, insertFor time.Duration) error {
	db, err := storage.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if db.Dialect() != storage.Postgres {
		return fmt.Errorf("hcybsh bench needs PostgreSQL")
	}
	if _, err := db.MigrateUp(ctx); err != nil {
		return err
	}
	sqldb := db.SQL()
	seed, err := db.SeedPopulation(ctx, population.Config{Seed: 1, Division: "211100", Residents: residents}, nil, storage.SeedWithoutHcybsh())
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Printf("seeded %d residents in %d households in %s (trigger disabled)\n", seed.Residents, seed.Households, seed.Elapsed.Round(time.Millisecond))
	if _, err := sqldb.ExecContext(ctx, "VACUUM ANALYZE residents"); err != nil {
		return err
	}

	// Full generation, batched, on the freshly seeded table.
	gen, err := db.GenerateHcybsh(ctx, storage.HcybshOptions{}, nil)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	// Back to unnumbered, rewritten compactly, for the raw statement.
	reset := time.Now()
	for _, q := range []string{"UPDATE residents SET hcybsh = NULL", "TRUNCATE hcybsh_counters, hcybsh_runs", "VACUUM FULL ANALYZE residents"} {
		if _, err := sqldb.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	fmt.Printf("reset for the raw statement in %s\n", time.Since(reset).Round(time.Millisecond))
	conn, err := sqldb.Conn(ctx)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "SET work_mem = '64MB'"); err != nil { // as GenerateHcybsh's batches
		return err
	}
	rawStart := time.Now()
	res, err := conn.ExecContext(ctx, storage.HcybshRawSQL())
	if err != nil {
		return fmt.Errorf("raw statement: %w", err)
	}
	raw := time.Since(rawStart)
	rawRows, _ := res.RowsAffected()
	conn.Close()
	// The raw statement keeps no counters; the trigger needs them.
	ctrStart := time.Now()
	if _, err := sqldb.ExecContext(ctx, `INSERT INTO hcybsh_counters (household_id, next_seq)
SELECT household_id, max(right(hcybsh, 2)::integer) + 1 FROM residents GROUP BY household_id`); err != nil {
		return fmt.Errorf("counters: %w", err)
	}
	counters := time.Since(ctrStart)

	// Inserts: 4 clients, single-row autocommit INSERTs into random existing
	// households, with and without the trigger, alternated.
	var hh []household
	rows, err := sqldb.QueryContext(ctx, "SELECT id, station_code FROM households ORDER BY random() LIMIT 200000")
	if err != nil {
		return err
	}
	for rows.Next() {
		var h household
		if err := rows.Scan(&h.id, &h.station); err != nil {
			return err
		}
		hh = append(hh, h)
	}
	rows.Close()
	type result struct{ plain, trigger []float64 }
	results := map[bool]*result{true: {}, false: {}}
	var seq atomic.Int64
	for _, syncCommit := range []bool{true, false} {
		r := results[syncCommit]
		for round := range 2 {
			for _, withTrigger := range []bool{round == 1, round == 0} {
				stmt := "ALTER TABLE residents DISABLE TRIGGER residents_hcybsh"
				if withTrigger {
					stmt = "ALTER TABLE residents ENABLE TRIGGER residents_hcybsh"
				}
				if _, err := sqldb.ExecContext(ctx, stmt); err != nil {
					return err
				}
				rate, err := insertRate(ctx, sqldb, hh, &seq, syncCommit, insertFor)
				if err != nil {
					return err
				}
				if withTrigger {
					r.trigger = append(r.trigger, rate)
				} else {
					r.plain = append(r.plain, rate)
				}
			}
		}
	}
	if _, err := sqldb.ExecContext(ctx, "ALTER TABLE residents ENABLE TRIGGER residents_hcybsh"); err != nil {
		return err
	}

	fmt.Println()
	fmt.Printf("%-58s %14s %14s %7s\n", "work", "hukou", "raw", "ratio")
	fmt.Printf("%-58s %13.1fs %13.1fs %6.2fx\n", fmt.Sprintf("hcybsh full generation, %d residents (time)", gen.Residents),
		gen.Elapsed.Seconds(), raw.Seconds(), gen.Elapsed.Seconds()/raw.Seconds())
	fmt.Printf("%-58s %14s %13.1fs\n", "  raw + building the counters it lacks", "", (raw + counters).Seconds())
	fmt.Printf("%-58s %14s %14s\n", "  rows numbered / batches", fmt.Sprintf("%d / %d", gen.Residents, gen.Batches), fmt.Sprintf("%d / 1", rawRows))
	for _, sc := range []bool{true, false} {
		r := results[sc]
		label := "single-row inserts, 4 clients, synchronous_commit on (/s)"
		if !sc {
			label = "single-row inserts, 4 clients, synchronous_commit off (/s)"
		}
		p, tr := mean(r.plain), mean(r.trigger)
		fmt.Printf("%-58s %14.0f %14.0f %6.0f%%   (trigger %v, plain %v)\n", label, tr, p, 100*tr/p, rounded(r.trigger), rounded(r.plain))
	}
	return nil
}

type household struct{ id, station string }

// insertRate runs 4 clients inserting one resident per transaction for d and
// returns inserts per second.
func insertRate(ctx context.Context, sqldb *sql.DB, hh []household, seq *atomic.Int64, syncCommit bool, d time.Duration) (float64, error) {
	const clients = 4
	var n atomic.Int64
	var firstErr error
	var once sync.Once
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			conn, err := sqldb.Conn(ctx)
			if err != nil {
				once.Do(func() { firstErr = err })
				return
			}
			defer conn.Close()
			sc := "on"
			if !syncCommit {
				sc = "off"
			}
			if _, err := conn.ExecContext(ctx, "SET synchronous_commit = "+sc); err != nil {
				once.Do(func() { firstErr = err })
				return
			}
			defer conn.ExecContext(ctx, "RESET synchronous_commit")
			stmt, err := conn.PrepareContext(ctx, `INSERT INTO residents (id, household_id, station_code, name, sex, ethnicity,
birth_date, birthplace_division, id_number, relation, status) VALUES ($1, $2, $3, '测试', '1', '01', '2000-01-01', '211102', $4, '99', 'ACTIVE')`)
			if err != nil {
				once.Do(func() { firstErr = err })
				return
			}
			defer stmt.Close()
			rng := rand.New(rand.NewPCG(uint64(c), uint64(time.Now().UnixNano())))
			for time.Now().Before(deadline) {
				i := seq.Add(1)
				h := hh[rng.IntN(len(hh))]
				if _, err := stmt.ExecContext(ctx, fmt.Sprintf("bench-%d", i), h.id, h.station, fmt.Sprintf("B%017d", i)); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / d.Seconds(), firstErr
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func rounded(xs []float64) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = int(x + 0.5)
	}
	return out
}
