package resolvers_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/resolvers"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// sessionServer serves /graphql and the session endpoints over b's
// database, with the refresh cookie configured by cookies.
func sessionServer(t *testing.T, b *testBundle, cookies resolvers.CookieConfig) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/graphql", resolvers.NewHandler(resolvers.Config{Resolver: b.res, Tokens: b.tokens, Cookies: cookies}))
	mux.Handle(resolvers.SessionPath, resolvers.NewSessionHandler(b.res.Auth, cookies))
	srv := httptest.NewServer(resolvers.SecurityHeaders(mux))
	t.Cleanup(srv.Close)
	return srv
}

type sessionResponse struct {
	status int
	header http.Header
	body   []byte
}

func (r sessionResponse) cookie(t *testing.T) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == resolvers.RefreshCookieName {
			return c
		}
	}
	return nil
}

// sessionRequest sends method path to srv with the refresh cookie value
// (if any) and headers, as a browser without a cookie jar of its own.
func sessionRequest(t *testing.T, srv *httptest.Server, method, path, cookie string, headers map[string]string, body []byte) sessionResponse {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: resolvers.RefreshCookieName, Value: cookie})
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Less(t, resp.StatusCode, 500, string(b))
	return sessionResponse{status: resp.StatusCode, header: resp.Header, body: b}
}

// browserLogin signs username in through /graphql as the SPA does.
func browserLogin(t *testing.T, srv *httptest.Server, username string, headers map[string]string) sessionResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": `mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken user { username } } }`,
		"variables": map[string]any{"u": username, "p": testPassword}})
	require.NoError(t, err)
	r := sessionRequest(t, srv, http.MethodPost, "/graphql", "", headers, body)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	require.NotContains(t, string(r.body), `"errors"`)
	return r
}

func requireSessionError(t *testing.T, r sessionResponse, status int, code, reason string) {
	t.Helper()
	require.Equal(t, status, r.status, string(r.body))
	var e struct{ Code, Reason, Message string }
	require.NoError(t, json.Unmarshal(r.body, &e), string(r.body))
	require.Equal(t, code, e.Code)
	require.Equal(t, reason, e.Reason)
	require.NotEmpty(t, e.Message)
}

