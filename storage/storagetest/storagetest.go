// Package storagetest opens real, isolated, migrated databases for tests:
// a fresh SQLite file and a fresh PostgreSQL schema. Import it from tests only.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/lib/pq"

	"hukou/storage"
)

// DefaultPostgresURL is used when TEST_DATABASE_URL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// EachDB runs fn against a fresh SQLite file and an isolated PostgreSQL
// schema, both migrated, as parallel subtests "sqlite" and "postgres".
func EachDB(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, OpenSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, OpenPostgres(t))
	})
}

// OpenSQLite returns a migrated SQLite database in t.TempDir().
func OpenSQLite(t testing.TB) *storage.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "hukou.db"), true)
}

// OpenSQLiteUnmigrated returns an empty SQLite database in t.TempDir().
func OpenSQLiteUnmigrated(t testing.TB) *storage.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "hukou.db"), false)
}

// OpenPostgres returns a migrated PostgreSQL database confined to a new
// schema that is dropped when the test ends.
func OpenPostgres(t testing.TB) *storage.DB {
	t.Helper()
	return open(t, PostgresSchemaURL(t), true)
}

// OpenPostgresUnmigrated is OpenPostgres without the migrations.
func OpenPostgresUnmigrated(t testing.TB) *storage.DB {
	t.Helper()
	return open(t, PostgresSchemaURL(t), false)
}

// PostgresURL returns the server to test against. When none is configured or
// it does not answer, the test is skipped loudly, or fails under CI=true.
func PostgresURL(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("TEST_DATABASE_URL")
	if dsn == "" {
		dsn = DefaultPostgresURL
	}
	db, err := sql.Open("postgres", dsn)
	if err == nil {
		err = db.PingContext(context.Background())
		db.Close()
	}
	if err != nil {
		SkipUnlessCI(t, "PostgreSQL at "+redact(dsn)+" does not answer: "+err.Error())
	}
	return dsn
}

// PostgresSchemaURL creates a fresh schema on the test server and returns a
// URL whose connections use it as search_path; the schema is dropped at cleanup.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	dsn := PostgresURL(t)
	schema := "test_" + randomHex(6)
	admin, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("postgres", dsn)
		if err != nil {
			return
		}
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// SkipUnlessCI skips the test with a loud reason, or fails it when CI=true:
// under CI a missing service must fail the run, never skip silently.
func SkipUnlessCI(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and a required service is missing: %s", reason)
	}
	t.Skipf("SKIPPING (set up the service to run this): %s", reason)
}

func open(t testing.TB, dsn string, migrate bool) *storage.DB {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", redact(dsn), err)
	}
	t.Cleanup(func() { db.Close() })
	if migrate {
		if _, err := db.MigrateUp(ctx); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}
