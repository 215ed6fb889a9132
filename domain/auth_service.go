package domain

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Session is what a successful sign-in or refresh returns.
type Session struct {
	AccessToken      string
	AccessExpiresAt  time.Time
	RefreshToken     string
	RefreshExpiresAt time.Time
	User             *User
}

// AuthService signs users and integrator clients in, rotates refresh
// tokens, and turns verified access-token claims into an Actor.
type AuthService struct {
	DB         Database
	Tokens     AccessTokenIssuer
	Now        func() time.Time
	NewID      func() string
	RefreshTTL time.Duration
	// Throttle bounds failed sign-ins; the zero value means DefaultLoginThrottle.
	Throttle LoginThrottle
	// GenerationTTL is how long a user's access-token generation is cached
	// (zero: DefaultGenerationTTL). A revocation made on this instance is
	// honoured at once; one made on another instance sharing the database
	// within GenerationTTL.
	GenerationTTL time.Duration

	offices     sync.Map // office code → officeCacheEntry
	generations sync.Map // user ID → generationCacheEntry
}

// LoginThrottle bounds failed sign-ins, counted from the audit log (so every
// instance sharing the database counts the same): at most PerUser failures
// for one username since its last successful sign-in, and PerAddress
// failures from one client address, within Window. Further attempts are
// refused with CodeTooManyRequests before the password is checked.
type LoginThrottle struct {
	Window     time.Duration
	PerUser    int
	PerAddress int
}

// DefaultLoginThrottle: 5 failures per username and 20 per address in 15 minutes.
var DefaultLoginThrottle = LoginThrottle{Window: 15 * time.Minute, PerUser: 5, PerAddress: 20}

// DefaultGenerationTTL is the default of AuthService.GenerationTTL.
const DefaultGenerationTTL = 2 * time.Second

// Longest sign-in inputs. No username is longer (CreateUser); bcrypt reads
// at most 72 bytes of a password, and the cap keeps hostile bodies out of
// the hash and the audit log.
const (
	MaxUsernameLength = 64
	MaxPasswordLength = 1024
)

type generationCacheEntry struct {
	gen     int
	expires time.Time
}

type officeCacheEntry struct {
	office  *Office
	expires time.Time
}

// NewAuthService returns an AuthService; it panics on a nil dependency.
func NewAuthService(db Database, tokens AccessTokenIssuer, now func() time.Time, newID func() string, refreshTTL time.Duration) *AuthService {
	if db == nil || tokens == nil || now == nil || newID == nil || refreshTTL <= 0 {
		panic("domain: NewAuthService needs db, tokens, now, newID and a positive refresh TTL")
	}
	return &AuthService{DB: db, Tokens: tokens, Now: now, NewID: newID, RefreshTTL: refreshTTL}
}

// dummyHash is compared against when the user does not exist, so a wrong
// username costs as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such user"), bcrypt.DefaultCost)

// Login signs a person in. It returns CodeUnauthenticated for a wrong
// username or password, a disabled user, or an INTEGRATOR client (they use
// ClientLogin). Each attempt is audited; the session is stored in one transaction.
func (s *AuthService) Login(ctx context.Context, username, password, remoteAddr string) (*Session, error) {
	return s.signIn(ctx, username, password, remoteAddr, false)
}

// ClientLogin signs an Internet+ integrator client in with its client ID
// and secret. Only users holding the INTEGRATOR role may use it.
func (s *AuthService) ClientLogin(ctx context.Context, clientID, secret, remoteAddr string) (*Session, error) {
	return s.signIn(ctx, clientID, secret, remoteAddr, true)
}

