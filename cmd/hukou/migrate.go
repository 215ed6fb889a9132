package main

import (
	"context"
	"flag"
	"fmt"

	"hukou/storage"
)

func runMigrate(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("migrate", flag.ExitOnError)
	cfg.bind(fs)
	fs.Usage = commandUsage(fs, "hukou migrate [flags] up|down|status",
		"Applies (up), rolls back the last group of (down) or lists (status) the versioned migrations of DATABASE_URL;\n"+
			"both dialects have the same migration IDs. The audit log is never dropped by a down migration.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: hukou migrate up|down|status")
	}
	db, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	switch fs.Arg(0) {
	case "up":
		names, err := db.MigrateUp(ctx)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			fmt.Println("the schema is current")
		}
		for _, n := range names {
			fmt.Println("applied", n)
		}
	case "down":
		names, err := db.MigrateDown(ctx)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			fmt.Println("nothing to roll back")
		}
		for _, n := range names {
			fmt.Println("rolled back", n)
		}
	case "status":
		st, err := db.MigrationStatuses(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = fmt.Sprintf("applied (group %d)", s.GroupID)
			}
			fmt.Printf("%-40s %s\n", s.Name, state)
		}
	default:
		return fmt.Errorf("usage: hukou migrate up|down|status")
	}
	return nil
}
