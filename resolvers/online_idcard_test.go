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

// TestOnlineIDCard_CounterContact: the contact details a clerk confirms
// with the person at the counter when completing an online ID card
// application (#18, 3.1.4, 1.1.8) are the case's, on both databases. A
// malformed phone or a POST pick-up without an address is refused on its
// field and leaves the application queued as it was; an accepted edit
// reaches the case, what the clerk left out or did not change keeps the
// portal's value, and each change (portal value → counter value) is
// recorded on the online application for staff, never shown to the
// portal, whose data reads back as it submitted it.
func TestOnlineIDCard_CounterContact(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	prov := httptest.NewServer(provincesim.New(provincesim.Config{}))
	t.Cleanup(prov.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		srv := b.caseServerWith(t, db, sim.URL, prov.URL)
		var out struct{ CreateIntegratorClient credentials }
		b.do2(t, srv.URL, b.token(t, b.admin), createClientMutation, map[string]any{"in": map[string]any{
			"clientId": "id-portal", "name": "id", "officeCode": b.city, "kinds": []string{"ID_CARD"}, "offices": []string{b.station}}}).ok(t, &out)
		var l struct{ ClientLogin struct{ AccessToken string } }
		b.do2(t, srv.URL, "", clientLoginMutation, map[string]any{"id": "id-portal", "secret": out.CreateIntegratorClient.ClientSecret}).ok(t, &l)
		portal, clerk := l.ClientLogin.AccessToken, b.token(t, b.clerk)

		const submitQ = `mutation($in: SubmitOnlineIdCardApplicationInput!) { submitOnlineIdCardApplication(input: $in) { id version } }`
		var sub struct {
			SubmitOnlineIdCardApplication struct {
				ID      string
				Version int
			}
		}
		b.do2(t, srv.URL, portal, submitQ, map[string]any{"in": map[string]any{"office": b.station, "applicant": map[string]any{
			"idNumber": ministrysim.ScriptedSpouseIDNumber, "applicationKind": "RENEWAL", "reason": "DATA_CHANGED",
			"reasonNote": "改名", "phone": "13912345678", "pickup": "IN_PERSON"}}}).ok(t, &sub)
		app := sub.SubmitOnlineIdCardApplication
		const readQ = `query($id: ID!) { onlineApplication(id: $id) { status version data } }`
		var before struct {
			OnlineApplication struct {
				Status, Data string
				Version      int
			}
		}
		b.do2(t, srv.URL, clerk, readQ, map[string]any{"id": app.ID}).ok(t, &before)
		var portalBefore struct{ OnlineApplication struct{ Data string } }
		b.do2(t, srv.URL, portal, `query($id: ID!) { onlineApplication(id: $id) { data } }`, map[string]any{"id": app.ID}).ok(t, &portalBefore)

		fingers := []map[string]any{}
		for _, f := range idcardtest.TwoFingers(7) {
			fingers = append(fingers, map[string]any{"position": f.Position, "template": f.Template, "image": f.Image})
		}
		const acceptQ = `mutation($in: AcceptOnlineIdCardApplicationInput!) { acceptOnlineIdCardApplication(input: $in) { id } }`
		accept := func(contact map[string]any) gqlResponse {
			in := map[string]any{"id": app.ID, "version": app.Version, "photo": idcardtest.GoodPhotoBase64(), "fingerprints": fingers}
			for k, v := range contact {
				in[k] = v
			}
			return b.do2(t, srv.URL, clerk, acceptQ, map[string]any{"in": in})
		}

		// Bad corrections: refused on their field, nothing changed.
		requireError(t, accept(map[string]any{"phone": "1391234"}), "BAD_USER_INPUT", "phone", "id_card.phone")
		requireError(t, accept(map[string]any{"pickup": "POST"}), "BAD_USER_INPUT", "postAddress", "id_card.postAddress_required")
		requireError(t, accept(map[string]any{"pickup": "DRONE"}), "BAD_USER_INPUT", "pickup", "id_card.pickup")
		var still struct {
			OnlineApplication struct {
				Status, Data string
				Version      int
			}
		}
		b.do2(t, srv.URL, clerk, readQ, map[string]any{"id": app.ID}).ok(t, &still)
		require.Equal(t, before, still, "a refused acceptance leaves the application as it was")
		require.Equal(t, "SUBMITTED", still.OnlineApplication.Status)

		// The clerk's phone (normalised) and pick-up by post win; the note,
		// left out, and the identity stay the portal's.
		var acc struct{ AcceptOnlineIdCardApplication struct{ ID string } }
		accept(map[string]any{"phone": " 138 0000 1111 ", "pickup": "POST", "postAddress": "石家庄市长安区中山东路1号",
			"postRecipient": "张三", "postCode": "050000"}).ok(t, &acc)
		var c struct {
			Case struct {
				Details struct {
					Applicant struct {
						IDNumber, ApplicationKind, Reason, ReasonNote, Phone, Pickup, PostAddress, PostRecipient, PostCode string
					}
				}
			}
		}
		b.do2(t, srv.URL, clerk, `query($id: ID!) { case(id: $id) { details { ... on IdCardDetails { applicant {
			idNumber applicationKind reason reasonNote phone pickup postAddress postRecipient postCode } } } } }`,
			map[string]any{"id": acc.AcceptOnlineIdCardApplication.ID}).ok(t, &c)
		a := c.Case.Details.Applicant
		require.Equal(t, "13800001111", a.Phone)
		require.Equal(t, "POST", a.Pickup)
		require.Equal(t, "石家庄市长安区中山东路1号", a.PostAddress)
		require.Equal(t, "张三", a.PostRecipient)
		require.Equal(t, "050000", a.PostCode)
		require.Equal(t, "改名", a.ReasonNote)
		require.Equal(t, ministrysim.ScriptedSpouseIDNumber, a.IDNumber)
		require.Equal(t, "RENEWAL", a.ApplicationKind)
		require.Equal(t, "DATA_CHANGED", a.Reason)

		// Staff read what the clerk changed, portal value → counter value.
		type correction struct{ Field, Portal, Counter string }
		var staff struct {
			OnlineApplication struct {
				Status             string
				CounterCorrections []correction
			}
		}
		b.do2(t, srv.URL, clerk, `query($id: ID!) { onlineApplication(id: $id) { status counterCorrections { field portal counter } } }`,
			map[string]any{"id": app.ID}).ok(t, &staff)
		require.Equal(t, "ACCEPTED", staff.OnlineApplication.Status)
		require.Equal(t, []correction{
			{"phone", "13912345678", "13800001111"},
			{"pickup", "IN_PERSON", "POST"},
			{"postAddress", "", "石家庄市长安区中山东路1号"},
			{"postRecipient", "", "张三"},
			{"postCode", "", "050000"},
		}, staff.OnlineApplication.CounterCorrections)

		// The case links back to its application and the corrections (3.1.4), for the offices' staff only.
		var fromCase struct {
			Case struct {
				OnlineApplication *struct {
					ID                 string
					CounterCorrections []correction
				}
			}
		}
		const caseQ = `query($id: ID!) { case(id: $id) { onlineApplication { id counterCorrections { field portal counter } } } }`
		b.do2(t, srv.URL, clerk, caseQ, map[string]any{"id": acc.AcceptOnlineIdCardApplication.ID}).ok(t, &fromCase)
		require.NotNil(t, fromCase.Case.OnlineApplication)
		require.Equal(t, app.ID, fromCase.Case.OnlineApplication.ID)
		require.Equal(t, staff.OnlineApplication.CounterCorrections, fromCase.Case.OnlineApplication.CounterCorrections)
		require.Len(t, b.auditEntries(t, domain.AuditFilter{Operation: "case.onlineApplication", SubjectID: app.ID}), 1)
		requireError(t, b.do2(t, srv.URL, b.token(t, b.analyst), caseQ, map[string]any{"id": acc.AcceptOnlineIdCardApplication.ID}), "FORBIDDEN", "", "")

		// The acceptance's audit entry names the corrected fields.
		entries := b.auditEntries(t, domain.AuditFilter{Operation: "online.accept", SubjectID: app.ID})
		require.Len(t, entries, 1)
		require.Contains(t, entries[0].Detail, "corrected at the counter: phone, pickup, postAddress, postRecipient, postCode")

		// The portal reads its own data back as before (masked as ever),
		// staff read it as submitted, and the corrections are not the portal's.
		var mine struct{ OnlineApplication struct{ Data string } }
		b.do2(t, srv.URL, portal, `query($id: ID!) { onlineApplication(id: $id) { data } }`, map[string]any{"id": app.ID}).ok(t, &mine)
		require.JSONEq(t, portalBefore.OnlineApplication.Data, mine.OnlineApplication.Data)
		var staffData struct{ OnlineApplication struct{ Data string } }
		b.do2(t, srv.URL, clerk, `query($id: ID!) { onlineApplication(id: $id) { data } }`, map[string]any{"id": app.ID}).ok(t, &staffData)
		require.JSONEq(t, before.OnlineApplication.Data, staffData.OnlineApplication.Data)
		requireError(t, b.do2(t, srv.URL, portal, `query($id: ID!) { onlineApplication(id: $id) { counterCorrections { field } } }`,
			map[string]any{"id": app.ID}), "FORBIDDEN", "", "")
	})
}
