package storage_test

import (
	"context"
	"testing"

	"github.com/lib/pq"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/population"
	"hukou/storage/storagetest"
)

// On PostgreSQL the pool answers the hot register reads with prepared
// statements and a transaction with bun's query builder: both must return
// exactly the same values (time zones included) and the same errors.
func TestRegisterRepository_PreparedReadsMatchBun(t *testing.T) {
	t.Parallel()
	db := storagetest.OpenPostgres(t)
	ctx := context.Background()
	cfg := population.Config{Seed: 3, Division: "211100", Residents: 600}
	if _, err := db.SeedPopulation(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	inTx := func(fn func(r domain.RegisterRepository) error) {
		t.Helper()
		require.NoError(t, db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error { return fn(tx.Register()) }))
	}

	var ids []string
	var stations []string
	require.NoError(t, db.SQL().QueryRowContext(ctx, "SELECT array_agg(id_number ORDER BY id) FROM (SELECT id, id_number FROM residents ORDER BY id LIMIT 20) s").Scan(pq.Array(&ids)))
	require.NoError(t, db.SQL().QueryRowContext(ctx, "SELECT array_agg(DISTINCT station_code) FROM residents").Scan(pq.Array(&stations)))
	require.NotEmpty(t, ids)
	for _, n := range ids {
		got, err := db.Register().FindResidentByIDNumber(ctx, n)
		require.NoError(t, err)
		inTx(func(r domain.RegisterRepository) error {
			want, err := r.FindResidentByIDNumber(ctx, n)
			require.NoError(t, err)
			require.Equal(t, want, got)
			return nil
		})
	}
	_, err := db.Register().FindResidentByIDNumber(ctx, "000000000000000000")
	require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err))

	filters := []domain.ResidentFilter{
		{StationCode: stations[0]},
		{StationCode: stations[0], JurisdictionPrefix: stations[0][:4]},
		{JurisdictionPrefix: stations[0][:6], Status: domain.ResidentActive},
		{NamePrefix: "王"},
		{JurisdictionPrefix: "2111_"}, // wildcards are escaped: nothing matches
	}
	for _, f := range filters {
		for _, size := range []int{1, 7, 50} {
			var after string
			for range 3 {
				p := domain.Page{First: size, After: after}
				got, err := db.Register().FindResidents(ctx, f, p)
				require.NoError(t, err)
				inTx(func(r domain.RegisterRepository) error {
					want, err := r.FindResidents(ctx, f, p)
					require.NoError(t, err)
					require.Equal(t, want, got, "filter %+v page %+v", f, p)
					return nil
				})
				if !got.HasNextPage {
					break
				}
				after = got.EndCursor
			}
		}
	}
	// A station outside the jurisdiction prefix finds nobody, on both paths.
	outside := domain.ResidentFilter{StationCode: stations[0], JurisdictionPrefix: "2199"}
	got, err := db.Register().FindResidents(ctx, outside, domain.Page{First: 50})
	require.NoError(t, err)
	require.Empty(t, got.Residents)
	inTx(func(r domain.RegisterRepository) error {
		want, err := r.FindResidents(ctx, outside, domain.Page{First: 50})
		require.NoError(t, err)
		require.Empty(t, want.Residents)
		n, err := r.CountResidents(ctx, outside)
		require.NoError(t, err)
		require.Zero(t, n)
		return nil
	})
	_, err = db.Register().FindResidents(ctx, domain.ResidentFilter{}, domain.Page{First: 5, After: "not a cursor"})
	require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
}
