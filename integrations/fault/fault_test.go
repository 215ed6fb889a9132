package fault

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type testBundle struct {
	inj    *Injector
	server *httptest.Server
	ran    *atomic.Int32 // calls that reached the wrapped handler
}

// setup serves "/a" and "/b", each wrapped under its own name, and the
// admin handler at /admin/faults.
func setup(t *testing.T) *testBundle {
	t.Helper()
	b := &testBundle{inj: New(1), ran: new(atomic.Int32)}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		b.ran.Add(1)
		_, _ = w.Write([]byte("ok"))
	})
	mux := http.NewServeMux()
	mux.Handle("/a", b.inj.Wrap("a", ok))
	mux.Handle("/b", b.inj.Wrap("b", ok))
	mux.Handle("/admin/faults", b.inj.AdminHandler())
	b.server = httptest.NewServer(mux)
	t.Cleanup(b.server.Close)
	return b
}

func (b *testBundle) get(t *testing.T, path string) (int, error) {
	t.Helper()
	res, err := b.server.Client().Get(b.server.URL + path)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.ReadAll(res.Body)
	return res.StatusCode, nil
}

func TestInjector_Rules(t *testing.T) {
	t.Parallel()

	t.Run("NoRule", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		code, err := b.get(t, "/a")
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, code)
	})
	t.Run("FailNext", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.inj.Set("a", Rule{FailNext: 2})
		for _, want := range []int{503, 503, 200, 200} {
			code, err := b.get(t, "/a")
			require.NoError(t, err)
			require.Equal(t, want, code)
		}
		require.EqualValues(t, 2, b.ran.Load(), "a failed call never reaches the handler")
		require.Equal(t, 0, b.inj.Rules()["a"].FailNext)
	})
	t.Run("ErrorRateAndWildcard", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.inj.Set("*", Rule{ErrorRate: 1})
		b.inj.Set("b", Rule{})
		res, err := b.server.Client().Get(b.server.URL + "/a")
		require.NoError(t, err)
		var body struct{ Code, Message string }
		require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
		res.Body.Close()
		require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
		require.Equal(t, "unavailable", body.Code, "the error shape of every contract")
		code, err := b.get(t, "/b")
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, code, "an endpoint's own rule wins over *")
	})
	t.Run("Latency", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.inj.Set("a", Rule{Latency: 80 * time.Millisecond})
		start := time.Now()
		code, err := b.get(t, "/a")
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, code)
		require.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond)
	})
	t.Run("LoseResponse", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.inj.Set("a", Rule{LoseResponseRate: 1})
		_, err := b.get(t, "/a")
		require.Error(t, err)
		require.EqualValues(t, 1, b.ran.Load(), "the work was done, the answer lost")
	})
	t.Run("LoseNext", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.inj.Set("a", Rule{LoseNext: 1})
		_, err := b.get(t, "/a")
		require.Error(t, err)
		code, err := b.get(t, "/a")
		require.NoError(t, err)
		require.Equal(t, 200, code, "exactly one answer is lost, however fast the retry")
		require.EqualValues(t, 2, b.ran.Load())
	})
	t.Run("Timeout", func(t *testing.T) {
		t.Parallel()
		// Its own server without a cleanup Close: should a hung handler
		// block Close, the test must fail, not hang in its cleanup.
		b := &testBundle{inj: New(1), ran: new(atomic.Int32)}
		b.server = httptest.NewServer(b.inj.Wrap("a", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { b.ran.Add(1) })))
		b.inj.Set("*", Rule{TimeoutRate: 1})
		client := &http.Client{Timeout: 100 * time.Millisecond}
		for _, method := range []string{"GET", "POST"} {
			// POST with a body: the hang must still end when the client
			// leaves, or the server could never shut down.
			req, err := http.NewRequest(method, b.server.URL+"/a", strings.NewReader(`{"x":1}`))
			require.NoError(t, err)
			start := time.Now()
			_, err = client.Do(req)
			require.Error(t, err)
			require.Less(t, time.Since(start), time.Second)
		}
		done := make(chan struct{})
		go func() { b.server.Close(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			t.Fatal("hung handlers outlived their clients: the server cannot close")
		}
		require.EqualValues(t, 0, b.ran.Load())
	})
	t.Run("ZeroValue", func(t *testing.T) {
		t.Parallel()
		var inj Injector
		h := inj.Wrap("a", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/a", nil))
		require.Equal(t, http.StatusOK, rec.Code)
		inj.Set("a", Rule{ErrorRate: 1})
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/a", nil))
		require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	})
	t.Run("Replayable", func(t *testing.T) {
		t.Parallel()
		outcomes := func() []action {
			inj := New(42)
			inj.Set("*", Rule{ErrorRate: 0.3, LoseResponseRate: 0.3})
			var out []action
			for range 50 {
				a, _ := inj.decide("x")
				out = append(out, a)
			}
			return out
		}
		require.Equal(t, outcomes(), outcomes())
	})
}

func TestInjector_AdminHandler(t *testing.T) {
	t.Parallel()
	b := setup(t)
	do := func(method, body string) (int, map[string]Rule) {
		req, err := http.NewRequestWithContext(context.Background(), method, b.server.URL+"/admin/faults", strings.NewReader(body))
		require.NoError(t, err)
		res, err := b.server.Client().Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var rules map[string]Rule
		if res.StatusCode == http.StatusOK {
			require.NoError(t, json.NewDecoder(res.Body).Decode(&rules))
		}
		return res.StatusCode, rules
	}

	code, rules := do("GET", "")
	require.Equal(t, http.StatusOK, code)
	require.Empty(t, rules)

	code, rules = do("PUT", `{"a": {"failNext": 1}, "*": {"errorRate": 0.5, "latency": 1000000}}`)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, map[string]Rule{"a": {FailNext: 1}, "*": {ErrorRate: 0.5, Latency: time.Millisecond}}, rules)

	code, _ = do("PUT", `{"b": {"timeoutRate": 1}}`)
	require.Equal(t, http.StatusOK, code)
	_, rules = do("GET", "")
	require.Equal(t, map[string]Rule{"b": {TimeoutRate: 1}}, rules, "PUT replaces every rule")

	code, _ = do("PUT", `not json`)
	require.Equal(t, http.StatusBadRequest, code)
	_, rules = do("GET", "")
	require.Len(t, rules, 1, "a bad PUT changes nothing")

	code, rules = do("DELETE", "")
	require.Equal(t, http.StatusOK, code)
	require.Empty(t, rules)

	code, _ = do("POST", "{}")
	require.Equal(t, http.StatusMethodNotAllowed, code)
}
