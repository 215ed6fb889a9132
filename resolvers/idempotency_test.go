package resolvers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/ministry/ministrysim"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// doKey POSTs an operation with an Idempotency-Key header and returns the
// response and whether it was replayed.
func (b *testBundle) doKey(t *testing.T, token, key, query string, vars map[string]any) (gqlResponse, bool) {
	t.Helper()
	return b.doKeyAt(t, b.srv.URL, token, key, query, vars)
}

// doKeyAt is doKey against the server at baseURL.
func (b *testBundle) doKeyAt(t *testing.T, baseURL, token, key, query string, vars map[string]any) (gqlResponse, bool) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, baseURL+"/graphql", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out gqlResponse
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	out.Status = resp.StatusCode
	require.Less(t, out.Status, 500)
	return out, resp.Header.Get("Idempotent-Replayed") == "true"
}

// TestIdempotencyKeys covers issue 18 item 6's idempotency keys, made once
// in the transport for every mutation: a retry after a lost response gets
// the first answer (not CONFLICT) and changes nothing; the same key with a
// different body is CONFLICT; keys are per caller; queries ignore them.
func TestIdempotencyKeys(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		admin := b.token(t, b.admin)
		create := func(u string) (string, map[string]any) {
			return `mutation($u: String!, $o: String!) { createUser(input: {username: $u, displayName: "新用户", password: "a-long-password", officeCode: $o, roles: [CLERK]}) { id username } }`,
				map[string]any{"u": u, "o": b.station}
		}

		t.Run("RetryAfterLostResponse", func(t *testing.T) {
			t.Parallel()
			q, vars := create("idem-user")
			// The first answer is lost on the way back; the client retries.
			first, replayed := b.doKey(t, admin, "k-lost-1", q, vars)
			require.Empty(t, first.Errors)
			require.False(t, replayed)
			again, replayed := b.doKey(t, admin, "k-lost-1", q, vars)
			require.Empty(t, again.Errors, "a retry with the same key is answered, not refused as a duplicate")
			require.True(t, replayed)
			require.JSONEq(t, string(first.Data), string(again.Data), "the same answer")
			page, err := db.Users().FindUsers(context.Background(), domain.UserFilter{Search: "idem-user"}, domain.Page{First: 10})
			require.NoError(t, err)
			require.Len(t, page.Users, 1, "one user created")
			// Without a key the second request is a real duplicate.
			r, _ := b.doKey(t, admin, "", q, vars)
			requireError(t, r, "CONFLICT", "username", "user.username_taken")
		})
		t.Run("ErrDifferentBody", func(t *testing.T) {
			t.Parallel()
			q, vars := create("idem-a")
			r, _ := b.doKey(t, admin, "k-body", q, vars)
			require.Empty(t, r.Errors)
			q, vars = create("idem-b")
			r, _ = b.doKey(t, admin, "k-body", q, vars)
			requireError(t, r, "CONFLICT", "idempotencyKey", "idempotency.mismatch")
			_, err := db.Users().FindUserByUsername(context.Background(), "idem-b")
			require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err), "the refused request did not run")
		})
		t.Run("StoredErrorsReplay", func(t *testing.T) {
			t.Parallel()
			// A refusal is an answer too: the same request gets it again.
			q, vars := create("X")
			r1, _ := b.doKey(t, admin, "k-bad", q, vars)
			requireError(t, r1, "BAD_USER_INPUT", "username", "user.username")
			r2, replayed := b.doKey(t, admin, "k-bad", q, vars)
			requireError(t, r2, "BAD_USER_INPUT", "username", "user.username")
			require.True(t, replayed)
		})
		t.Run("KeysArePerCaller", func(t *testing.T) {
			t.Parallel()
			other := b.createUser(t, "admin2", b.city, domain.RoleAdmin)
			q, vars := create("idem-c")
			r, _ := b.doKey(t, admin, "k-shared", q, vars)
			require.Empty(t, r.Errors)
			q, vars = create("idem-d")
			r, replayed := b.doKey(t, b.token(t, other), "k-shared", q, vars)
			require.Empty(t, r.Errors, "another caller's key is its own")
			require.False(t, replayed)
		})
		t.Run("ErrBadKey", func(t *testing.T) {
			t.Parallel()
			q, vars := create("idem-e")
			r, _ := b.doKey(t, admin, "has space", q, vars)
			requireError(t, r, "BAD_USER_INPUT", "idempotencyKey", "idempotency.key")
		})
		t.Run("Concurrent", func(t *testing.T) {
			t.Parallel()
			q, vars := create("idem-f")
			var wg sync.WaitGroup
			results := make([]gqlResponse, 4)
			for i := range results {
				wg.Add(1)
				go func() { defer wg.Done(); results[i], _ = b.doKey(t, admin, "k-race", q, vars) }()
			}
			wg.Wait()
			ok := 0
			for _, r := range results {
				if len(r.Errors) == 0 {
					ok++
					continue
				}
				require.Equal(t, "idempotency.in_progress", r.Errors[0].Extensions["reason"], "%+v", r.Errors)
			}
			require.GreaterOrEqual(t, ok, 1)
			page, err := db.Users().FindUsers(context.Background(), domain.UserFilter{Search: "idem-f"}, domain.Page{First: 10})
			require.NoError(t, err)
			require.Len(t, page.Users, 1, "the mutation ran once")
		})
		t.Run("StaleReservationIsTakenOver", func(t *testing.T) {
			t.Parallel()
			// A process that died after reserving a key never answers; after
			// the lock timeout a retry runs the mutation.
			now := time.Now().UTC()
			require.NoError(t, db.Idempotency().ReserveIdempotencyKey(context.Background(), &domain.IdempotencyRecord{
				Owner: b.admin.ID, Key: "k-dead", RequestHash: "x", CreatedAt: now.Add(-time.Hour), ExpiresAt: now.Add(time.Hour)}))
			q, vars := create("idem-g")
			r, replayed := b.doKey(t, admin, "k-dead", q, vars)
			require.Empty(t, r.Errors)
			require.False(t, replayed)
		})
	})
}

