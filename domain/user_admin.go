package domain

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// UserFilter narrows the user list (19 item 3). Every field is optional.
type UserFilter struct {
	// OfficePrefix keeps users of offices whose code starts with it; the
	// service narrows it to the administrator's jurisdiction.
	OfficePrefix string
	Role         Role
	// Search matches the start of the username or of the display name.
	Search   string
	Disabled *bool
}

// UserPage is one page of users, by username.
type UserPage struct {
	Users       []*User
	HasNextPage bool
	EndCursor   string
}

// UserChange is what UpdateUser changes; nil fields stay as they are.
type UserChange struct {
	DisplayName *string
	OfficeCode  *string
	Roles       []Role
	Disabled    *bool
}

// FindUsers pages through the users of offices in the administrator's
// jurisdiction, by username. Errors: CodeForbidden for other roles,
// CodeInvalid for a bad page or an office outside the jurisdiction.
func (s *UserService) FindUsers(ctx context.Context, f UserFilter, p Page) (*UserPage, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if err := checkPage(&p); err != nil {
		return nil, err
	}
	if f.Role != "" && !f.Role.Valid() {
		return nil, FieldErrorf("role", "unknown role %q", f.Role).WithReason("user.roles")
	}
	f.Search = strings.TrimSpace(f.Search)
	if len(f.Search) > 64 {
		return nil, FieldErrorf("search", "search with at most 64 characters").WithReason("user.search")
	}
	if actor.Office != nil {
		if f.OfficePrefix, err = narrowPrefix(actor.Office.JurisdictionPrefix(), f.OfficePrefix); err != nil {
			return nil, err
		}
	}
	return s.DB.Users().FindUsers(ctx, f, p)
}

// UpdateUser changes a user's name, office, roles or disabled state in one
// audited transaction. A change of office, roles or state ends the user's
// sessions at once (refresh tokens revoked, access tokens of older
// generations refused), so the new rights apply from the next request.
// An administrator cannot disable themself or take away their own ADMIN
// role (reason user.self_lockout). Errors: CodeForbidden; CodeNotFound for
// a user outside the jurisdiction (as for one that does not exist) or an
// unknown office (field officeCode); CodeInvalid naming the field;
// CodeConflict when version is stale.
func (s *UserService) UpdateUser(ctx context.Context, id string, version int, ch UserChange) (*User, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if err := ch.validate(); err != nil {
		return nil, err
	}
	if ch.OfficeCode != nil && !actor.CanSee(*ch.OfficeCode) {
		return nil, FieldErrorf("officeCode", "office %s is outside your jurisdiction", *ch.OfficeCode).WithReason("auth.jurisdiction")
	}
	if id == actor.UserID && ((ch.Disabled != nil && *ch.Disabled) || (ch.Roles != nil && !hasRole(ch.Roles, RoleAdmin))) {
		return nil, Errorf(CodeInvalid, "you cannot disable yourself or take away your own ADMIN role; ask another administrator").
			WithReason("user.self_lockout")
	}
	now := s.Now()
	var out *User
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		u, err := s.adminTarget(ctx, tx, actor, id, version)
		if err != nil {
			return err
		}
		var changed []string
		endSessions := false
		if ch.DisplayName != nil && strings.TrimSpace(*ch.DisplayName) != u.DisplayName {
			u.DisplayName = strings.TrimSpace(*ch.DisplayName)
			changed = append(changed, "displayName")
		}
		if ch.OfficeCode != nil && *ch.OfficeCode != u.OfficeCode {
			if _, err := tx.Offices().FindOfficeByCode(ctx, *ch.OfficeCode); err != nil {
				if ErrorCode(err) == CodeNotFound {
					return &Error{Code: CodeNotFound, Field: "officeCode", Message: "no office has the code " + *ch.OfficeCode, Reason: "office.unknown"}
				}
				return err
			}
			changed = append(changed, "officeCode "+u.OfficeCode+"→"+*ch.OfficeCode)
			u.OfficeCode, endSessions = *ch.OfficeCode, true
		}
		if ch.Roles != nil && !sameRoles(ch.Roles, u.Roles) {
			changed = append(changed, fmt.Sprintf("roles %v→%v", u.Roles, ch.Roles))
			u.Roles, endSessions = ch.Roles, true
		}
		if ch.Disabled != nil && *ch.Disabled != u.Disabled {
			changed = append(changed, fmt.Sprintf("disabled→%t", *ch.Disabled))
			u.Disabled, endSessions = *ch.Disabled, true
		}
		if len(changed) == 0 {
			out = u
			return nil
		}
		u.UpdatedAt = now
		if err := tx.Users().UpdateUser(ctx, u); err != nil {
			return err
		}
		if endSessions {
			if err := endUserSessions(ctx, tx, u.ID, now); err != nil {
				return err
			}
		}
		out = u
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "updateUser", "User", u.ID,
			u.Username+": "+strings.Join(changed, "; ")))
	})
	s.forget(id)
	return out, err
}

