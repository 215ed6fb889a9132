package httpclient

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/fault"
)

type testBundle struct {
	client *Client
	server *httptest.Server
	hits   *atomic.Int32
}

// setup serves h (counting the requests that reach it) and returns a
// client for it with short durations.
func setup(t *testing.T, cfg Config, h http.HandlerFunc) *testBundle {
	t.Helper()
	hits := new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL + "/v1/"
	if cfg.Service == "" {
		cfg.Service = "testsvc"
	}
	if cfg.BaseBackoff == 0 {
		cfg.BaseBackoff = time.Millisecond
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 5 * time.Millisecond
	}
	return &testBundle{client: New(cfg), server: srv, hits: hits}
}

func requireCode(t *testing.T, err error, code domain.Code) *domain.Error {
	t.Helper()
	var de *domain.Error
	require.True(t, errors.As(err, &de), "want a *domain.Error, got %v", err)
	require.Equal(t, code, de.Code, "%v", err)
	return de
}

func unavailable(w http.ResponseWriter, _ *http.Request) {
	WriteError(w, http.StatusServiceUnavailable, ErrorBody{Code: "unavailable", Message: "down"})
}

func TestClient_Call(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		b := setup(t, Config{}, func(w http.ResponseWriter, r *http.Request) {
			var in map[string]string
			require.NoError(t, json.NewDecoder(r.Body).Decode(&in))
			require.Equal(t, "/v1/things", r.URL.Path)
			require.Equal(t, "application/json", r.Header.Get("Content-Type"))
			require.Equal(t, "k1", r.Header.Get("Idempotency-Key"))
			WriteJSON(w, map[string]string{"echo": in["x"]})
		})
		var out map[string]string
		require.NoError(t, b.client.Call(ctx, "things", "POST", "/things", map[string]string{"x": "y"}, &out, CallOptions{IdempotencyKey: "k1"}))
		require.Equal(t, "y", out["echo"])
	})
	t.Run("ErrorBody", func(t *testing.T) {
		t.Parallel()
		b := setup(t, Config{}, func(w http.ResponseWriter, _ *http.Request) {
			WriteError(w, http.StatusBadRequest, ErrorBody{Code: "invalid", Message: "bad", Field: "f", Reason: "r.x"})
		})
		err := b.client.Call(ctx, "e", "GET", "/x", nil, nil, CallOptions{Idempotent: true})
		require.Equal(t, &domain.Error{Code: domain.CodeInvalid, Message: "bad", Field: "f", Reason: "r.x"}, requireCode(t, err, domain.CodeInvalid))
		require.EqualValues(t, 1, b.hits.Load(), "a 4xx is an answer: never retried")
	})
	t.Run("BareNotFound", func(t *testing.T) {
		t.Parallel()
		b := setup(t, Config{}, http.NotFound)
		err := b.client.Call(ctx, "e", "GET", "/x", nil, nil, CallOptions{Idempotent: true})
		requireCode(t, err, domain.CodeNotFound)
		require.EqualValues(t, 1, b.hits.Load())
	})
}

func TestClient_Retries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		opts  CallOptions
		tries int32
	}{
		{"NotIdempotent", CallOptions{}, 1},
		{"Idempotent", CallOptions{Idempotent: true}, 4},
		{"IdempotencyKey", CallOptions{IdempotencyKey: "k"}, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, Config{MaxAttempts: 4, BreakerFailures: 100}, unavailable)
			err := b.client.Call(ctx, "e", "POST", "/x", map[string]int{"a": 1}, nil, tt.opts)
			de := requireCode(t, err, domain.CodeUnavailable)
			require.Equal(t, "the testsvc service did not answer; try again shortly", de.Message)
			require.Equal(t, "integration.unavailable.testsvc", de.Reason)
			require.Equal(t, tt.tries, b.hits.Load())
		})
	}
	t.Run("RecoversAfterFailures", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		b := setup(t, Config{MaxAttempts: 3}, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) <= 2 {
				unavailable(w, r)
				return
			}
			WriteJSON(w, "ok")
		})
		var out string
		require.NoError(t, b.client.Call(ctx, "e", "GET", "/x", nil, &out, CallOptions{Idempotent: true}))
		require.Equal(t, "ok", out)
		require.EqualValues(t, 3, b.hits.Load())
	})
}

