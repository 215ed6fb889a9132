package domain

import "time"

// User is a person (or an Internet+ integrator client) who signs in.
// PasswordHash is bcrypt; for an INTEGRATOR it hashes the client secret.
type User struct {
	ID           string
	Username     string
	DisplayName  string
	PasswordHash string
	OfficeCode   string
	Roles        []Role
	Disabled     bool
	// TokenGeneration is stamped into every access token issued to the user;
	// a token of an older generation is refused (logout and a reused
	// refresh token increment it).
	TokenGeneration int
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Version         int
}

// RefreshToken is the stored form of a revocable refresh token: only the
// SHA-256 of the opaque token is kept.
type RefreshToken struct {
	ID        string
	UserID    string
	TokenHash string
	ExpiresAt time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
}

// AuditAction classifies an audit entry.
type AuditAction string

// Audit actions.
const (
	AuditRead   AuditAction = "READ"   // a read of a person's data
	AuditChange AuditAction = "CHANGE" // any mutation
	AuditLogin  AuditAction = "LOGIN"  // sign-in, refresh, sign-out
	AuditDenied AuditAction = "DENIED" // a refused attempt (FORBIDDEN)
)

// AuditEntry is one row of the append-only audit log: who, what, when, from where.
type AuditEntry struct {
	ID          int64
	At          time.Time
	ActorID     string
	ActorName   string
	OfficeCode  string
	Action      AuditAction
	Operation   string
	SubjectType string
	SubjectID   string
	Detail      string
	RemoteAddr  string
}

// AuditFilter selects audit entries; empty fields do not filter.
type AuditFilter struct {
	ActorID string
	// ActorName is the signed-in username (or a failed login's).
	ActorName   string
	Action      AuditAction
	Operation   string
	SubjectType string
	SubjectID   string
	Since       *time.Time
	Until       *time.Time
	// OfficePrefix keeps the entries of users of offices whose code starts
	// with it; "" keeps every entry. AuditService narrows it to the
	// caller's jurisdiction.
	OfficePrefix string
}

// Audit details of sign-in entries (Action AuditLogin). Throttling counts
// the failed ones, so these strings are stable.
const (
	LoginOK        = "ok"
	LoginFailed    = "failed"
	LoginThrottled = "throttled"
	LoginRefused   = "refused"
)

// LoginFailureFilter selects failed sign-ins (AuditLogin entries whose
// Detail is LoginFailed) at or after Since: those of Username after its
// last successful sign-in, or those from RemoteAddr. Exactly one of the two
// is set.
type LoginFailureFilter struct {
	// Operation, when set, counts failed entries of that audit operation
	// (e.g. a public certificate verification) instead of sign-ins.
	Operation  string
	Username   string
	RemoteAddr string
	Since      time.Time
	Limit      int
}

// AuditPage is a page of audit entries, newest first.
type AuditPage struct {
	Entries     []*AuditEntry
	HasNextPage bool
	EndCursor   string
}
