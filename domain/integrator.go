package domain

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// IntegratorClient is an Internet+ portal (互联网+) allowed to call the API
// with client credentials (issue 18 item 1). Its sign-in is the INTEGRATOR
// user of the same ID (ClientID is the username, the secret its password);
// this record adds what the portal may do: the businesses (case kinds) it
// may submit, the offices whose queues it may submit to, its rate limit,
// where its webhooks go, and, during a key rotation, the previous secret
// that stays valid until PreviousSecretUntil.
type IntegratorClient struct {
	UserID   string
	ClientID string
	Name     string
	// Kinds lists the businesses the portal may submit.
	Kinds []CaseKind
	// Offices lists office-code prefixes (a city "2111", a county
	// "211102", a station's full code) whose queues it may submit to.
	Offices []string
	// RatePerMinute bounds the portal's calls (every instance counts its own).
	RatePerMinute int
	// WebhookURL receives the portal's signed notifications ("" for none);
	// WebhookSecret is the HMAC-SHA256 key that signs them.
	WebhookURL    string
	WebhookSecret string
	// PreviousSecretHash is the bcrypt hash of the secret a rotation
	// replaced; it signs in until PreviousSecretUntil.
	PreviousSecretHash  string
	PreviousSecretUntil *time.Time
	// Operations is the allow-list of persisted operation hashes (SHA-256
	// hex of the query text); empty allows every operation.
	Operations []string
	Disabled   bool // from the user
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int
}

// MaySubmit reports whether the client may submit kind to office.
func (c *IntegratorClient) MaySubmit(kind CaseKind, office string) bool {
	if !slices.Contains(c.Kinds, kind) {
		return false
	}
	for _, p := range c.Offices {
		if strings.HasPrefix(office, p) {
			return true
		}
	}
	return false
}

// IntegratorRepository stores integrator clients.
type IntegratorRepository interface {
	// CreateIntegratorClient returns CodeConflict when the user has one.
	CreateIntegratorClient(ctx context.Context, c *IntegratorClient) error
	// FindIntegratorClient returns the client of the user ID, or CodeNotFound.
	FindIntegratorClient(ctx context.Context, userID string) (*IntegratorClient, error)
	// UpdateIntegratorClient writes c when its stored version is still
	// c.Version and increments it; CodeConflict otherwise.
	UpdateIntegratorClient(ctx context.Context, c *IntegratorClient) error
	// FindIntegratorClients lists every client, by client ID.
	FindIntegratorClients(ctx context.Context) ([]*IntegratorClient, error)
}

// NewIntegratorClient is the input of IntegratorService.CreateClient.
type NewIntegratorClient struct {
	ClientID      string
	Name          string
	OfficeCode    string // the office the client's user belongs to
	Kinds         []CaseKind
	Offices       []string
	RatePerMinute int
	WebhookURL    string
}

// IntegratorCredentials are a client's secrets, shown once: at creation
// and at each rotation. Only their hashes (the client secret) or the key
// itself (the webhook secret, needed to sign) are kept.
type IntegratorCredentials struct {
	Client        *IntegratorClient
	ClientSecret  string
	WebhookSecret string
}

// DefaultIntegratorRate is the rate limit of a client created without one.
const DefaultIntegratorRate = 120

// DefaultRotationGrace is how long a rotated secret keeps working.
const DefaultRotationGrace = 24 * time.Hour

// IntegratorService manages Internet+ integrator clients (ADMIN) and
// enforces their scopes and rate limits on every call.
type IntegratorService struct {
	DB    Database
	Audit AuditSink
	Now   func() time.Time
	NewID func() string
	// Cost is the bcrypt cost of secrets; 0 means bcrypt.DefaultCost.
	Cost int
	// Sessions, when set, forgets the cached token generation of a
	// disabled client so this instance refuses its tokens at once.
	Sessions *AuthService

	cache   sync.Map // user ID → clientCacheEntry
	buckets sync.Map // user ID → *rateBucket
}

type clientCacheEntry struct {
	client  *IntegratorClient
	expires time.Time
}

// clientCacheTTL bounds how long a changed scope, limit or allow-list may
// take to apply on an instance that did not make the change.
const clientCacheTTL = 5 * time.Second