// ResetPassword sets a new password for a user in the administrator's
// jurisdiction and ends the user's sessions, audited. Errors as
// UpdateUser; CodeInvalid (field password) for a short one.
func (s *UserService) ResetPassword(ctx context.Context, id, password string) (*User, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if err := checkPassword(password); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost())
	if err != nil {
		return nil, fmt.Errorf("hash the password: %w", err)
	}
	now := s.Now()
	var out *User
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		u, err := s.adminTarget(ctx, tx, actor, id, 0)
		if err != nil {
			return err
		}
		u.PasswordHash, u.UpdatedAt = string(hash), now
		if err := tx.Users().UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := endUserSessions(ctx, tx, u.ID, now); err != nil {
			return err
		}
		out = u
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "resetUserPassword", "User", u.ID, u.Username))
	})
	s.forget(id)
	return out, err
}

// forget drops the cached token generation of user id after a change.
func (s *UserService) forget(id string) {
	if s.Sessions != nil {
		s.Sessions.generations.Delete(id)
	}
}

// narrowPrefix is the office code prefix a list filtered by asked shows
// within the jurisdiction own: own when asked is empty or wider, asked
// when it lies inside own; CodeInvalid (field officeCode, reason
// auth.jurisdiction) when it lies outside.
func narrowPrefix(own, asked string) (string, error) {
	switch {
	case asked == "" || strings.HasPrefix(own, asked):
		return own, nil
	case strings.HasPrefix(asked, own):
		return asked, nil
	default:
		return "", FieldErrorf("officeCode", "office %s is outside your jurisdiction", asked).WithReason("auth.jurisdiction")
	}
}

// adminTarget loads user id on tx for an administrator's change: a user
// outside the jurisdiction is CodeNotFound, as one that does not exist;
// version (when not 0) must be the stored one.
func (s *UserService) adminTarget(ctx context.Context, tx Repos, actor *Actor, id string, version int) (*User, error) {
	u, err := tx.Users().FindUserByID(ctx, id)
	if err == nil && !actor.CanSee(u.OfficeCode) {
		err = Errorf(CodeNotFound, "no user has that ID").WithReason("not_found")
	}
	if err != nil {
		return nil, err
	}
	if version != 0 && u.Version != version {
		return nil, Errorf(CodeConflict, "the user was changed meanwhile (version %d, not %d); reload and try again", u.Version, version).WithReason("stale_version")
	}
	return u, nil
}

// endUserSessions revokes a user's refresh tokens and access tokens.
func endUserSessions(ctx context.Context, tx Repos, userID string, now time.Time) error {
	if err := tx.Users().RevokeUserRefreshTokens(ctx, userID, now); err != nil {
		return err
	}
	return tx.Users().RevokeAccessTokens(ctx, userID)
}

func (ch UserChange) validate() error {
	if ch.DisplayName != nil {
		if n := strings.TrimSpace(*ch.DisplayName); n == "" || len([]rune(n)) > 50 {
			return FieldErrorf("displayName", "enter the user's name (at most 50 characters)").WithReason("user.display_name")
		}
	}
	if ch.Roles != nil {
		if len(ch.Roles) == 0 {
			return FieldErrorf("roles", "give the user at least one role").WithReason("user.roles")
		}
		for _, r := range ch.Roles {
			if !r.Valid() {
				return FieldErrorf("roles", "unknown role %q", r).WithReason("user.roles")
			}
		}
	}
	return nil
}

func checkPassword(pw string) error {
	if len(pw) < 8 || len(pw) > 72 {
		return FieldErrorf("password", "a password needs 8 to 72 characters").WithReason("user.password")
	}
	return nil
}

func (s *UserService) cost() int {
	if s.Cost == 0 {
		return bcrypt.DefaultCost
	}
	return s.Cost
}

func hasRole(roles []Role, r Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

func sameRoles(a, b []Role) bool {
	if len(a) != len(b) {
		return false
	}
	for _, r := range a {
		if !hasRole(b, r) {
			return false
		}
	}
	return true
}
