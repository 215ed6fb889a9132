package resolvers

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"hukou/domain"
)

// holdAnswers gives each HTTP request to /graphql a domain.AnswerHold: a
// query's read audits commit while it runs on, and its answer is written
// only once they have, or replaced by an UNAVAILABLE error when one could
// not be (#20; the rule of DESIGN.md "a read is answered only after its
// audit row is committed" stands). WebSocket upgrades get none: a
// subscription's frames have no single answer to hold, so its reads wait
// for their commits in place.
func holdAnswers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		ctx, hold := domain.WithAnswerHold(r.Context())
		hw := &heldWriter{ResponseWriter: w, ctx: ctx, hold: hold}
		next.ServeHTTP(hw, r.WithContext(ctx))
		hw.release() // nothing written (a handler that answered nothing): still wait
	})
}

// openAnswerHold is the operation interceptor that lets a query's reads
// defer their audit commits; mutations and subscriptions keep waiting in
// place.
func openAnswerHold(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Query {
		if h := domain.AnswerHoldFrom(ctx); h != nil {
			h.Open()
		}
	}
	return next(ctx)
}

// heldWriter releases the hold before the first byte of the answer and,
// when an audit entry failed, answers the error instead of the data.
type heldWriter struct {
	http.ResponseWriter
	ctx      context.Context
	hold     *domain.AnswerHold
	released bool
	failed   bool
}

// release waits for the deferred audits once; after a failure it writes
// the refusal and swallows what the handler writes.
func (w *heldWriter) release() bool {
	if w.released {
		return !w.failed
	}
	w.released = true
	if err := w.hold.Release(w.ctx); err != nil {
		w.failed = true
		body, _ := json.Marshal(graphql.Response{Errors: gqlerror.List{presentError(w.ctx, err)}})
		h := w.ResponseWriter.Header()
		h.Del("Content-Length")
		h.Set("Content-Type", "application/json") // as gqlgen answers a field's error
		w.ResponseWriter.WriteHeader(http.StatusOK)
		_, _ = w.ResponseWriter.Write(body)
	}
	return !w.failed
}

func (w *heldWriter) WriteHeader(code int) {
	if w.release() {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *heldWriter) Write(p []byte) (int, error) {
	if w.release() {
		return w.ResponseWriter.Write(p)
	}
	return len(p), nil
}

// Flush implements http.Flusher for handlers that stream.
func (w *heldWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok && w.release() {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *heldWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
