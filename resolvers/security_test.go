package resolvers_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/resolvers"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// The tests in this file replay the attacks of issue 10 (limits and surface)
// against the real handler over both databases, and require each refused.

// rawResponse is a /graphql answer with its status and headers.
type rawResponse struct {
	Status int
	Header http.Header
	Body   []byte
	gqlResponse
}

// rawPost sends body as it is to baseURL/graphql with contentType, through
// client (nil: http.DefaultClient); length -1 sends it chunked.
func rawPost(t *testing.T, client *http.Client, baseURL, contentType string, body io.Reader, length int64, bearer string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, baseURL+"/graphql", body)
	require.NoError(t, err)
	req.ContentLength = length
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out := rawResponse{Status: resp.StatusCode, Header: resp.Header}
	out.Body, err = io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(out.Body, &out.gqlResponse), "body: %.300s", out.Body)
	out.gqlResponse.Status = resp.StatusCode
	require.Less(t, out.Status, 500, "the server must never answer 5xx: %.300s", out.Body)
	return out
}

// postJSON sends query and vars as JSON.
func postJSON(t *testing.T, client *http.Client, baseURL, bearer, query string, vars map[string]any) rawResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	return rawPost(t, client, baseURL, "application/json", bytes.NewReader(body), int64(len(body)), bearer)
}

// repeatReader yields n bytes: prefix, then filler, then suffix, without
// holding them in memory.
type repeatReader struct {
	prefix, suffix []byte
	filler         byte
	n, off         int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	i := 0
	for ; i < len(p) && r.off < r.n; i, r.off = i+1, r.off+1 {
		switch {
		case r.off < int64(len(r.prefix)):
			p[i] = r.prefix[r.off]
		case r.off >= r.n-int64(len(r.suffix)):
			p[i] = r.suffix[r.off-(r.n-int64(len(r.suffix)))]
		default:
			p[i] = r.filler
		}
	}
	return i, nil
}

// hugeLogin is a login request of n bytes whose password is mostly "x".
func hugeLogin(n int64) *repeatReader {
	return &repeatReader{prefix: []byte(`{"query":"mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }","variables":{"u":"clerk","p":"`),
		suffix: []byte(`"}}`), filler: 'x', n: n}
}

// clientFrom returns an HTTP client whose connections come from the
// loopback address ip (Linux routes all of 127.0.0.0/8 to lo), so a test can
// play a second client address.
func clientFrom(t *testing.T, ip string) *http.Client {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	conn, err := d.Dial("tcp", "127.0.0.1:1")
	if err != nil && strings.Contains(err.Error(), "assign requested address") {
		t.Skipf("cannot bind %s on this machine: %v", ip, err)
	}
	if conn != nil {
		conn.Close()
	}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// logCapture tees the default logger into a buffer for the test's lifetime.
type logCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *logCapture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(p)
}

func (c *logCapture) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

type teeHandler struct{ a, b slog.Handler }

func (h teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.a.Enabled(ctx, l) || h.b.Enabled(ctx, l)
}

func (h teeHandler) Handle(ctx context.Context, r slog.Record) error {
	_ = h.a.Handle(ctx, r.Clone())
	return h.b.Handle(ctx, r)
}

func (h teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return teeHandler{h.a.WithAttrs(as), h.b.WithAttrs(as)}
}

func (h teeHandler) WithGroup(name string) slog.Handler {
	return teeHandler{h.a.WithGroup(name), h.b.WithGroup(name)}
}

var captureOnce sync.Once
var captured = &logCapture{}

// captureLogs makes every later log line also land in captured.
func captureLogs() *logCapture {
	captureOnce.Do(func() {
		// Not the previous default handler: slog's built-in one writes through
		// package log, which SetDefault points back at slog (a deadlock).
		stderr := slog.NewTextHandler(os.Stderr, nil)
		slog.SetDefault(slog.New(teeHandler{stderr, slog.NewTextHandler(captured, &slog.HandlerOptions{Level: slog.LevelDebug})}))
	})
	return captured
}

