package resolvers

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"hukou/domain"
)

// TokenConfig configures access tokens. Exactly one of Secret (HS256) or
// PrivateKey (EdDSA) is set.
type TokenConfig struct {
	Issuer     string
	TTL        time.Duration
	Secret     []byte
	PrivateKey ed25519.PrivateKey
}

// Tokens issues and verifies access JWTs. Verification pins the one
// algorithm configured, so "alg: none" and algorithm-confusion tokens fail.
type Tokens struct {
	cfg      TokenConfig
	method   jwt.SigningMethod
	parser   *jwt.Parser
	verified verifiedTokens
	linkKey  []byte // signs file links (filelinks.go)
}

// verifiedTokens remembers the claims of tokens whose signature, algorithm
// and issuer were checked, keyed by the exact token text, so a client sending
// the same token again costs a map look-up instead of a base64 and JSON
// decode and an HMAC. Lifetime (exp, nbf) is checked on every use, exactly as
// the parser checks it. Bounded: when full it starts again empty.
type verifiedTokens struct {
	mu sync.RWMutex
	m  map[string]verifiedToken
}

type verifiedToken struct {
	claims   domain.AccessClaims
	exp, nbf time.Time // nbf zero when absent
}

const maxVerifiedTokens = 4096

func (v *verifiedTokens) get(token string) (verifiedToken, bool) {
	v.mu.RLock()
	e, ok := v.m[token]
	v.mu.RUnlock()
	return e, ok
}

func (v *verifiedTokens) put(token string, e verifiedToken) {
	v.mu.Lock()
	if v.m == nil || len(v.m) >= maxVerifiedTokens {
		v.m = make(map[string]verifiedToken, 64)
	}
	v.m[token] = e
	v.mu.Unlock()
}

// NewTokens returns Tokens for cfg.
func NewTokens(cfg TokenConfig) (*Tokens, error) {
	switch {
	case cfg.TTL <= 0:
		return nil, errors.New("token TTL must be positive")
	case len(cfg.PrivateKey) == ed25519.PrivateKeySize:
		return newTokens(cfg, jwt.SigningMethodEdDSA), nil
	case len(cfg.Secret) >= 32:
		return newTokens(cfg, jwt.SigningMethodHS256), nil
	default:
		return nil, errors.New("JWT secret must be at least 32 bytes, or give an Ed25519 private key")
	}
}

func newTokens(cfg TokenConfig, method jwt.SigningMethod) *Tokens {
	// The parser checks the algorithm and the signature; Verify validates
	// the claims against its own now.
	parser := jwt.NewParser(jwt.WithValidMethods([]string{method.Alg()}), jwt.WithoutClaimsValidation())
	material := cfg.Secret
	if method == jwt.SigningMethodEdDSA {
		material = cfg.PrivateKey.Seed()
	}
	return &Tokens{cfg: cfg, method: method, parser: parser, linkKey: deriveLinkKey(material)}
}

type accessClaims struct {
	jwt.RegisteredClaims
	Name string `json:"name"`
	// DisplayName is the user's name as colleagues see it in case histories.
	DisplayName string        `json:"dn,omitempty"`
	Office      string        `json:"office"`
	Roles       []domain.Role `json:"roles"`
	// Generation is the user's token generation at issue; see domain.User.TokenGeneration.
	Generation int `json:"gen,omitempty"`
}

// IssueAccessToken implements domain.AccessTokenIssuer.
func (t *Tokens) IssueAccessToken(u *domain.User, now time.Time) (string, time.Time, error) {
	exp := now.Add(t.cfg.TTL)
	claims := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: t.cfg.Issuer, Subject: u.ID, IssuedAt: jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-30 * time.Second)), ExpiresAt: jwt.NewNumericDate(exp),
		},
		Name: u.Username, DisplayName: u.DisplayName, Office: u.OfficeCode, Roles: u.Roles, Generation: u.TokenGeneration,
	}
	var key any = t.cfg.Secret
	if t.method == jwt.SigningMethodEdDSA {
		key = t.cfg.PrivateKey
	}
	s, err := jwt.NewWithClaims(t.method, claims).SignedString(key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign access token: %w", err)
	}
	return s, exp, nil
}