// TestSecurity_SessionCookie replays the token-theft findings of issue 10
// on both databases: the refresh token lives only in an HttpOnly,
// SameSite=Strict, Secure cookie scoped to /auth/, and nothing spends or
// sets it without CSRF proof from this site's own origin.
func TestSecurity_SessionCookie(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		prod := sessionServer(t, b, resolvers.CookieConfig{})
		dev := sessionServer(t, b, resolvers.CookieConfig{AllowInsecure: true})
		same := func(srv *httptest.Server) map[string]string {
			return map[string]string{resolvers.CSRFHeader: "1", "Origin": srv.URL, "Sec-Fetch-Site": "same-origin"}
		}
		user := b.createUser(t, "cookie-user", b.station, "CLERK")

		t.Run("CookieAttributes", func(t *testing.T) {
			c := browserLogin(t, prod, user.Username, same(prod)).cookie(t)
			require.NotNil(t, c, "login with CSRF proof sets the cookie")
			require.NotEmpty(t, c.Value)
			require.True(t, c.HttpOnly)
			require.True(t, c.Secure, "Secure in production mode, even behind a plain-HTTP hop")
			require.Equal(t, http.SameSiteStrictMode, c.SameSite)
			require.Equal(t, "/auth/", c.Path)
			require.InDelta(t, (24 * time.Hour).Seconds(), float64(c.MaxAge), 60)

			c = browserLogin(t, dev, user.Username, same(dev)).cookie(t)
			require.NotNil(t, c)
			require.False(t, c.Secure, "development mode over plain HTTP")
			require.True(t, c.HttpOnly)
			require.Equal(t, http.SameSiteStrictMode, c.SameSite)
			https := same(dev)
			https["X-Forwarded-Proto"] = "https"
			require.True(t, browserLogin(t, dev, user.Username, https).cookie(t).Secure, "Secure again when the request came over TLS")
		})

		t.Run("LoginWithoutCSRFProofSetsNoCookie", func(t *testing.T) {
			require.Nil(t, browserLogin(t, dev, user.Username, nil).cookie(t), "an API client: tokens in the body only")
			require.Nil(t, browserLogin(t, dev, user.Username, map[string]string{resolvers.CSRFHeader: "1", "Origin": "https://evil.example"}).cookie(t))
		})

		t.Run("RefreshRotatesTheCookie", func(t *testing.T) {
			c := browserLogin(t, dev, user.Username, same(dev)).cookie(t)
			r := sessionRequest(t, dev, http.MethodPost, "/auth/refresh", c.Value, same(dev), nil)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			require.Equal(t, "no-store", r.header.Get("Cache-Control"))
			var out struct{ AccessToken, AccessExpiresAt, RefreshExpiresAt string }
			require.NoError(t, json.Unmarshal(r.body, &out))
			require.NotContains(t, string(r.body), c.Value, "the refresh token never reaches script")
			require.Equal(t, user.Username, b.me(t, out.AccessToken))
			next := r.cookie(t)
			require.NotNil(t, next)
			require.NotEqual(t, c.Value, next.Value)
			require.True(t, next.HttpOnly)
			require.Equal(t, "/auth/", next.Path)

			t.Log("the spent cookie again: theft; every session of the user ends")
			requireSessionError(t, sessionRequest(t, dev, http.MethodPost, "/auth/refresh", c.Value, same(dev), nil), http.StatusUnauthorized, "UNAUTHENTICATED", "auth.refresh_invalid")
			requireSessionError(t, sessionRequest(t, dev, http.MethodPost, "/auth/refresh", next.Value, same(dev), nil), http.StatusUnauthorized, "UNAUTHENTICATED", "auth.refresh_invalid")
			requireError(t, b.do(t, out.AccessToken, meQuery, nil), "UNAUTHENTICATED", "", "auth.token_revoked")
		})

		t.Run("RefreshWithoutCSRFProofRefused", func(t *testing.T) {
			c := browserLogin(t, dev, user.Username, same(dev)).cookie(t)
			for name, h := range map[string]map[string]string{
				"NoHeader":          {"Origin": dev.URL},
				"HeaderNotOne":      {resolvers.CSRFHeader: "yes", "Origin": dev.URL},
				"OtherOrigin":       {resolvers.CSRFHeader: "1", "Origin": "https://evil.example"},
				"LookAlikeOrigin":   {resolvers.CSRFHeader: "1", "Origin": dev.URL + ".evil.example"},
				"NullOrigin":        {resolvers.CSRFHeader: "1", "Origin": "null"},
				"CrossSiteNoOrigin": {resolvers.CSRFHeader: "1", "Sec-Fetch-Site": "cross-site"},
			} {
				r := sessionRequest(t, dev, http.MethodPost, "/auth/refresh", c.Value, h, nil)
				reason := "auth.origin"
				if h[resolvers.CSRFHeader] != "1" {
					reason = "auth.csrf"
				}
				requireSessionError(t, r, http.StatusForbidden, "FORBIDDEN", reason)
				require.Nil(t, r.cookie(t), "%s: the cookie is left alone", name)
			}
			requireSessionError(t, sessionRequest(t, dev, http.MethodPost, "/auth/logout", c.Value, map[string]string{"Origin": "https://evil.example"}, nil),
				http.StatusForbidden, "FORBIDDEN", "auth.csrf")
			t.Log("nothing was spent or revoked: the genuine refresh still works")
			r := sessionRequest(t, dev, http.MethodPost, "/auth/refresh", c.Value, same(dev), nil)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
		})

		t.Run("BadRequestsRefused", func(t *testing.T) {
			r := sessionRequest(t, dev, http.MethodPost, "/auth/refresh", "", same(dev), nil)
			require.Equal(t, http.StatusNoContent, r.status, "no session to restore")
			require.Empty(t, r.body)
			requireSessionError(t, sessionRequest(t, dev, http.MethodPost, "/auth/refresh", "", map[string]string{"Origin": "https://evil.example"}, nil), http.StatusForbidden, "FORBIDDEN", "auth.csrf")
			requireSessionError(t, sessionRequest(t, dev, http.MethodPost, "/auth/refresh", "forged", same(dev), nil), http.StatusUnauthorized, "UNAUTHENTICATED", "auth.refresh_invalid")
			requireSessionError(t, sessionRequest(t, dev, http.MethodPost, "/auth/refresh", strings.Repeat("x", 4000), same(dev), nil), http.StatusUnauthorized, "UNAUTHENTICATED", "auth.refresh_invalid")
			r = sessionRequest(t, dev, http.MethodGet, "/auth/refresh", "", same(dev), nil)
			require.Equal(t, http.StatusMethodNotAllowed, r.status)
			r = sessionRequest(t, dev, http.MethodPost, "/auth/other", "", same(dev), nil)
			require.Equal(t, http.StatusNotFound, r.status)
		})

		t.Run("LogoutClearsAndRevokes", func(t *testing.T) {
			login := browserLogin(t, dev, user.Username, same(dev))
			c := login.cookie(t)
			var out struct {
				Data struct{ Login struct{ AccessToken string } }
			}
			require.NoError(t, json.Unmarshal(login.body, &out))
			access := out.Data.Login.AccessToken
			require.Equal(t, user.Username, b.me(t, access))
			r := sessionRequest(t, dev, http.MethodPost, "/auth/logout", c.Value, same(dev), nil)
			require.Equal(t, http.StatusNoContent, r.status, string(r.body))
			cleared := r.cookie(t)
			require.NotNil(t, cleared)
			require.Empty(t, cleared.Value)
			require.Equal(t, "/auth/", cleared.Path)
			require.Less(t, cleared.MaxAge, 0, "Max-Age=0: deleted")
			requireSessionError(t, sessionRequest(t, dev, http.MethodPost, "/auth/refresh", c.Value, same(dev), nil), http.StatusUnauthorized, "UNAUTHENTICATED", "auth.refresh_invalid")
			requireError(t, b.do(t, access, meQuery, nil), "UNAUTHENTICATED", "", "auth.token_revoked")
			// Logging out without a session is harmless.
			require.Equal(t, http.StatusNoContent, sessionRequest(t, dev, http.MethodPost, "/auth/logout", "", same(dev), nil).status)
		})
	})
}
