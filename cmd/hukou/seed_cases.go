package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"hukou/domain/population"
	"hukou/storage"
)

// runSeedCases is `hukou seed cases`: a deterministic case population for
// query views, tests and benchmarks (1.5.x, issue 15).
func runSeedCases(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("seed cases", flag.ExitOnError)
	cfg.bind(fs)
	fs.Usage = commandUsage(fs, "hukou seed cases [--n N] [--division 211100] [--seed S] [flags]",
		"Loads N deterministic synthetic cases into DATABASE_URL, with a progress bar: every business kind\n"+
			"this binary serves (birth 35 %, migration 30 %, ID card 20 %, information and matter certificates),\n"+
			"on both sides (A: accepted at a station of the city for a hukou in another province; R: the other\n"+
			"way round), with the statuses of each side's steps (old cases mostly finished, new ones mostly open),\n"+
			"creation dates over the two years before 2026-11-01, and every field each kind declares for query\n"+
			"views filled (the result's once the case is decided); beside each case the persons its kind declares\n"+
			"(the case list finds it by their names and ID numbers) and the history of the steps that led to its\n"+
			"status. The same seed gives the same cases; the city's offices are created when missing. COPY on\n"+
			"PostgreSQL (1 M cases in minutes), multi-row INSERTs on SQLite. Loading the same cases twice fails\n"+
			"(conflict): use another --seed.")
	n := fs.Int("n", 10000, "number of cases to generate")
	division := fs.String("division", "211100", "GB/T 2260 code of the city")
	seed := fs.Int64("seed", 1, "generator seed: the same seed gives the same cases")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.MigrateUp(ctx); err != nil {
		return err
	}
	ccfg := population.CaseConfig{Seed: *seed, Division: *division, Cases: *n, Kinds: population.CaseKindsOf(kinds{}.modules()...)}
	bar := progressbar.NewOptions(*n, progressbar.OptionSetDescription("seeding cases"),
		progressbar.OptionSetWriter(os.Stderr), progressbar.OptionShowCount(), progressbar.OptionShowIts(),
		progressbar.OptionThrottle(200*time.Millisecond))
	rep, err := db.SeedCases(ctx, ccfg, func(done int) { _ = bar.Set(done) })
	_ = bar.Finish()
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return err
	}
	rows := rep.Cases + rep.CasePeople + rep.CaseActions
	fmt.Printf("seeded %d cases with %d persons and %d history entries (%s) in %s: %.0f cases/s, %.0f rows/s\n",
		rep.Cases, rep.CasePeople, rep.CaseActions, *division, rep.Elapsed.Round(time.Millisecond),
		float64(rep.Cases)/rep.Elapsed.Seconds(), float64(rows)/rep.Elapsed.Seconds())
	return nil
}