func requireBadRequest(t *testing.T, r rawResponse, status int, reason string) {
	t.Helper()
	require.Equal(t, status, r.Status, "body: %.300s", r.Body)
	require.Len(t, r.Errors, 1, "body: %.300s", r.Body)
	require.Equal(t, "BAD_REQUEST", r.Errors[0].Extensions["code"])
	require.Equal(t, reason, r.Errors[0].Extensions["reason"])
	require.NotEmpty(t, r.Errors[0].Message)
	require.Less(t, len(r.Body), 1000, "the answer never echoes the request")
}

func TestSecurity_Limits(t *testing.T) {
	t.Parallel()
	logs := captureLogs()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		ctx := context.Background()

		t.Run("LoginBody50MB", func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			// Announced, refused before it is read; then sent chunked, cut at the cap.
			requireBadRequest(t, rawPost(t, nil, b.srv.URL, "application/json", hugeLogin(50<<20), 50<<20, ""), http.StatusRequestEntityTooLarge, "request.too_large")
			requireBadRequest(t, rawPost(t, nil, b.srv.URL, "application/json", hugeLogin(50<<20), -1, ""), http.StatusRequestEntityTooLarge, "request.too_large")
			require.Less(t, time.Since(start), 10*time.Second)
		})
		t.Run("Query7_5MB", func(t *testing.T) {
			t.Parallel()
			q := "{ " + strings.Repeat("__typename ", 7_500_000/11) + "}"
			body, err := json.Marshal(map[string]any{"query": q})
			require.NoError(t, err)
			require.Greater(t, len(body), 7_000_000)
			start := time.Now()
			r := rawPost(t, nil, b.srv.URL, "application/json", bytes.NewReader(body), int64(len(body)), "")
			requireBadRequest(t, r, http.StatusRequestEntityTooLarge, "request.too_large")
			require.Less(t, time.Since(start), 5*time.Second, "refused before parsing")
		})
		t.Run("UploadOverCap", func(t *testing.T) {
			t.Parallel()
			n := int64(resolvers.DefaultMaxUploadSize) + 1
			body := &repeatReader{prefix: []byte("--x\r\n"), filler: 'x', n: n}
			r := rawPost(t, nil, b.srv.URL, "multipart/form-data; boundary=x", body, n, b.token(t, b.clerk))
			requireBadRequest(t, r, http.StatusRequestEntityTooLarge, "request.too_large")
		})
		t.Run("Username1MB", func(t *testing.T) {
			t.Parallel()
			// A whole megabyte does not fit in the body cap at all.
			huge := strings.Repeat("a", 1<<20)
			requireBadRequest(t, postJSON(t, nil, b.srv.URL, "", loginMutation, map[string]any{"u": huge, "p": "x"}), http.StatusRequestEntityTooLarge, "request.too_large")
			// Just under the cap: refused as input, and audited cut to 64 bytes.
			name := "long-" + strings.Repeat("用", 300_000) // 900 kB
			r := postJSON(t, nil, b.srv.URL, "", loginMutation, map[string]any{"u": name, "p": "x"})
			requireError(t, r.gqlResponse, "BAD_USER_INPUT", "username", "auth.input_too_long")
			var longest int
			require.NoError(t, db.Bun().NewRaw("SELECT coalesce(max(length(actor_name)), 0) FROM audit_log").Scan(ctx, &longest))
			require.LessOrEqual(t, longest, 64)
			var entries int
			require.NoError(t, db.Bun().NewRaw("SELECT count(*) FROM audit_log WHERE actor_name LIKE 'long-%' AND detail LIKE 'refused%'").Scan(ctx, &entries))
			require.Equal(t, 1, entries, "the refusal is audited, with the name cut")
			// A 1 MB password is refused the same way.
			r = postJSON(t, nil, b.srv.URL, "", loginMutation, map[string]any{"u": "clerk", "p": strings.Repeat("p", 900_000)})
			requireError(t, r.gqlResponse, "BAD_USER_INPUT", "password", "auth.input_too_long")
		})
		t.Run("ThirtyWrongPasswordsThenRight", func(t *testing.T) {
			t.Parallel()
			victim := b.createUser(t, "victim", b.station, domain.RoleClerk)
			for i := range 30 {
				r := postJSON(t, nil, b.srv.URL, "", loginMutation, map[string]any{"u": "victim", "p": fmt.Sprintf("guess %d", i)})
				if i < domain.DefaultLoginThrottle.PerUser {
					requireError(t, r.gqlResponse, "UNAUTHENTICATED", "", "auth.bad_credentials")
					continue
				}
				e := requireError(t, r.gqlResponse, "TOO_MANY_REQUESTS", "", "auth.throttled")
				retry, ok := e.Extensions["retryAfter"].(float64)
				require.True(t, ok, "extensions: %v", e.Extensions)
				require.Greater(t, retry, 0.0)
				require.LessOrEqual(t, retry, domain.DefaultLoginThrottle.Window.Seconds())
				require.Equal(t, strconv.Itoa(int(retry)), r.Header.Get("Retry-After"))
			}
			r := postJSON(t, nil, b.srv.URL, "", loginMutation, map[string]any{"u": "victim", "p": testPassword})
			requireError(t, r.gqlResponse, "TOO_MANY_REQUESTS", "", "auth.throttled")
			require.Empty(t, b.auditEntries(t, domain.AuditFilter{Action: domain.AuditLogin, SubjectID: victim.ID}), "no session was opened")
			// Other users are not affected.
			require.Equal(t, "officer", b.me(t, b.login(t, "officer").AccessToken))
		})
		t.Run("SuccessResetsTheCount", func(t *testing.T) {
			t.Parallel()
			b.createUser(t, "forgetful", b.station, domain.RoleClerk)
			for range 3 {
				for i := range domain.DefaultLoginThrottle.PerUser - 1 {
					r := postJSON(t, nil, b.srv.URL, "", loginMutation, map[string]any{"u": "forgetful", "p": fmt.Sprintf("typo %d", i)})
					requireError(t, r.gqlResponse, "UNAUTHENTICATED", "", "auth.bad_credentials")
				}
				b.login(t, "forgetful")
			}
		})
		t.Run("ThrottledPerAddress", func(t *testing.T) {
			t.Parallel()
			// A second client address sprays different usernames; once it has
			// used up its failures it is refused even for a real user's right
			// password, while 127.0.0.1 still signs in.
			sprayer := clientFrom(t, "127.0.0.2")
			for i := range domain.DefaultLoginThrottle.PerAddress {
				r := postJSON(t, sprayer, b.srv.URL, "", loginMutation, map[string]any{"u": fmt.Sprintf("nobody-%d", i), "p": "password"})
				requireError(t, r.gqlResponse, "UNAUTHENTICATED", "", "auth.bad_credentials")
			}
			r := postJSON(t, sprayer, b.srv.URL, "", loginMutation, map[string]any{"u": "admin", "p": testPassword})
			requireError(t, r.gqlResponse, "TOO_MANY_REQUESTS", "", "auth.throttled")
			require.NotEmpty(t, r.Header.Get("Retry-After"))
			require.Equal(t, "admin", b.me(t, b.login(t, "admin").AccessToken))
		})
		t.Run("TwentyAliasedLogins", func(t *testing.T) {
			t.Parallel()
			var sel strings.Builder
			for i := range 20 {
				fmt.Fprintf(&sel, "a%d: login(input: {username: \"analyst\", password: \"guess %d\"}) { accessToken }\n", i, i)
			}
			for _, q := range []string{
				"mutation {\n" + sel.String() + "}",
				// The same through a fragment, and clientLogin beside login.
				`mutation { ...twice } fragment twice on Mutation { a: login(input: {username: "analyst", password: "1"}) { accessToken } b: clientLogin(input: {clientId: "portal", clientSecret: "2"}) { accessToken } }`,
			} {
				r := postJSON(t, nil, b.srv.URL, "", q, nil)
				require.Len(t, r.Errors, 1, "body: %.300s", r.Body)
				require.Equal(t, "BAD_REQUEST", r.Errors[0].Extensions["code"])
				require.Equal(t, "auth.login_batched", r.Errors[0].Extensions["reason"])
			}
			var attempts int
			require.NoError(t, db.Bun().NewRaw("SELECT count(*) FROM audit_log WHERE action = 'LOGIN' AND actor_name IN ('analyst', 'portal')").Scan(ctx, &attempts))
			require.Zero(t, attempts, "nothing ran")
		})
		t.Run("ThreeHundredAliasedTotalCounts", func(t *testing.T) {
			t.Parallel()
			var sel strings.Builder
			for i := range 300 {
				fmt.Fprintf(&sel, "c%d: residents(first: 1) { totalCount }\n", i)
			}
			start := time.Now()
			r := postJSON(t, nil, b.srv.URL, b.token(t, b.admin), "{\n"+sel.String()+"}", nil)
			require.Less(t, time.Since(start), 2*time.Second, "refused before running")
			require.Len(t, r.Errors, 1, "body: %.300s", r.Body)
			require.Equal(t, "COMPLEXITY_LIMIT_EXCEEDED", r.Errors[0].Extensions["code"])
			require.Contains(t, r.Errors[0].Message, "totalCount")
			require.Equal(t, "null", strings.TrimSpace(string(r.Data)))
			// One count with a page is still fine.
			var out struct{ Residents struct{ TotalCount int } }
			b.do(t, b.token(t, b.admin), `{ residents(first: 50) { totalCount edges { node { id name } } } }`, nil).ok(t, &out)
			require.Positive(t, out.Residents.TotalCount)
		})
		t.Run("AccessTokenAfterLogout", func(t *testing.T) {
			t.Parallel()
			b.createUser(t, "leaver", b.station, domain.RoleClerk)
			s := b.login(t, "leaver")
			other := b.login(t, "leaver") // the same user on another device
			require.Equal(t, "leaver", b.me(t, s.AccessToken))
			var out struct{ Logout bool }
			b.do(t, "", `mutation($t: String!) { logout(refreshToken: $t) }`, map[string]any{"t": s.RefreshToken}).ok(t, &out)
			require.True(t, out.Logout)
			requireError(t, b.do(t, s.AccessToken, meQuery, nil), "UNAUTHENTICATED", "", "auth.token_revoked")
			// The other device's access token is revoked too, but its refresh
			// token still opens a new session.
			requireError(t, b.do(t, other.AccessToken, meQuery, nil), "UNAUTHENTICATED", "", "auth.token_revoked")
			var refreshed struct{ RefreshToken struct{ AccessToken string } }
			b.do(t, "", refreshMutation, map[string]any{"t": other.RefreshToken}).ok(t, &refreshed)
			require.Equal(t, "leaver", b.me(t, refreshed.RefreshToken.AccessToken))
		})
		t.Run("AccessTokenAfterRefreshTokenReuse", func(t *testing.T) {
			t.Parallel()
			b.createUser(t, "robbed", b.station, domain.RoleClerk)
			s := b.login(t, "robbed")
			var rotated struct {
				RefreshToken struct{ AccessToken, RefreshToken string }
			}
			b.do(t, "", refreshMutation, map[string]any{"t": s.RefreshToken}).ok(t, &rotated)
			require.Equal(t, "robbed", b.me(t, rotated.RefreshToken.AccessToken))
			// The thief replays the spent refresh token: every session dies, access tokens included.
			requireError(t, b.do(t, "", refreshMutation, map[string]any{"t": s.RefreshToken}), "UNAUTHENTICATED", "", "auth.refresh_invalid")
			requireError(t, b.do(t, rotated.RefreshToken.AccessToken, meQuery, nil), "UNAUTHENTICATED", "", "auth.token_revoked")
			requireError(t, b.do(t, "", refreshMutation, map[string]any{"t": rotated.RefreshToken.RefreshToken}), "UNAUTHENTICATED", "", "auth.refresh_invalid")
		})
		t.Run("MalformedRequests", func(t *testing.T) {
			t.Parallel()
			const secret = "s3cret-Password-in-a-broken-body"
			broken := `{"query": "mutation { login(input: {username: \"clerk\", password: \"` + secret + `\"}) { accessToken } }", "variables": {`
			for _, tc := range []struct {
				name, contentType, body, reason string
			}{
				{"TruncatedJSON", "application/json", broken, "request.malformed"},
				{"NotAnObject", "application/json", `["` + secret + `"]`, "request.malformed"},
				{"QueryNotAString", "application/json", `{"query": 5, "variables": {"p": "` + secret + `"}}`, "request.malformed"},
				{"VariablesNotAnObject", "application/json", `{"query": "{ __typename }", "variables": "` + secret + `"}`, "request.malformed"},
				{"WrongContentType", "text/plain", `{"query": "mutation { login(input: {username: \"clerk\", password: \"` + secret + `\"}) { accessToken } }"}`, "request.content_type"},
				{"NoContentType", "", `{"query": "{ __typename }"}`, "request.content_type"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := rawPost(t, nil, b.srv.URL, tc.contentType, strings.NewReader(tc.body), int64(len(tc.body)), "")
					requireBadRequest(t, r, http.StatusBadRequest, tc.reason)
					require.NotContains(t, string(r.Body), secret)
				})
			}
			resp, err := http.Get(b.srv.URL + "/graphql?query=%7B__typename%7D&variables=%7Bnot-json")
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, http.StatusBadRequest, resp.StatusCode)
			var out gqlResponse
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
			require.Equal(t, "BAD_REQUEST", out.Errors[0].Extensions["code"])
			require.NotContains(t, logs.String(), secret, "a malformed body was logged")
			require.Contains(t, logs.String(), "request.malformed", "the refusal itself is logged")
		})
		t.Run("IntrospectionOffInProduction", func(t *testing.T) {
			t.Parallel()
			for _, q := range []string{`{ __schema { types { name } } }`, `{ __type(name: "Resident") { fields { name } } }`,
				`query { ...f } fragment f on Query { __schema { queryType { name } } }`} {
				r := b.do(t, b.token(t, b.admin), q, nil)
				requireError(t, r, "FORBIDDEN", "", "introspection.disabled")
			}
			// __typename is no introspection: clients add it everywhere.
			var out struct {
				Typename string `json:"__typename"`
			}
			b.do(t, "", `{ __typename }`, nil).ok(t, &out)
			require.Equal(t, "Query", out.Typename)
			// With --dev it answers.
			dev := httptest.NewServer(resolvers.NewHandler(resolvers.Config{Resolver: b.res, Tokens: b.tokens, Introspection: true}))
			t.Cleanup(dev.Close)
			var schema struct {
				Schema struct{ QueryType struct{ Name string } } `json:"__schema"`
			}
			post(t, dev.URL, "", true, `{ __schema { queryType { name } } }`, nil).ok(t, &schema)
			require.Equal(t, "Query", schema.Schema.QueryType.Name)
		})
		t.Run("SecurityHeaders", func(t *testing.T) {
			t.Parallel()
			for _, path := range []string{"/graphql?query=%7B__typename%7D", "/"} {
				resp, err := http.Get(b.srv.URL + path)
				require.NoError(t, err)
				resp.Body.Close()
				h := resp.Header
				require.Equal(t, resolvers.ContentSecurityPolicy, h.Get("Content-Security-Policy"), path)
				require.Contains(t, h.Get("Content-Security-Policy"), "frame-ancestors 'none'")
				require.Contains(t, h.Get("Content-Security-Policy"), "style-src 'self' 'unsafe-inline'", "Ant Design needs inline styles")
				require.NotContains(t, h.Get("Content-Security-Policy"), "script-src 'self' 'unsafe-inline'")
				require.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), path)
				require.Equal(t, "no-referrer", h.Get("Referrer-Policy"), path)
				require.Equal(t, "DENY", h.Get("X-Frame-Options"), path)
				require.NotEmpty(t, h.Get("Permissions-Policy"), path)
			}
		})
		t.Run("AuditFailsTheRead", func(t *testing.T) {
			t.Parallel()
			// A server whose audit writer is closed refuses reads with
			// UNAVAILABLE and never answers the data.
			audit := storage.NewAuditWriter(db)
			audit.Close()
			res := &resolvers.Resolver{Register: domain.NewRegisterService(db, audit, time.Now), Auth: b.res.Auth, Users: b.res.Users, Audit: b.res.Audit}
			srv := httptest.NewServer(resolvers.NewHandler(resolvers.Config{Resolver: res, Tokens: b.tokens}))
			t.Cleanup(srv.Close)
			r := post(t, srv.URL, "Bearer "+b.token(t, b.clerk), false, residentQuery, map[string]any{"n": b.resident.IDNumber})
			requireError(t, r, "UNAVAILABLE", "", "audit.unavailable")
			require.NotContains(t, string(r.Data), b.resident.Name)
		})
		t.Run("QueryReadAuditIsHeld", func(t *testing.T) {
			t.Parallel()
			// Through the real handler: a query's read audit is handed to
			// the answer hold (not waited for in the resolver), and when its
			// commit fails the answer is the error, never the data (#20).
			audit := &heldAudit{}
			res := &resolvers.Resolver{Register: domain.NewRegisterService(db, audit, time.Now), Auth: b.res.Auth, Users: b.res.Users, Audit: b.res.Audit}
			srv := httptest.NewServer(resolvers.NewHandler(resolvers.Config{Resolver: res, Tokens: b.tokens}))
			t.Cleanup(srv.Close)
			var out struct{ Resident struct{ Name string } }
			post(t, srv.URL, "Bearer "+b.token(t, b.clerk), false, residentQuery, map[string]any{"n": b.resident.IDNumber}).ok(t, &out)
			require.Equal(t, b.resident.Name, out.Resident.Name)
			require.Equal(t, [2]int{1, 0}, audit.counts(), "deferred to the hold, not waited for in place")
			audit.fail(domain.Errorf(domain.CodeUnavailable, "the audit log cannot be written").WithReason("audit.unavailable"))
			r := post(t, srv.URL, "Bearer "+b.token(t, b.clerk), false, residentQuery, map[string]any{"n": b.resident.IDNumber})
			requireError(t, r, "UNAVAILABLE", "", "audit.unavailable")
			require.NotContains(t, string(r.Data), b.resident.Name)
			require.Equal(t, [2]int{2, 0}, audit.counts())
		})
	})
}

