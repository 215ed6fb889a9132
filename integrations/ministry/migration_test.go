package ministry_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/migration"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
	"hukou/integrations/ministry/ministrysim"
)

// TestClient_MigrationCertificate requests and fetches e-migration
// certificates (4.1.1) over the contract, with the simulator's scripted
// anomalies: a refused mover, an unknown one, a reused collaboration
// number, an unknown licence, and the service down.
func TestClient_MigrationCertificate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, nil, httpclient.Config{})
	req := migration.CertificateRequest{CollabNo: "MIG-TEST-0001", FromOffice: ministrysim.ScriptedOfficeCode, ToOffice: "211103000100",
		ToDivision: "211103", ToAddress: "兴隆台区振兴街道1号", Category: "SPOUSE",
		IDNumbers:   []string{ministrysim.ScriptedSpouseIDNumber, ministrysim.ScriptedChildIDNumber},
		RequestedAt: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}

	t.Run("RequestThenFetch", func(t *testing.T) {
		c, err := b.client.RequestMigrationCertificate(ctx, req)
		require.NoError(t, err)
		require.NotEmpty(t, c.LicenceID)
		require.Equal(t, req.CollabNo, c.CollabNo)
		require.ElementsMatch(t, req.IDNumbers, c.IDNumbers)
		require.True(t, c.ValidUntil.After(c.IssuedAt))
		again, err := b.client.RequestMigrationCertificate(ctx, req)
		require.NoError(t, err)
		require.Equal(t, c.LicenceID, again.LicenceID, "the same request gets the same certificate")
		got, err := b.client.MigrationCertificate(ctx, c.LicenceID)
		require.NoError(t, err)
		require.Equal(t, c, got)
	})
	t.Run("ErrCollabNoReused", func(t *testing.T) {
		other := req
		other.CollabNo = "MIG-TEST-0002"
		_, err := b.client.RequestMigrationCertificate(ctx, other)
		require.NoError(t, err)
		other.IDNumbers = []string{ministrysim.ScriptedChildIDNumber}
		de := requireCode(t, err2(b.client.RequestMigrationCertificate(ctx, other)), domain.CodeConflict)
		require.Equal(t, "ministry.migration_collab_used", de.Reason)
	})
	t.Run("ErrRefused", func(t *testing.T) {
		refused := req
		refused.CollabNo, refused.IDNumbers = "MIG-TEST-0003", []string{ministrysim.MigrationRefusedIDNumber}
		de := requireCode(t, err2(b.client.RequestMigrationCertificate(ctx, refused)), domain.CodeConflict)
		require.Equal(t, "ministry.migration_refused", de.Reason)
	})
	t.Run("ErrUnknownPerson", func(t *testing.T) {
		unknown := req
		unknown.CollabNo, unknown.IDNumbers = "MIG-TEST-0004", []string{ministrysim.NoResultIDNumber}
		requireCode(t, err2(b.client.RequestMigrationCertificate(ctx, unknown)), domain.CodeNotFound)
	})
	t.Run("ErrUnknownLicence", func(t *testing.T) {
		requireCode(t, err2(b.client.MigrationCertificate(ctx, "QYZ00000000000000")), domain.CodeNotFound)
		requireCode(t, err2(b.client.MigrationCertificate(ctx, "")), domain.CodeInvalid)
	})
	t.Run("ErrDown", func(t *testing.T) {
		sim := smallSim(t)
		down := setup(t, sim, httpclient.Config{MaxAttempts: 2, Timeout: 200 * time.Millisecond})
		sim.Faults().Set(ministry.EndpointMigrationCertificates, fault.Rule{ErrorRate: 1})
		de := requireCode(t, err2(down.client.RequestMigrationCertificate(ctx, req)), domain.CodeUnavailable)
		require.Contains(t, de.Message, ministry.DisplayName)
	})
}

func err2[T any](_ T, err error) error { return err }