func TestClient_Backoff(t *testing.T) {
	t.Parallel()
	c := New(Config{Service: "s", BaseBackoff: 10 * time.Millisecond, MaxBackoff: 300 * time.Millisecond})
	for attempt := 1; attempt <= 80; attempt++ {
		limit := min(300*time.Millisecond, 10*time.Millisecond<<min(attempt-1, 10))
		var maxSeen time.Duration
		for range 200 {
			d := c.backoff(attempt)
			require.GreaterOrEqual(t, d, time.Duration(0), "attempt %d", attempt)
			require.LessOrEqual(t, d, limit, "attempt %d", attempt)
			maxSeen = max(maxSeen, d)
		}
		require.Greater(t, maxSeen, limit/4, "attempt %d: jitter spreads over the whole range", attempt)
	}
}

func TestClient_Unavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("Timeout", func(t *testing.T) {
		t.Parallel()
		const timeout = 100 * time.Millisecond
		b := setup(t, Config{DisplayName: "the Test service", Timeout: timeout, MaxAttempts: 2}, func(_ http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		})
		start := time.Now()
		err := b.client.Call(ctx, "e", "GET", "/x", nil, nil, CallOptions{Idempotent: true})
		elapsed := time.Since(start)
		de := requireCode(t, err, domain.CodeUnavailable)
		require.Contains(t, de.Message, "the Test service")
		require.GreaterOrEqual(t, elapsed, 2*timeout)
		require.Less(t, elapsed, 2*timeout+5*time.Millisecond+400*time.Millisecond)
		require.EqualValues(t, 2, b.hits.Load())
	})
	t.Run("Down", func(t *testing.T) {
		t.Parallel()
		b := setup(t, Config{}, unavailable)
		b.server.Close()
		err := b.client.Call(ctx, "e", "GET", "/x", nil, nil, CallOptions{Idempotent: true})
		requireCode(t, err, domain.CodeUnavailable)
	})
	t.Run("CallerGivesUp", func(t *testing.T) {
		t.Parallel()
		b := setup(t, Config{Timeout: 10 * time.Second}, func(_ http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		})
		ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := b.client.Call(ctx, "e", "GET", "/x", nil, nil, CallOptions{Idempotent: true})
		requireCode(t, err, domain.CodeUnavailable)
		require.Less(t, time.Since(start), time.Second)
		require.EqualValues(t, 1, b.hits.Load(), "no retry once the caller's context is done")
	})
}

func TestClient_BreakerIgnoresCallerCancellation(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{MaxAttempts: 1, BreakerFailures: 2}, func(_ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	for range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		go func() { time.Sleep(5 * time.Millisecond); cancel() }()
		err := b.client.Call(ctx, "e", "GET", "/x", nil, nil, CallOptions{Idempotent: true})
		requireCode(t, err, domain.CodeUnavailable)
		cancel()
	}
	require.Equal(t, "closed", b.client.BreakerState())
}