func (s *AuthService) signIn(ctx context.Context, username, password, remoteAddr string, client bool) (*Session, error) {
	now := s.Now()
	userField, passField := "username", "password"
	if client {
		userField, passField = "clientId", "clientSecret"
	}
	if len(username) > MaxUsernameLength || len(password) > MaxPasswordLength {
		// Refused before anything else; the audit entry holds a cut name.
		entry := &AuditEntry{At: now, ActorName: username, Action: AuditLogin, Operation: "login", Detail: LoginRefused + ": input too long", RemoteAddr: remoteAddr}
		if err := s.DB.Audit().AppendAudit(ctx, entry); err != nil {
			return nil, err
		}
		if len(username) > MaxUsernameLength {
			return nil, FieldErrorf(userField, "at most %d characters", MaxUsernameLength).WithReason("auth.input_too_long")
		}
		return nil, FieldErrorf(passField, "at most %d characters", MaxPasswordLength).WithReason("auth.input_too_long")
	}
	if err := s.checkThrottle(ctx, username, remoteAddr, now); err != nil {
		return nil, err
	}
	u, err := s.DB.Users().FindUserByUsername(ctx, username)
	if err != nil && ErrorCode(err) != CodeNotFound {
		return nil, err
	}
	hash := dummyHash
	if u != nil {
		hash = []byte(u.PasswordHash)
	}
	pwErr := bcrypt.CompareHashAndPassword(hash, []byte(password))
	isClient := u != nil && len(u.Roles) == 1 && u.Roles[0] == RoleIntegrator
	if pwErr != nil && client && isClient && s.previousSecretValid(ctx, u, password, now) {
		pwErr = nil // a rotated-out secret within its grace (IntegratorService.RotateSecret)
	}
	if u == nil || pwErr != nil || u.Disabled || isClient != client {
		entry := &AuditEntry{At: now, ActorName: username, Action: AuditLogin, Operation: "login", Detail: LoginFailed, RemoteAddr: remoteAddr}
		if err := s.DB.Audit().AppendAudit(ctx, entry); err != nil {
			return nil, err
		}
		if client {
			return nil, Errorf(CodeUnauthenticated, "unknown client or wrong secret").WithReason("auth.bad_credentials")
		}
		return nil, Errorf(CodeUnauthenticated, "wrong username or password").WithReason("auth.bad_credentials")
	}
	var sess *Session
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		var err error
		if sess, err = s.newSession(ctx, tx, u, now); err != nil {
			return err
		}
		actor := &Actor{UserID: u.ID, Username: u.Username, OfficeCode: u.OfficeCode, RemoteAddr: remoteAddr}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditLogin, "login", "User", u.ID, LoginOK))
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// checkThrottle refuses a sign-in with CodeTooManyRequests (and when to try
// again) once the username or the address has used up its failures; the
// refusal is audited as LoginThrottled, which does not count as a failure.
func (s *AuthService) checkThrottle(ctx context.Context, username, remoteAddr string, now time.Time) error {
	th := s.Throttle
	if th == (LoginThrottle{}) {
		th = DefaultLoginThrottle
	}
	since := now.Add(-th.Window)
	var retry time.Duration
	for _, f := range []LoginFailureFilter{
		{Username: username, Since: since, Limit: th.PerUser},
		{RemoteAddr: remoteAddr, Since: since, Limit: th.PerAddress},
	} {
		if f.Username == "" && f.RemoteAddr == "" {
			continue
		}
		failures, err := s.DB.Audit().FindLoginFailures(ctx, f)
		if err != nil {
			return err
		}
		if len(failures) < f.Limit {
			continue
		}
		// The oldest counted failure leaves the window first.
		retry = max(retry, failures[len(failures)-1].Add(th.Window).Sub(now))
	}
	if retry <= 0 {
		return nil
	}
	retry = max(retry.Round(time.Second), time.Second)
	entry := &AuditEntry{At: now, ActorName: username, Action: AuditLogin, Operation: "login", Detail: LoginThrottled, RemoteAddr: remoteAddr}
	if err := s.DB.Audit().AppendAudit(ctx, entry); err != nil {
		return err
	}
	return &Error{Code: CodeTooManyRequests, Reason: "auth.throttled", RetryAfter: retry,
		Message: fmt.Sprintf("too many failed sign-ins; try again in %s", retry)}
}

