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

// TestSealService_ChooseSeal is the seal picker (5.1.2): an operator with
// two personal seals chooses which one signs; the choice holds when a newer
// seal is issued; another's seal, a household seal, a revoked and an expired
// seal are refused; a revoked chosen seal refuses the document until the
// operator chooses another.
func TestSealService_ChooseSeal(t *testing.T) {
	t.Parallel()
	now := time.Now()
	sim := httptest.NewServer(provincesim.New(provincesim.Config{Now: func() time.Time { return now }}))
	t.Cleanup(sim.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		code := fmt.Sprintf("2111%08d", rand.IntN(1e8))
		admin := storagetest.CreateUser(t, db, func(u *domain.User) { u.Roles, u.OfficeCode = []domain.Role{domain.RoleAdmin}, code })
		clerk := storagetest.CreateUser(t, db, func(u *domain.User) { u.DisplayName, u.OfficeCode = "王警官", code })
		other := storagetest.CreateUser(t, db, func(u *domain.User) { u.DisplayName, u.OfficeCode = "李警官", code })
		office, err := db.Offices().FindOfficeByCode(ctx, code)
		require.NoError(t, err)
		audit := &nopAudit{}
		clock := now
		svc := &domain.SealService{Repo: db.Seals(), Keys: &sealkeys.FileStore{Dir: filepath.Join(t.TempDir(), "keys")},
			Authority: province.New(httpclient.Config{BaseURL: sim.URL}), Offices: db.Offices(), Users: db.Users(), Audit: audit,
			Now: func() time.Time { return clock }}
		as := func(u *domain.User) context.Context {
			return domain.WithActor(ctx, &domain.Actor{UserID: u.ID, Username: u.Username, OfficeCode: office.Code, Office: office, Roles: u.Roles})
		}
		household, err := svc.RequestSeal(as(admin), domain.SealHousehold, "", "")
		require.NoError(t, err)
		first, err := svc.RequestSeal(as(admin), domain.SealPersonal, "", clerk.ID)
		require.NoError(t, err)
		clock = clock.Add(time.Second)
		second, err := svc.RequestSeal(as(admin), domain.SealPersonal, "", clerk.ID)
		require.NoError(t, err)
		others, err := svc.RequestSeal(as(admin), domain.SealPersonal, "", other.ID)
		require.NoError(t, err)
		keep, stop := context.WithCancel(ctx)
		defer stop()
		require.NoError(t, svc.KeepFresh(keep, time.Hour))

		mine, err := svc.MySeals(as(clerk))
		require.NoError(t, err)
		require.Len(t, mine.Seals, 2)
		require.Equal(t, second.ID, mine.Signing.ID, "none chosen: the newest signs")

		// Refusals first.
		for _, bad := range []struct{ id, reason string }{{others.ID, "seal.not_yours"}, {"no-such-seal", "seal.not_yours"}, {household.ID, "seal.not_personal"}} {
			_, err = svc.ChooseSeal(as(clerk), bad.id)
			require.Equal(t, bad.reason, reason(err), bad.id)
		}
		_, err = svc.ChooseSeal(domain.WithActor(ctx, &domain.Actor{UserID: clerk.ID, Roles: []domain.Role{domain.RoleAnalyst}}), first.ID)
		require.Equal(t, domain.CodeForbidden, domain.ErrorCode(err), "an analyst prints nothing")

		chosen, err := svc.ChooseSeal(as(clerk), first.ID)
		require.NoError(t, err)
		require.NotNil(t, chosen.ChosenAt)
		seals, err := svc.StampingSeals(as(clerk), office.Code, "")
		require.NoError(t, err)
		require.Equal(t, []string{household.ID, first.ID}, []string{seals[0].ID, seals[1].ID}, "the chosen seal signs, not the newest")
		seals, err = svc.StampingSeals(domain.WithActor(ctx, &domain.Actor{System: true}), office.Code, clerk.ID)
		require.NoError(t, err)
		require.Equal(t, first.ID, seals[1].ID, "also when a job stamps for the operator")
		clock = clock.Add(time.Second)
		_, err = svc.RequestSeal(as(admin), domain.SealPersonal, "", clerk.ID)
		require.NoError(t, err)
		seals, err = svc.StampingSeals(as(clerk), office.Code, "")
		require.NoError(t, err)
		require.Equal(t, first.ID, seals[1].ID, "a newer seal does not override the choice")

		// A revoked chosen seal refuses the document and cannot be chosen.
		_, err = svc.RevokeSeal(as(admin), first.ID, "印章遗失")
		require.NoError(t, err)
		_, err = svc.StampingSeals(as(clerk), office.Code, "")
		require.Equal(t, "seal.revoked", reason(err))
		require.Contains(t, err.Error(), "choose another")
		_, err = svc.ChooseSeal(as(clerk), first.ID)
		require.Equal(t, "seal.revoked", reason(err))
		_, err = svc.ChooseSeal(as(clerk), second.ID)
		require.NoError(t, err)
		seals, err = svc.StampingSeals(as(clerk), office.Code, "")
		require.NoError(t, err)
		require.Equal(t, second.ID, seals[1].ID)

		// Expired: refused as a choice.
		clock = now.Add(provincesim.SealValidity + 24*time.Hour)
		_, err = svc.ChooseSeal(as(clerk), second.ID)
		require.Equal(t, "seal.expired", reason(err))
	})
}
