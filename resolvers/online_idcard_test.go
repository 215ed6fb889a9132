package resolvers_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/idcard/idcardtest"
	"hukou/integrations/ministry/ministrysim"
	"hukou/integrations/province/provincesim"
	"hukou/storage"
	"hukou/storage/queue"
	"hukou/storage/storagetest"
)

// TestOnlineIDCard takes an online ID card application (3.1.4 with the ID
// card kind) from a portal into the station's queue and through the
// clerk's completion, when the person came in for the photo and the two
// fingers, into an ID card case, on both databases: the portal's data
// checked on its field, the generic completion refused without captures
// (the application stays queued), the counter's photo rules applied, the
// portal reading ACCEPTED with the case's status and told by webhook.
func TestOnlineIDCard(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	prov := httptest.NewServer(provincesim.New(provincesim.Config{}))
	t.Cleanup(prov.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := setup(t, db)
		ins, err := queue.NewInserter(ctx, db) // webhook deliveries are jobs
		require.NoError(t, err)
		db.SetJobInserter(ins)
		srv := b.caseServerWith(t, db, sim.URL, prov.URL)
		var out struct{ CreateIntegratorClient credentials }
		b.do2(t, srv.URL, b.token(t, b.admin), createClientMutation, map[string]any{"in": map[string]any{
			"clientId": "id-portal", "name": "id", "officeCode": b.city, "kinds": []string{"ID_CARD"}, "offices": []string{b.station},
			"webhookUrl": "http://127.0.0.1:1/hooks"}}).ok(t, &out)
		var l struct{ ClientLogin struct{ AccessToken string } }
		b.do2(t, srv.URL, "", clientLoginMutation, map[string]any{"id": "id-portal", "secret": out.CreateIntegratorClient.ClientSecret}).ok(t, &l)
		portal, clerk := l.ClientLogin.AccessToken, b.token(t, b.clerk)

		applicant := map[string]any{"idNumber": ministrysim.ScriptedSpouseIDNumber, "applicationKind": "RENEWAL", "reason": "DATA_CHANGED",
			"phone": "13912345678", "pickup": "IN_PERSON"}
		const submitQ = `mutation($in: SubmitOnlineIdCardApplicationInput!) { submitOnlineIdCardApplication(input: $in) { id status version kind } }`
		bad := map[string]any{}
		for k, v := range applicant {
			bad[k] = v
		}
		bad["reason"] = "NO_SUCH_REASON"
		requireError(t, b.do2(t, srv.URL, portal, submitQ, map[string]any{"in": map[string]any{"office": b.station, "applicant": bad}}),
			"BAD_USER_INPUT", "data.applicant.reason", "id_card.reason")
		var sub struct {
			SubmitOnlineIdCardApplication struct {
				ID, Status, Kind string
				Version          int
			}
		}
		b.do2(t, srv.URL, portal, submitQ, map[string]any{"in": map[string]any{"office": b.station, "reference": "LN-SFZ-1", "applicant": applicant}}).ok(t, &sub)
		app := sub.SubmitOnlineIdCardApplication
		require.Equal(t, "ID_CARD", app.Kind)
		require.Equal(t, "SUBMITTED", app.Status)

		// The generic completion has no photo: refused, still queued.
		const acceptQ = `mutation($id: ID!, $v: Int!) { acceptOnlineApplication(input: {id: $id, version: $v}) { id } }`
		requireError(t, b.do2(t, srv.URL, clerk, acceptQ, map[string]any{"id": app.ID, "v": app.Version}), "BAD_USER_INPUT", "photo", "id_card.photo_required")
		fingers := []map[string]any{}
		for _, f := range idcardtest.TwoFingers(7) {
			fingers = append(fingers, map[string]any{"position": f.Position, "template": f.Template, "image": f.Image})
		}
		const acceptIDQ = `mutation($in: AcceptOnlineIdCardApplicationInput!) { acceptOnlineIdCardApplication(input: $in) { id kind status collabNo } }`
		// The counter's photo rules apply; a portal may not complete it.
		requireError(t, b.do2(t, srv.URL, clerk, acceptIDQ, map[string]any{"in": map[string]any{"id": app.ID, "version": app.Version, "photo": "bm90IGEgcGhvdG8=", "fingerprints": fingers}}),
			"BAD_USER_INPUT", "photo", "")
		requireError(t, b.do2(t, srv.URL, portal, acceptIDQ, map[string]any{"in": map[string]any{"id": app.ID, "version": app.Version, "photo": idcardtest.GoodPhotoBase64(), "fingerprints": fingers}}),
			"FORBIDDEN", "", "")
		var acc struct {
			AcceptOnlineIdCardApplication struct{ ID, Kind, Status, CollabNo string }
		}
		b.do2(t, srv.URL, clerk, acceptIDQ, map[string]any{"in": map[string]any{"id": app.ID, "version": app.Version, "photo": idcardtest.GoodPhotoBase64(), "fingerprints": fingers}}).ok(t, &acc)
		require.Equal(t, "ID_CARD", acc.AcceptOnlineIdCardApplication.Kind)
		require.Equal(t, "DRAFT", acc.AcceptOnlineIdCardApplication.Status)

		var read struct {
			OnlineApplication struct {
				Status     string
				CaseStatus *string
				CollabNo   *string
			}
		}
		b.do2(t, srv.URL, portal, `query($id: ID!) { onlineApplication(id: $id) { status caseStatus collabNo } }`, map[string]any{"id": app.ID}).ok(t, &read)
		require.Equal(t, "ACCEPTED", read.OnlineApplication.Status)
		require.Equal(t, "DRAFT", *read.OnlineApplication.CaseStatus)
		require.Equal(t, acc.AcceptOnlineIdCardApplication.CollabNo, *read.OnlineApplication.CollabNo)

		// The portal was told of the submission and of the acceptance.
		ds, err := db.Online().FindWebhookDeliveries(ctx, "", 100)
		require.NoError(t, err)
		var statuses []string
		for _, d := range ds {
			if d.ApplicationID == app.ID {
				var p domain.WebhookPayload
				require.NoError(t, json.Unmarshal(d.Payload, &p))
				statuses = append(statuses, string(p.Status))
			}
		}
		require.Equal(t, []string{"SUBMITTED", "ACCEPTED"}, statuses)
	})
}
