package resolvers

import (
	"context"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"hukou/domain"
	"hukou/graph"
	"hukou/graph/model"
)

// Limits bounds what one query may ask for.
type Limits struct {
	MaxDepth      int // nesting of selection sets
	MaxComplexity int // gqlgen's complexity (a list counts its page size)
}

// DefaultLimits suit the SPA's screens with room to spare.
var DefaultLimits = Limits{MaxDepth: 10, MaxComplexity: 5000}

// Config is what NewHandler needs.
type Config struct {
	Resolver *Resolver
	Tokens   *Tokens
	Limits   Limits
	Now      func() time.Time
	// WebSocketOrigins lists origin patterns allowed to open subscriptions
	// (for a dev server on another port); same-origin is always allowed.
	WebSocketOrigins []string
	// Introspection allows __schema and __type queries: development mode
	// only (production refuses them with FORBIDDEN).
	Introspection bool
	// MaxBodySize bounds a JSON request body (default DefaultMaxBodySize);
	// MaxUploadSize a multipart one (default DefaultMaxUploadSize; see
	// UploadLimit).
	MaxBodySize, MaxUploadSize int64
	// Cookies configures the refresh cookie that login sets for browsers
	// asking for one (session.go).
	Cookies CookieConfig
}

// NewHandler returns the /graphql endpoint: queries and mutations over
// POST and GET, subscriptions over graphql-transport-ws, with auth, per
// request loaders, limits, the error presenter and panic recovery.
func NewHandler(cfg Config) http.Handler {
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBodySize <= 0 {
		cfg.MaxBodySize = DefaultMaxBodySize
	}
	if cfg.MaxUploadSize <= 0 {
		cfg.MaxUploadSize = DefaultMaxUploadSize
	}
	gcfg := graph.Config{Resolvers: cfg.Resolver}
	gcfg.Directives.Auth = authDirective
	gcfg.Directives.Pii = piiDirective
	complexityByPageSize(&gcfg.Complexity)
	srv := handler.New(graph.NewExecutableSchema(gcfg))
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 10 * time.Second,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			return authenticate(ctx, p.Authorization(), remoteAddrFrom(ctx), cfg.Tokens, cfg.Resolver.Auth, cfg.Now), nil, nil
		},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: cfg.MaxUploadSize, MaxMemory: 8 << 20})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(introspectionGate{enabled: cfg.Introspection})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(loginLimit{})
	srv.Use(integratorGate{svc: cfg.Resolver.Integrators})
	// Depth first: it is the cheaper check, and a deeply nested query should
	// be told it is too deep rather than too complex (gqlgen stops at the
	// first refusing mutator).
	srv.Use(depthLimit(cfg.Limits.MaxDepth))
	srv.Use(&complexityLimit{max: cfg.Limits.MaxComplexity})
	srv.Use(operationMetrics{})
	srv.Use(idempotency{svc: cfg.Resolver.Idempotency})
	srv.AroundOperations(openAnswerHold)
	srv.SetErrorPresenter(presentError)
	srv.SetRecoverFunc(recoverPanic)

	var h http.Handler = srv
	h = withLoaders(cfg.Resolver.Register, h)
	h = holdAnswers(h)
	return guardRequest(cfg.MaxBodySize, cfg.MaxUploadSize, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := clientAddr(r)
		ctx := context.WithValue(r.Context(), remoteAddrKey{}, addr)
		ctx = withResponseHeaders(ctx, w.Header())
		ctx = withIdempotencyKey(ctx, r)
		ctx = withCookieRequest(ctx, cfg.Cookies, r)
		ctx = context.WithValue(ctx, tokensKey{}, cfg.Tokens)
		ctx = authenticate(ctx, r.Header.Get("Authorization"), addr, cfg.Tokens, cfg.Resolver.Auth, cfg.Now)
		h.ServeHTTP(w, r.WithContext(ctx))
	}))
}

// complexityByPageSize makes a connection cost its page size times its children.
func complexityByPageSize(c *graph.ComplexityRoot) {
	c.Query.Residents = func(child int, _ *domain.ResidentFilter, first *int, _ *string) int {
		n := 50
		if first != nil {
			n = *first
		}
		return n * child
	}
	c.Query.AuditLog = func(child int, _ *domain.AuditFilter, first *int, _ *string) int {
		n := 50
		if first != nil {
			n = *first
		}
		return n * child
	}
	c.Household.Members = func(child int) int { return 10 * child }
	c.Query.RunQuery = func(child int, _ model.QueryInput, first *int, _ *string) int {
		n := 50
		if first != nil {
			n = *first
		}
		return n * child
	}
	c.Query.QueryCount = func(int, string, *domain.QueryCondition) int { return totalCountCost }
}

// depthLimit refuses operations nested deeper than max before they run.
type depthLimit int

func (depthLimit) ExtensionName() string { return "DepthLimit" }

func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, oc.Doc.Fragments, 0); depth > int(d) {
		return &gqlerror.Error{
			Message:    "the query is nested too deeply (depth " + itoa(depth) + ", at most " + itoa(int(d)) + "); ask for fewer levels",
			Extensions: map[string]any{"code": "BAD_USER_INPUT", "reason": "query.depth"},
		}
	}
	return nil
}

func selectionDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, seen int) int {
	if seen > 64 { // fragment cycles are rejected by validation; this is a guard
		return seen
	}
	maxDepth := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				// Introspection is as deep as GraphiQL's query (15) and bounded
				// by the schema; introspectionGate allows it only in --dev.
				continue
			}
			if len(s.SelectionSet) == 0 {
				d = 1
			} else {
				d = 1 + selectionDepth(s.SelectionSet, frags, seen+1)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, frags, seen+1)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				d = selectionDepth(f.SelectionSet, frags, seen+1)
			}
		}
		maxDepth = max(maxDepth, d)
	}
	return maxDepth
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}
