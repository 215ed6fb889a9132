package domain

import (
	"context"
	"time"
)

// Repos is what a use case can read and write, inside or outside a transaction.
type Repos interface {
	Offices() OfficeRepository
	Register() RegisterRepository
	Users() UserRepository
	Audit() AuditRepository
	Collab() CollabRepository
	Cases() CaseRepository
	Hcybsh() HcybshRepository
	// Files stores case files (archives and generated documents).
	Files() CaseFileRepository
	// Jobs enqueues background jobs; inside InTx, on the same transaction.
	Jobs() JobQueue
	// Queries runs query views and keeps saved views and histories.
	Queries() QueryRepository
	// AfterCommit runs fn once the transaction has committed (never after a
	// rollback); on the pool, at once. fn must not block: it is for waking
	// work that the commit made ready (an outgoing message's delivery).
	AfterCommit(fn func())
	// Integrators stores Internet+ integrator clients.
	Integrators() IntegratorRepository
	// Idempotency stores the answers of mutations made with idempotency keys.
	Idempotency() IdempotencyRepository
	// Online stores online applications and their webhook deliveries.
	Online() OnlineRepository
	// PortalMessages stores the portals' messages and instructions (3.1.7).
	PortalMessages() PortalMessageRepository
	// FoundCards stores found ID cards (3.1.5).
	FoundCards() FoundCardRepository
	// Licences stores fetched e-licences and the cases' citations (4.1.2).
	Licences() LicenceRepository
	// HukouBooks stores portals' e-hukou-book applications (3.1.6).
	HukouBooks() HukouBookRepository
}

// Database runs use cases. InTx gives fn repositories bound to one
// transaction, committed if fn returns nil and rolled back otherwise.
type Database interface {
	Repos
	InTx(ctx context.Context, fn func(ctx context.Context, tx Repos) error) error
}

// OfficeRepository reads and writes offices.
type OfficeRepository interface {
	// FindOfficeByCode returns CodeNotFound when there is none.
	FindOfficeByCode(ctx context.Context, code string) (*Office, error)
	// FindOfficesByCodes returns the offices found, in no order.
	FindOfficesByCodes(ctx context.Context, codes []string) ([]*Office, error)
	// FindOffices returns every office whose code starts with prefix, by code.
	FindOffices(ctx context.Context, prefix string) ([]*Office, error)
	// UpsertOffice inserts or updates by code.
	UpsertOffice(ctx context.Context, o *Office) error
}

// RegisterRepository reads the household register.
type RegisterRepository interface {
	// FindResidentByIDNumber returns CodeNotFound when there is none.
	FindResidentByIDNumber(ctx context.Context, idNumber string) (*Resident, error)
	// FindResidentByID returns CodeNotFound when there is none.
	FindResidentByID(ctx context.Context, id string) (*Resident, error)
	// FindResidents pages through residents matching f, newest first.
	FindResidents(ctx context.Context, f ResidentFilter, p Page) (*ResidentPage, error)
	// CountResidents counts residents matching f.
	CountResidents(ctx context.Context, f ResidentFilter) (int, error)
	// FindResidentsByHouseholdIDs returns the members of the households, any order.
	FindResidentsByHouseholdIDs(ctx context.Context, ids []string) ([]*Resident, error)
	// FindHouseholdByNumber returns CodeNotFound when there is none.
	FindHouseholdByNumber(ctx context.Context, number string) (*Household, error)
	// FindHouseholdsByIDs returns the households found, any order.
	FindHouseholdsByIDs(ctx context.Context, ids []string) ([]*Household, error)
	// FindAddressesByIDs returns the addresses found, any order.
	FindAddressesByIDs(ctx context.Context, ids []string) ([]*Address, error)
	// CreateResident inserts r (the database fills Hcybsh); CodeConflict when
	// its ID number is taken.
	CreateResident(ctx context.Context, r *Resident) error
	// UpdateResident writes r if its stored version is still r.Version, then
	// increments r.Version; CodeConflict when someone changed it first or
	// the new ID number is taken.
	UpdateResident(ctx context.Context, r *Resident) error
	// IDNumbersWithPrefix returns the ID numbers starting with prefix.
	IDNumbersWithPrefix(ctx context.Context, prefix string) ([]string, error)
	// LastHouseholdNumber returns the highest household number of the form
	// prefix and five digits ("" when there is none), through the unique
	// index on numbers.
	LastHouseholdNumber(ctx context.Context, prefix string) (string, error)
	// CreateAddress inserts a.
	CreateAddress(ctx context.Context, a *Address) error
	// CreateHousehold inserts h; CodeConflict when its number is taken.
	CreateHousehold(ctx context.Context, h *Household) error
	// CloseHousehold marks the household closed at at (if still open).
	CloseHousehold(ctx context.Context, id string, at time.Time) error
	// RecordMove appends m; CodeConflict when the resident's move of that
	// direction by that case is recorded already.
	RecordMove(ctx context.Context, m *ResidentMove) error
	// FindMoves returns the moves of the residents, oldest first.
	FindMoves(ctx context.Context, residentIDs []string) ([]*ResidentMove, error)
}

