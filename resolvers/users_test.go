package resolvers_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/graph/scalar"
	"hukou/storage"
	"hukou/storage/storagetest"
)

const usersQuery = `query($f: UserFilter, $first: Int, $after: String) { users(filter: $f, first: $first, after: $after) {
  edges { node { id username displayName roles disabled version office { code } } } pageInfo { hasNextPage endCursor } } }`

const updateUserMutation = `mutation($in: UpdateUserInput!) { updateUser(input: $in) { id username displayName roles disabled version office { code } } }`

type userJSON struct {
	ID          string
	Username    string
	DisplayName string
	Roles       []string
	Disabled    bool
	Version     int
	Office      struct{ Code string }
}

func (b *testBundle) listUsers(t *testing.T, token string, filter map[string]any) []userJSON {
	t.Helper()
	var out struct {
		Users struct{ Edges []struct{ Node userJSON } }
	}
	b.do(t, token, usersQuery, map[string]any{"f": filter, "first": 100}).ok(t, &out)
	var us []userJSON
	for _, e := range out.Users.Edges {
		us = append(us, e.Node)
	}
	return us
}

func usernames(us []userJSON) []string {
	out := []string{}
	for _, u := range us {
		out = append(out, u.Username)
	}
	return out
}

// TestUsers_Administration covers the administrator's console (19 item 3):
// list within the jurisdiction, change roles, office and name, disable,
// reset a password; each change audited, rights changes ending sessions,
// and every refusal with its reason.
func TestUsers_Administration(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		admin := b.token(t, b.admin)
		countyAdmin := b.createUser(t, "county-admin", b.county, domain.RoleAdmin)
		countyTok := b.token(t, countyAdmin)

		t.Run("List", func(t *testing.T) {
			require.Equal(t, []string{"admin", "analyst", "clerk", "county-admin", "officer", "other-clerk", "portal"}, usernames(b.listUsers(t, admin, nil)))
			require.Equal(t, []string{"clerk", "county-admin", "officer"}, usernames(b.listUsers(t, countyTok, nil)), "a county bureau's administrator sees its county")
			require.Equal(t, []string{"clerk", "other-clerk"}, usernames(b.listUsers(t, admin, map[string]any{"role": "CLERK"})))
			require.Equal(t, []string{"other-clerk"}, usernames(b.listUsers(t, admin, map[string]any{"search": "oth"})))
			require.Equal(t, []string{"clerk"}, usernames(b.listUsers(t, admin, map[string]any{"officeCode": b.station})))
			requireError(t, b.do(t, countyTok, usersQuery, map[string]any{"f": map[string]any{"officeCode": b.otherCounty}}),
				"BAD_USER_INPUT", "officeCode", "auth.jurisdiction")
			requireError(t, b.do(t, b.token(t, b.clerk), usersQuery, nil), "FORBIDDEN", "", "")
		})

		t.Run("ChangeRolesEndsSessions", func(t *testing.T) {
			u := b.createUser(t, "promoted", b.station, domain.RoleClerk)
			old := b.token(t, u)
			require.Equal(t, "promoted", b.me(t, old))
			var out struct{ UpdateUser userJSON }
			b.do(t, admin, updateUserMutation, map[string]any{"in": map[string]any{"id": scalar.GlobalID("User", u.ID), "version": 1,
				"roles": []string{"CLERK", "OFFICER"}, "displayName": " 张警官 "}}).ok(t, &out)
			require.Equal(t, []string{"CLERK", "OFFICER"}, out.UpdateUser.Roles)
			require.Equal(t, "张警官", out.UpdateUser.DisplayName)
			require.Equal(t, 2, out.UpdateUser.Version)
			requireError(t, b.do(t, old, meQuery, nil), "UNAUTHENTICATED", "", "")
			entries := b.auditEntries(t, domain.AuditFilter{Action: domain.AuditChange, SubjectID: u.ID})
			require.NotEmpty(t, entries)
			require.Equal(t, "updateUser", entries[0].Operation)
			require.Contains(t, entries[0].Detail, "roles")

			// The same version again is stale.
			requireError(t, b.do(t, admin, updateUserMutation, map[string]any{"in": map[string]any{"id": scalar.GlobalID("User", u.ID), "version": 1,
				"disabled": true}}), "CONFLICT", "", "stale_version")
		})

		t.Run("DisableRefusesLogin", func(t *testing.T) {
			u := b.createUser(t, "leaver", b.station, domain.RoleClerk)
			b.do(t, admin, updateUserMutation, map[string]any{"in": map[string]any{"id": scalar.GlobalID("User", u.ID), "version": 1,
				"disabled": true}}).ok(t, &struct{}{})
			r := b.do(t, "", loginMutation, map[string]any{"u": "leaver", "p": testPassword})
			requireError(t, r, "UNAUTHENTICATED", "", "")
			require.Equal(t, []string{"leaver"}, usernames(b.listUsers(t, admin, map[string]any{"disabled": true})))
		})

		t.Run("ResetPassword", func(t *testing.T) {
			u := b.createUser(t, "forgetful", b.station, domain.RoleClerk)
			const reset = `mutation($in: ResetUserPasswordInput!) { resetUserPassword(input: $in) { username } }`
			requireError(t, b.do(t, admin, reset, map[string]any{"in": map[string]any{"id": scalar.GlobalID("User", u.ID), "password": "short"}}),
				"BAD_USER_INPUT", "password", "user.password")
			b.do(t, admin, reset, map[string]any{"in": map[string]any{"id": scalar.GlobalID("User", u.ID), "password": "new-secret-2026"}}).ok(t, &struct{}{})
			requireError(t, b.do(t, "", loginMutation, map[string]any{"u": "forgetful", "p": testPassword}), "UNAUTHENTICATED", "", "")
			b.do(t, "", loginMutation, map[string]any{"u": "forgetful", "p": "new-secret-2026"}).ok(t, &struct{}{})
			require.NotEmpty(t, b.auditEntries(t, domain.AuditFilter{Action: domain.AuditChange, SubjectID: u.ID}))
		})

		t.Run("AuditLogFilters", func(t *testing.T) {
			u := b.createUser(t, "audited", b.station, domain.RoleClerk)
			b.do(t, countyTok, updateUserMutation, map[string]any{"in": map[string]any{"id": scalar.GlobalID("User", u.ID), "version": 1,
				"displayName": "审计对象"}}).ok(t, &struct{}{})
			const q = `query($f: AuditFilter) { auditLog(filter: $f, first: 100) { edges { node { actorName operation officeCode subjectId } } } }`
			var out struct {
				AuditLog struct {
					Edges []struct {
						Node struct{ ActorName, Operation, OfficeCode, SubjectID string }
					}
				}
			}
			b.do(t, admin, q, map[string]any{"f": map[string]any{"operation": "updateUser", "actorName": "county-admin", "officeCode": b.county}}).ok(t, &out)
			require.Len(t, out.AuditLog.Edges, 1)
			require.Equal(t, u.ID, out.AuditLog.Edges[0].Node.SubjectID)
			requireError(t, b.do(t, countyTok, q, map[string]any{"f": map[string]any{"officeCode": b.otherCounty}}), "BAD_USER_INPUT", "officeCode", "auth.jurisdiction")
			b.do(t, countyTok, q, map[string]any{"f": map[string]any{"officeCode": b.city[:4]}}).ok(t, &out)
			for _, e := range out.AuditLog.Edges {
				require.True(t, strings.HasPrefix(e.Node.OfficeCode, b.county[:6]), "a wider prefix is narrowed to the county: %+v", e.Node)
			}
		})

		t.Run("Refusals", func(t *testing.T) {
			in := func(id string, version int, extra map[string]any) map[string]any {
				m := map[string]any{"id": scalar.GlobalID("User", id), "version": version}
				for k, v := range extra {
					m[k] = v
				}
				return map[string]any{"in": m}
			}
			// Outside the county administrator's jurisdiction: as if it did not exist.
			requireError(t, b.do(t, countyTok, updateUserMutation, in(b.otherClerk.ID, 1, map[string]any{"displayName": "x"})), "NOT_FOUND", "", "not_found")
			requireError(t, b.do(t, countyTok, updateUserMutation, in(b.clerk.ID, 1, map[string]any{"officeCode": b.otherStation})),
				"BAD_USER_INPUT", "officeCode", "auth.jurisdiction")
			requireError(t, b.do(t, admin, updateUserMutation, in(b.clerk.ID, 1, map[string]any{"officeCode": "211100999999"})),
				"NOT_FOUND", "officeCode", "office.unknown")
			requireError(t, b.do(t, admin, updateUserMutation, in(b.admin.ID, 1, map[string]any{"disabled": true})), "BAD_USER_INPUT", "", "user.self_lockout")
			requireError(t, b.do(t, admin, updateUserMutation, in(b.admin.ID, 1, map[string]any{"roles": []string{"ANALYST"}})), "BAD_USER_INPUT", "", "user.self_lockout")
			requireError(t, b.do(t, admin, updateUserMutation, in(b.clerk.ID, 1, map[string]any{"roles": []string{}})), "BAD_USER_INPUT", "roles", "user.roles")
			requireError(t, b.do(t, admin, updateUserMutation, in(b.clerk.ID, 1, map[string]any{"displayName": "  "})), "BAD_USER_INPUT", "displayName", "user.display_name")
			requireError(t, b.do(t, admin, updateUserMutation, map[string]any{"in": map[string]any{"id": "not-an-id", "version": 1}}), "BAD_USER_INPUT", "id", "node.id")
			requireError(t, b.do(t, b.token(t, b.officer), updateUserMutation, in(b.clerk.ID, 1, nil)), "FORBIDDEN", "", "")
			const create = `mutation($in: CreateUserInput!) { createUser(input: $in) { id } }`
			requireError(t, b.do(t, admin, create, map[string]any{"in": map[string]any{"username": "clerk", "displayName": "重名", "password": "long-enough-1",
				"officeCode": b.station, "roles": []string{"CLERK"}}}), "CONFLICT", "username", "user.username_taken")
		})
	})
}
