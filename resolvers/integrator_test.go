package resolvers_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/resolvers"
	"hukou/storage"
	"hukou/storage/storagetest"
)

const createClientMutation = `mutation($in: CreateIntegratorClientInput!) {
  createIntegratorClient(input: $in) { clientSecret webhookSecret client { clientId kinds offices ratePerMinute version } }
}`

type credentials struct {
	ClientSecret  string
	WebhookSecret string
	Client        struct {
		ClientID      string
		Kinds         []string
		Offices       []string
		RatePerMinute int
		Version       int
	}
}

// createClient registers an integrator client as the test's ADMIN.
func (b *testBundle) createClient(t *testing.T, id string, rate int, offices ...string) credentials {
	t.Helper()
	var out struct{ CreateIntegratorClient credentials }
	b.do(t, b.token(t, b.admin), createClientMutation, map[string]any{"in": map[string]any{
		"clientId": id, "name": "一网通办 " + id, "officeCode": b.city, "kinds": []string{"BIRTH"}, "offices": offices,
		"ratePerMinute": rate, "webhookUrl": "http://127.0.0.1:1/hooks"}}).ok(t, &out)
	return out.CreateIntegratorClient
}

// clientToken signs a client in and returns its access token, or the error response.
func (b *testBundle) clientLogin(t *testing.T, id, secret string) (string, gqlResponse) {
	t.Helper()
	r := b.do(t, "", clientLoginMutation, map[string]any{"id": id, "secret": secret})
	if len(r.Errors) > 0 {
		return "", r
	}
	var out struct{ ClientLogin struct{ AccessToken string } }
	r.ok(t, &out)
	return out.ClientLogin.AccessToken, r
}

