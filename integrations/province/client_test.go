package province_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/openapitest"
	"hukou/integrations/province"
	"hukou/integrations/province/provincesim"
)

type testBundle struct {
	sim    *provincesim.Server
	srv    *httptest.Server
	client *province.Client
	spec   *openapitest.Transport
	calls  *atomic.Int64 // requests that reached the simulator
	// resetAfterFirst, when set, clears the fault rules as the second
	// request arrives, so a rule applies to exactly one call.
	resetAfterFirst *atomic.Bool
}

// now is 2025-03-14 01:00 in China, still 2025-03-13 in UTC: numbers carry
// the Chinese date.
var now = time.Date(2025, 3, 13, 17, 0, 0, 0, time.UTC)

func setup(t *testing.T) *testBundle {
	t.Helper()
	b := &testBundle{calls: new(atomic.Int64), resetAfterFirst: new(atomic.Bool)}
	b.sim = provincesim.New(provincesim.Config{Faults: fault.New(1), Now: func() time.Time { return now }})
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b.calls.Add(1) > 1 && b.resetAfterFirst.Load() {
			b.sim.Faults().Reset()
		}
		b.sim.ServeHTTP(w, r)
	}))
	t.Cleanup(b.srv.Close)
	b.spec = openapitest.New(t, province.OpenAPISpec)
	b.client = province.New(httpclient.Config{
		BaseURL: b.srv.URL, HTTP: b.spec.Client(),
		Timeout: 2 * time.Second, MaxAttempts: 4, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		BreakerFailures: 1000,
	})
	return b
}

func req(caseID string) domain.CollabNumberRequest {
	return domain.CollabNumberRequest{CaseID: caseID, Kind: "BIRTH", AcceptanceOffice: "211102000000", RegistrationProvince: "13"}
}

func TestClient_CollaborationNumber(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		no, err := b.client.CollaborationNumber(ctx, req("case-1"))
		require.NoError(t, err)
		require.Equal(t, "XT2111022025031400000001", no)
		require.True(t, domain.ValidCollabNo(no))
		require.Len(t, no, domain.CollabNoLength)
		require.Equal(t, 1, b.spec.Validated())
	})

	t.Run("UniqueAcross1000CasesAndStablePerCase", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		const n = 1000
		first := make([]string, n)
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for w := range 8 {
			wg.Go(func() {
				for i := w; i < n; i += 8 {
					r := req(fmt.Sprintf("case-%04d", i))
					if i%2 == 1 { // two acceptance divisions share the service
						r.AcceptanceOffice = "130102000000"
					}
					no, err := b.client.CollaborationNumber(ctx, r)
					if err != nil {
						errs <- err
						continue
					}
					first[i] = no
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		seen := map[string]int{}
		for i, no := range first {
			require.True(t, domain.ValidCollabNo(no), no)
			prev, dup := seen[no]
			require.False(t, dup, "case %d got case %d's number %s", i, prev, no)
			seen[no] = i
		}
		require.Equal(t, n, b.sim.Issued())
		for i := 0; i < n; i += 7 { // asking again returns the same number
			r := req(fmt.Sprintf("case-%04d", i))
			if i%2 == 1 {
				r.AcceptanceOffice = "130102000000"
			}
			no, err := b.client.CollaborationNumber(ctx, r)
			require.NoError(t, err)
			require.Equal(t, first[i], no)
		}
		require.Equal(t, n, b.sim.Issued())
	})

	t.Run("LostResponseRetriedOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		putFaults(t, b.srv.URL, `{"collaboration_number":{"loseResponseRate":1}}`)
		b.calls.Store(0)
		b.resetAfterFirst.Store(true)
		no, err := b.client.CollaborationNumber(ctx, req("case-lost"))
		require.NoError(t, err)
		require.Equal(t, int64(2), b.calls.Load(), "the first answer was lost, the retry got it")
		require.Equal(t, "XT2111022025031400000001", no, "the lost call issued the number; the retry got the same one")
		require.Equal(t, 1, b.sim.Issued())
	})

	t.Run("ErrConflictOtherKind", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := b.client.CollaborationNumber(ctx, req("case-1"))
		require.NoError(t, err)
		r := req("case-1")
		r.Kind = "MIGRATION"
		_, err = b.client.CollaborationNumber(ctx, r)
		require.Equal(t, domain.CodeConflict, domain.ErrorCode(err))
	})

	t.Run("ErrInvalidLocally", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r := req("case-1")
		r.AcceptanceOffice = "2111"
		_, err := b.client.CollaborationNumber(ctx, r)
		requireField(t, err, "acceptanceOffice")
		require.Zero(t, b.calls.Load(), "nothing was sent")
	})

	t.Run("ErrInvalidFromService", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		hc := openapitest.New(t, province.OpenAPISpec).WithoutRequestValidation().Client()
		res, err := hc.Post(b.srv.URL+"/v1/collaboration-numbers", "application/json",
			bytes.NewBufferString(`{"caseId":"c1","kind":"BIRTH","acceptanceOffice":"211102000000","registrationProvince":"X"}`))
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusBadRequest, res.StatusCode)
		require.Contains(t, string(body), `"field":"registrationProvince"`)
	})

	t.Run("ErrUnavailable", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.sim.Faults().Set("collaboration_number", fault.Rule{FailNext: 10})
		_, err := b.client.CollaborationNumber(ctx, req("case-1"))
		require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err))
		require.Contains(t, domain.ErrorMessage(err), "provincial department")
		require.Equal(t, int64(4), b.calls.Load(), "retried MaxAttempts times")
		require.Equal(t, 0, b.sim.Issued())
	})
}

func TestSimulator_Endpoints(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for path, want := range map[string]string{"/openapi.yaml": string(province.OpenAPISpec), "/healthz": "{\"status\":\"ok\"}\n"} {
		hc := b.spec.Client()
		if path == "/openapi.yaml" { // the spec does not describe itself
			hc = http.DefaultClient
		}
		res, err := hc.Get(b.srv.URL + path)
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, want, string(body))
	}
}

func putFaults(t *testing.T, base, rules string) {
	t.Helper()
	r, err := http.NewRequest(http.MethodPut, base+"/admin/faults", bytes.NewBufferString(rules))
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
}

func requireField(t *testing.T, err error, field string) {
	t.Helper()
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Equal(t, domain.CodeInvalid, de.Code)
	require.Equal(t, field, de.Field)
}
