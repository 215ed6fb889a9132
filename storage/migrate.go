package storage

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/jackc/pgx/v5/pgxpool"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/uptrace/bun/migrate"

	"hukou/storage/migrations"
)

// discardLogger silences rivermigrate, which logs every step at info level.
var discardLogger = slog.New(slog.DiscardHandler)

// MigrationStatus describes one migration for `hukou migrate status`.
type MigrationStatus struct {
	Name    string
	Applied bool
	GroupID int64
}

func (db *DB) migrator() (*migrate.Migrator, error) {
	sub, err := fs.Sub(migrations.FS, string(db.dialect))
	if err != nil {
		return nil, err
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(sub); err != nil {
		return nil, fmt.Errorf("discover migrations: %w", err)
	}
	return migrate.NewMigrator(db.bun, ms, migrate.WithMarkAppliedOnSuccess(true)), nil
}

// MigrateUp applies every pending migration as one group, then River's own
// migrations (its job tables, through rivermigrate), and returns the names it
// applied, River's as "river/NNN_name" (empty when the schema is current).
func (db *DB) MigrateUp(ctx context.Context) ([]string, error) {
	m, err := db.migrator()
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate up: %w", err)
	}
	var names []string
	for _, mg := range group.Migrations {
		names = append(names, mg.Name)
	}
	river, err := db.riverMigrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return names, err
	}
	return append(names, river...), nil
}

// MigrateDown rolls back the last applied group and returns the names it
// rolled back. River's tables stay while any of our migrations is applied
// (queued jobs are data: they must survive a one-step rollback); once ours are
// all rolled back, River's migrations are rolled back too ("river/NNN_name"),
// so down-to-zero leaves an empty schema but for audit_log: no down migration
// drops the audit log or its append-only triggers, and the up migrations
// accept finding them, so a rollback never loses who read and changed what.
func (db *DB) MigrateDown(ctx context.Context) ([]string, error) {
	m, err := db.migrator()
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	group, err := m.Rollback(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate down: %w", err)
	}
	var names []string
	for _, mg := range group.Migrations {
		names = append(names, mg.Name)
	}
	applied, err := m.AppliedMigrations(ctx)
	if err != nil {
		return names, fmt.Errorf("migration status: %w", err)
	}
	if len(applied) > 0 {
		return names, nil
	}
	river, err := db.riverMigrate(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1})
	if err != nil {
		return names, err
	}
	return append(names, river...), nil
}

// RiverDriver returns the River driver for db's dialect: riverdatabasesql
// over lib/pq for PostgreSQL, riversqlite over modernc for SQLite. Both work
// on *sql.Tx, so River jobs can be inserted on bun's transactions.
func (db *DB) RiverDriver() riverdriver.Driver[*sql.Tx] {
	if db.dialect == Postgres {
		return riverdatabasesql.New(db.SQL())
	}
	return riversqlite.New(db.SQL())
}

// RiverWorkerDriver is RiverDriver for the client that works the jobs. On
// PostgreSQL it also listens (LISTEN/NOTIFY over a pgx pool of its own, two
// connections at most): a job inserted in a transaction notifies on commit
// and is fetched at once instead of on the next poll (a document rendered
// and sent within milliseconds of the step, issue 20). close releases the
// pool after the client has stopped. On SQLite it is RiverDriver (polling).
func (db *DB) RiverWorkerDriver(ctx context.Context) (driver riverdriver.Driver[*sql.Tx], close func(), err error) {
	if db.dialect != Postgres {
		return db.RiverDriver(), func() {}, nil
	}
	cfg, err := pgxpool.ParseConfig(db.dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("job listener: %w", err)
	}
	cfg.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("job listener: %w", err)
	}
	return riverdatabasesql.NewWithPgxListener(db.SQL(), pool), pool.Close, nil
}

// RiverSchema returns the schema River's tables live in: on PostgreSQL the
// connection's current_schema() (the first of search_path, so a test's
// ?search_path=test_x confines River to that schema), on SQLite "".
func (db *DB) RiverSchema(ctx context.Context) (string, error) {
	if db.dialect != Postgres {
		return "", nil
	}
	var schema sql.NullString
	if err := db.bun.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return "", fmt.Errorf("current schema: %w", err)
	}
	if !schema.Valid || schema.String == "" {
		return "", fmt.Errorf("current schema: search_path names no existing schema")
	}
	return schema.String, nil
}

// riverMigrate runs River's migrations in direction and returns their names.
func (db *DB) riverMigrate(ctx context.Context, dir rivermigrate.Direction, opts *rivermigrate.MigrateOpts) ([]string, error) {
	schema, err := db.RiverSchema(ctx)
	if err != nil {
		return nil, err
	}
	m, err := rivermigrate.New(db.RiverDriver(), &rivermigrate.Config{Schema: schema, Logger: discardLogger})
	if err != nil {
		return nil, fmt.Errorf("river migrator: %w", err)
	}
	res, err := m.Migrate(ctx, dir, opts)
	if err != nil {
		return nil, fmt.Errorf("river migrate %s: %w", dir, err)
	}
	var names []string
	for _, v := range res.Versions {
		names = append(names, fmt.Sprintf("river/%03d_%s", v.Version, strings.ReplaceAll(v.Name, " ", "_")))
	}
	return names, nil
}

// MigrationStatuses lists every known migration and whether it is applied.
func (db *DB) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	m, err := db.migrator()
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(ms))
	for _, mg := range ms {
		out = append(out, MigrationStatus{Name: mg.Name, Applied: mg.IsApplied(), GroupID: mg.GroupID})
	}
	return out, nil
}