// NewIntegratorService returns an IntegratorService; it panics on a nil dependency.
func NewIntegratorService(db Database, audit AuditSink, now func() time.Time, newID func() string) *IntegratorService {
	if db == nil || audit == nil || now == nil || newID == nil {
		panic("domain: NewIntegratorService needs db, audit, now and newID")
	}
	return &IntegratorService{DB: db, Audit: audit, Now: now, NewID: newID}
}

func randomSecret() (string, error) {
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

func (s *IntegratorService) cost() int {
	if s.Cost == 0 {
		return bcrypt.DefaultCost
	}
	return s.Cost
}

// checkScopes validates a client's kinds, offices, rate and webhook URL.
func checkScopes(kinds []CaseKind, offices []string, rate int, webhook string) error {
	if len(kinds) == 0 {
		return FieldErrorf("kinds", "name at least one business the portal may submit").WithReason("integrator.kinds")
	}
	if len(offices) == 0 {
		return FieldErrorf("offices", "name at least one office whose queue the portal may submit to").WithReason("integrator.offices")
	}
	for _, o := range offices {
		if len(o) < 2 || len(o) > 12 || strings.Trim(o, "0123456789") != "" {
			return FieldErrorf("offices", "%q is not an office code or a prefix of one (2 to 12 digits)", o).WithReason("integrator.offices")
		}
	}
	if rate < 1 || rate > 100000 {
		return FieldErrorf("ratePerMinute", "allow 1 to 100000 calls a minute").WithReason("integrator.rate")
	}
	if webhook != "" {
		u, err := url.Parse(webhook)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(webhook) > 500 {
			return FieldErrorf("webhookUrl", "give an absolute http(s) URL of at most 500 characters").WithReason("integrator.webhook_url")
		}
	}
	return nil
}

// CreateClient creates an integrator client: its INTEGRATOR user (the
// client ID is the username) and its scopes, in one audited transaction,
// and returns its secrets (shown only now). ADMIN only, for an office in
// the administrator's jurisdiction. Errors: CodeForbidden; CodeInvalid
// naming the field; CodeNotFound for an unknown office; CodeConflict for a
// taken client ID.
func (s *IntegratorService) CreateClient(ctx context.Context, in NewIntegratorClient) (*IntegratorCredentials, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if in.RatePerMinute == 0 {
		in.RatePerMinute = DefaultIntegratorRate
	}
	if !usernamePattern.MatchString(in.ClientID) {
		return nil, FieldErrorf("clientId", "use 3 to 64 lower-case letters, digits, dots, dashes or underscores").WithReason("user.username")
	}
	if strings.TrimSpace(in.Name) == "" || len(in.Name) > 100 {
		return nil, FieldErrorf("name", "name the portal (at most 100 characters)").WithReason("integrator.name")
	}
	if err := checkScopes(in.Kinds, in.Offices, in.RatePerMinute, in.WebhookURL); err != nil {
		return nil, err
	}
	if actor.Office != nil && !actor.CanSee(in.OfficeCode) {
		return nil, Errorf(CodeForbidden, "office %s is outside your jurisdiction", in.OfficeCode).WithReason("auth.jurisdiction")
	}
	secret, err := randomSecret()
	if err != nil {
		return nil, err
	}
	hookSecret, err := randomSecret()
	if err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(secret), s.cost())
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	u := &User{ID: s.NewID(), Username: in.ClientID, DisplayName: strings.TrimSpace(in.Name), PasswordHash: string(hash),
		OfficeCode: in.OfficeCode, Roles: []Role{RoleIntegrator}, CreatedAt: now, UpdatedAt: now, Version: 1}
	c := &IntegratorClient{UserID: u.ID, ClientID: u.Username, Name: u.DisplayName, Kinds: in.Kinds, Offices: in.Offices,
		RatePerMinute: in.RatePerMinute, WebhookURL: in.WebhookURL, WebhookSecret: hookSecret, CreatedAt: now, UpdatedAt: now, Version: 1}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if _, err := tx.Offices().FindOfficeByCode(ctx, in.OfficeCode); err != nil {
			if ErrorCode(err) == CodeNotFound {
				return &Error{Code: CodeNotFound, Field: "officeCode", Message: "no office has the code " + in.OfficeCode, Reason: "office.unknown"}
			}
			return err
		}
		if err := tx.Users().CreateUser(ctx, u); ErrorCode(err) == CodeConflict {
			return &Error{Code: CodeConflict, Field: "clientId", Message: "the client ID " + u.Username + " is taken", Reason: "user.username_taken"}
		} else if err != nil {
			return err
		}
		if err := tx.Integrators().CreateIntegratorClient(ctx, c); err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "createIntegratorClient", "IntegratorClient", c.ClientID,
			fmt.Sprintf("kinds %v offices %v rate %d/min", c.Kinds, c.Offices, c.RatePerMinute)))
	})
	if err != nil {
		return nil, err
	}
	return &IntegratorCredentials{Client: c, ClientSecret: secret, WebhookSecret: hookSecret}, nil
}