// TestIdempotency_CrashBetweenCommitAndAnswer (issue 18, idempotency in the
// mutation's transaction): the key is marked committed inside the
// submission's own transaction, so when the process dies after the commit
// but before the answer is stored, a retry with the same key long after
// does not run the submission again: exactly one application, and the
// retry is told its answer was lost (CONFLICT idempotency.answer_lost). A
// mutation that rolled back leaves no mark. Both databases.
func TestIdempotency_CrashBetweenCommitAndAnswer(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := setup(t, db)
		srv := b.caseServer(t, db, sim.URL)
		var out struct{ CreateIntegratorClient credentials }
		b.do2(t, srv.URL, b.token(t, b.admin), createClientMutation, map[string]any{"in": map[string]any{
			"clientId": "crash-portal", "name": "crash", "officeCode": b.city, "kinds": []string{"MIGRATION"}, "offices": []string{b.station}}}).ok(t, &out)
		var l struct{ ClientLogin struct{ AccessToken string } }
		b.do2(t, srv.URL, "", clientLoginMutation, map[string]any{"id": "crash-portal", "secret": out.CreateIntegratorClient.ClientSecret}).ok(t, &l)
		portal := l.ClientLogin.AccessToken
		applicant := map[string]any{"applicantIdNumber": ministrysim.ScriptedSpouseIDNumber, "category": "GRADUATE",
			"movers": []string{ministrysim.ScriptedSpouseIDNumber}, "way": "ESTABLISH", "division": b.station[:6], "address": "兴隆台区振兴街1号"}
		const submitQ = `mutation($in: SubmitOnlineMigrationApplicationInput!) { submitOnlineMigrationApplication(input: $in) { id status } }`
		vars := map[string]any{"in": map[string]any{"office": b.station, "reference": "LN-CRASH-1", "applicant": applicant}}
		count := func() int {
			page, err := db.Online().FindOnlineApplications(ctx, domain.OnlineFilter{}, domain.Page{First: 50})
			require.NoError(t, err)
			return len(page.Applications)
		}

		r, _ := b.doKeyAt(t, srv.URL, portal, "k-crash", submitQ, vars)
		require.Empty(t, r.Errors)
		require.Equal(t, 1, count())
		// The state a crash between the commit and the stored answer leaves,
		// an hour ago: the reservation without an answer, marked committed
		// by the submission's transaction.
		_, err := db.Bun().NewRaw("UPDATE idempotency_keys SET response = NULL, created_at = ?, committed_at = ? WHERE key = ? AND committed_at IS NOT NULL",
			time.Now().UTC().Add(-time.Hour), time.Now().UTC().Add(-time.Hour), "k-crash").Exec(ctx)
		require.NoError(t, err)
		var marked int
		require.NoError(t, db.Bun().NewRaw("SELECT COUNT(*) FROM idempotency_keys WHERE key = ? AND committed_at IS NOT NULL", "k-crash").Scan(ctx, &marked))
		require.Equal(t, 1, marked, "the submission's transaction marked the key")

		r, _ = b.doKeyAt(t, srv.URL, portal, "k-crash", submitQ, vars)
		requireError(t, r, "CONFLICT", "idempotencyKey", "idempotency.answer_lost")
		require.Equal(t, 1, count(), "the retry after the crash created no second application")

		// A submission refused inside its transaction's checks commits no mark.
		bad := map[string]any{"in": map[string]any{"office": "999999999999", "applicant": applicant}}
		r, _ = b.doKeyAt(t, srv.URL, portal, "k-refused", submitQ, bad)
		require.NotEmpty(t, r.Errors)
		require.NoError(t, db.Bun().NewRaw("SELECT COUNT(*) FROM idempotency_keys WHERE key = ? AND committed_at IS NOT NULL", "k-refused").Scan(ctx, &marked))
		require.Equal(t, 0, marked)
	})
}