// UserRepository stores users and their refresh tokens.
type UserRepository interface {
	// FindUserByUsername returns CodeNotFound when there is none.
	FindUserByUsername(ctx context.Context, username string) (*User, error)
	// FindUserByID returns CodeNotFound when there is none.
	FindUserByID(ctx context.Context, id string) (*User, error)
	// CreateUser returns CodeConflict when the username is taken.
	CreateUser(ctx context.Context, u *User) error
	// UpdateUser stores u's name, office, roles, disabled state and
	// password hash when its version is still u.Version, and increments
	// u.Version; CodeConflict otherwise.
	UpdateUser(ctx context.Context, u *User) error
	// FindUsers pages through users matching f, by username.
	FindUsers(ctx context.Context, f UserFilter, p Page) (*UserPage, error)
	// CreateRefreshToken stores a token's hash.
	CreateRefreshToken(ctx context.Context, t *RefreshToken) error
	// FindRefreshToken returns CodeNotFound when no token has that hash.
	FindRefreshToken(ctx context.Context, hash string) (*RefreshToken, error)
	// RevokeRefreshToken marks the token revoked; CodeConflict if it already was
	// (a reused refresh token), so a token can be spent only once.
	RevokeRefreshToken(ctx context.Context, id string, at time.Time) error
	// RevokeUserRefreshTokens revokes every live token of the user.
	RevokeUserRefreshTokens(ctx context.Context, userID string, at time.Time) error
	// PruneRefreshTokens deletes every token that expired before before and
	// returns how many it deleted.
	PruneRefreshTokens(ctx context.Context, before time.Time) (int, error)
	// TokenGeneration returns the user's access-token generation
	// (User.TokenGeneration); CodeNotFound when there is no such user.
	TokenGeneration(ctx context.Context, userID string) (int, error)
	// RevokeAccessTokens increments the user's access-token generation, so
	// every access token issued before is refused from then on.
	RevokeAccessTokens(ctx context.Context, userID string) error
	// PreferenceRepository keeps the users' preferences.
	PreferenceRepository
}

// AuditRepository appends to and reads the audit log. There is no update or
// delete: the tables refuse them too.
type AuditRepository interface {
	// AppendAudit writes entries in the current transaction.
	AppendAudit(ctx context.Context, entries ...*AuditEntry) error
	// FindAuditEntries pages through the log, newest first.
	FindAuditEntries(ctx context.Context, f AuditFilter, p Page) (*AuditPage, error)
	// FindLoginFailures returns the times of failed sign-ins matching f,
	// newest first, at most f.Limit of them.
	FindLoginFailures(ctx context.Context, f LoginFailureFilter) ([]time.Time, error)
}

// AuditSink records reads of personal data (and refused attempts). Record
// returns only once e is durably committed, or an error (CodeUnavailable)
// when it cannot be: a service must not answer a read whose Record failed.
// The one exception is a query's read under an AnswerHold
// (DeferReadAudit): Record returns at once and the hold waits for the
// commit before the answer's first byte.
// Implementations keep throughput by sharing one commit among concurrent
// Records (group commit), never by answering before the commit. Mutations
// are audited in their own transaction instead, through AuditRepository.
type AuditSink interface {
	Record(ctx context.Context, e *AuditEntry) error
}

// AccessTokenIssuer signs short-lived access tokens for a user.
type AccessTokenIssuer interface {
	IssueAccessToken(u *User, now time.Time) (token string, expiresAt time.Time, err error)
}

// CaseRepository stores cases and their append-only histories.
type CaseRepository interface {
	// CreateCase returns CodeConflict when the side already has a case with
	// that collaboration number.
	CreateCase(ctx context.Context, c *Case) error
	// FindCaseByID returns CodeNotFound when there is none.
	FindCaseByID(ctx context.Context, id string) (*Case, error)
	// FindCaseByCollabNo returns this side's copy, or CodeNotFound.
	FindCaseByCollabNo(ctx context.Context, collabNo string, side Side) (*Case, error)
	// UpdateCase writes c if its stored version is still c.Version, then
	// increments c.Version; CodeConflict when someone changed it first.
	UpdateCase(ctx context.Context, c *Case) error
	// AppendCaseAction appends a to its case's history, setting a.Seq.
	AppendCaseAction(ctx context.Context, a *CaseAction) error
	// FindCaseActions returns a case's history in order.
	FindCaseActions(ctx context.Context, caseID string) ([]*CaseAction, error)
	// FindCases pages through cases, most recently updated first.
	FindCases(ctx context.Context, f CaseFilter, p Page) (*CasePage, error)
	// CountCases counts the cases f selects (the case list's total, asked for on demand).
	CountCases(ctx context.Context, f CaseFilter) (int, error)
	// CountQueues counts cases by kind, side and status under an office prefix.
	CountQueues(ctx context.Context, officePrefix string, now time.Time) ([]QueueCount, error)
	// ClaimCaseKey records that k.CaseID holds k.Key among the live cases
	// of its kind on its side; CodeConflict when another case holds it (a
	// unique constraint decides, so concurrent claims cannot both win).
	ClaimCaseKey(ctx context.Context, k *CaseKey) error
	// FindCaseKey returns the holder of a key, or CodeNotFound.
	FindCaseKey(ctx context.Context, kind CaseKind, side Side, key string) (*CaseKey, error)
	// ReleaseCaseKeys frees every key the case holds.
	ReleaseCaseKeys(ctx context.Context, caseID string) error
	// CreateCaseForward records a scheduled forward (CaseService.Forward).
	CreateCaseForward(ctx context.Context, f *CaseForward) error
	// FindPendingForwards returns up to limit forwards not yet sent, oldest
	// first.
	FindPendingForwards(ctx context.Context, limit int) ([]*CaseForward, error)
	// MarkForwardSent records that the forward was sent as messageID, if it
	// is still unsent; CodeConflict when it was already sent.
	MarkForwardSent(ctx context.Context, id string, at time.Time, messageID string) error
	// FindCaseForwards returns a case's forwards, oldest first.
	FindCaseForwards(ctx context.Context, caseID string) ([]*CaseForward, error)
}

// CaseKey is a unique key held by a live case (Workflow.Unique): one per
// kind, side and key.
type CaseKey struct {
	Kind      CaseKind
	Side      Side
	Key       string
	CaseID    string
	CollabNo  string
	CreatedAt time.Time
}
