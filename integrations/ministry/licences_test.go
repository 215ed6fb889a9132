package ministry_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
)

// TestClient_Licences issues, fetches, verifies and revokes e-licences
// (4.1.1) over the contract; the client checks the issuer's SM2 signature.
func TestClient_Licences(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, nil, httpclient.Config{})
	for _, typ := range []domain.LicenceType{domain.LicenceHukouBook, domain.LicenceIDCard, domain.LicenceMigrationCert, domain.LicenceMoveInPermit} {
		l, err := b.client.IssueLicence(ctx, domain.LicenceRequest{Type: typ, HolderIDNumber: "130102198503120011", HolderName: "张建国",
			Data: map[string]string{"householdNumber": "130102004512", "address": "长安区建北街道"}})
		require.NoError(t, err, typ)
		require.Equal(t, typ, l.Type)
		require.Equal(t, domain.SealValid, l.StatusAt(time.Now()))
		got, err := b.client.Licence(ctx, l.ID)
		require.NoError(t, err)
		require.Equal(t, l.Data, got.Data)
		require.Equal(t, l.Signature, got.Signature)
	}
	l, err := b.client.IssueLicence(ctx, domain.LicenceRequest{Type: domain.LicenceHukouBook, HolderIDNumber: "130102198503120011", HolderName: "张建国"})
	require.NoError(t, err)
	v, err := b.client.VerifyLicence(ctx, l.ID)
	require.NoError(t, err)
	require.True(t, v.Valid)
	require.NoError(t, b.client.RevokeLicence(ctx, l.ID, "户口迁出"))
	require.NoError(t, b.client.RevokeLicence(ctx, l.ID, "again"))
	v, err = b.client.VerifyLicence(ctx, l.ID)
	require.NoError(t, err)
	require.False(t, v.Valid)
	require.Equal(t, "REVOKED", v.Status)
	got, err := b.client.Licence(ctx, l.ID)
	require.NoError(t, err)
	require.NotNil(t, got.RevokedAt)
	require.Equal(t, "户口迁出", got.RevokeReason)
	require.Equal(t, domain.SealRevoked, got.StatusAt(time.Now()))

	requireCode(t, err2(b.client.Licence(ctx, "HKB-nope")), domain.CodeNotFound)
	requireCode(t, err2(b.client.IssueLicence(ctx, domain.LicenceRequest{Type: "PASSPORT", HolderIDNumber: "130102198503120011", HolderName: "x"})), domain.CodeInvalid)

	// A licence whose data was changed on the way fails the client's check.
	tampering := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		b.sim.ServeHTTP(rec, r)
		body := bytes.ReplaceAll(rec.Body.Bytes(), []byte("张建国"), []byte("李建国"))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(tampering.Close)
	tc := ministry.New(httpclient.Config{BaseURL: tampering.URL + "/v1", MaxAttempts: 1})
	_, err = tc.Licence(ctx, l.ID)
	require.ErrorIs(t, err, ministry.ErrLicenceSignature)
}
