package resolvers_test

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/integrations/ministry/ministrysim"
	"hukou/integrations/province/provincesim"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestOnlineMatterCertificate takes an online household matter certificate
// (3.1.3) from a portal's submission into the station's queue and through
// the clerk's completion into a case, on both databases: the portal's
// scopes, its reading of its own application only, and a queue entry taken
// once.
func TestOnlineMatterCertificate(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	prov := httptest.NewServer(provincesim.New(provincesim.Config{}))
	t.Cleanup(prov.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		srv := b.caseServerWith(t, db, sim.URL, prov.URL)
		admin := b.token(t, b.admin)
		login := func(id string, kinds ...string) string {
			var out struct{ CreateIntegratorClient credentials }
			b.do2(t, srv.URL, admin, createClientMutation, map[string]any{"in": map[string]any{
				"clientId": id, "name": id, "officeCode": b.city, "kinds": kinds, "offices": []string{b.station}}}).ok(t, &out)
			var l struct{ ClientLogin struct{ AccessToken string } }
			b.do2(t, srv.URL, "", clientLoginMutation, map[string]any{"id": id, "secret": out.CreateIntegratorClient.ClientSecret}).ok(t, &l)
			return l.ClientLogin.AccessToken
		}
		portal, birthOnly := login("cert-portal", "MATTER_CERT"), login("birth-portal", "BIRTH")
		matter := map[string]any{"matterType": "KINSHIP", "persons": []map[string]any{
			{"idNumber": ministrysim.ScriptedSpouseIDNumber, "name": "李秀英"}, {"idNumber": ministrysim.ScriptedChildIDNumber, "name": "张子轩"}},
			"relation": "母子", "statement": "证明李秀英与张子轩系母子关系", "purpose": "办理入学",
			"applicantName": "李秀英", "applicantIdNumber": ministrysim.ScriptedSpouseIDNumber, "applicantPhone": "13912345678"}
		const submitQ = `mutation($in: SubmitOnlineMatterCertificateApplicationInput!) { submitOnlineMatterCertificateApplication(input: $in) { id status version kind } }`
		in := map[string]any{"office": b.station, "reference": "LN-ZM-1", "matter": matter}

		requireError(t, b.do2(t, srv.URL, birthOnly, submitQ, map[string]any{"in": in}), "FORBIDDEN", "", "integrator.scope")
		bad := map[string]any{}
		for k, v := range matter {
			bad[k] = v
		}
		bad["relation"] = ""
		requireError(t, b.do2(t, srv.URL, portal, submitQ, map[string]any{"in": map[string]any{"office": b.station, "matter": bad}}),
			"BAD_USER_INPUT", "data.matter.relation", "certificate.relation_required")
		var sub struct {
			SubmitOnlineMatterCertificateApplication struct {
				ID, Status, Kind string
				Version          int
			}
		}
		b.do2(t, srv.URL, portal, submitQ, map[string]any{"in": in}).ok(t, &sub)
		app := sub.SubmitOnlineMatterCertificateApplication
		require.Equal(t, "SUBMITTED", app.Status)
		require.Equal(t, "MATTER_CERT", app.Kind)

		const readQ = `query($id: ID!) { onlineApplication(id: $id) { status caseStatus collabNo } }`
		requireError(t, b.do2(t, srv.URL, birthOnly, readQ, map[string]any{"id": app.ID}), "NOT_FOUND", "", "not_found")
		const acceptQ = `mutation($id: ID!, $v: Int!) { acceptOnlineApplication(input: {id: $id, version: $v}) { id kind status collabNo } }`
		requireError(t, b.do2(t, srv.URL, b.token(t, b.otherClerk), acceptQ, map[string]any{"id": app.ID, "v": app.Version}), "NOT_FOUND", "", "not_found")
		var acc struct {
			AcceptOnlineApplication struct{ ID, Kind, Status, CollabNo string }
		}
		b.do2(t, srv.URL, b.token(t, b.clerk), acceptQ, map[string]any{"id": app.ID, "v": app.Version}).ok(t, &acc)
		require.Equal(t, "MATTER_CERT", acc.AcceptOnlineApplication.Kind)
		require.Equal(t, "DRAFT", acc.AcceptOnlineApplication.Status)
		requireError(t, b.do2(t, srv.URL, b.token(t, b.clerk), acceptQ, map[string]any{"id": app.ID, "v": app.Version}), "CONFLICT", "", "online.not_queued")

		var read struct {
			OnlineApplication struct {
				Status     string
				CaseStatus *string
				CollabNo   *string
			}
		}
		b.do2(t, srv.URL, portal, readQ, map[string]any{"id": app.ID}).ok(t, &read)
		require.Equal(t, "ACCEPTED", read.OnlineApplication.Status)
		require.Equal(t, "DRAFT", *read.OnlineApplication.CaseStatus)
		require.Equal(t, acc.AcceptOnlineApplication.CollabNo, *read.OnlineApplication.CollabNo)
	})
}

