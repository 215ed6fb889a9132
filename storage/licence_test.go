package storage_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/population"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
	"hukou/integrations/ministry/ministrysim"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestLicenceService fetches a licence from the simulated Ministry over
// HTTP into the local store, serves the local copy while it is fresh,
// fetches again when it is stale (and so sees a revocation), falls back to
// the stale copy when the Ministry is down, and refuses a revoked licence as
// a material (4.1.1, 4.1.2).
func TestLicenceService(t *testing.T) {
	t.Parallel()
	faults := fault.New(1)
	sim, err := ministrysim.New(ministrysim.Config{Populations: []population.Config{{Seed: 1, Division: "211100", Residents: 20}}, Faults: faults})
	require.NoError(t, err)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	client := ministry.New(httpclient.Config{BaseURL: srv.URL, MaxAttempts: 1, BreakerFailures: 1000})
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := domain.WithActor(context.Background(), &domain.Actor{UserID: "u1", Username: "clerk", Roles: []domain.Role{domain.RoleClerk}})
		now := time.Now()
		audit := &nopAudit{}
		svc := &domain.LicenceService{Repo: db.Licences(), Authority: client, Audit: audit, StaleAfter: time.Hour, Now: func() time.Time { return now }}
		issued, err := sim.IssueLicence(ministry.LicenceRequest{Type: "HUKOU_BOOK", HolderIDNumber: "130102198503120011", HolderName: "张建国",
			Data: map[string]string{"householdNumber": "130102004512"}})
		require.NoError(t, err)
		id := issued.LicenceID

		l, err := svc.Licence(ctx, id)
		require.NoError(t, err)
		require.Equal(t, "张建国", l.HolderName)
		require.Equal(t, map[string]string{"householdNumber": "130102004512"}, l.Data)
		require.Len(t, audit.entries, 1, "the read is audited")
		stored, err := db.Licences().FindLicence(context.Background(), id)
		require.NoError(t, err)
		require.Equal(t, l.Signature, stored.Signature)

		require.NoError(t, client.RevokeLicence(context.Background(), id, "户口迁出"))
		l, err = svc.Licence(ctx, id)
		require.NoError(t, err)
		require.Nil(t, l.RevokedAt, "the fresh local copy is served")

		now = now.Add(2 * time.Hour)
		faults.Set("*", fault.Rule{ErrorRate: 1})
		l, err = svc.Licence(ctx, id)
		require.NoError(t, err, "the Ministry down: the stale copy")
		require.Nil(t, l.RevokedAt)
		faults.Reset()

		l, err = svc.Licence(ctx, id)
		require.NoError(t, err)
		require.NotNil(t, l.RevokedAt, "the stale copy is refreshed and shows the revocation")
		require.Equal(t, domain.SealRevoked, l.StatusAt(now))

		_, err = svc.MaterialLicence(ctx, id, "")
		require.Equal(t, "licence.revoked", reason(err))
		_, err = svc.Licence(ctx, "")
		require.Equal(t, "licence.id", reason(err))
		_, err = svc.Licence(domain.WithActor(context.Background(), &domain.Actor{UserID: "a", Roles: []domain.Role{domain.RoleAnalyst}}), id)
		require.Equal(t, domain.CodeForbidden, domain.ErrorCode(err))
	})
}