// TestIntegratorClients covers issue 18 item 1: an ADMIN registers a portal
// with scopes, rotates its secret (both valid during the grace), limits its
// rate with a clear code, audits each call with the client ID, restricts it
// to an allow-list of operations, and disables it.
func TestIntegratorClients(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		const scopeQ = `query Scope { integratorClient { clientId kinds offices ratePerMinute webhookUrl } }`

		t.Run("ErrNotAdmin", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, b.token(t, b.clerk), createClientMutation, map[string]any{"in": map[string]any{
				"clientId": "x-portal", "name": "x", "officeCode": b.city, "kinds": []string{"BIRTH"}, "offices": []string{b.station}}})
			requireError(t, r, "FORBIDDEN", "", "")
		})
		t.Run("ErrBadScopes", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, b.token(t, b.admin), createClientMutation, map[string]any{"in": map[string]any{
				"clientId": "bad-portal", "name": "x", "officeCode": b.city, "kinds": []string{"BIRTH"}, "offices": []string{"21ab"}}})
			requireError(t, r, "BAD_USER_INPUT", "offices", "integrator.offices")
		})

		t.Run("RotateAndDisable", func(t *testing.T) {
			t.Parallel()
			creds := b.createClient(t, "ln-portal", 1000, b.station)
			require.Equal(t, []string{"BIRTH"}, creds.Client.Kinds)
			require.NotEmpty(t, creds.ClientSecret)
			require.NotEmpty(t, creds.WebhookSecret)
			tok, _ := b.clientLogin(t, "ln-portal", creds.ClientSecret)
			require.NotEmpty(t, tok)
			var scope struct {
				IntegratorClient struct {
					ClientID string
					Offices  []string
				}
			}
			b.do(t, tok, scopeQ, nil).ok(t, &scope)
			require.Equal(t, "ln-portal", scope.IntegratorClient.ClientID)
			require.Equal(t, []string{b.station}, scope.IntegratorClient.Offices)
			// Every call is audited with the client ID.
			calls := b.auditEntries(t, domain.AuditFilter{ActorName: "ln-portal", Operation: "api.Scope"})
			require.Len(t, calls, 1)
			require.Equal(t, "ln-portal", calls[0].SubjectID)
			require.Equal(t, "operation "+resolvers.OperationHash(scopeQ), calls[0].Detail)

			// Rotation: both secrets sign in during the grace.
			var rotated struct {
				RotateIntegratorSecret struct {
					ClientSecret string
					Client       struct{ PreviousSecretValidUntil *string }
				}
			}
			const rotateQ = `mutation($id: String!, $g: Int) { rotateIntegratorSecret(input: {clientId: $id, graceSeconds: $g}) { clientSecret client { previousSecretValidUntil } } }`
			b.do(t, b.token(t, b.admin), rotateQ, map[string]any{"id": "ln-portal"}).ok(t, &rotated)
			second := rotated.RotateIntegratorSecret.ClientSecret
			require.NotEqual(t, creds.ClientSecret, second)
			require.NotNil(t, rotated.RotateIntegratorSecret.Client.PreviousSecretValidUntil)
			_, r := b.clientLogin(t, "ln-portal", creds.ClientSecret)
			require.Empty(t, r.Errors, "the old secret works during the grace")
			_, r = b.clientLogin(t, "ln-portal", second)
			require.Empty(t, r.Errors, "the new secret works")
			// A rotation without grace ends the old secret at once.
			b.do(t, b.token(t, b.admin), rotateQ, map[string]any{"id": "ln-portal", "g": 0}).ok(t, &rotated)
			third := rotated.RotateIntegratorSecret.ClientSecret
			_, r = b.clientLogin(t, "ln-portal", second)
			requireError(t, r, "UNAUTHENTICATED", "", "auth.bad_credentials")
			_, r = b.clientLogin(t, "ln-portal", creds.ClientSecret)
			requireError(t, r, "UNAUTHENTICATED", "", "auth.bad_credentials")
			tok, _ = b.clientLogin(t, "ln-portal", third)
			require.NotEmpty(t, tok)

			// Disabling ends the sessions and the sign-in.
			b.do(t, b.token(t, b.admin), `mutation { updateIntegratorClient(input: {clientId: "ln-portal", version: 0, disabled: true}) { disabled } }`, nil).ok(t, &struct{}{})
			requireError(t, b.do(t, tok, scopeQ, nil), "UNAUTHENTICATED", "", "auth.token_revoked")
			_, r = b.clientLogin(t, "ln-portal", third)
			requireError(t, r, "UNAUTHENTICATED", "", "auth.bad_credentials")
		})

		t.Run("RateLimit", func(t *testing.T) {
			t.Parallel()
			creds := b.createClient(t, "slow-portal", 2, b.station)
			tok, _ := b.clientLogin(t, "slow-portal", creds.ClientSecret)
			b.do(t, tok, scopeQ, nil).ok(t, &struct{}{})
			b.do(t, tok, scopeQ, nil).ok(t, &struct{}{})
			e := requireError(t, b.do(t, tok, scopeQ, nil), "TOO_MANY_REQUESTS", "", "integrator.rate_limited")
			require.InDelta(t, 30, e.Extensions["retryAfter"], 2, "2 a minute: the next token in about 30 s")
			// Other clients are not limited by it.
			other := b.createClient(t, "fast-portal", 100, b.station)
			tok2, _ := b.clientLogin(t, "fast-portal", other.ClientSecret)
			b.do(t, tok2, scopeQ, nil).ok(t, &struct{}{})
		})

		t.Run("AllowList", func(t *testing.T) {
			t.Parallel()
			creds := b.createClient(t, "pinned-portal", 100, b.station)
			tok, _ := b.clientLogin(t, "pinned-portal", creds.ClientSecret)
			b.do(t, b.token(t, b.admin), `mutation($ops: [String!]) { updateIntegratorClient(input: {clientId: "pinned-portal", version: 1, operations: $ops}) { operations } }`,
				map[string]any{"ops": []string{resolvers.OperationHash(scopeQ)}}).ok(t, &struct{}{})
			b.do(t, tok, scopeQ, nil).ok(t, &struct{}{})
			requireError(t, b.do(t, tok, `query Other { me { username } }`, nil), "FORBIDDEN", "", "integrator.operation_not_allowed")
			denied := b.auditEntries(t, domain.AuditFilter{ActorName: "pinned-portal", Action: domain.AuditDenied})
			require.Len(t, denied, 1)
			requireError(t, b.do(t, b.token(t, b.admin), `mutation { updateIntegratorClient(input: {clientId: "pinned-portal", version: 2, operations: ["abc"]}) { operations } }`, nil),
				"BAD_USER_INPUT", "operations", "integrator.operation_hash")
		})
	})
}
