package storage_test

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"hukou/domain/population"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestSeedBench measures SeedPopulation at scale. It runs only with
// HUKOU_SEED_BENCH=1: on PostgreSQL it loads HUKOU_SEED_RESIDENTS (default
// 1,500,000) residents into a throwaway database "seedbench" that it creates
// and drops, and on SQLite 50,000 residents into a temporary file.
func TestSeedBench(t *testing.T) {
	if os.Getenv("HUKOU_SEED_BENCH") != "1" {
		t.Skip("set HUKOU_SEED_BENCH=1 to measure seeding")
	}
	n := 1_500_000
	if s := os.Getenv("HUKOU_SEED_RESIDENTS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	run := func(t *testing.T, db *storage.DB, residents int, opts ...storage.SeedOption) {
		if _, err := db.MigrateUp(ctx); err != nil {
			t.Fatal(err)
		}
		cfg := population.Config{Seed: 1, Division: "211100", Residents: residents}
		start := time.Now()
		var loaded time.Duration
		rep, err := db.SeedPopulation(ctx, cfg, func(done int) {
			loaded = time.Since(start)
			if done%500_000 < 50_000 {
				t.Logf("%d residents committed", done)
			}
		}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d residents, %d households in %v (rows committed after %v, then index rebuild): %.0f residents/s",
			db.Dialect(), rep.Residents, rep.Households, rep.Elapsed.Round(time.Millisecond), loaded.Round(time.Millisecond),
			float64(rep.Residents)/rep.Elapsed.Seconds())
	}
	t.Run("postgres", func(t *testing.T) {
		admin, err := sql.Open("postgres", storagetest.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		_, _ = admin.Exec("DROP DATABASE IF EXISTS seedbench")
		if _, err := admin.Exec("CREATE DATABASE seedbench"); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if _, err := admin.Exec("DROP DATABASE IF EXISTS seedbench WITH (FORCE)"); err != nil {
				t.Logf("drop seedbench: %v", err)
			}
		}()
		u, _ := url.Parse(storagetest.PostgresURL(t))
		u.Path = "/seedbench"
		db, err := storage.Open(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var opts []storage.SeedOption
		if os.Getenv("HUKOU_SEED_KEEP_INDEXES") == "1" {
			opts = append(opts, storage.SeedKeepIndexes())
		}
		if w := os.Getenv("HUKOU_SEED_WORKERS"); w != "" {
			k, _ := strconv.Atoi(w)
			opts = append(opts, storage.SeedWorkers(k))
		}
		run(t, db, n, opts...)
	})
	t.Run("sqlite", func(t *testing.T) {
		db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "seed.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		run(t, db, 50_000)
	})
}
