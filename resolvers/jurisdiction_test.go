package resolvers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/resolvers"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// collabServer starts a server over b's database with the message log.
func (b *testBundle) collabServer(t *testing.T, db *storage.DB) *httptest.Server {
	t.Helper()
	res := *b.res
	res.Collab = storagetest.Collab(db)
	mux := http.NewServeMux()
	mux.Handle("/graphql", resolvers.NewHandler(resolvers.Config{Resolver: &res, Tokens: b.tokens}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// logMessage appends an entry to db's message log.
func logMessage(t *testing.T, db *storage.DB, dir domain.Direction, status domain.MessageStatus, collabNo, sender, receiver string, deadline time.Time) string {
	t.Helper()
	now := time.Now().UTC()
	m := &domain.CollabMessage{Direction: dir, Status: status, DeadlineAt: &deadline, CreatedAt: now, UpdatedAt: now,
		Envelope: domain.Envelope{MessageID: newID(), CollabNo: collabNo, CaseKind: "BIRTH", MessageType: "APPLICATION",
			SenderOffice: sender, ReceiverOffice: receiver, SenderUser: "clerk", SentAt: now,
			Body: json.RawMessage(`{"declarantIdNumber":"211102199003152301"}`)}}
	require.NoError(t, db.InTx(context.Background(), func(ctx context.Context, tx domain.Repos) error {
		_, err := tx.Collab().AppendMessage(ctx, m)
		return err
	}))
	return m.Envelope.MessageID
}

// TestCollaborationMessages_Jurisdiction reads the message log, dead
// letters and overdue messages as users of a station, a county bureau and
// the city bureau, on both databases: each sees the entries whose sender or
// receiver office, or whose case's office on this side, is in its
// jurisdiction; every page read is audited with the message IDs; an entry
// outside the jurisdiction answers NOT_FOUND like one that does not exist,
// and the attempt is audited as DENIED.
func TestCollaborationMessages_Jurisdiction(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		srv := b.collabServer(t, db)
		ctx := context.Background()
		const hebei, deployment = "130102000100", "211100000000"
		past, future := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
		c, err := db.Cases().FindCaseByID(ctx, newBirthCase(t, db, b.station))
		require.NoError(t, err)

		sent := logMessage(t, db, domain.DirectionOut, domain.MessagePending, "C1", b.station, hebei, past)             // the station sent it; overdue
		otherSent := logMessage(t, db, domain.DirectionOut, domain.MessageSent, "C2", b.otherStation, hebei, future)    // another county's
		received := logMessage(t, db, domain.DirectionIn, domain.MessageApplied, c.CollabNo, hebei, deployment, future) // to the station's case
		unknown := logMessage(t, db, domain.DirectionIn, domain.MessageReceived, "C4", hebei, deployment, past)         // no case here; overdue
		dead := logMessage(t, db, domain.DirectionOut, domain.MessageDead, "C5", b.station, hebei, future)              // the station's dead letter
		forged := logMessage(t, db, domain.DirectionIn, domain.MessageFailed, "C6", "110101000100", deployment, future) // the city's dead letter

		stationOfficer := b.createUser(t, "station-officer", b.station, domain.RoleOfficer)
		stationAdmin := b.createUser(t, "station-admin", b.station, domain.RoleAdmin)
		countyAdmin := b.createUser(t, "county-admin", b.county, domain.RoleAdmin)

		ids := func(t *testing.T, u *domain.User, field string) []string {
			t.Helper()
			var out map[string]struct {
				Edges []struct {
					Node struct{ MessageID, Body string }
				}
			}
			b.do2(t, srv.URL, b.token(t, u), `{ `+field+` { edges { node { messageId body } } } }`, nil).ok(t, &out)
			got := []string{}
			for _, e := range out[field].Edges {
				require.Contains(t, e.Node.Body, "211102199003152301", "operational roles read bodies in clear")
				got = append(got, e.Node.MessageID)
			}
			sort.Strings(got)
			return got
		}
		sorted := func(s ...string) []string { sort.Strings(s); return s }

		t.Run("Log", func(t *testing.T) {
			require.Equal(t, sorted(sent, received, dead), ids(t, stationOfficer, "collaborationMessages"))
			require.Equal(t, sorted(sent, received, dead), ids(t, b.officer, "collaborationMessages"), "the county bureau: its stations")
			require.Equal(t, sorted(sent, received, dead), ids(t, stationAdmin, "collaborationMessages"))
			require.Equal(t, sorted(sent, otherSent, received, unknown, dead, forged), ids(t, b.admin, "collaborationMessages"))
		})
		t.Run("DeadLetters", func(t *testing.T) {
			require.Equal(t, []string{dead}, ids(t, stationAdmin, "deadLetters"))
			require.Equal(t, []string{dead}, ids(t, countyAdmin, "deadLetters"))
			require.Equal(t, sorted(dead, forged), ids(t, b.admin, "deadLetters"))
		})
		t.Run("Overdue", func(t *testing.T) {
			require.Equal(t, []string{sent}, ids(t, stationAdmin, "overdueMessages"))
			require.Equal(t, sorted(sent, unknown), ids(t, b.admin, "overdueMessages"))
		})
		t.Run("ReadsAudited", func(t *testing.T) {
			ids(t, stationOfficer, "collaborationMessages")
			reads := b.auditEntries(t, domain.AuditFilter{Action: domain.AuditRead, ActorID: stationOfficer.ID, SubjectType: "CollabMessage"})
			require.NotEmpty(t, reads)
			e := reads[0]
			require.Equal(t, "collaborationMessages", e.Operation)
			require.Equal(t, b.station, e.OfficeCode)
			require.Equal(t, sorted(sent, received, dead), sorted(strings.Split(e.Detail, ",")...))
		})
		t.Run("ReplayOutsideJurisdiction", func(t *testing.T) {
			const q = `mutation($id: ID!) { replayMessage(messageId: $id) { messageId status } }`
			outside := requireError(t, b.do2(t, srv.URL, b.token(t, stationAdmin), q, map[string]any{"id": forged}), "NOT_FOUND", "", "not_found")
			ghost := newID()
			none := requireError(t, b.do2(t, srv.URL, b.token(t, stationAdmin), q, map[string]any{"id": ghost}), "NOT_FOUND", "", "not_found")
			require.Equal(t, strings.ReplaceAll(none.Message, ghost, forged), outside.Message, "the same answer as for no message")
			denied := b.auditEntries(t, domain.AuditFilter{Action: domain.AuditDenied, ActorID: stationAdmin.ID, SubjectID: forged})
			require.Len(t, denied, 1)
			require.Equal(t, "replayMessage", denied[0].Operation)
		})
		t.Run("AnalystOneCaseMasked", func(t *testing.T) {
			// The query views' source view (1.5.x): one case's messages, bodies masked; never the whole log.
			analyst := b.token(t, b.analyst)
			requireError(t, b.do2(t, srv.URL, analyst, `{ collaborationMessages { edges { cursor } } }`, nil), "BAD_USER_INPUT", "filter", "collab.case_only")
			requireError(t, b.do2(t, srv.URL, analyst, `{ collaborationMessages(filter: {collabNo: " "}) { edges { cursor } } }`, nil), "BAD_USER_INPUT", "filter", "collab.case_only")
			var out struct {
				CollaborationMessages struct {
					Edges []struct {
						Node struct{ MessageID, Body string }
					}
				}
			}
			b.do2(t, srv.URL, analyst, `query($no: String) { collaborationMessages(filter: {collabNo: $no}) { edges { node { messageId body } } } }`,
				map[string]any{"no": c.CollabNo}).ok(t, &out)
			require.Len(t, out.CollaborationMessages.Edges, 1)
			n := out.CollaborationMessages.Edges[0].Node
			require.Equal(t, received, n.MessageID)
			require.Equal(t, domain.MaskString(domain.PIIText, `{"declarantIdNumber":"211102199003152301"}`), n.Body)
			require.NotContains(t, n.Body, "211102199003152301", "masked for the analyst")
			reads := b.auditEntries(t, domain.AuditFilter{Action: domain.AuditRead, ActorID: b.analyst.ID, SubjectType: "CollabMessage"})
			require.NotEmpty(t, reads, "the analyst's read is audited")
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			for _, u := range []*domain.User{b.clerk, b.portal} {
				requireError(t, b.do2(t, srv.URL, b.token(t, u), `{ collaborationMessages { edges { cursor } } }`, nil), "FORBIDDEN", "", "auth.role")
			}
		})
	})
}

// TestQuery_AuditLogJurisdiction reads the audit log as administrators of a
// station, a county bureau and the city bureau, on both databases: the city
// bureau's reads every entry (those without an office too), the others only
// the entries of users of offices in their jurisdiction.
func TestQuery_AuditLogJurisdiction(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		stationAdmin := b.createUser(t, "station-admin", b.station, domain.RoleAdmin)
		countyAdmin := b.createUser(t, "county-admin", b.county, domain.RoleAdmin)
		otherCountyAdmin := b.createUser(t, "other-county-admin", b.otherCounty, domain.RoleAdmin)
		b.readResident(t, b.clerk, b.resident.IDNumber)
		b.readResident(t, b.otherClerk, b.otherResident.IDNumber) // audited durably before it answered

		offices := func(t *testing.T, u *domain.User) map[string]bool {
			t.Helper()
			var out struct {
				AuditLog struct {
					Edges []struct{ Node struct{ OfficeCode string } }
				}
			}
			b.do(t, b.token(t, u), `{ auditLog(first: 200) { edges { node { officeCode } } } }`, nil).ok(t, &out)
			seen := map[string]bool{}
			for _, e := range out.AuditLog.Edges {
				seen[e.Node.OfficeCode] = true
			}
			return seen
		}
		require.Equal(t, map[string]bool{b.station: true}, offices(t, stationAdmin))
		county := offices(t, countyAdmin)
		require.True(t, county[b.station], "the county bureau sees its station's users")
		for code := range county {
			require.True(t, strings.HasPrefix(code, b.county[:6]), "%s is outside county %s", code, b.county)
		}
		other := offices(t, otherCountyAdmin)
		require.True(t, other[b.otherStation])
		require.False(t, other[b.station])
		city := offices(t, b.admin)
		require.True(t, city[b.station])
		require.True(t, city[b.otherStation])
		require.True(t, city[""], "the city bureau sees entries without an office (system jobs, unknown users)")
	})
}
