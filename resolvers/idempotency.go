package resolvers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sort"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"hukou/domain"
)

// IdempotencyKeyHeader carries a mutation's idempotency key (issue 18
// item 6). The key may also be sent as the request extension
// "idempotencyKey" (for clients that cannot set headers, and over a
// WebSocket).
const IdempotencyKeyHeader = "Idempotency-Key"

// replayedHeader marks an answer sent again from the idempotency store.
const replayedHeader = "Idempotent-Replayed"

type idempotencyKeyCtx struct{}

// withIdempotencyKey puts the request's Idempotency-Key header into ctx.
func withIdempotencyKey(ctx context.Context, r *http.Request) context.Context {
	if k := r.Header.Get(IdempotencyKeyHeader); k != "" {
		return context.WithValue(ctx, idempotencyKeyCtx{}, k)
	}
	return ctx
}

// idempotency makes every mutation idempotent under the caller's key, once,
// for the whole schema: the first request with a key runs and its answer is
// stored with the hash of the request (operation text, name, variables and
// the bytes of uploaded files); a retry of the same request gets the stored
// answer (header Idempotent-Replayed: true, extensions.idempotentReplay)
// without running again; the same key with another request is CONFLICT
// (reason idempotency.mismatch), and while the first still runs CONFLICT
// (idempotency.in_progress). An answer whose error a retry may not meet
// (UNAVAILABLE, TOO_MANY_REQUESTS, INTERNAL) is not stored, so the retry
// runs. Queries, subscriptions and anonymous calls (sign-in) ignore keys.
type idempotency struct{ svc *domain.IdempotencyService }

func (idempotency) ExtensionName() string { return "Idempotency" }

func (idempotency) Validate(graphql.ExecutableSchema) error { return nil }

func (m idempotency) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	key, _ := ctx.Value(idempotencyKeyCtx{}).(string)
	if ext, ok := oc.Extensions["idempotencyKey"].(string); ok && key == "" {
		key = ext
	}
	if m.svc == nil || key == "" || oc.Operation == nil || oc.Operation.Operation != ast.Mutation || domain.ActorFromContext(ctx) == nil {
		return next(ctx)
	}
	hash, err := requestHash(oc)
	if err != nil {
		return respondError(ctx, err)
	}
	call, err := m.svc.Begin(ctx, key, hash)
	if err != nil {
		return respondError(ctx, err)
	}
	if call.Replay != nil {
		var resp graphql.Response
		if err := json.Unmarshal(call.Replay, &resp); err != nil {
			return respondError(ctx, err)
		}
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["idempotentReplay"] = true
		setResponseHeader(ctx, replayedHeader, "true")
		return once(&resp)
	}
	// The call rides in the context down to the mutation's transactions,
	// which mark the key committed as they commit (domain.MarkIdempotentCommit).
	h := next(domain.WithIdempotentCall(ctx, call))
	return func(ctx context.Context) *graphql.Response {
		resp := h(domain.WithIdempotentCall(ctx, call))
		if resp == nil {
			return nil
		}
		store := context.WithoutCancel(ctx) // the mutation committed: record it even if the client left
		raw, err := json.Marshal(resp)
		if retryable(resp.Errors) {
			if err == nil {
				err = call.Abandon(store, raw)
			}
			if err != nil {
				slog.WarnContext(ctx, "idempotency: release key", "err", err)
			}
			return resp
		}
		if err == nil {
			err = call.Finish(store, raw)
		}
		if err != nil {
			slog.ErrorContext(ctx, "idempotency: store answer", "err", err)
		}
		return resp
	}
}

// retryable reports whether errs hold an error a retry may not meet.
func retryable(errs gqlerror.List) bool {
	for _, e := range errs {
		switch e.Extensions["code"] {
		case "UNAVAILABLE", "TOO_MANY_REQUESTS", "INTERNAL", "INTERNAL_SERVER_ERROR":
			return true
		}
	}
	return false
}

func once(resp *graphql.Response) graphql.ResponseHandler {
	done := false
	return func(context.Context) *graphql.Response {
		if done {
			return nil
		}
		done = true
		return resp
	}
}

func respondError(ctx context.Context, err error) graphql.ResponseHandler {
	return once(&graphql.Response{Errors: gqlerror.List{presentError(ctx, err)}})
}

// requestHash is the SHA-256 of what makes a request the same request: the
// operation's text and name and its variables in canonical JSON, each
// uploaded file by its name, size and content hash.
func requestHash(oc *graphql.OperationContext) (string, error) {
	h := sha256.New()
	h.Write([]byte(oc.OperationName))
	h.Write([]byte{0})
	h.Write([]byte(oc.RawQuery))
	h.Write([]byte{0})
	vars, err := canonicalValue(oc.Variables)
	if err != nil {
		return "", err
	}
	raw, err := json.Marshal(vars) // maps marshal with sorted keys
	if err != nil {
		return "", err
	}
	h.Write(raw)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// canonicalValue replaces uploads by their name, size and content hash
// (rewinding each so the resolver still reads it) in a copy of v.
func canonicalValue(v any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make(map[string]any, len(x))
		for _, k := range keys {
			c, err := canonicalValue(x[k])
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i := range x {
			c, err := canonicalValue(x[i])
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case graphql.Upload:
		return uploadDigest(x)
	case *graphql.Upload:
		if x == nil {
			return nil, nil
		}
		return uploadDigest(*x)
	default:
		return v, nil
	}
}

func uploadDigest(u graphql.Upload) (any, error) {
	sum := sha256.New()
	if u.File != nil {
		if _, err := io.Copy(sum, u.File); err != nil {
			return nil, domain.FieldErrorf("file", "the file could not be read; send it again").WithReason("archive.read")
		}
		if _, err := u.File.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
	}
	return map[string]any{"filename": u.Filename, "size": u.Size, "sha256": hex.EncodeToString(sum.Sum(nil))}, nil
}