// clientForAdmin loads a client by client ID for an ADMIN change.
func (s *IntegratorService) clientForAdmin(ctx context.Context, repos Repos, actor *Actor, clientID string) (*IntegratorClient, *User, error) {
	missing := notFound("no integrator client %s", clientID)
	u, err := repos.Users().FindUserByUsername(ctx, clientID)
	if err != nil {
		return nil, nil, orMissing(err, missing)
	}
	if actor.Office != nil && !actor.CanSee(u.OfficeCode) {
		return nil, nil, missing
	}
	c, err := repos.Integrators().FindIntegratorClient(ctx, u.ID)
	if err != nil {
		return nil, nil, orMissing(err, missing)
	}
	c.Disabled = u.Disabled
	return c, u, nil
}

// RotateSecret gives the client a new secret and, unless grace is zero
// or less, keeps the current one valid for grace (DefaultRotationGrace when
// grace is nil), so the portal can switch without downtime: during the
// rotation both secrets sign in. A second rotation within the grace ends
// the oldest secret. ADMIN only; audited. Errors: CodeForbidden,
// CodeNotFound, CodeConflict (a concurrent change).
func (s *IntegratorService) RotateSecret(ctx context.Context, clientID string, grace *time.Duration) (*IntegratorCredentials, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	g := DefaultRotationGrace
	if grace != nil {
		g = *grace
	}
	if g > 30*24*time.Hour {
		return nil, FieldErrorf("graceSeconds", "keep the old secret for at most 30 days").WithReason("integrator.grace")
	}
	secret, err := randomSecret()
	if err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(secret), s.cost())
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	var out *IntegratorClient
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		c, u, err := s.clientForAdmin(ctx, tx, actor, clientID)
		if err != nil {
			return err
		}
		c.PreviousSecretHash, c.PreviousSecretUntil = "", nil
		if g > 0 {
			until := now.Add(g)
			c.PreviousSecretHash, c.PreviousSecretUntil = u.PasswordHash, &until
		}
		c.UpdatedAt = now
		u.PasswordHash, u.UpdatedAt = string(hash), now
		if err := tx.Users().UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.Integrators().UpdateIntegratorClient(ctx, c); err != nil {
			return err
		}
		out = c
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "rotateIntegratorSecret", "IntegratorClient", c.ClientID,
			fmt.Sprintf("previous secret valid for %s", g)))
	})
	if err != nil {
		return nil, err
	}
	s.cache.Delete(out.UserID)
	return &IntegratorCredentials{Client: out, ClientSecret: secret}, nil
}

// IntegratorChange is what UpdateClient changes; nil fields stay.
type IntegratorChange struct {
	Kinds         []CaseKind
	Offices       []string
	RatePerMinute *int
	WebhookURL    *string
	Operations    []string // nil keeps the allow-list; empty clears it
	Disabled      *bool
}