// Refresh exchanges a refresh token for a new session. Tokens rotate: each
// can be spent once. Spending a revoked token again is treated as theft and
// revokes every session of that user, access tokens included. Errors:
// CodeUnauthenticated for an unknown, expired or reused token.
func (s *AuthService) Refresh(ctx context.Context, refreshToken, remoteAddr string) (*Session, error) {
	now := s.Now()
	bad := Errorf(CodeUnauthenticated, "the session has expired; sign in again").WithReason("auth.refresh_invalid")
	t, err := s.DB.Users().FindRefreshToken(ctx, hashToken(refreshToken))
	if ErrorCode(err) == CodeNotFound {
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	if t.RevokedAt != nil {
		// Reuse of a spent token: revoke every session of the user, the
		// access tokens already issued too.
		err := s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
			if err := tx.Users().RevokeUserRefreshTokens(ctx, t.UserID, now); err != nil {
				return err
			}
			if err := tx.Users().RevokeAccessTokens(ctx, t.UserID); err != nil {
				return err
			}
			actor := &Actor{UserID: t.UserID, RemoteAddr: remoteAddr}
			return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditLogin, "refreshToken", "User", t.UserID, "reused token: every session revoked"))
		})
		if err != nil {
			return nil, err
		}
		s.generations.Delete(t.UserID)
		return nil, bad
	}
	if !now.Before(t.ExpiresAt) {
		return nil, bad
	}
	var sess *Session
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if err := tx.Users().RevokeRefreshToken(ctx, t.ID, now); err != nil {
			return bad // lost a race with another refresh of the same token
		}
		u, err := tx.Users().FindUserByID(ctx, t.UserID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return bad
		}
		if sess, err = s.newSession(ctx, tx, u, now); err != nil {
			return err
		}
		actor := &Actor{UserID: u.ID, Username: u.Username, OfficeCode: u.OfficeCode, RemoteAddr: remoteAddr}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditLogin, "refreshToken", "User", u.ID, LoginOK))
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// Logout revokes the refresh token and every access token the user holds
// (the user's other sessions get new access tokens by refreshing); an
// unknown or spent token is not an error. One transaction.
func (s *AuthService) Logout(ctx context.Context, refreshToken string) error {
	t, err := s.DB.Users().FindRefreshToken(ctx, hashToken(refreshToken))
	if ErrorCode(err) == CodeNotFound {
		return nil
	} else if err != nil {
		return err
	}
	if t.RevokedAt != nil {
		return nil
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if err := tx.Users().RevokeRefreshToken(ctx, t.ID, s.Now()); err != nil {
			return err
		}
		return tx.Users().RevokeAccessTokens(ctx, t.UserID)
	})
	if err != nil && ErrorCode(err) != CodeConflict {
		return err
	}
	s.generations.Delete(t.UserID)
	return nil
}

// CurrentUser returns the signed-in user.
func (s *AuthService) CurrentUser(ctx context.Context) (*User, error) {
	actor, err := RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	return s.DB.Users().FindUserByID(ctx, actor.UserID)
}

// FindUserByID returns a user: the caller itself, or anyone for an ADMIN
// (within the admin's jurisdiction). Errors: CodeForbidden, CodeNotFound.
func (s *AuthService) FindUserByID(ctx context.Context, id string) (*User, error) {
	actor, err := RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if id != actor.UserID && !actor.HasRole(RoleAdmin) {
		return nil, Errorf(CodeForbidden, "only administrators may look up other users").WithReason("auth.role")
	}
	u, err := s.DB.Users().FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.CanSee(u.OfficeCode) {
		return nil, Errorf(CodeForbidden, "this user belongs to an office outside your jurisdiction").WithReason("auth.jurisdiction")
	}
	return u, nil
}

// AccessClaims is what a verified access token says about its bearer.
type AccessClaims struct {
	UserID      string
	Username    string
	DisplayName string
	OfficeCode  string
	Roles       []Role
	// Generation is the user's TokenGeneration when the token was issued.
	Generation int
}

