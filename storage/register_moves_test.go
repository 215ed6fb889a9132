package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/idnumber"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestRegisterRepository_HouseholdsAndMoves checks, on both databases, what
// a migration writes to the register (2.2.4–2.2.6): a new address and
// household numbered by the station rule (the number unique by
// constraint), a household closed once (never deleted), and the append-only
// moves of a resident (one per direction and case).
func TestRegisterRepository_HouseholdsAndMoves(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		const station = "211103000200"
		city := &domain.Office{Code: "211100000000", Name: "盘锦市公安局", Level: domain.OfficeCityBureau, Division: "211100"}
		require.NoError(t, db.Offices().UpsertOffice(ctx, city))
		require.NoError(t, db.Offices().UpsertOffice(ctx, &domain.Office{Code: station, Name: "振兴派出所", Level: domain.OfficePoliceStation, ParentCode: city.Code, Division: "211103"}))
		now := time.Now().UTC().Truncate(time.Second)
		reg := db.Register()

		prefix, err := domain.HouseholdNumberPrefix(station)
		require.NoError(t, err)
		last, err := reg.LastHouseholdNumber(ctx, prefix)
		require.NoError(t, err)
		require.Empty(t, last)
		newHousehold := func() *domain.Household {
			last, err := reg.LastHouseholdNumber(ctx, prefix)
			require.NoError(t, err)
			number, err := domain.NextHouseholdNumber(station, last)
			require.NoError(t, err)
			addr := &domain.Address{ID: uuid.NewString(), Division: "211103", Detail: "振兴街道" + number, UrbanRural: "111", StationCode: station, CreatedAt: now, UpdatedAt: now}
			require.NoError(t, reg.CreateAddress(ctx, addr))
			h := &domain.Household{ID: uuid.NewString(), Number: number, Type: domain.HouseholdFamily, AddressID: addr.ID, StationCode: station, CreatedAt: now, UpdatedAt: now}
			require.NoError(t, reg.CreateHousehold(ctx, h))
			return h
		}
		h1, h2 := newHousehold(), newHousehold()
		require.Equal(t, "030200001", h1.Number)
		require.Equal(t, prefix+"00002", h2.Number)
		dup := *h2
		dup.ID = uuid.NewString()
		require.Equal(t, domain.CodeConflict, domain.ErrorCode(reg.CreateHousehold(ctx, &dup)), "household numbers are unique")
		odd := *h2
		odd.ID, odd.Number = uuid.NewString(), prefix+"123456" // another shape under the prefix: not the station's rule
		require.NoError(t, reg.CreateHousehold(ctx, &odd))
		last, err = reg.LastHouseholdNumber(ctx, prefix)
		require.NoError(t, err)
		require.Equal(t, h2.Number, last)

		r := &domain.Resident{ID: uuid.NewString(), HouseholdID: h1.ID, StationCode: station, Name: "王莹", Sex: "2", Ethnicity: "01",
			BirthDate: time.Date(1998, 2, 20, 0, 0, 0, 0, time.UTC), BirthplaceDivision: "130123",
			IDNumber: idnumber.Generate("130123", time.Date(1998, 2, 20, 0, 0, 0, 0, time.UTC), 222), Relation: "02",
			Status: domain.ResidentActive, CreatedAt: now, UpdatedAt: now, Version: 1}
		require.NoError(t, reg.CreateResident(ctx, r))
		got, err := reg.FindResidentByID(ctx, r.ID)
		require.NoError(t, err)
		require.NotNil(t, got.Hcybsh)
		require.Equal(t, h1.Number+"01", *got.Hcybsh, "the trigger numbers a new household's first member")

		day := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
		in := &domain.ResidentMove{ID: uuid.NewString(), ResidentID: r.ID, Direction: domain.MoveIn, CollabNo: "C1", Office: "130123000500", Place: "正定县某村", MovedOn: day, CreatedAt: now}
		require.NoError(t, reg.RecordMove(ctx, in))
		out := &domain.ResidentMove{ID: uuid.NewString(), ResidentID: r.ID, Direction: domain.MoveOut, CollabNo: "C2", Office: "510104000100", Place: "成都市锦江区", MovedOn: day.AddDate(0, 1, 0), CreatedAt: now.Add(time.Second)}
		require.NoError(t, reg.RecordMove(ctx, out))
		again := *in
		again.ID = uuid.NewString()
		require.Equal(t, domain.CodeConflict, domain.ErrorCode(reg.RecordMove(ctx, &again)), "one move per resident, direction and case")
		moves, err := reg.FindMoves(ctx, []string{r.ID})
		require.NoError(t, err)
		require.Len(t, moves, 2)
		require.Equal(t, domain.MoveIn, moves[0].Direction)
		require.Equal(t, day, moves[0].MovedOn)
		require.Equal(t, "成都市锦江区", moves[1].Place)
		none, err := reg.FindMoves(ctx, nil)
		require.NoError(t, err)
		require.Empty(t, none)

		require.NoError(t, reg.CloseHousehold(ctx, h2.ID, now))
		require.NoError(t, reg.CloseHousehold(ctx, h2.ID, now.Add(time.Hour)), "closing again changes nothing")
		hs, err := reg.FindHouseholdsByIDs(ctx, []string{h1.ID, h2.ID})
		require.NoError(t, err)
		for _, h := range hs {
			if h.ID == h2.ID {
				require.NotNil(t, h.ClosedAt)
				require.True(t, h.ClosedAt.Equal(now), "closed once: %v", h.ClosedAt)
				require.Equal(t, 2, h.Version)
			} else {
				require.Nil(t, h.ClosedAt)
			}
		}
	})
}
