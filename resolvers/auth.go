package resolvers

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
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
	cfg    TokenConfig
	method jwt.SigningMethod
}

// NewTokens returns Tokens for cfg.
func NewTokens(cfg TokenConfig) (*Tokens, error) {
	switch {
	case cfg.TTL <= 0:
		return nil, errors.New("token TTL must be positive")
	case len(cfg.PrivateKey) == ed25519.PrivateKeySize:
		return &Tokens{cfg: cfg, method: jwt.SigningMethodEdDSA}, nil
	case len(cfg.Secret) >= 32:
		return &Tokens{cfg: cfg, method: jwt.SigningMethodHS256}, nil
	default:
		return nil, errors.New("JWT secret must be at least 32 bytes, or give an Ed25519 private key")
	}
}

type accessClaims struct {
	jwt.RegisteredClaims
	Name   string        `json:"name"`
	Office string        `json:"office"`
	Roles  []domain.Role `json:"roles"`
}

// IssueAccessToken implements domain.AccessTokenIssuer.
func (t *Tokens) IssueAccessToken(u *domain.User, now time.Time) (string, time.Time, error) {
	exp := now.Add(t.cfg.TTL)
	claims := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: t.cfg.Issuer, Subject: u.ID, IssuedAt: jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-30 * time.Second)), ExpiresAt: jwt.NewNumericDate(exp),
		},
		Name: u.Username, Office: u.OfficeCode, Roles: u.Roles,
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
	var c accessClaims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) {
		if t.method == jwt.SigningMethodEdDSA {
			return t.cfg.PrivateKey.Public(), nil
		}
		return t.cfg.Secret, nil
	}, jwt.WithValidMethods([]string{t.method.Alg()}), jwt.WithIssuer(t.cfg.Issuer),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(func() time.Time { return now }))
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return domain.AccessClaims{}, domain.Errorf(domain.CodeUnauthenticated, "the session has expired; refresh it or sign in again").WithReason("auth.token_expired")
	case err != nil:
		return domain.AccessClaims{}, domain.Errorf(domain.CodeUnauthenticated, "the access token is not valid; sign in again").WithReason("auth.token_invalid")
	}
	return domain.AccessClaims{UserID: c.Subject, Username: c.Name, OfficeCode: c.Office, Roles: c.Roles}, nil
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