// UpdateClient changes a client's scopes, rate limit, webhook URL,
// operation allow-list or disabled state, in one audited transaction.
// Disabling ends the client's sessions at once. ADMIN only. Errors:
// CodeForbidden, CodeNotFound, CodeInvalid naming the field, CodeConflict
// for a stale version.
func (s *IntegratorService) UpdateClient(ctx context.Context, clientID string, version int, ch IntegratorChange) (*IntegratorClient, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	for _, h := range ch.Operations {
		if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
			return nil, FieldErrorf("operations", "%q is not a SHA-256 hash in lower-case hex", clip(h, 80, "")).WithReason("integrator.operation_hash")
		}
	}
	now := s.Now().UTC()
	var out *IntegratorClient
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		c, u, err := s.clientForAdmin(ctx, tx, actor, clientID)
		if err != nil {
			return err
		}
		if version != 0 && version != c.Version {
			return Errorf(CodeConflict, "the client was changed meanwhile (version %d, you saw %d); reload it", c.Version, version).WithReason("stale_version")
		}
		if ch.Kinds != nil {
			c.Kinds = ch.Kinds
		}
		if ch.Offices != nil {
			c.Offices = ch.Offices
		}
		if ch.RatePerMinute != nil {
			c.RatePerMinute = *ch.RatePerMinute
		}
		if ch.WebhookURL != nil {
			c.WebhookURL = *ch.WebhookURL
		}
		if ch.Operations != nil {
			c.Operations = ch.Operations
		}
		if err := checkScopes(c.Kinds, c.Offices, c.RatePerMinute, c.WebhookURL); err != nil {
			return err
		}
		c.UpdatedAt = now
		if err := tx.Integrators().UpdateIntegratorClient(ctx, c); err != nil {
			return err
		}
		if ch.Disabled != nil && *ch.Disabled != u.Disabled {
			u.Disabled, u.UpdatedAt = *ch.Disabled, now
			if err := tx.Users().UpdateUser(ctx, u); err != nil {
				return err
			}
			if u.Disabled {
				if err := tx.Users().RevokeUserRefreshTokens(ctx, u.ID, now); err != nil {
					return err
				}
				if err := tx.Users().RevokeAccessTokens(ctx, u.ID); err != nil {
					return err
				}
			}
		}
		c.Disabled = u.Disabled
		out = c
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "updateIntegratorClient", "IntegratorClient", c.ClientID,
			fmt.Sprintf("kinds %v offices %v rate %d/min disabled %t operations %d", c.Kinds, c.Offices, c.RatePerMinute, c.Disabled, len(c.Operations))))
	})
	if err != nil {
		return nil, err
	}
	s.cache.Delete(out.UserID)
	if s.Sessions != nil {
		s.Sessions.generations.Delete(out.UserID)
	}
	return out, nil
}

// FindClients lists the integrator clients of the administrator's
// jurisdiction (ADMIN), by client ID. Webhook secrets are not returned.
func (s *IntegratorService) FindClients(ctx context.Context) ([]*IntegratorClient, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	all, err := s.DB.Integrators().FindIntegratorClients(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*IntegratorClient, 0, len(all))
	for _, c := range all {
		u, err := s.DB.Users().FindUserByID(ctx, c.UserID)
		if err != nil {
			return nil, err
		}
		if actor.Office != nil && !actor.CanSee(u.OfficeCode) {
			continue
		}
		c.Disabled, c.WebhookSecret = u.Disabled, ""
		out = append(out, c)
	}
	return out, nil
}

// Client returns the integrator client of the calling INTEGRATOR (cached
// for clientCacheTTL); an INTEGRATOR user without a client record has no
// scopes and the default rate. Errors: CodeForbidden for other callers.
func (s *IntegratorService) Client(ctx context.Context) (*IntegratorClient, error) {
	actor, err := Authorize(ctx, RoleIntegrator)
	if err != nil {
		return nil, err
	}
	if actor.System {
		return nil, Errorf(CodeForbidden, "only an integrator client has scopes").WithReason("integrator.no_client")
	}
	return s.clientOf(ctx, actor.UserID)
}

