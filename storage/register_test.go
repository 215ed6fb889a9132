package storage_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

func TestOfficeRepository_Upsert(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		city := &domain.Office{Code: "211100000000", Name: "盘锦市公安局", Level: domain.OfficeCityBureau, Division: "211100"}
		require.NoError(t, db.Offices().UpsertOffice(ctx, city))
		station := &domain.Office{Code: "211103000100", Name: "兴隆台派出所", Level: domain.OfficePoliceStation, ParentCode: city.Code, Division: "211103"}
		require.NoError(t, db.Offices().UpsertOffice(ctx, station))

		station.Name = "兴隆台街派出所"
		require.NoError(t, db.Offices().UpsertOffice(ctx, station))
		got, err := db.Offices().FindOfficeByCode(ctx, station.Code)
		require.NoError(t, err)
		require.Equal(t, "兴隆台街派出所", got.Name)
		require.Equal(t, 2, got.Version)
		require.Equal(t, city.Code, got.ParentCode)

		all, err := db.Offices().FindOffices(ctx, "2111")
		require.NoError(t, err)
		require.Len(t, all, 2)
		none, err := db.Offices().FindOffices(ctx, "2111_") // LIKE wildcards are escaped
		require.NoError(t, err)
		require.Empty(t, none)

		_, err = db.Offices().FindOfficeByCode(ctx, "999999999999")
		require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err))
	})
}
