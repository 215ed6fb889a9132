package storage_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/population"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestReplica (issue 15, REPLICA_DATABASE_URL): with a read replica the
// query views' pages, counts and exports read it, and nothing else does:
// saved views and the query history are written to and read from the
// primary, and so is a query inside a transaction. The "replica" here is a
// second PostgreSQL database (schema) holding other cases, so each read
// shows where it went; its sessions refuse writes. Without a replica (every
// other test) the views read the primary. SQLite has none.
func TestReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storagetest.OpenPostgres(t)
	replicaURL := storagetest.PostgresSchemaURL(t)
	rdb, err := storage.Open(ctx, replicaURL)
	require.NoError(t, err)
	_, err = rdb.MigrateUp(ctx)
	require.NoError(t, err)
	kinds := caseKinds()
	_, err = db.SeedCases(ctx, population.CaseConfig{Seed: 1, Division: "211100", Cases: 300, Kinds: kinds}, nil)
	require.NoError(t, err)
	_, err = rdb.SeedCases(ctx, population.CaseConfig{Seed: 2, Division: "211100", Cases: 500, Kinds: kinds}, nil)
	require.NoError(t, err)
	require.NoError(t, rdb.Close())

	src := domain.CaseQuerySource(kinds[0].Workflow, "出生登记", kinds[0].Fields)
	plan := &domain.QueryPlan{Source: src, OfficePrefix: "2111", Columns: []*domain.QueryField{src.Field("collabNo")},
		Sort: src.Field("updatedAt"), Descending: true}
	collabs := func(repos domain.Repos) map[string]bool {
		out := map[string]bool{}
		require.NoError(t, repos.Queries().StreamQuery(ctx, plan, func(r *domain.QueryRow) error {
			out[*r.Values[0]] = true
			return nil
		}))
		return out
	}
	count := func(repos domain.Repos) int {
		n, err := repos.Queries().CountQuery(ctx, plan)
		require.NoError(t, err)
		return n
	}
	primaryRows, primaryCount := collabs(db), count(db)
	require.NotEmpty(t, primaryRows)

	require.Error(t, storagetest.OpenSQLite(t).OpenReplica(ctx, replicaURL), "SQLite has no replica")
	require.Error(t, db.OpenReplica(ctx, "./data/replica.db"), "a replica is a postgres:// URL")
	require.NoError(t, db.OpenReplica(ctx, replicaURL))

	// Pages, counts and exports read the replica's cases (seed 2: other collaboration numbers).
	replicaRows, replicaCount := collabs(db), count(db)
	require.NotEmpty(t, replicaRows)
	require.NotEqual(t, primaryCount, replicaCount)
	for c := range replicaRows {
		require.False(t, primaryRows[c], "%s is a primary case, read through the replica", c)
	}
	page, err := db.Queries().RunQuery(ctx, &domain.QueryPlan{Source: plan.Source, OfficePrefix: "2111", Columns: plan.Columns,
		Sort: plan.Sort, Descending: true, Limit: 5})
	require.NoError(t, err)
	require.True(t, replicaRows[*page[0].Values[0]])

	// Inside a transaction the query reads the primary, as every other repository.
	require.NoError(t, db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
		require.Equal(t, primaryRows, collabs(tx))
		return nil
	}))

	// Saved views and history are written to the primary and read back from it.
	user := storagetest.CreateUser(t, db)
	v := &domain.QueryView{ID: "v-replica", OwnerID: user.ID, OwnerName: "分析员", Source: "BIRTH", Name: "待办",
		Spec:      domain.QueryViewSpec{Columns: []domain.QueryViewColumn{{Field: "collabNo"}}, PageSize: 50},
		CreatedAt: storagetest.T0, UpdatedAt: storagetest.T0}
	require.NoError(t, db.Queries().CreateQueryView(ctx, v))
	got, err := db.Queries().FindQueryViewByID(ctx, v.ID)
	require.NoError(t, err)
	require.Equal(t, "待办", got.Name)
	require.NoError(t, db.Queries().AddRecentQuery(ctx, &domain.RecentQuery{ID: "r1", UserID: user.ID, Source: "BIRTH",
		Condition: &domain.QueryCondition{Group: domain.GroupAnd}, Hash: "h", At: storagetest.T0}, domain.MaxRecentQueries))
	recent, err := db.Queries().FindRecentQueries(ctx, user.ID, "BIRTH")
	require.NoError(t, err)
	require.Len(t, recent, 1)
	var n int
	require.NoError(t, db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM query_views").Scan(&n))
	require.Equal(t, 1, n)

	// The replica's sessions refuse writes: nothing can be written there.
	r2, err := storage.Open(ctx, replicaURL+"&default_transaction_read_only=on")
	require.NoError(t, err)
	defer r2.Close()
	_, err = r2.SQL().ExecContext(ctx, "DELETE FROM cases")
	require.ErrorContains(t, err, "read-only")
	var left int
	require.NoError(t, r2.SQL().QueryRowContext(ctx, "SELECT count(*) FROM query_views").Scan(&left))
	require.Zero(t, left, "the view was not written to the replica")
}
