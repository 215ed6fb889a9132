package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"hukou/storage"
)

// runHcybsh runs `hukou hcybsh generate`: the full generation of household
// member identifiers (8.1.1), resumable after a crash by running it again.
func runHcybsh(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("hcybsh generate", flag.ExitOnError)
	cfg.bind(fs)
	fs.Usage = commandUsage(fs, "hukou hcybsh generate [--batch 50000] [--restart] [flags]",
		"Gives a household member identifier (hcybsh, 8.1.1) to every resident of DATABASE_URL that lacks one: in\n"+
			"batches, each committed; resumable after a crash, idempotent.")
	if len(args) == 0 || args[0] != "generate" {
		fs.Usage()
		return fmt.Errorf("usage: hukou hcybsh generate [--batch 50000] [--restart]")
	}
	batch := fs.Int("batch", 50_000, "households numbered and committed per batch")
	restart := fs.Bool("restart", false, "start a new run instead of resuming an unfinished one")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var bar *progressbar.ProgressBar
	rep, err := db.GenerateHcybsh(ctx, storage.HcybshOptions{BatchHouseholds: *batch, Restart: *restart}, func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetDescription("numbering households"),
				progressbar.OptionSetWriter(os.Stderr), progressbar.OptionShowCount(), progressbar.OptionShowIts(),
				progressbar.OptionThrottle(200*time.Millisecond))
		}
		_ = bar.Set(done)
	})
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(os.Stderr)
	}
	if err != nil {
		if rep.RunID != 0 {
			fmt.Fprintf(os.Stderr, "run %d stopped after %d of %d households; run `hukou hcybsh generate` again to resume\n",
				rep.RunID, rep.RunHouseholds, rep.TotalHouseholds)
		}
		return err
	}
	how := "new run"
	if rep.Resumed {
		how = "resumed run"
	}
	rate := float64(rep.Residents) / max(rep.Elapsed.Seconds(), 1e-9)
	fmt.Printf("hcybsh: %s %d: numbered %d residents in %d households (%d batches) in %s (%.0f residents/s)\n",
		how, rep.RunID, rep.Residents, rep.Households, rep.Batches, rep.Elapsed.Round(time.Millisecond), rate)
	if rep.Resumed {
		fmt.Printf("hcybsh: the whole run numbered %d residents in %d households\n", rep.RunResidents, rep.RunHouseholds)
	}
	fmt.Printf("hcybsh: %d households in the register; %d residents without hcybsh\n", rep.TotalHouseholds, rep.Unnumbered)
	return nil
}