func (s *IntegratorService) clientOf(ctx context.Context, userID string) (*IntegratorClient, error) {
	now := s.Now()
	if e, ok := s.cache.Load(userID); ok && now.Before(e.(clientCacheEntry).expires) {
		return e.(clientCacheEntry).client, nil
	}
	c, err := s.DB.Integrators().FindIntegratorClient(ctx, userID)
	if ErrorCode(err) == CodeNotFound {
		// An INTEGRATOR user made before clients had records: it may call
		// (audited, at the default rate) but may submit nothing.
		u, uerr := s.DB.Users().FindUserByID(ctx, userID)
		if uerr != nil {
			return nil, uerr
		}
		c = &IntegratorClient{UserID: u.ID, ClientID: u.Username, Name: u.DisplayName, RatePerMinute: DefaultIntegratorRate,
			CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	} else if err != nil {
		return nil, err
	}
	s.cache.Store(userID, clientCacheEntry{client: c, expires: now.Add(clientCacheTTL)})
	return c, nil
}

// rateBucket is a token bucket: RatePerMinute tokens, refilled evenly.
type rateBucket struct {
	mu     sync.Mutex
	tokens float64
	last   time.Time
}

// AdmitCall is the gate of every call an integrator client makes (the
// transport calls it once per operation): the client's rate limit (a token
// bucket of RatePerMinute per minute on this instance), its operation
// allow-list (opHash, the SHA-256 hex of the query text, must be on it when
// it is not empty), and an audit entry naming the client, the operation and
// its hash, committed before the call runs. Other callers pass untouched.
// Errors: CodeTooManyRequests (reason integrator.rate_limited, RetryAfter
// set); CodeForbidden (reason integrator.operation_not_allowed);
// CodeUnavailable when the audit log cannot be written.
func (s *IntegratorService) AdmitCall(ctx context.Context, opName, opHash string, mutation bool) error {
	actor := ActorFromContext(ctx)
	if actor == nil || actor.System || !actor.HasRole(RoleIntegrator) {
		return nil
	}
	c, err := s.clientOf(ctx, actor.UserID)
	if err != nil {
		return err
	}
	now := s.Now()
	if opName == "" {
		opName = "anonymous"
	}
	if len(c.Operations) > 0 && !slices.Contains(c.Operations, opHash) {
		if err := s.Audit.Record(ctx, NewAuditEntry(actor, now, AuditDenied, "api."+clip(opName, 80, "op"), "IntegratorClient", c.ClientID, "operation not allowed: "+opHash)); err != nil {
			return err
		}
		return Errorf(CodeForbidden, "operation %s (hash %s) is not on this client's allow-list of persisted operations", clip(opName, 80, "op"), opHash).WithReason("integrator.operation_not_allowed")
	}
	if wait := s.take(c, now); wait > 0 {
		return &Error{Code: CodeTooManyRequests, Reason: "integrator.rate_limited", RetryAfter: wait,
			Message: fmt.Sprintf("client %s is limited to %d calls a minute; try again in %s", c.ClientID, c.RatePerMinute, wait.Round(time.Millisecond))}
	}
	action := AuditRead
	if mutation {
		action = AuditChange
	}
	return s.Audit.Record(ctx, NewAuditEntry(actor, now, action, "api."+clip(opName, 80, "op"), "IntegratorClient", c.ClientID, "operation "+opHash))
}

// take spends one token of c's bucket, or returns how long until one is there.
func (s *IntegratorService) take(c *IntegratorClient, now time.Time) time.Duration {
	v, _ := s.buckets.LoadOrStore(c.UserID, &rateBucket{tokens: float64(c.RatePerMinute), last: now})
	b := v.(*rateBucket)
	b.mu.Lock()
	defer b.mu.Unlock()
	perSec := float64(c.RatePerMinute) / 60
	b.tokens = min(float64(c.RatePerMinute), b.tokens+now.Sub(b.last).Seconds()*perSec)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / perSec * float64(time.Second))
}

// previousSecretValid reports whether secret is the client's rotated-out
// secret, still within its grace at now.
func (s *AuthService) previousSecretValid(ctx context.Context, u *User, secret string, now time.Time) bool {
	c, err := s.DB.Integrators().FindIntegratorClient(ctx, u.ID)
	if err != nil || c.PreviousSecretHash == "" || c.PreviousSecretUntil == nil || !now.Before(*c.PreviousSecretUntil) {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(c.PreviousSecretHash), []byte(secret)) == nil
}