// ActorFor builds the Actor for verified claims, with its office loaded
// (offices are cached for a minute: they change rarely). A token of an
// older generation than the user's (revoked by logout or a reused refresh
// token) is refused with CodeUnauthenticated, reason auth.token_revoked.
func (s *AuthService) ActorFor(ctx context.Context, c AccessClaims, remoteAddr string) (*Actor, error) {
	gen, err := s.generation(ctx, c.UserID)
	if err != nil {
		if ErrorCode(err) == CodeNotFound {
			return nil, Errorf(CodeUnauthenticated, "the token names an unknown user; sign in again").WithReason("auth.token_invalid")
		}
		return nil, err
	}
	if c.Generation != gen {
		return nil, Errorf(CodeUnauthenticated, "the session was signed out; refresh it or sign in again").WithReason("auth.token_revoked")
	}
	office, err := s.office(ctx, c.OfficeCode)
	if err != nil {
		if ErrorCode(err) == CodeNotFound {
			return nil, Errorf(CodeUnauthenticated, "the token names an unknown office; sign in again").WithReason("auth.token_invalid")
		}
		return nil, err
	}
	return &Actor{UserID: c.UserID, Username: c.Username, DisplayName: c.DisplayName, OfficeCode: c.OfficeCode, Office: office, Roles: c.Roles, RemoteAddr: remoteAddr}, nil
}

// TokenGeneration returns the user's current access-token generation
// (cached as for ActorFor). Signed file links carry it in their MAC, so
// logout and refresh-token reuse revoke them with the access tokens.
func (s *AuthService) TokenGeneration(ctx context.Context, userID string) (int, error) {
	return s.generation(ctx, userID)
}

// ActorForLink builds the Actor of the user a signed file link was minted
// for, from the user as stored now (roles, office, disabled), and returns
// the user's current token generation for the link's MAC. Errors:
// CodeUnauthenticated (reason files.link_invalid) for an unknown or
// disabled user.
func (s *AuthService) ActorForLink(ctx context.Context, userID, remoteAddr string) (*Actor, int, error) {
	invalid := Errorf(CodeUnauthenticated, "the file link is not valid; open the file again from the case").WithReason("files.link_invalid")
	if userID == "" || len(userID) > 64 || !utf8.ValidString(userID) || strings.ContainsRune(userID, 0) {
		return nil, 0, invalid
	}
	u, err := s.DB.Users().FindUserByID(ctx, userID)
	if ErrorCode(err) == CodeNotFound {
		return nil, 0, invalid
	} else if err != nil {
		return nil, 0, err
	}
	if u.Disabled {
		return nil, 0, invalid
	}
	office, err := s.office(ctx, u.OfficeCode)
	if err != nil {
		if ErrorCode(err) == CodeNotFound {
			return nil, 0, invalid
		}
		return nil, 0, err
	}
	return &Actor{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, OfficeCode: u.OfficeCode, Office: office,
		Roles: u.Roles, RemoteAddr: remoteAddr}, u.TokenGeneration, nil
}

// generation returns the user's access-token generation, cached for
// GenerationTTL so a busy client costs one query per interval, not one per request.
func (s *AuthService) generation(ctx context.Context, userID string) (int, error) {
	now := s.Now()
	if e, ok := s.generations.Load(userID); ok && now.Before(e.(generationCacheEntry).expires) {
		return e.(generationCacheEntry).gen, nil
	}
	gen, err := s.DB.Users().TokenGeneration(ctx, userID)
	if err != nil {
		return 0, err
	}
	ttl := s.GenerationTTL
	if ttl <= 0 {
		ttl = DefaultGenerationTTL
	}
	s.generations.Store(userID, generationCacheEntry{gen: gen, expires: now.Add(ttl)})
	return gen, nil
}

func (s *AuthService) office(ctx context.Context, code string) (*Office, error) {
	now := s.Now()
	if e, ok := s.offices.Load(code); ok && now.Before(e.(officeCacheEntry).expires) {
		return e.(officeCacheEntry).office, nil
	}
	o, err := s.DB.Offices().FindOfficeByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	s.offices.Store(code, officeCacheEntry{office: o, expires: now.Add(time.Minute)})
	return o, nil
}

