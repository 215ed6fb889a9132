package ministry_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
)

// requireUnavailable checks that err is CodeUnavailable naming the Ministry.
func requireUnavailable(t *testing.T, err error) *domain.Error {
	t.Helper()
	de := requireCode(t, err, domain.CodeUnavailable)
	require.Contains(t, de.Message, "Ministry")
	require.True(t, strings.HasSuffix(de.Reason, "."+ministry.Service), de.Reason)
	return de
}

func TestClient_Unavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("Down", func(t *testing.T) {
		t.Parallel()
		b := setup(t, smallSim(t), httpclient.Config{Timeout: 200 * time.Millisecond, MaxAttempts: 3, MaxBackoff: 20 * time.Millisecond})
		b.server.Close()
		start := time.Now()
		_, err := b.client.ServiceAvailability(ctx, "21", ministry.BusinessBirth)
		requireUnavailable(t, err)
		require.Less(t, time.Since(start), 3*200*time.Millisecond+2*20*time.Millisecond+time.Second)
	})
	t.Run("Hanging", func(t *testing.T) {
		t.Parallel()
		sim := smallSim(t)
		sim.Faults().Set("*", fault.Rule{TimeoutRate: 1})
		const timeout, attempts, maxBackoff = 150 * time.Millisecond, 2, 20 * time.Millisecond
		b := setup(t, sim, httpclient.Config{Timeout: timeout, MaxAttempts: attempts, MaxBackoff: maxBackoff})
		for _, call := range []func() error{
			func() error { _, err := b.client.HouseholdByIDNumber(ctx, "13060219850312017X"); return err }, // a POST
			func() error { _, err := b.client.BirthCertificate(ctx, "M210000001"); return err },            // a GET
		} {
			start := time.Now()
			requireUnavailable(t, call())
			elapsed := time.Since(start)
			require.GreaterOrEqual(t, elapsed, attempts*timeout)
			require.Less(t, elapsed, attempts*timeout+maxBackoff+500*time.Millisecond)
		}
	})
	t.Run("Retried", func(t *testing.T) {
		t.Parallel()
		sim := smallSim(t)
		b := setup(t, sim, httpclient.Config{MaxAttempts: 3})
		sim.Faults().Set(ministry.EndpointMaterials, fault.Rule{FailNext: 2})
		ms, err := b.client.MaterialsList(ctx, ministry.BusinessBirth, "21", "")
		require.NoError(t, err)
		require.NotEmpty(t, ms)
		sim.Faults().Set(ministry.EndpointMaterials, fault.Rule{FailNext: 3})
		_, err = b.client.MaterialsList(ctx, ministry.BusinessBirth, "21", "")
		requireUnavailable(t, err)
	})
	t.Run("LostResponse", func(t *testing.T) {
		t.Parallel()
		sim := smallSim(t)
		b := setup(t, sim, httpclient.Config{MaxAttempts: 2})
		// The rng of fault.New(7) loses one of the first attempts at least
		// with LoseResponseRate 0.5; every look-up still succeeds or is
		// UNAVAILABLE, never a decoding error.
		sim.Faults().Set(ministry.EndpointServiceAvailability, fault.Rule{LoseResponseRate: 0.5})
		for range 10 {
			_, err := b.client.ServiceAvailability(ctx, "21", ministry.BusinessBirth)
			if err != nil {
				requireUnavailable(t, err)
			}
		}
	})
}

func TestClient_Breaker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sim := smallSim(t)
	const openFor = 300 * time.Millisecond
	b := setup(t, sim, httpclient.Config{MaxAttempts: 1, BreakerFailures: 3, BreakerOpenFor: openFor})
	lookup := func() error { _, err := b.client.MaterialsList(ctx, ministry.BusinessBirth, "21", ""); return err }

	// The faults are set through the admin endpoint, as tests of a running
	// hukou instance do.
	put := func(body string) {
		req, err := http.NewRequest(http.MethodPut, b.server.URL+"/admin/faults", bytes.NewBufferString(body))
		require.NoError(t, err)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
	}
	// 4xx answers are the service working: they never open the breaker.
	for range 5 {
		_, err := b.client.MaterialsList(ctx, "PARKING", "21", "")
		requireCode(t, err, domain.CodeInvalid)
	}
	require.Equal(t, "closed", b.client.BreakerState())

	put(`{"*": {"errorRate": 1}}`)

	for i := range 3 {
		require.Equal(t, "closed", b.client.BreakerState(), "after %d failures", i)
		requireUnavailable(t, lookup())
	}
	require.Equal(t, "open", b.client.BreakerState())
	start := time.Now()
	de := requireUnavailable(t, lookup())
	require.Equal(t, "integration.breaker_open.ministry", de.Reason)
	require.Less(t, time.Since(start), 50*time.Millisecond, "an open breaker answers at once")

	put(`{}`)
	time.Sleep(openFor + 50*time.Millisecond)
	require.Equal(t, "half-open", b.client.BreakerState())
	require.NoError(t, lookup())
	require.Equal(t, "closed", b.client.BreakerState())

	// A failed probe opens it again.
	put(`{"*": {"errorRate": 1}}`)
	for range 3 {
		requireUnavailable(t, lookup())
	}
	require.Equal(t, "open", b.client.BreakerState())
	time.Sleep(openFor + 50*time.Millisecond)
	requireUnavailable(t, lookup())
	require.Equal(t, "open", b.client.BreakerState())
}
