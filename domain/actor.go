package domain

import (
	"context"
	"slices"
)

// Role is what a user may do; an office gives the where.
type Role string

// Roles (DESIGN.md "Security and audit").
const (
	RoleClerk      Role = "CLERK"      // acceptance-side intake
	RoleOfficer    Role = "OFFICER"    // registration-side handling
	RoleApprover   Role = "APPROVER"   // approvals, major-item changes, ID review
	RoleArchivist  Role = "ARCHIVIST"  // electronic archives
	RoleAnalyst    Role = "ANALYST"    // read, saved queries; personal identifiers masked (pii.go)
	RoleAdmin      Role = "ADMIN"      // users, operations, audit log
	RoleIntegrator Role = "INTEGRATOR" // Internet+ portal client
)

// AllRoles lists every role in a stable order.
var AllRoles = []Role{RoleClerk, RoleOfficer, RoleApprover, RoleArchivist, RoleAnalyst, RoleAdmin, RoleIntegrator}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(AllRoles, r) }

// Actor is the authenticated caller of a use case.
type Actor struct {
	UserID      string
	Username    string
	DisplayName string // shown in case histories; the audit log keeps Username
	OfficeCode  string
	Office      *Office // loaded with the actor; nil only for system actors
	Roles       []Role
	RemoteAddr  string
	System      bool // internal jobs; bypasses role checks but not audit
}

// HasRole reports whether the actor holds any of roles.
func (a *Actor) HasRole(roles ...Role) bool {
	if a == nil {
		return false
	}
	for _, r := range roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return false
}

// CanSee reports whether the actor's office jurisdiction covers officeCode.
func (a *Actor) CanSee(officeCode string) bool {
	if a == nil {
		return false
	}
	if a.System {
		return true
	}
	return a.Office != nil && a.Office.Covers(officeCode)
}

type actorKey struct{}

// WithActor returns a context carrying actor.
func WithActor(ctx context.Context, actor *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFromContext returns the context's actor, or nil.
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// RequireActor returns the context's actor or a CodeUnauthenticated error.
func RequireActor(ctx context.Context) (*Actor, error) {
	if a := ActorFromContext(ctx); a != nil {
		return a, nil
	}
	return nil, Errorf(CodeUnauthenticated, "sign in first").WithReason("auth.required")
}

// Authorize returns the context's actor if it holds one of roles, else a
// CodeUnauthenticated or CodeForbidden error.
func Authorize(ctx context.Context, roles ...Role) (*Actor, error) {
	a, err := RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if a.System || len(roles) == 0 || a.HasRole(roles...) {
		return a, nil
	}
	return nil, Errorf(CodeForbidden, "this needs one of the roles %v", roles).WithReason("auth.role")
}

// Shown returns the name a case history shows for the actor.
func (a *Actor) Shown() string {
	if a.DisplayName != "" {
		return a.DisplayName
	}
	return a.Username
}
