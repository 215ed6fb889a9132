package ministry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
	"hukou/integrations/ministry/ministrysim"
)

// TestClient_Licences issues, fetches, verifies and revokes e-licences
// (4.1.1) over the contract; the client checks the issuer's SM2 signature.
func TestClient_Licences(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, nil, httpclient.Config{})
	for _, typ := range []domain.LicenceType{domain.LicenceHukouBook, domain.LicenceIDCard, domain.LicenceMigrationCert, domain.LicenceMoveInPermit} {
		l, err := b.client.IssueLicence(ctx, domain.LicenceRequest{Type: typ, HolderIDNumber: "130102198503120011", HolderName: "张建国",
			Data: map[string]string{"householdNumber": "130102004512", "address": "长安区建北街道"}, Key: newKey(t, typ)})
		require.NoError(t, err, typ)
		require.Equal(t, typ, l.Type)
		require.Equal(t, domain.SealValid, l.StatusAt(time.Now()))
		got, err := b.client.Licence(ctx, l.ID)
		require.NoError(t, err)
		require.Equal(t, l.Data, got.Data)
		require.Equal(t, l.Signature, got.Signature)
	}
	l, err := b.client.IssueLicence(ctx, domain.LicenceRequest{Type: domain.LicenceHukouBook, HolderIDNumber: "130102198503120011", HolderName: "张建国",
		Key: newKey(t, domain.LicenceHukouBook)})
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
	requireCode(t, err2(b.client.IssueLicence(ctx, domain.LicenceRequest{Type: "PASSPORT", HolderIDNumber: "130102198503120011", HolderName: "x",
		Key: newKey(t, "PASSPORT")})), domain.CodeInvalid)

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

// newKey returns an idempotency key of its own for a test's licence.
func newKey(t *testing.T, typ domain.LicenceType) string {
	t.Helper()
	keySeq.Lock()
	defer keySeq.Unlock()
	keySeq.n++
	return domain.LicenceKey(typ, "test", t.Name(), "", keySeq.n)
}

var keySeq struct {
	sync.Mutex
	n int
}

// issuedFor returns the licences the simulator issued under subject (the
// data item "subject" every request of these tests carries).
func issuedFor(sim *ministrysim.Simulator, subject string) []ministry.Licence {
	var out []ministry.Licence
	for _, l := range sim.Licences() {
		if l.Data["subject"] == subject {
			out = append(out, l)
		}
	}
	return out
}