// Verify checks a token's signature, algorithm, issuer and lifetime and
// returns its claims. Every failure is CodeUnauthenticated with a reason.
func (t *Tokens) Verify(token string, now time.Time) (domain.AccessClaims, error) {
	if e, ok := t.verified.get(token); ok {
		if err := e.checkLifetime(now); err != nil {
			return domain.AccessClaims{}, err
		}
		return e.claims, nil
	}
	var c accessClaims
	_, err := t.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) {
		if t.method == jwt.SigningMethodEdDSA {
			return t.cfg.PrivateKey.Public(), nil
		}
		return t.cfg.Secret, nil
	})
	if err == nil {
		// The parser checked signature, algorithm and issuer; claims
		// validation (issuer, exp present, lifetime) is re-done here as
		// jwt.Validator does it, with now.
		err = jwt.NewValidator(jwt.WithIssuer(t.cfg.Issuer), jwt.WithExpirationRequired(),
			jwt.WithTimeFunc(func() time.Time { return now })).Validate(c)
	}
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return domain.AccessClaims{}, errTokenExpired()
	case err != nil:
		return domain.AccessClaims{}, errTokenInvalid()
	}
	e := verifiedToken{claims: domain.AccessClaims{UserID: c.Subject, Username: c.Name, DisplayName: c.DisplayName, OfficeCode: c.Office, Roles: c.Roles, Generation: c.Generation}, exp: c.ExpiresAt.Time}
	if c.NotBefore != nil {
		e.nbf = c.NotBefore.Time
	}
	t.verified.put(token, e)
	return e.claims, nil
}

// checkLifetime applies jwt.Validator's exp and nbf rules (no leeway).
func (e verifiedToken) checkLifetime(now time.Time) error {
	if !now.Before(e.exp) {
		return errTokenExpired()
	}
	if !e.nbf.IsZero() && now.Before(e.nbf) {
		return errTokenInvalid()
	}
	return nil
}

func errTokenExpired() error {
	return domain.Errorf(domain.CodeUnauthenticated, "the session has expired; refresh it or sign in again").WithReason("auth.token_expired")
}

func errTokenInvalid() error {
	return domain.Errorf(domain.CodeUnauthenticated, "the access token is not valid; sign in again").WithReason("auth.token_invalid")
}

type authErrKey struct{}

// authenticate verifies a bearer token, if any, and puts the Actor (or the
// reason the token was refused) into the context. Requests without a token
// continue anonymously: login must work without one, and the @auth directive
// refuses the rest.
func authenticate(ctx context.Context, header, remoteAddr string, tokens *Tokens, auth *domain.AuthService, now func() time.Time) context.Context {
	raw, ok := strings.CutPrefix(header, "Bearer ")
	if header == "" {
		return ctx
	}
	if !ok || raw == "" {
		return context.WithValue(ctx, authErrKey{}, domain.Errorf(domain.CodeUnauthenticated, "send the access token as 'Authorization: Bearer <token>'").WithReason("auth.token_invalid"))
	}
	claims, err := tokens.Verify(strings.TrimSpace(raw), now())
	if err != nil {
		return context.WithValue(ctx, authErrKey{}, err)
	}
	actor, err := auth.ActorFor(ctx, claims, remoteAddr)
	if err != nil {
		return context.WithValue(ctx, authErrKey{}, err)
	}
	return domain.WithActor(ctx, actor)
}

// authError returns why the request's token was refused, if it was.
func authError(ctx context.Context) error {
	err, _ := ctx.Value(authErrKey{}).(error)
	return err
}

// clientAddr is the caller's IP address for the audit log.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type remoteAddrKey struct{}

func remoteAddrFrom(ctx context.Context) string {
	s, _ := ctx.Value(remoteAddrKey{}).(string)
	return s
}