// TestOnlineMigration_Rejected takes an online migration (3.1.2) from a
// portal into the station's queue, refuses malformed data on its field,
// and has the clerk reject it with a reason the portal reads, on both
// databases.
func TestOnlineMigration_Rejected(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		srv := b.caseServer(t, db, sim.URL)
		var out struct{ CreateIntegratorClient credentials }
		b.do2(t, srv.URL, b.token(t, b.admin), createClientMutation, map[string]any{"in": map[string]any{
			"clientId": "mig-portal", "name": "mig", "officeCode": b.city, "kinds": []string{"MIGRATION"}, "offices": []string{b.station}}}).ok(t, &out)
		var l struct{ ClientLogin struct{ AccessToken string } }
		b.do2(t, srv.URL, "", clientLoginMutation, map[string]any{"id": "mig-portal", "secret": out.CreateIntegratorClient.ClientSecret}).ok(t, &l)
		portal := l.ClientLogin.AccessToken
		applicant := map[string]any{"applicantIdNumber": ministrysim.ScriptedSpouseIDNumber, "category": "GRADUATE",
			"movers": []string{ministrysim.ScriptedSpouseIDNumber}, "way": "ESTABLISH", "division": b.station[:6], "address": "兴隆台区振兴街1号"}
		const submitQ = `mutation($in: SubmitOnlineMigrationApplicationInput!) { submitOnlineMigrationApplication(input: $in) { id status version kind } }`
		bad := map[string]any{}
		for k, v := range applicant {
			bad[k] = v
		}
		bad["movers"] = []string{}
		requireError(t, b.do2(t, srv.URL, portal, submitQ, map[string]any{"in": map[string]any{"office": b.station, "applicant": bad}}),
			"BAD_USER_INPUT", "data.applicant.movers", "migration.movers_required")
		var sub struct {
			SubmitOnlineMigrationApplication struct {
				ID, Status, Kind string
				Version          int
			}
		}
		b.do2(t, srv.URL, portal, submitQ, map[string]any{"in": map[string]any{"office": b.station, "reference": "LN-QY-1", "applicant": applicant}}).ok(t, &sub)
		app := sub.SubmitOnlineMigrationApplication
		require.Equal(t, "MIGRATION", app.Kind)

		const rejectQ = `mutation($id: ID!, $v: Int!, $r: String!) { rejectOnlineApplication(input: {id: $id, version: $v, reason: $r}) { status reason } }`
		requireError(t, b.do2(t, srv.URL, b.token(t, b.clerk), rejectQ, map[string]any{"id": app.ID, "v": app.Version, "r": " "}), "BAD_USER_INPUT", "reason", "online.reason")
		b.do2(t, srv.URL, b.token(t, b.clerk), rejectQ, map[string]any{"id": app.ID, "v": app.Version, "r": "申请人未到窗口核验"}).ok(t, &struct{}{})
		var read struct {
			OnlineApplication struct {
				Status string
				Reason *string
			}
		}
		b.do2(t, srv.URL, portal, `query($id: ID!) { onlineApplication(id: $id) { status reason } }`, map[string]any{"id": app.ID}).ok(t, &read)
		require.Equal(t, "REJECTED", read.OnlineApplication.Status)
		require.Equal(t, "申请人未到窗口核验", *read.OnlineApplication.Reason)
		requireError(t, b.do2(t, srv.URL, b.token(t, b.clerk), rejectQ, map[string]any{"id": app.ID, "v": app.Version + 1, "r": "x"}), "CONFLICT", "", "online.not_queued")
	})
}