// TestClient_IssueLicence_ExactlyOnce issues e-licences under idempotency
// keys (4.1.1, #17): a lost answer is retried by the client and the
// Ministry holds one licence; the same key and request answers the same
// licence (the same bytes, marked replayed); the same key with another
// request is a conflict; a licence issued again after a revocation takes
// a new key and is not blocked by the old one.
func TestClient_IssueLicence_ExactlyOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	request := func(typ domain.LicenceType, subject string, issue int) domain.LicenceRequest {
		return domain.LicenceRequest{Type: typ, HolderIDNumber: "130102198503120011", HolderName: "张建国",
			Data: map[string]string{"subject": subject, "cardNumber": "21110320261203000001"},
			Key:  domain.LicenceKey(typ, "test", subject, "130102198503120011", issue)}
	}

	t.Run("LostAnswer", func(t *testing.T) {
		t.Parallel()
		sim := smallSim(t)
		b := setup(t, sim, httpclient.Config{MaxAttempts: 3})
		for _, typ := range []domain.LicenceType{domain.LicenceIDCard, domain.LicenceHukouBook} {
			subject := "lost-" + string(typ)
			sim.Faults().Set(ministry.EndpointLicences, fault.Rule{LoseNext: 1})
			l, err := b.client.IssueLicence(ctx, request(typ, subject, 1))
			require.NoError(t, err, typ)
			issued := issuedFor(sim, subject)
			require.Len(t, issued, 1, "the lost answer's retry issued no second %s licence", typ)
			require.Equal(t, issued[0].LicenceID, l.ID)
			require.Equal(t, issued[0].Signature, l.Signature)
			require.Empty(t, sim.Faults().Rules()[ministry.EndpointLicences].LoseNext, "the answer was lost once")
		}
	})
	t.Run("SameKeySameLicence", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil, httpclient.Config{})
		req := request(domain.LicenceIDCard, "same-"+t.Name(), 1)
		first, err := b.client.IssueLicence(ctx, req)
		require.NoError(t, err)
		req.Data = map[string]string{"cardNumber": "21110320261203000001", "subject": "same-" + t.Name()} // the same map
		again, err := b.client.IssueLicence(ctx, req)
		require.NoError(t, err)
		require.Equal(t, first, again, "the same licence: ID, signature and every field")

		// On the wire: the same bytes, the replay marked.
		post := func() (*http.Response, []byte) {
			body, err := json.Marshal(ministry.LicenceRequest{Type: "HUKOU_BOOK", HolderIDNumber: "130102198503120011", HolderName: "张建国",
				Data: map[string]string{"subject": "wire-" + t.Name()}})
			require.NoError(t, err)
			hr, err := http.NewRequest("POST", b.server.URL+"/v1/licences", bytes.NewReader(body))
			require.NoError(t, err)
			hr.Header.Set("Content-Type", "application/json")
			hr.Header.Set("Idempotency-Key", "wire-"+strings.ReplaceAll(t.Name(), "/", "-"))
			res, err := newValidatingTransport(t, b.server.URL+"/v1").RoundTrip(hr)
			require.NoError(t, err)
			defer res.Body.Close()
			out, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", out)
			return res, out
		}
		res1, body1 := post()
		res2, body2 := post()
		require.Empty(t, res1.Header.Get(ministry.IdempotentReplayedHeader))
		require.Equal(t, "true", res2.Header.Get(ministry.IdempotentReplayedHeader))
		require.Equal(t, string(body1), string(body2))
	})
	t.Run("ConcurrentSameKey", func(t *testing.T) {
		t.Parallel()
		sim := smallSim(t)
		b := setup(t, sim, httpclient.Config{})
		req := request(domain.LicenceHukouBook, "concurrent", 1)
		ids := make([]string, 6)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Go(func() {
				l, err := b.client.IssueLicence(ctx, req)
				if assert.NoError(t, err) {
					ids[i] = l.ID
				}
			})
		}
		wg.Wait()
		require.Len(t, issuedFor(sim, "concurrent"), 1)
		for _, id := range ids {
			require.Equal(t, ids[0], id)
		}
	})
	t.Run("KeyReused", func(t *testing.T) {
		t.Parallel()
		sim := smallSim(t)
		b := setup(t, sim, httpclient.Config{})
		req := request(domain.LicenceIDCard, "reused", 1)
		_, err := b.client.IssueLicence(ctx, req)
		require.NoError(t, err)
		for _, change := range []func(r *domain.LicenceRequest){
			func(r *domain.LicenceRequest) {
				r.Data = map[string]string{"subject": "reused", "cardNumber": "21110320261203000002"}
			},
			func(r *domain.LicenceRequest) { r.HolderName = "张建民" },
			func(r *domain.LicenceRequest) { r.Type = domain.LicenceHukouBook },
			func(r *domain.LicenceRequest) { r.ValidUntil = time.Date(2046, 12, 2, 0, 0, 0, 0, time.UTC) },
		} {
			other := req
			change(&other)
			de := requireCode(t, err2(b.client.IssueLicence(ctx, other)), domain.CodeConflict)
			require.Equal(t, "licence.key_reused", de.Reason)
		}
		require.Len(t, issuedFor(sim, "reused"), 1, "a reused key issues nothing")
	})
	t.Run("ReissueAfterRevocation", func(t *testing.T) {
		t.Parallel()
		sim := smallSim(t)
		b := setup(t, sim, httpclient.Config{})
		first, err := b.client.IssueLicence(ctx, request(domain.LicenceHukouBook, "reissue", 1))
		require.NoError(t, err)
		require.NoError(t, b.client.RevokeLicence(ctx, first.ID, "户口簿信息变更"))
		second, err := b.client.IssueLicence(ctx, request(domain.LicenceHukouBook, "reissue", 2))
		require.NoError(t, err, "the old key does not block the new issue")
		require.NotEqual(t, first.ID, second.ID)
		require.Equal(t, domain.SealValid, second.StatusAt(time.Now()))
		// The first key still answers its licence, as it stands now.
		old, err := b.client.IssueLicence(ctx, request(domain.LicenceHukouBook, "reissue", 1))
		require.NoError(t, err)
		require.Equal(t, first.ID, old.ID)
		require.Equal(t, first.Signature, old.Signature)
		require.Equal(t, domain.SealRevoked, old.StatusAt(time.Now()))
		require.Len(t, issuedFor(sim, "reissue"), 2)
	})
	t.Run("KeyRequired", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil, httpclient.Config{})
		req := request(domain.LicenceIDCard, "nokey", 1)
		req.Key = ""
		requireCode(t, err2(b.client.IssueLicence(ctx, req)), domain.CodeInternal)
		// On the wire a POST without the header is refused (the validating
		// transport checks that it is answered 400).
		hr, err := http.NewRequest("POST", b.server.URL+"/v1/licences", strings.NewReader(`{"type":"ID_CARD","holderIdNumber":"130102198503120011","holderName":"张建国","data":{}}`))
		require.NoError(t, err)
		hr.Header.Set("Content-Type", "application/json")
		res, err := newValidatingTransport(t, b.server.URL+"/v1").RoundTrip(hr)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusBadRequest, res.StatusCode)
	})
}
