package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/lib/pq" // PostgreSQL driver "postgres"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"
)

// Dialect names the SQL database behind a DB.
type Dialect string

// The supported dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DB is hukou's database handle: a bun.DB over PostgreSQL or SQLite.
type DB struct {
	bun     *bun.DB
	dialect Dialect
	dsn     string
	jobs    jobSlot // the inserter behind Jobs(); see tx.go
	events  *eventHub
	stmts   *stmtCache // prepared hot reads on the pool; nil on SQLite
	// replica, when set, serves the query views' reads (OpenReplica).
	replica *bun.DB
}

// DefaultDSN is the embedded default: a SQLite file under ./data.
const DefaultDSN = "./data/hukou.db"

// IsPostgres reports whether dsn names a PostgreSQL database (a postgres://
// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database named by dsn: a postgres:// or postgresql://
// URL selects PostgreSQL through lib/pq; anything else is a SQLite file path
// (created with its folder if missing; "file:" prefixes are accepted).
// It pings the database before returning.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		dsn = DefaultDSN
	}
	var db *DB
	if IsPostgres(dsn) {
		sqldb, err := sql.Open("postgres", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqldb.SetMaxOpenConns(20)
		sqldb.SetMaxIdleConns(20)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		db = &DB{bun: bun.NewDB(sqldb, pgdialect.New()), dialect: Postgres, dsn: dsn, events: newEventHub(), stmts: &stmtCache{sqldb: sqldb}}
	} else {
		path := strings.TrimPrefix(dsn, "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create database folder: %w", err)
			}
		}
		q := url.Values{}
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_time_format", "sqlite")
		sqldb, err := sql.Open(sqliteshim.ShimName, "file:"+path+"?"+q.Encode())
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// One connection: SQLite has one writer anyway, and River's SQLite
		// driver requires it.
		sqldb.SetMaxOpenConns(1)
		db = &DB{bun: bun.NewDB(sqldb, sqlitedialect.New()), dialect: SQLite, dsn: dsn, events: newEventHub()}
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.dialect == Postgres {
		// NOTIFY channels are database-wide; deployments (and tests) sharing
		// one database in different schemas must not hear each other.
		var schema string
		if err := db.bun.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			db.Close()
			return nil, fmt.Errorf("read the current schema: %w", err)
		}
		db.events.channel = collabChannelOf(schema)
	}
	return db, nil
}

// Bun returns the underlying bun.DB, for packages of storage only.
func (db *DB) Bun() *bun.DB { return db.bun }

// SQL returns the underlying *sql.DB (River's drivers take it).
func (db *DB) SQL() *sql.DB { return db.bun.DB }

// Dialect reports which database db talks to.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks that the database answers; /readyz calls it.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.bun.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", db.dialect, err)
	}
	return nil
}

// Close stops the event listener and closes the pool.
func (db *DB) Close() error {
	db.events.close()
	if db.stmts != nil {
		db.stmts.close()
	}
	var rerr error
	if db.replica != nil {
		rerr = db.replica.Close()
	}
	return errors.Join(db.bun.Close(), rerr)
}

// OpenReplica connects the query views' reads (pages, counts and exports
// of 1.5.x) to a PostgreSQL read replica at dsn (REPLICA_DATABASE_URL), so
// analysts' scans never slow the counters; everything else, the saved views
// and the query history included, stays on the primary. The replica's
// sessions are read-only (default_transaction_read_only), so no write can
// go there even by mistake. Call it once, before serving; it pings the
// replica. Errors: the primary is SQLite, dsn is not a postgres:// URL, or
// the replica does not answer.
func (db *DB) OpenReplica(ctx context.Context, dsn string) error {
	if db.dialect != Postgres || !IsPostgres(dsn) {
		return fmt.Errorf("REPLICA_DATABASE_URL: a read replica is a PostgreSQL database beside a PostgreSQL primary (postgres:// URLs)")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("REPLICA_DATABASE_URL: %w", err)
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on") // lib/pq sends unknown keys as run-time parameters
	u.RawQuery = q.Encode()
	sqldb, err := sql.Open("postgres", u.String())
	if err != nil {
		return fmt.Errorf("open the read replica: %w", err)
	}
	sqldb.SetMaxOpenConns(10)
	sqldb.SetMaxIdleConns(10)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	replica := bun.NewDB(sqldb, pgdialect.New())
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := replica.PingContext(pctx); err != nil {
		replica.Close()
		return fmt.Errorf("ping the read replica: %w", err)
	}
	db.replica = replica
	return nil
}