func TestClient_Breaker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const openFor = 150 * time.Millisecond
	var failing atomic.Bool
	failing.Store(true)
	b := setup(t, Config{MaxAttempts: 1, BreakerFailures: 3, BreakerOpenFor: openFor}, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v1/bad":
			WriteError(w, http.StatusBadRequest, ErrorBody{Code: "invalid", Message: "bad"})
		case failing.Load():
			unavailable(w, r)
		default:
			WriteJSON(w, "ok")
		}
	})
	call := func(path string) error {
		return b.client.Call(ctx, "e", "GET", path, nil, nil, CallOptions{Idempotent: true})
	}

	t.Log("4xx answers never count as failures")
	for range 10 {
		requireCode(t, call("/bad"), domain.CodeInvalid)
	}
	require.Equal(t, "closed", b.client.BreakerState())

	t.Log("a success resets the count of consecutive failures")
	requireCode(t, call("/x"), domain.CodeUnavailable)
	requireCode(t, call("/x"), domain.CodeUnavailable)
	failing.Store(false)
	require.NoError(t, call("/x"))
	failing.Store(true)
	requireCode(t, call("/x"), domain.CodeUnavailable)
	requireCode(t, call("/x"), domain.CodeUnavailable)
	require.Equal(t, "closed", b.client.BreakerState())

	t.Log("the third consecutive failure opens it")
	requireCode(t, call("/x"), domain.CodeUnavailable)
	require.Equal(t, "open", b.client.BreakerState())
	hits := b.hits.Load()
	de := requireCode(t, call("/x"), domain.CodeUnavailable)
	require.Equal(t, "integration.breaker_open.testsvc", de.Reason)
	require.Contains(t, de.Message, "the testsvc service")
	require.Equal(t, hits, b.hits.Load(), "an open breaker does not call")

	t.Log("after BreakerOpenFor it half-opens; a good probe closes it")
	time.Sleep(openFor + 30*time.Millisecond)
	require.Equal(t, "half-open", b.client.BreakerState())
	failing.Store(false)
	require.NoError(t, call("/x"))
	require.Equal(t, "closed", b.client.BreakerState())

	t.Log("a failed probe opens it again")
	failing.Store(true)
	for range 3 {
		requireCode(t, call("/x"), domain.CodeUnavailable)
	}
	time.Sleep(openFor + 30*time.Millisecond)
	requireCode(t, call("/x"), domain.CodeUnavailable)
	require.Equal(t, "open", b.client.BreakerState())
}

// TestClient_LostResponse: the service did the work but its answer was
// lost; the retry carries the same Idempotency-Key so the service can
// answer it without applying it twice.
func TestClient_LostResponse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	inj := fault.New(1)
	var mu sync.Mutex
	var keys []string
	handler := inj.Wrap("send", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		mu.Unlock()
		inj.Set("send", fault.Rule{}) // only the first answer is lost
		WriteJSON(w, map[string]bool{"applied": true})
	}))
	seen := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(keys)
	}

	t.Run("RetriedWithSameKey", func(t *testing.T) {
		b := setup(t, Config{MaxAttempts: 3}, handler.ServeHTTP)
		inj.Set("send", fault.Rule{LoseResponseRate: 1})
		var out map[string]bool
		require.NoError(t, b.client.Call(ctx, "send", "POST", "/messages", map[string]string{"id": "m1"}, &out, CallOptions{IdempotencyKey: "m1"}))
		require.True(t, out["applied"])
		require.Equal(t, []string{"m1", "m1"}, seen())
	})
	t.Run("NotIdempotentNotRetried", func(t *testing.T) {
		mu.Lock()
		keys = nil
		mu.Unlock()
		b := setup(t, Config{MaxAttempts: 3}, handler.ServeHTTP)
		inj.Set("send", fault.Rule{LoseResponseRate: 1})
		err := b.client.Call(ctx, "send", "POST", "/messages", map[string]string{"id": "m2"}, nil, CallOptions{})
		requireCode(t, err, domain.CodeUnavailable)
		require.Len(t, seen(), 1, "the work was done once and the caller was told UNAVAILABLE")
	})
}

func TestClient_DisplayNameDefault(t *testing.T) {
	t.Parallel()
	c := New(Config{Service: "province", BaseURL: "http://x/v1/"})
	require.Equal(t, "the province service", c.cfg.DisplayName)
	require.False(t, strings.HasSuffix(c.cfg.BaseURL, "/"))
}
