package resolvers

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vikstrous/dataloadgen"

	"hukou/domain"
)

// gqlCode is the one mapping of domain error codes to GraphQL extensions.code.
var gqlCode = map[domain.Code]string{
	domain.CodeInvalid:           "BAD_USER_INPUT",
	domain.CodeUnauthenticated:   "UNAUTHENTICATED",
	domain.CodeForbidden:         "FORBIDDEN",
	domain.CodeNotFound:          "NOT_FOUND",
	domain.CodeConflict:          "CONFLICT",
	domain.CodeInvalidTransition: "CONFLICT",
	domain.CodeUnavailable:       "UNAVAILABLE",
	domain.CodeTooManyRequests:   "TOO_MANY_REQUESTS",
	domain.CodeInternal:          "INTERNAL",
}

// codeBadRequest is the code of a request refused before it became a
// GraphQL operation (too large, not JSON, wrong content type) and of an
// operation the server refuses to run as sent (several sign-ins).
const codeBadRequest = "BAD_REQUEST"

// writeRequestError answers a request refused before GraphQL execution with
// the same error shape an operation error has.
func writeRequestError(w http.ResponseWriter, status int, message, reason string) {
	body, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{
		"message": message, "extensions": map[string]any{"code": codeBadRequest, "reason": reason}}}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusRequestEntityTooLarge {
		w.Header().Set("Connection", "close") // do not read the rest of a huge body
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// presentError turns any resolver error into a GraphQL error with a code a
// client can switch on and a message a clerk can act on. Internal errors are
// logged with their path and never leak.
func presentError(ctx context.Context, err error) *gqlerror.Error {
	out := graphql.DefaultErrorPresenter(ctx, err)
	var de *domain.Error
	var ge *gqlerror.Error
	switch {
	case errors.As(err, &de):
		ext := map[string]any{"code": gqlCode[de.Code]}
		if de.Field != "" {
			ext["field"] = de.Field
		}
		if de.Reason != "" {
			ext["reason"] = de.Reason
		}
		if de.RetryAfter > 0 {
			secs := int((de.RetryAfter + time.Second - 1) / time.Second)
			ext["retryAfter"] = secs
			setResponseHeader(ctx, "Retry-After", strconv.Itoa(secs))
		}
		out.Message, out.Extensions = de.Message, ext
		if de.Code == domain.CodeInternal {
			slog.ErrorContext(ctx, "graphql", "path", out.Path.String(), "err", err)
		}
	case errors.Is(err, dataloadgen.ErrNotFound):
		out.Message, out.Extensions = "The related record was not found or is outside your jurisdiction.", map[string]any{"code": "NOT_FOUND"}
	case errors.As(err, &ge) && ge.Extensions != nil && ge.Extensions["code"] != nil:
		// gqlgen's own validation and parse errors already carry a code.
	case errors.As(err, &ge) && isInputError(ge):
		out.Extensions = map[string]any{"code": "BAD_USER_INPUT"}
	default:
		slog.ErrorContext(ctx, "graphql", "path", out.Path.String(), "err", err)
		out.Message, out.Extensions = "Internal error.", map[string]any{"code": "INTERNAL"}
	}
	return out
}

// isInputError reports gqlgen's argument-coercion errors (a bad scalar value).
func isInputError(e *gqlerror.Error) bool { return e.Rule == "" && len(e.Path) > 0 }

// recoverPanic logs a panic with its stack and returns an internal error:
// a bug in one resolver never takes the server down or shows a 500.
func recoverPanic(ctx context.Context, p any) error {
	slog.ErrorContext(ctx, "graphql panic", "panic", p, "path", graphql.GetPath(ctx).String())
	return domain.Errorf(domain.CodeInternal, "Internal error.")
}
