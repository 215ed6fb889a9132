package platform_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/platform"
)

// The inbox long poll (contract: GET /v1/inbox/{office}?wait=): a held
// request answers as soon as a message for the office is accepted, not at
// the end of its wait; an empty wait ends empty; a message already there
// answers at once; and a shutting-down platform holds nothing.
func TestWaitInbox(t *testing.T) {
	b := setup(t)
	ctx := context.Background()

	t.Run("answers when a message arrives", func(t *testing.T) {
		type result struct {
			ready bool
			err   error
			at    time.Time
		}
		done := make(chan result, 1)
		go func() {
			ready, err := b.client.WaitInbox(ctx, shijiazhuang, "", 10*time.Second)
			done <- result{ready, err, time.Now()}
		}()
		time.Sleep(200 * time.Millisecond) // the request is held by now
		sent := time.Now()
		require.NoError(t, b.client.Send(ctx, b.envelope(panjin, shijiazhuang)))
		r := <-done
		require.NoError(t, r.err)
		require.True(t, r.ready)
		require.Less(t, r.at.Sub(sent), time.Second, "the held request answers on arrival, not after its 10 s wait")
	})

	t.Run("a message already waiting answers at once", func(t *testing.T) {
		start := time.Now()
		ready, err := b.client.WaitInbox(ctx, shijiazhuang, "", 10*time.Second)
		require.NoError(t, err)
		require.True(t, ready)
		require.Less(t, time.Since(start), time.Second)
	})

	t.Run("an empty wait ends empty", func(t *testing.T) {
		start := time.Now()
		ready, err := b.client.WaitInbox(ctx, panjin, "", time.Second)
		require.NoError(t, err)
		require.False(t, ready)
		require.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond)
	})

	t.Run("a message for another office does not wake the wait", func(t *testing.T) {
		done := make(chan bool, 1)
		go func() {
			ready, _ := b.client.WaitInbox(ctx, panjin, "", time.Second)
			done <- ready
		}()
		time.Sleep(100 * time.Millisecond)
		require.NoError(t, b.client.Send(ctx, b.envelope(panjin, shijiazhuang)))
		require.False(t, <-done)
	})

	t.Run("a wait beyond 30 s is refused", func(t *testing.T) {
		res, err := http.Get(b.srv.URL + "/v1/inbox/" + panjin + "?wait=31")
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusBadRequest, res.StatusCode)
	})

	t.Run("stopping the platform answers held requests", func(t *testing.T) {
		done := make(chan time.Time, 1)
		go func() {
			_, _ = b.client.WaitInbox(ctx, panjin, "", 20*time.Second)
			done <- time.Now()
		}()
		time.Sleep(200 * time.Millisecond)
		stopped := time.Now()
		b.sim.StopWaiting()
		require.Less(t, (<-done).Sub(stopped), time.Second)
	})
}

// A long poll never goes through the breaker: its failures do not open it
// (so sending goes on), and it is never the one probe a half-open breaker
// lets through, which it would hold for its whole wait.
func TestWaitInboxBypassesBreaker(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	client := platform.New(httpclient.Config{BaseURL: b.srv.URL, HTTP: b.spec.Client(), Timeout: time.Second,
		MaxAttempts: 1, BreakerFailures: 1, BreakerOpenFor: time.Minute})
	b.sim.Faults().Set("inbox", fault.Rule{FailNext: 3})
	for range 3 {
		_, err := client.WaitInbox(ctx, panjin, "", time.Second)
		require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err))
	}
	require.Equal(t, "closed", client.BreakerState())
	require.NoError(t, client.Send(ctx, b.envelope(shijiazhuang, panjin)))
}
