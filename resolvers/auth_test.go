package resolvers_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/resolvers"
	"hukou/storage"
	"hukou/storage/storagetest"
)

const loginMutation = `mutation($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) { accessToken accessExpiresAt refreshToken refreshExpiresAt user { username office { code } roles } }
}`

const clientLoginMutation = `mutation($id: String!, $secret: String!) {
  clientLogin(input: {clientId: $id, clientSecret: $secret}) { accessToken refreshToken user { username roles } }
}`

const refreshMutation = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { username } } }`

const meQuery = `{ me { id username office { code level } roles } }`

type session struct {
	AccessToken      string
	AccessExpiresAt  time.Time
	RefreshToken     string
	RefreshExpiresAt time.Time
	User             struct {
		Username string
		Office   struct{ Code string }
		Roles    []string
	}
}

func (b *testBundle) login(t *testing.T, username string) session {
	t.Helper()
	var out struct{ Login session }
	b.do(t, "", loginMutation, map[string]any{"u": username, "p": testPassword}).ok(t, &out)
	return out.Login
}

func (b *testBundle) me(t *testing.T, token string) string {
	t.Helper()
	var out struct{ Me struct{ Username string } }
	b.do(t, token, meQuery, nil).ok(t, &out)
	return out.Me.Username
}

func TestMutation_Login(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)

		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			s := b.login(t, "clerk")
			require.NotEmpty(t, s.AccessToken)
			require.NotEmpty(t, s.RefreshToken)
			require.True(t, s.AccessExpiresAt.After(time.Now()))
			require.True(t, s.RefreshExpiresAt.After(s.AccessExpiresAt))
			require.Equal(t, "clerk", s.User.Username)
			require.Equal(t, b.station, s.User.Office.Code)
			require.Equal(t, []string{"CLERK"}, s.User.Roles)
			require.Equal(t, "clerk", b.me(t, s.AccessToken))
			logins := b.auditEntries(t, domain.AuditFilter{Action: domain.AuditLogin, SubjectID: b.clerk.ID})
			require.NotEmpty(t, logins)
			require.Equal(t, "ok", logins[0].Detail)
			require.Equal(t, "127.0.0.1", logins[0].RemoteAddr)
		})
		t.Run("ErrWrongPassword", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, "", loginMutation, map[string]any{"u": "clerk", "p": "wrong password"})
			requireError(t, r, "UNAUTHENTICATED", "", "auth.bad_credentials")
			require.Equal(t, "null", string(r.Data))
		})
		t.Run("ErrUnknownUser", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, "", loginMutation, map[string]any{"u": "nobody", "p": testPassword})
			e := requireError(t, r, "UNAUTHENTICATED", "", "auth.bad_credentials")
			// The same answer as a wrong password: no user enumeration.
			require.Equal(t, "wrong username or password", e.Message)
		})
		t.Run("ErrIntegratorViaLogin", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, "", loginMutation, map[string]any{"u": "portal", "p": testPassword})
			requireError(t, r, "UNAUTHENTICATED", "", "auth.bad_credentials")
		})
		t.Run("ClientLoginOK", func(t *testing.T) {
			t.Parallel()
			var out struct {
				ClientLogin struct {
					AccessToken string
					User        struct {
						Username string
						Roles    []string
					}
				}
			}
			b.do(t, "", clientLoginMutation, map[string]any{"id": "portal", "secret": testPassword}).ok(t, &out)
			require.Equal(t, "portal", out.ClientLogin.User.Username)
			require.Equal(t, []string{"INTEGRATOR"}, out.ClientLogin.User.Roles)
			require.Equal(t, "portal", b.me(t, out.ClientLogin.AccessToken))
			// An integrator never reads the register directly.
			r := b.do(t, out.ClientLogin.AccessToken, `query($n: String!) { resident(idNumber: $n) { name } }`, map[string]any{"n": b.resident.IDNumber})
			requireError(t, r, "FORBIDDEN", "", "auth.role")
		})
		t.Run("ErrClientLoginPerson", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, "", clientLoginMutation, map[string]any{"id": "clerk", "secret": testPassword})
			requireError(t, r, "UNAUTHENTICATED", "", "auth.bad_credentials")
		})
		t.Run("ErrClientLoginWrongSecret", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, "", clientLoginMutation, map[string]any{"id": "portal", "secret": "wrong secret"})
			requireError(t, r, "UNAUTHENTICATED", "", "auth.bad_credentials")
		})
	})
}

func TestMutation_RefreshToken(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)

		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b.createUser(t, "rotator", b.station, domain.RoleClerk)
			s := b.login(t, "rotator")
			var out struct{ RefreshToken session }
			b.do(t, "", refreshMutation, map[string]any{"t": s.RefreshToken}).ok(t, &out)
			require.NotEqual(t, s.RefreshToken, out.RefreshToken.RefreshToken)
			require.Equal(t, "rotator", out.RefreshToken.User.Username)
			require.Equal(t, "rotator", b.me(t, out.RefreshToken.AccessToken))
		})
		t.Run("ErrReuseRevokesFamily", func(t *testing.T) {
			t.Parallel()
			b.createUser(t, "reuser", b.station, domain.RoleClerk)
			first := b.login(t, "reuser")
			var out struct{ RefreshToken session }
			b.do(t, "", refreshMutation, map[string]any{"t": first.RefreshToken}).ok(t, &out)
			second := out.RefreshToken.RefreshToken

			// The spent token again: refused, and treated as theft…
			r := b.do(t, "", refreshMutation, map[string]any{"t": first.RefreshToken})
			requireError(t, r, "UNAUTHENTICATED", "", "auth.refresh_invalid")
			// …so the token it was exchanged for is revoked too.
			r = b.do(t, "", refreshMutation, map[string]any{"t": second})
			requireError(t, r, "UNAUTHENTICATED", "", "auth.refresh_invalid")
		})
		t.Run("ErrUnknownToken", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, "", refreshMutation, map[string]any{"t": "no-such-token"})
			requireError(t, r, "UNAUTHENTICATED", "", "auth.refresh_invalid")
		})
	})
}

func TestMutation_Logout(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		const logout = `mutation($t: String!) { logout(refreshToken: $t) }`

		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			s := b.login(t, "officer")
			var out struct{ Logout bool }
			b.do(t, "", logout, map[string]any{"t": s.RefreshToken}).ok(t, &out)
			require.True(t, out.Logout)
			r := b.do(t, "", refreshMutation, map[string]any{"t": s.RefreshToken})
			requireError(t, r, "UNAUTHENTICATED", "", "auth.refresh_invalid")
			// Logging out twice is not an error.
			b.do(t, "", logout, map[string]any{"t": s.RefreshToken}).ok(t, &out)
			require.True(t, out.Logout)
		})
	})
}

// TestHandler_AccessToken checks that every kind of bad access token is
// refused with UNAUTHENTICATED and the reason, on a guarded field.
func TestHandler_AccessToken(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)

		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			require.Equal(t, "clerk", b.me(t, b.token(t, b.clerk)))
		})
		t.Run("ErrNoToken", func(t *testing.T) {
			t.Parallel()
			for _, q := range []string{meQuery, `{ offices { code } }`, `{ residents { totalCount } }`} {
				requireError(t, b.do(t, "", q, nil), "UNAUTHENTICATED", "", "auth.required")
			}
		})
		t.Run("ErrNotBearer", func(t *testing.T) {
			t.Parallel()
			r := post(t, b.srv.URL, "Basic "+base64.StdEncoding.EncodeToString([]byte("clerk:"+testPassword)), false, meQuery, nil)
			requireError(t, r, "UNAUTHENTICATED", "", "auth.token_invalid")
		})
		t.Run("ErrExpired", func(t *testing.T) {
			t.Parallel()
			tok, _, err := b.tokens.IssueAccessToken(b.clerk, time.Now().Add(-time.Hour))
			require.NoError(t, err)
			requireError(t, b.do(t, tok, meQuery, nil), "UNAUTHENTICATED", "", "auth.token_expired")
		})
		t.Run("ErrTamperedPayload", func(t *testing.T) {
			t.Parallel()
			// The clerk promotes itself to the city bureau as an ADMIN, keeping the signature.
			tok := b.token(t, b.clerk)
			parts := strings.Split(tok, ".")
			require.Len(t, parts, 3)
			var claims map[string]any
			raw, err := base64.RawURLEncoding.DecodeString(parts[1])
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(raw, &claims))
			claims["office"] = b.city
			claims["roles"] = []string{"ADMIN"}
			parts[1] = encodeSegment(t, claims)
			r := b.do(t, strings.Join(parts, "."), `{ auditLog { edges { node { id } } } }`, nil)
			requireError(t, r, "UNAUTHENTICATED", "", "auth.token_invalid")
		})
		t.Run("ErrOtherSecret", func(t *testing.T) {
			t.Parallel()
			other, err := resolvers.NewTokens(resolvers.TokenConfig{Issuer: testIssuer, TTL: time.Minute, Secret: []byte("another secret, also 32 bytes long!")})
			require.NoError(t, err)
			tok, _, err := other.IssueAccessToken(b.clerk, time.Now())
			require.NoError(t, err)
			requireError(t, b.do(t, tok, meQuery, nil), "UNAUTHENTICATED", "", "auth.token_invalid")
		})
		t.Run("ErrOtherIssuer", func(t *testing.T) {
			t.Parallel()
			other, err := resolvers.NewTokens(resolvers.TokenConfig{Issuer: "someone-else", TTL: time.Minute, Secret: []byte("0123456789abcdef0123456789abcdef")})
			require.NoError(t, err)
			tok, _, err := other.IssueAccessToken(b.clerk, time.Now())
			require.NoError(t, err)
			requireError(t, b.do(t, tok, meQuery, nil), "UNAUTHENTICATED", "", "auth.token_invalid")
		})
		t.Run("ErrAlgNone", func(t *testing.T) {
			t.Parallel()
			now := time.Now()
			header := encodeSegment(t, map[string]any{"alg": "none", "typ": "JWT"})
			payload := encodeSegment(t, map[string]any{"iss": testIssuer, "sub": b.admin.ID, "name": "admin", "office": b.city,
				"roles": []string{"ADMIN"}, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
			for _, tok := range []string{header + "." + payload + ".", header + "." + payload} {
				requireError(t, b.do(t, tok, meQuery, nil), "UNAUTHENTICATED", "", "auth.token_invalid")
			}
		})
		t.Run("ErrHS256ToEdDSAServer", func(t *testing.T) {
			t.Parallel()
			srv, edTokens, pub := b.edDSAServer(t)
			// The EdDSA server accepts its own tokens…
			own, _, err := edTokens.IssueAccessToken(b.clerk, time.Now())
			require.NoError(t, err)
			var out struct{ Me struct{ Username string } }
			post(t, srv.URL, "Bearer "+own, false, meQuery, nil).ok(t, &out)
			require.Equal(t, "clerk", out.Me.Username)
			// …but not an HS256 token keyed with its public key (algorithm confusion).
			confused, err := resolvers.NewTokens(resolvers.TokenConfig{Issuer: testIssuer, TTL: time.Minute, Secret: []byte(pub)})
			require.NoError(t, err)
			tok, _, err := confused.IssueAccessToken(b.admin, time.Now())
			require.NoError(t, err)
			requireError(t, post(t, srv.URL, "Bearer "+tok, false, meQuery, nil), "UNAUTHENTICATED", "", "auth.token_invalid")
			// Nor the HS256 server's own valid tokens.
			requireError(t, post(t, srv.URL, "Bearer "+b.token(t, b.clerk), false, meQuery, nil), "UNAUTHENTICATED", "", "auth.token_invalid")
		})
		t.Run("ErrGarbage", func(t *testing.T) {
			t.Parallel()
			requireError(t, b.do(t, "not.a.jwt", meQuery, nil), "UNAUTHENTICATED", "", "auth.token_invalid")
		})
		t.Run("LoginWithBadToken", func(t *testing.T) {
			t.Parallel()
			// An unguarded field still works with a refused token: signing in again must.
			var out struct{ Login session }
			b.do(t, "not.a.jwt", loginMutation, map[string]any{"u": "clerk", "p": testPassword}).ok(t, &out)
			require.NotEmpty(t, out.Login.AccessToken)
		})
	})
}

func encodeSegment(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// TestTokens_VerifyRemembered checks that a token verified once is still
// refused once expired, and before its not-before time, exactly as on first
// sight, and that a tampered copy of a remembered token is refused.
func TestTokens_VerifyRemembered(t *testing.T) {
	t.Parallel()
	tokens, err := resolvers.NewTokens(resolvers.TokenConfig{Issuer: testIssuer, TTL: time.Minute, Secret: []byte("0123456789abcdef0123456789abcdef")})
	require.NoError(t, err)
	issued := time.Now().Truncate(time.Second)
	u := &domain.User{ID: "u1", Username: "clerk", OfficeCode: "211100000000", Roles: []domain.Role{domain.RoleClerk}}
	tok, exp, err := tokens.IssueAccessToken(u, issued)
	require.NoError(t, err)
	for range 2 { // first sight, then remembered
		c, err := tokens.Verify(tok, issued)
		require.NoError(t, err)
		require.Equal(t, domain.AccessClaims{UserID: "u1", Username: "clerk", OfficeCode: "211100000000", Roles: []domain.Role{domain.RoleClerk}}, c)
	}
	_, err = tokens.Verify(tok, exp)
	require.Equal(t, "auth.token_expired", reasonOf(err))
	_, err = tokens.Verify(tok, issued.Add(-time.Minute)) // before nbf (issued − 30 s)
	require.Equal(t, "auth.token_invalid", reasonOf(err))
	_, err = tokens.Verify(tok, exp.Add(-time.Second))
	require.NoError(t, err)
	_, err = tokens.Verify(tamperSignature(tok), issued)
	require.Equal(t, "auth.token_invalid", reasonOf(err))
}

// tamperSignature changes the first character of a JWT's signature to a
// different one. (Changing the last character is not always a change: its
// low bits are padding a lenient base64 decoder ignores.)
func tamperSignature(tok string) string {
	i := strings.LastIndexByte(tok, '.') + 1
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}

func reasonOf(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Reason
	}
	return ""
}
