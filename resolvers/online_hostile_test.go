package resolvers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/integrations/ministry/ministrysim"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestOnline_HostileInput (18 item 6) is the portal API as an attacker
// tries it, on both databases: each attempt is refused with a code (and
// field and reason where the input names one), never a 500, and changes
// nothing. Found cards claimed or recorded through an integrator client;
// a portal's message aimed at another portal's application, or at another
// office beside its own application's station; oversized and malformed
// bodies; over-long and control-character fields.
func TestOnline_HostileInput(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		srv := b.caseServer(t, db, sim.URL)
		admin, clerk := b.token(t, b.admin), b.token(t, b.clerk)
		login := func(id string, offices ...string) string {
			var out struct{ CreateIntegratorClient credentials }
			b.do2(t, srv.URL, admin, createClientMutation, map[string]any{"in": map[string]any{
				"clientId": id, "name": id, "officeCode": b.city, "kinds": []string{"MIGRATION"}, "offices": offices}}).ok(t, &out)
			var l struct{ ClientLogin struct{ AccessToken string } }
			b.do2(t, srv.URL, "", clientLoginMutation, map[string]any{"id": id, "secret": out.CreateIntegratorClient.ClientSecret}).ok(t, &l)
			return l.ClientLogin.AccessToken
		}
		portal, attacker := login("hostile-a", b.station), login("hostile-b", b.station, b.otherStation)
		applicant := map[string]any{"applicantIdNumber": ministrysim.ScriptedSpouseIDNumber, "category": "GRADUATE",
			"movers": []string{ministrysim.ScriptedSpouseIDNumber}, "way": "ESTABLISH", "division": b.station[:6], "address": "兴隆台区振兴街1号"}
		const submitQ = `mutation($in: SubmitOnlineMigrationApplicationInput!) { submitOnlineMigrationApplication(input: $in) { id office } }`
		var sub struct{ SubmitOnlineMigrationApplication struct{ ID, Office string } }
		b.do2(t, srv.URL, portal, submitQ, map[string]any{"in": map[string]any{"office": b.station, "reference": "LN-H-1", "applicant": applicant}}).ok(t, &sub)
		appID := sub.SubmitOnlineMigrationApplication.ID

		t.Run("FoundCardsThroughAClient", func(t *testing.T) {
			const recordQ = `mutation($in: RecordFoundCardInput!) { recordFoundIdCard(input: $in) { id version } }`
			in := map[string]any{"idNumber": ministrysim.ScriptedSpouseIDNumber, "nameOnCard": "李秀英",
				"foundAt": time.Now().Add(-time.Hour).Format(time.RFC3339), "foundPlace": "兴隆台区公交站", "finderName": "王师傅"}
			requireError(t, b.do2(t, srv.URL, attacker, recordQ, map[string]any{"in": in}), "FORBIDDEN", "", "")
			var rec struct {
				RecordFoundIdCard struct {
					ID      string
					Version int
				}
			}
			b.do2(t, srv.URL, clerk, recordQ, map[string]any{"in": in}).ok(t, &rec)
			const claimQ = `mutation($id: ID!, $v: Int!) { claimFoundIdCard(input: {id: $id, version: $v, claimantName: "李秀英", claimantIdNumber: "` + ministrysim.ScriptedSpouseIDNumber + `"}) { status } }`
			vars := map[string]any{"id": rec.RecordFoundIdCard.ID, "v": rec.RecordFoundIdCard.Version}
			requireError(t, b.do2(t, srv.URL, attacker, claimQ, vars), "FORBIDDEN", "", "")
			requireError(t, b.do2(t, srv.URL, attacker, `query { foundIdCards { id } }`, nil), "FORBIDDEN", "", "")
			requireError(t, b.do2(t, srv.URL, b.token(t, b.otherClerk), claimQ, vars), "NOT_FOUND", "", "not_found")
			// Still held: the claim is the holding station's.
			var found struct{ FoundIdCards []struct{ Status string } }
			b.do2(t, srv.URL, clerk, `query { foundIdCards { status } }`, nil).ok(t, &found)
			require.Equal(t, "HELD", found.FoundIdCards[0].Status)
		})

		t.Run("MessagesAimedElsewhere", func(t *testing.T) {
			const sendQ = `mutation($in: SendPortalMessageInput!) { sendPortalMessage(input: $in) { id office } }`
			send := func(tok string, in map[string]any) gqlResponse {
				in["kind"], in["subject"] = "INSTRUCTION", "催办"
				if _, ok := in["body"]; !ok {
					in["body"] = "请尽快办理"
				}
				return b.do2(t, srv.URL, tok, sendQ, map[string]any{"in": in})
			}
			// Another portal's application answers as none; so does a made-up one.
			requireError(t, send(attacker, map[string]any{"applicationId": appID}), "NOT_FOUND", "applicationId", "not_found")
			requireError(t, send(attacker, map[string]any{"applicationId": "01938c2e-0000-7000-8000-000000000000"}), "NOT_FOUND", "applicationId", "not_found")
			// Its own application's case, with another office beside it.
			requireError(t, send(portal, map[string]any{"applicationId": appID, "office": b.otherStation}), "BAD_USER_INPUT", "office", "message.office_mismatch")
			// An office outside the client's scopes.
			requireError(t, send(portal, map[string]any{"office": b.otherStation}), "FORBIDDEN", "", "integrator.scope")
			// Oversized and control-character texts.
			requireError(t, send(portal, map[string]any{"office": b.station, "body": strings.Repeat("长", 2000)}), "BAD_USER_INPUT", "body", "message.body")
			requireError(t, send(portal, map[string]any{"office": b.station, "body": "a\x00b"}), "BAD_USER_INPUT", "body", "message.body")
			var ok struct{ SendPortalMessage struct{ Office string } }
			send(portal, map[string]any{"applicationId": appID}).ok(t, &ok)
			require.Equal(t, b.station, ok.SendPortalMessage.Office, "routed to its application's station")
		})

		t.Run("InvalidBodies", func(t *testing.T) {
			// Over-long and control-character fields of a submission.
			requireError(t, b.do2(t, srv.URL, portal, submitQ, map[string]any{"in": map[string]any{"office": b.station, "reference": strings.Repeat("x", 65), "applicant": applicant}}),
				"BAD_USER_INPUT", "reference", "online.reference")
			requireError(t, b.do2(t, srv.URL, portal, submitQ, map[string]any{"in": map[string]any{"office": b.station, "reference": "a\nb", "applicant": applicant}}),
				"BAD_USER_INPUT", "reference", "online.reference")
			// A field the input does not have is refused by the schema.
			bad := map[string]any{"unknownField": 1}
			for k, v := range applicant {
				bad[k] = v
			}
			r := b.do2(t, srv.URL, portal, submitQ, map[string]any{"in": map[string]any{"office": b.station, "applicant": bad}})
			require.NotEmpty(t, r.Errors)
			require.NotEqual(t, "INTERNAL", r.Errors[0].Extensions["code"])
			require.Less(t, r.Status, 500)
			// An e-hukou book for a name with control characters.
			requireError(t, b.do2(t, srv.URL, portal, `mutation { applyHukouBook(input: {idNumber: "`+b.resident.IDNumber+`", name: "陈\u0007东"}) { id } }`, nil),
				"BAD_USER_INPUT", "name", "hukou_book.name")
			// The body over the limit, and one that is not JSON: refused before GraphQL.
			huge, _ := json.Marshal(map[string]any{"query": submitQ, "variables": map[string]any{"pad": strings.Repeat("x", 2<<20)}})
			for _, tc := range []struct {
				body   []byte
				status int
				reason string
			}{{huge, http.StatusRequestEntityTooLarge, "request.too_large"}, {[]byte(`{"query": `), http.StatusBadRequest, "request.malformed"}} {
				req, err := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(tc.body))
				require.NoError(t, err)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+portal)
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				var out gqlResponse
				require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
				resp.Body.Close()
				require.Equal(t, tc.status, resp.StatusCode)
				require.Equal(t, tc.reason, out.Errors[0].Extensions["reason"])
			}
			// Nothing of the above was saved: the one application of the portal.
			var mine struct {
				OnlineApplications struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			b.do2(t, srv.URL, portal, `query { onlineApplications(first: 50) { edges { node { id } } } }`, nil).ok(t, &mine)
			require.Len(t, mine.OnlineApplications.Edges, 1)
		})
	})
}
