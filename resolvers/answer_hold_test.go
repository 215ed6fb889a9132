package resolvers

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

// TestAnswerHold: a query's deferred read audit holds the answer until it
// commits, a failed one replaces the data with UNAVAILABLE, and what is not
// a read of a query (a refusal's entry, a mutation's read, a WebSocket)
// waits in place (#20).
func TestAnswerHold(t *testing.T) {
	t.Parallel()
	entry := func(a domain.AuditAction) *domain.AuditEntry { return &domain.AuditEntry{Action: a} }
	// serve runs h behind holdAnswers and returns the answer's body.
	serve := func(t *testing.T, upgrade bool, h http.HandlerFunc) *httptest.ResponseRecorder {
		t.Helper()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		if upgrade {
			req.Header.Set("Upgrade", "websocket")
		}
		holdAnswers(h).ServeHTTP(rec, req)
		return rec
	}

	t.Run("HeldUntilCommitted", func(t *testing.T) {
		t.Parallel()
		committed := make(chan struct{})
		var order []string
		rec := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
			domain.AnswerHoldFrom(r.Context()).Open()
			took := domain.DeferReadAudit(r.Context(), entry(domain.AuditRead), func(context.Context) error {
				<-committed
				order = append(order, "committed")
				return nil
			})
			require.True(t, took, "a query's read is deferred")
			go func() { time.Sleep(20 * time.Millisecond); order = append(order, "commit"); close(committed) }()
			_, _ = w.Write([]byte(`{"data":{"resident":{"name":"张三"}}}`))
		})
		require.Equal(t, []string{"commit", "committed"}, order, "the answer waited for the commit")
		require.Contains(t, rec.Body.String(), "张三")
	})

	t.Run("FailedAuditReplacesTheData", func(t *testing.T) {
		t.Parallel()
		rec := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
			domain.AnswerHoldFrom(r.Context()).Open()
			require.True(t, domain.DeferReadAudit(r.Context(), entry(domain.AuditRead), func(context.Context) error {
				return domain.Errorf(domain.CodeUnavailable, "the audit log cannot be written").WithReason("audit.unavailable")
			}))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"data":{"resident":{"name":"张三"}}}`))
		})
		require.NotContains(t, rec.Body.String(), "张三")
		var out struct {
			Data   json.RawMessage
			Errors []struct{ Extensions map[string]any }
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
		require.Len(t, out.Errors, 1)
		require.Equal(t, "UNAVAILABLE", out.Errors[0].Extensions["code"])
		require.Equal(t, "audit.unavailable", out.Errors[0].Extensions["reason"])
		require.True(t, len(out.Data) == 0 || string(out.Data) == "null")
	})

	t.Run("WaitsEvenWhenNothingIsWritten", func(t *testing.T) {
		t.Parallel()
		waited := false
		serve(t, false, func(_ http.ResponseWriter, r *http.Request) {
			domain.AnswerHoldFrom(r.Context()).Open()
			domain.DeferReadAudit(r.Context(), entry(domain.AuditRead), func(context.Context) error { waited = true; return nil })
		})
		require.True(t, waited)
	})

	t.Run("InPlace", func(t *testing.T) {
		t.Parallel()
		never := func(context.Context) error { return errors.New("never called") }
		serve(t, false, func(_ http.ResponseWriter, r *http.Request) {
			require.False(t, domain.DeferReadAudit(r.Context(), entry(domain.AuditRead), never), "not open: a mutation's read")
			domain.AnswerHoldFrom(r.Context()).Open()
			require.False(t, domain.DeferReadAudit(r.Context(), entry(domain.AuditDenied), never), "a refusal's entry")
		})
		serve(t, true, func(_ http.ResponseWriter, r *http.Request) {
			require.Nil(t, domain.AnswerHoldFrom(r.Context()), "a WebSocket has no answer to hold")
		})
		require.False(t, domain.DeferReadAudit(context.Background(), entry(domain.AuditRead), never), "outside HTTP")
	})

	t.Run("AfterReleaseInPlace", func(t *testing.T) {
		t.Parallel()
		ctx, h := domain.WithAnswerHold(context.Background())
		h.Open()
		require.NoError(t, h.Release(ctx))
		require.False(t, domain.DeferReadAudit(ctx, entry(domain.AuditRead), func(context.Context) error { return nil }),
			"a read after the answer began cannot be held by it")
	})
}