// TestSecurity_ReadAuditedBeforeAnswer checks that every answered read is
// already in the audit log when the answer arrives, under concurrency.
func TestSecurity_ReadAuditedBeforeAnswer(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		page, err := db.Register().FindResidents(context.Background(), domain.ResidentFilter{StationCode: b.station}, domain.Page{First: 40})
		require.NoError(t, err)
		token := b.token(t, b.clerk)
		var wg sync.WaitGroup
		for _, res := range page.Residents {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var out struct{ Resident struct{ ID string } }
				b.do(t, token, residentQuery, map[string]any{"n": res.IDNumber}).ok(t, &out)
				raw, _ := base64.RawURLEncoding.DecodeString(out.Resident.ID)
				require.Equal(t, "Resident:"+res.ID, string(raw))
				// No flush, no wait: the entry was committed before the answer.
				require.Len(t, b.auditEntries(t, domain.AuditFilter{Action: domain.AuditRead, SubjectID: res.ID, ActorID: b.clerk.ID}), 1)
			}()
		}
		wg.Wait()
	})
}

// heldAudit is an audit sink that commits (or fails) only when the answer
// hold releases it, and counts the entries deferred and waited in place.
type heldAudit struct {
	mu               sync.Mutex
	err              error
	deferred, placed int
}

func (a *heldAudit) fail(err error) { a.mu.Lock(); a.err = err; a.mu.Unlock() }

func (a *heldAudit) counts() [2]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return [2]int{a.deferred, a.placed}
}

func (a *heldAudit) Record(ctx context.Context, e *domain.AuditEntry) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	err := a.err
	if domain.DeferReadAudit(ctx, e, func(context.Context) error { return err }) {
		a.deferred++
		return nil
	}
	a.placed++
	return err
}