func (s *AuthService) newSession(ctx context.Context, tx Repos, u *User, now time.Time) (*Session, error) {
	access, accessExp, err := s.Tokens.IssueAccessToken(u, now)
	if err != nil {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	refresh := base64.RawURLEncoding.EncodeToString(raw)
	t := &RefreshToken{ID: s.NewID(), UserID: u.ID, TokenHash: hashToken(refresh), ExpiresAt: now.Add(s.RefreshTTL), CreatedAt: now}
	if err := tx.Users().CreateRefreshToken(ctx, t); err != nil {
		return nil, err
	}
	return &Session{AccessToken: access, AccessExpiresAt: accessExp, RefreshToken: refresh, RefreshExpiresAt: t.ExpiresAt, User: u}, nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewUser is the input of UserService.CreateUser.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	OfficeCode  string
	Roles       []Role
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// UserService manages users; only ADMIN (or the system) may create them.
type UserService struct {
	DB    Database
	Now   func() time.Time
	NewID func() string
	// Cost is the bcrypt cost; tests lower it.
	Cost int
	// Sessions, when set, forgets its cached token generation of a user
	// whose sessions a change ended, so that this instance refuses the
	// user's old access tokens from the next request (other instances
	// within their GenerationTTL).
	Sessions *AuthService
}

// CreateUser validates and stores a new user in one transaction, audited.
// Errors: CodeForbidden, CodeInvalid (field named), CodeNotFound for an
// unknown office (field "officeCode"), CodeConflict for a taken username.
func (s *UserService) CreateUser(ctx context.Context, in NewUser) (*User, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	switch {
	case !usernamePattern.MatchString(in.Username):
		return nil, FieldErrorf("username", "use 3 to 64 lower-case letters, digits, dots, dashes or underscores").WithReason("user.username")
	case len(in.Roles) == 0:
		return nil, FieldErrorf("roles", "give the user at least one role").WithReason("user.roles")
	case in.DisplayName == "":
		return nil, FieldErrorf("displayName", "enter the user's name").WithReason("user.display_name")
	}
	if err := checkPassword(in.Password); err != nil {
		return nil, err
	}
	for _, r := range in.Roles {
		if !r.Valid() {
			return nil, FieldErrorf("roles", "unknown role %q", r).WithReason("user.roles")
		}
	}
	if actor.Office != nil && !actor.CanSee(in.OfficeCode) {
		return nil, Errorf(CodeForbidden, "office %s is outside your jurisdiction", in.OfficeCode).WithReason("auth.jurisdiction")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), s.cost())
	if err != nil {
		return nil, err
	}
	now := s.Now()
	u := &User{ID: s.NewID(), Username: in.Username, DisplayName: in.DisplayName, PasswordHash: string(hash),
		OfficeCode: in.OfficeCode, Roles: in.Roles, CreatedAt: now, UpdatedAt: now, Version: 1}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if _, err := tx.Offices().FindOfficeByCode(ctx, in.OfficeCode); err != nil {
			if ErrorCode(err) == CodeNotFound {
				return &Error{Code: CodeNotFound, Field: "officeCode", Message: "no office has the code " + in.OfficeCode, Reason: "office.unknown"}
			}
			return err
		}
		if err := tx.Users().CreateUser(ctx, u); ErrorCode(err) == CodeConflict {
			return &Error{Code: CodeConflict, Field: "username", Message: "the username " + u.Username + " is taken", Reason: "user.username_taken"}
		} else if err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "createUser", "User", u.ID, u.Username))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// AuditService reads the audit log; ADMIN only.
type AuditService struct {
	DB Database
}

// FindAuditEntries pages through the audit log, newest first (ADMIN). The
// city bureau's administrators read the whole log, entries without an
// office (failed logins, system jobs) included; a county bureau's or a
// station's read only the entries of users of offices in their
// jurisdiction. Errors: CodeForbidden for other roles, CodeInvalid for a
// bad page.
func (s *AuditService) FindAuditEntries(ctx context.Context, f AuditFilter, p Page) (*AuditPage, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if err := checkPage(&p); err != nil {
		return nil, err
	}
	if actor.Office != nil && actor.Office.Level != OfficeCityBureau {
		if f.OfficePrefix, err = narrowPrefix(actor.Office.JurisdictionPrefix(), f.OfficePrefix); err != nil {
			return nil, err
		}
	}
	return s.DB.Audit().FindAuditEntries(ctx, f, p)
}
