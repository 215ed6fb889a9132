package storage_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/httpclient"
	"hukou/integrations/province"
	"hukou/integrations/province/provincesim"
	"hukou/storage"
	"hukou/storage/sealkeys"
	"hukou/storage/storagetest"
)

func reason(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Reason
	}
	return fmt.Sprint(err)
}

type nopAudit struct{ entries []*domain.AuditEntry }

func (a *nopAudit) Record(_ context.Context, e *domain.AuditEntry) error {
	a.entries = append(a.entries, e)
	return nil
}

// TestSealService requests a household and a personal seal from the
// simulated e-seal service over HTTP, keeps them in the seal table and their
// keys in the file key store, picks both for stamping, and refuses a revoked
// and an expired seal with their reasons (5.1.1, 5.1.2).
func TestSealService(t *testing.T) {
	t.Parallel()
	now := time.Now()
	sim := httptest.NewServer(provincesim.New(provincesim.Config{Now: func() time.Time { return now }}))
	t.Cleanup(sim.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		code := fmt.Sprintf("2111%08d", rand.IntN(1e8)) // an office of this run only
		admin := storagetest.CreateUser(t, db, func(u *domain.User) { u.Roles, u.OfficeCode = []domain.Role{domain.RoleAdmin}, code })
		clerk := storagetest.CreateUser(t, db, func(u *domain.User) { u.DisplayName, u.OfficeCode = "王警官", code })
		office, err := db.Offices().FindOfficeByCode(ctx, admin.OfficeCode)
		require.NoError(t, err)
		audit := &nopAudit{}
		svc := &domain.SealService{Repo: db.Seals(), Keys: &sealkeys.FileStore{Dir: filepath.Join(t.TempDir(), "keys")},
			Authority: province.New(httpclient.Config{BaseURL: sim.URL}), Offices: db.Offices(), Users: db.Users(), Audit: audit,
			Now: func() time.Time { return now }}
		adminCtx := domain.WithActor(ctx, &domain.Actor{UserID: admin.ID, Username: admin.Username, OfficeCode: office.Code, Office: office, Roles: admin.Roles})
		clerkCtx := domain.WithActor(ctx, &domain.Actor{UserID: clerk.ID, Username: clerk.Username, OfficeCode: office.Code, Office: office, Roles: clerk.Roles})

		_, err = svc.StampingSeals(clerkCtx, office.Code, "")
		require.Equal(t, "seal.missing", reason(err))

		_, err = svc.RequestSeal(clerkCtx, domain.SealHousehold, "", "")
		require.Equal(t, domain.CodeForbidden, domain.ErrorCode(err), "only ADMIN requests seals")

		household, err := svc.RequestSeal(adminCtx, domain.SealHousehold, "", "")
		require.NoError(t, err)
		require.Equal(t, office.Name+"户口专用章", household.Name)
		personal, err := svc.RequestSeal(adminCtx, domain.SealPersonal, "", clerk.ID)
		require.NoError(t, err)
		require.Equal(t, "王警官", personal.Name)
		require.Len(t, audit.entries, 2)

		got, err := db.Seals().FindSeal(ctx, household.ID)
		require.NoError(t, err)
		require.Equal(t, household.Certificate, got.Certificate)
		require.Equal(t, domain.SealValid, got.Status)
		require.NotEmpty(t, got.KeyRef)

		// From here on stamping reads the seals in memory (as serve does).
		keep, stop := context.WithCancel(ctx)
		defer stop()
		require.NoError(t, svc.KeepFresh(keep, time.Hour))
		seals, err := svc.StampingSeals(clerkCtx, office.Code, "")
		require.NoError(t, err)
		require.Len(t, seals, 2)
		require.Equal(t, household.ID, seals[0].ID)
		require.Equal(t, personal.ID, seals[1].ID)
		system := domain.WithActor(ctx, &domain.Actor{System: true})
		seals, err = svc.StampingSeals(system, office.Code, "")
		require.NoError(t, err)
		require.Len(t, seals, 1, "a background job stamps with the household seal only")
		seals, err = svc.StampingSeals(system, office.Code, clerk.ID) // the operator's seal, whatever office it was requested at
		require.NoError(t, err)
		require.Len(t, seals, 2, "a background job names the operator who handled the matter")

		// Expired: two years and a day later.
		later := now
		svc.Now = func() time.Time { return later.Add(provincesim.SealValidity + 24*time.Hour) }
		_, err = svc.StampingSeals(clerkCtx, office.Code, "")
		require.Equal(t, "seal.expired", reason(err))
		svc.Now = func() time.Time { return now }

		// Revoked.
		_, err = svc.RevokeSeal(adminCtx, personal.ID, "")
		require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
		r, err := svc.RevokeSeal(adminCtx, personal.ID, "调离岗位")
		require.NoError(t, err)
		require.Equal(t, domain.SealRevoked, r.Status)
		_, err = svc.StampingSeals(clerkCtx, office.Code, "")
		require.Equal(t, "seal.revoked", reason(err))
		require.Contains(t, err.Error(), "调离岗位")
		list, err := svc.Seals(adminCtx, "")
		require.NoError(t, err)
		require.Len(t, list, 2)
		require.Equal(t, domain.SealRevoked, list[0].Status)
	})
}
