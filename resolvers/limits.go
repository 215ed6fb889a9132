package resolvers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"sync"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Request size limits of /graphql.
const (
	// DefaultMaxBodySize bounds a JSON (or GET) request: far above any real
	// operation, far below what it takes to hurt the server.
	DefaultMaxBodySize = 1 << 20
	// DefaultMaxUploadSize bounds a multipart request (an archive upload):
	// the largest archive (ARCHIVE_MAX_SIZE's default) plus room for the
	// operation and the multipart framing.
	DefaultMaxUploadSize = 10<<20 + uploadSlack
	uploadSlack          = 1 << 20
)

// UploadLimit is the multipart cap for archives of at most maxArchive bytes.
func UploadLimit(maxArchive int64) int64 { return maxArchive + uploadSlack }

// totalCountCost is what one totalCount adds to an operation's complexity:
// an exact count scans every match (milliseconds to seconds), so a handful
// fit in the limit and hundreds of aliased counts do not.
const totalCountCost = 1000

// guardRequest refuses, before gqlgen reads anything, a /graphql request
// whose body is too large (413) or that is not a GraphQL request at all:
// a wrong content type or method, JSON that does not decode into a request
// object, GET variables that are not JSON (400). Each refusal carries code
// BAD_REQUEST, and is logged without the body: a malformed login still
// holds a password.
func guardRequest(maxBody, maxUpload int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodOptions:
		case http.MethodGet:
			if r.Header.Get("Upgrade") != "" { // WebSocket: the transport bounds its own reads
				break
			}
			q := r.URL.Query()
			for _, name := range []string{"variables", "extensions"} {
				if v := q.Get(name); v != "" && !isJSONObject([]byte(v)) {
					refuse(w, r, http.StatusBadRequest, "the "+name+" parameter is not a JSON object", "request.malformed")
					return
				}
			}
		case http.MethodPost:
			mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			switch mt {
			case "application/json":
				if r.ContentLength > maxBody {
					refuse(w, r, http.StatusRequestEntityTooLarge, "the request body exceeds "+byteSize(maxBody), "request.too_large")
					return
				}
				body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
				if err != nil {
					if errors.As(err, new(*http.MaxBytesError)) {
						refuse(w, r, http.StatusRequestEntityTooLarge, "the request body exceeds "+byteSize(maxBody), "request.too_large")
					} else {
						refuse(w, r, http.StatusBadRequest, "the request body could not be read", "request.unreadable")
					}
					return
				}
				if msg := checkGraphQLRequest(body); msg != "" {
					refuse(w, r, http.StatusBadRequest, msg, "request.malformed")
					return
				}
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			case "multipart/form-data":
				if r.ContentLength > maxUpload {
					refuse(w, r, http.StatusRequestEntityTooLarge, "the upload exceeds "+byteSize(maxUpload), "request.too_large")
					return
				}
				r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
			default:
				refuse(w, r, http.StatusBadRequest, "send GraphQL requests as application/json (uploads as multipart/form-data)", "request.content_type")
				return
			}
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			refuse(w, r, http.StatusMethodNotAllowed, "use POST (or GET for queries)", "request.method")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkGraphQLRequest returns why body is not a GraphQL-over-HTTP request
// object, or "". The message never quotes the body.
func checkGraphQLRequest(body []byte) string {
	var req struct {
		Query         *string         `json:"query"`
		OperationName *string         `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
		Extensions    json.RawMessage `json:"extensions"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return "the request body is not valid JSON (at byte " + strconv.FormatInt(syntax.Offset, 10) + ")"
		}
		return "the request body is not a GraphQL request object ({\"query\": …, \"variables\": {…}})"
	}
	for name, raw := range map[string]json.RawMessage{"variables": req.Variables, "extensions": req.Extensions} {
		if len(raw) > 0 && string(raw) != "null" && !isJSONObject(raw) {
			return name + " must be a JSON object"
		}
	}
	return ""
}

func isJSONObject(b []byte) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(b, &m) == nil
}

