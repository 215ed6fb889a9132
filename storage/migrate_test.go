package storage_test

import (
	"context"
	"io/fs"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/migrations"
	"hukou/storage/storagetest"
)

// TestMigrations_SameIDsInBothDialects guards 6.1.2: both folders walk the
// same schema history, each migration with an up and a down file.
func TestMigrations_SameIDsInBothDialects(t *testing.T) {
	t.Parallel()
	ids := func(dir string) []string {
		entries, err := fs.ReadDir(migrations.FS, dir)
		require.NoError(t, err)
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		sort.Strings(out)
		return out
	}
	pg, lite := ids("postgres"), ids("sqlite")
	require.Equal(t, pg, lite)
	for _, name := range pg {
		if strings.HasSuffix(name, ".up.sql") {
			require.Contains(t, pg, strings.TrimSuffix(name, ".up.sql")+".down.sql")
		}
	}
}

// TestMigrate_DownThenUpRestoresSchema checks that rolling back and
// re-applying leaves exactly the schema a fresh migration makes.
func TestMigrate_DownThenUpRestoresSchema(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		applied, err := db.MigrateUp(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, applied)
		before := schemaOf(t, db)
		require.Contains(t, strings.Join(before, "\n"), "residents.id_number")

		again, err := db.MigrateUp(ctx)
		require.NoError(t, err)
		require.Empty(t, again, "a second up applies nothing")

		rolled, err := db.MigrateDown(ctx)
		require.NoError(t, err)
		require.ElementsMatch(t, applied, rolled)
		require.NotContains(t, strings.Join(schemaOf(t, db), "\n"), "residents.id_number")

		_, err = db.MigrateUp(ctx)
		require.NoError(t, err)
		require.Equal(t, before, schemaOf(t, db))

		st, err := db.MigrationStatuses(ctx)
		require.NoError(t, err)
		for _, s := range st {
			require.True(t, s.Applied, s.Name)
		}
	}
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); run(t, storagetest.OpenSQLiteUnmigrated(t)) })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); run(t, storagetest.OpenPostgresUnmigrated(t)) })
}

// TestMigrate_DownKeepsAuditLog rolls every migration back and forward again:
// the audit log and its entries survive, and stay append-only (on PostgreSQL
// TRUNCATE is refused too).
func TestMigrate_DownKeepsAuditLog(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, err := db.MigrateUp(ctx)
		require.NoError(t, err)
		require.NoError(t, db.Audit().AppendAudit(ctx, &domain.AuditEntry{At: time.Now(), ActorName: "before", Action: domain.AuditRead, Operation: "resident"}))
		count := func() int {
			var n int
			require.NoError(t, db.Bun().NewRaw("SELECT count(*) FROM audit_log").Scan(ctx, &n))
			return n
		}
		_, err = db.MigrateDown(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, count(), "migrate down lost the audit log")
		_, err = db.MigrateUp(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, count())
		_, err = db.Bun().ExecContext(ctx, "DELETE FROM audit_log")
		require.ErrorContains(t, err, "append-only")
		if db.Dialect() == storage.Postgres {
			_, err = db.Bun().ExecContext(ctx, "TRUNCATE audit_log")
			require.ErrorContains(t, err, "append-only")
		}
		require.Equal(t, 1, count())
	}
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); run(t, storagetest.OpenSQLiteUnmigrated(t)) })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); run(t, storagetest.OpenPostgresUnmigrated(t)) })
}

// schemaOf lists table.column plus index and trigger names, sorted.
func schemaOf(t *testing.T, db *storage.DB) []string {
	t.Helper()
	ctx := context.Background()
	var rows []string
	var q string
	switch db.Dialect() {
	case storage.Postgres:
		q = `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
		       FROM information_schema.columns WHERE table_schema = current_schema()
		     UNION ALL SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
		     UNION ALL SELECT 'trigger ' || trigger_name || ' ' || event_manipulation FROM information_schema.triggers WHERE trigger_schema = current_schema()`
	default:
		q = `SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p."notnull" || ' ' || coalesce(p.dflt_value, '')
		       FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'
		     UNION ALL SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master WHERE type IN ('index', 'trigger')`
	}
	err := db.Bun().NewRaw(q).Scan(ctx, &rows)
	require.NoError(t, err)
	sort.Strings(rows)
	return rows
}