func byteSize(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// refuse logs a refused request (never its body) and answers it.
func refuse(w http.ResponseWriter, r *http.Request, status int, message, reason string) {
	slog.WarnContext(r.Context(), "graphql request refused", "status", status, "reason", reason,
		"contentType", truncate(r.Header.Get("Content-Type"), 100), "length", r.ContentLength, "remote", clientAddr(r))
	writeRequestError(w, status, message, reason)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// loginLimit refuses an operation that selects more than one sign-in field
// (aliases or fragments included): each must be its own request, so the
// login throttle sees every attempt.
type loginLimit struct{}

func (loginLimit) ExtensionName() string { return "LoginLimit" }

func (loginLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (loginLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return nil
	}
	n := countFields(oc.Operation.SelectionSet, oc.Doc.Fragments, 0, func(f *ast.Field) bool {
		return f.Name == "login" || f.Name == "clientLogin"
	})
	if n > 1 {
		return &gqlerror.Error{
			Message:    "sign in once per request (this operation signs in " + itoa(n) + " times)",
			Extensions: map[string]any{"code": codeBadRequest, "reason": "auth.login_batched"},
		}
	}
	return nil
}

// complexityLimit is gqlgen's fixed complexity limit with every totalCount
// costed at totalCountCost. (A per-field complexity function cannot do it:
// a connection multiplies its children by its page size, count included.)
type complexityLimit struct {
	max int
	es  graphql.ExecutableSchema
}

func (*complexityLimit) ExtensionName() string { return "ComplexityLimit" }

func (c *complexityLimit) Validate(es graphql.ExecutableSchema) error {
	c.es = es
	return nil
}

var ignoreTotalCount = complexity.WithIgnoreFields(map[string]struct{}{"ResidentConnection.totalCount": {}})

func (c *complexityLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Doc.Operations.ForName(oc.OperationName)
	if op == nil {
		return nil
	}
	cost := complexity.Calculate(ctx, c.es, op, oc.Variables, ignoreTotalCount)
	counts := countFields(op.SelectionSet, oc.Doc.Fragments, 0, func(f *ast.Field) bool { return f.Name == "totalCount" })
	if counts > 0 {
		cost += min(counts, 1<<20) * totalCountCost
	}
	if cost > c.max {
		return &gqlerror.Error{
			Message:    "operation has complexity " + itoa(cost) + ", which exceeds the limit of " + itoa(c.max) + " (each totalCount costs " + itoa(totalCountCost) + ")",
			Extensions: map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"},
		}
	}
	return nil
}

// introspectionGate refuses __schema and __type queries unless enabled
// (development mode), before they run; __typename stays allowed.
type introspectionGate struct{ enabled bool }

func (introspectionGate) ExtensionName() string { return "IntrospectionGate" }

func (introspectionGate) Validate(graphql.ExecutableSchema) error { return nil }

func (g introspectionGate) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if g.enabled {
		oc.DisableIntrospection = false
		return nil
	}
	if countFields(oc.Operation.SelectionSet, oc.Doc.Fragments, 0, func(f *ast.Field) bool {
		return f.Name == "__schema" || f.Name == "__type"
	}) > 0 {
		return &gqlerror.Error{
			Message:    "introspection is off in production mode; the schema is in graph/schema",
			Extensions: map[string]any{"code": "FORBIDDEN", "reason": "introspection.disabled"},
		}
	}
	return nil
}

// countFields counts the fields of set (through fragments) that match.
func countFields(set ast.SelectionSet, frags ast.FragmentDefinitionList, depth int, match func(*ast.Field) bool) int {
	if depth > 64 { // fragment cycles are rejected by validation; this is a guard
		return 0
	}
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if match(s) {
				n++
			}
			n += countFields(s.SelectionSet, frags, depth+1, match)
		case *ast.InlineFragment:
			n += countFields(s.SelectionSet, frags, depth+1, match)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				n += countFields(f.SelectionSet, frags, depth+1, match)
			}
		}
	}
	return n
}

// responseHeaders lets code running inside an operation (the error
// presenter) set HTTP response headers: gqlgen writes the response only
// after the operation ran, so headers set meanwhile are sent.
type responseHeaders struct {
	mu sync.Mutex
	h  http.Header
}

type responseHeadersKey struct{}

func withResponseHeaders(ctx context.Context, h http.Header) context.Context {
	return context.WithValue(ctx, responseHeadersKey{}, &responseHeaders{h: h})
}

// setResponseHeader sets a response header when the request came over HTTP
// (not over a WebSocket, where there is no response to set it on).
func setResponseHeader(ctx context.Context, key, value string) {
	if rh, ok := ctx.Value(responseHeadersKey{}).(*responseHeaders); ok && rh != nil {
		rh.mu.Lock()
		rh.h.Set(key, value)
		rh.mu.Unlock()
	}
}
