package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain/idcard/idcardtest"
	"hukou/integrations/fingerprint"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry/ministrysim"
	"hukou/storage/storagetest"
)

type idCase struct {
	ID                string
	CollabNo          string
	Status            string
	Version           int
	AvailableActions  []string
	AwaitingOtherSide bool
	Forwards          []struct {
		MessageType string
		State       string
		Overdue     bool
	}
	Timeline []struct{ Action string }
	Files    []struct{ MaterialCode string }
	Details  struct {
		KindName   string
		ReasonName string
		Applicant  struct {
			IDNumber        string
			ApplicationDate string
			Phone           string
			Photo           *struct{ Width, Height int }
			Fingerprints    []struct {
				Position     int
				NotAvailable *string
				Quality      int
			}
		}
		Person  struct{ IDNumber, Name string }
		Outcome struct {
			WrittenBackAt *string
			Review        *struct {
				Approved bool
				Reason   *string
			}
			Issue *struct {
				AgeOnApplication, Years                    int
				LongTerm                                   bool
				ValidFrom, ValidUntil, IssuedOn, Authority string
			}
			Packages []struct {
				ID       string
				Manifest []struct{ Part string }
			}
			Feedback []struct {
				Source, Class, Description string
				Code                       *string
				SavedAt                    *string
			}
			Production *struct {
				CardNumber string
				SavedAt    *string
			}
			Licence *struct {
				LicenceID, IDNumber, CardNumber, ValidUntil, Digest string
				MinistryLicenceID                                   string
			}
			Collection *struct {
				CollectorName string
				Proxy         bool
				Verified      bool
				Score         *int
				Waived        *string
			}
		}
	}
}

const idFields = `id collabNo status version availableActions awaitingOtherSide
	forwards { messageType state overdue } timeline { action } files { materialCode }
	details { ... on IdCardDetails { kindName reasonName
		applicant { idNumber applicationDate phone photo { width height } fingerprints { position notAvailable quality } }
		person { idNumber name }
		outcome { writtenBackAt review { approved reason }
			issue { ageOnApplication years longTerm validFrom validUntil issuedOn authority }
			packages { id manifest { part } } feedback { source class code description savedAt }
			production { cardNumber savedAt } licence { licenceId idNumber cardNumber validUntil digest ministryLicenceId }
			collection { collectorName proxy verified score waived } } } }`

// TestIDCard_AcrossOffices runs off-site ID card applications between
// Panjin (acceptance) and Shijiazhuang (registration) on SQLite and
// PostgreSQL (issue 14; 1.1.8–1.1.14, 1.2.4, 1.3.9–1.3.11, 1.4.5, 2.1.4,
// 2.2.9, 7.1.3, 7.1.5), with the production centre and the fingerprint
// device simulated over HTTP: a renewal approved, produced and collected
// with a fingerprint verified on site; a replacement rejected at review;
// a first card whose template/image mismatch comes back as quality
// feedback, is corrected and packaged again, and is collected by proxy;
// each scheduled forward delivered exactly once though Panjin is killed
// right after saving one and Shijiazhuang right after another is sent; the
// refusals of wrong roles, sides, offices and states; and the faults of the
// Ministry, the production centre and the device, which lose nothing.
func TestIDCard_AcrossOffices(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	run := func(t *testing.T, pjDB, sjzDB string) {
		c := newCluster(t, pjDB, sjzDB, "PRODUCTION_DELAY=1s", "PRODUCTION_POLL_INTERVAL=300ms", "FORWARD_INTERVAL=3s")
		clerk := loginAs(t, c.pj.addr, "clerk", demoPass)
		pjOfficer := loginAs(t, c.pj.addr, "officer", demoPass)
		pjApprover := loginAs(t, c.pj.addr, "approver", demoPass)
		for _, u := range []string{`{username: "city-approver", displayName: "市局审核民警", password: "approver-pass-1", officeCode: "130100000000", roles: [APPROVER]}`,
			`{username: "city-officer", displayName: "市局户籍民警", password: "officer-pass-1", officeCode: "130100000000", roles: [OFFICER]}`,
			`{username: "qiaoxi-approver", displayName: "桥西分局审核", password: "approver-pass-2", officeCode: "130104000000", roles: [APPROVER]}`} {
			require.NoError(t, gql(c.sjz.addr, c.sjzTok, `mutation { createUser(input: `+u+`) { id } }`, nil, nil))
		}
		approver := loginAs(t, c.sjz.addr, "city-approver", "approver-pass-1")
		officer := loginAs(t, c.sjz.addr, "city-officer", "officer-pass-1")
		otherCounty := loginAs(t, c.sjz.addr, "qiaoxi-approver", "approver-pass-2")
		sjzClerk := loginAs(t, c.sjz.addr, "clerk", demoPass)
		dev := fingerprint.NewDevice(httpclient.Config{BaseURL: "http://" + c.simAddr + "/fingerprint", Timeout: 3 * time.Second})
		ctx := context.Background()

		get := func(addr, tok, id string) idCase {
			var out struct{ Case idCase }
			require.NoError(t, gql(addr, tok, `query($id: ID!) { case(id: $id) { `+idFields+` } }`, map[string]any{"id": id}, &out))
			return out.Case
		}
		remote := func(collabNo string) idCase {
			var out struct {
				Cases struct{ Edges []struct{ Node idCase } }
			}
			require.Eventually(t, func() bool {
				require.NoError(t, gql(c.sjz.addr, approver, `query($no: String) { cases(filter: {collabNo: $no}) { edges { node { `+idFields+` } } } }`,
					map[string]any{"no": collabNo}, &out))
				return len(out.Cases.Edges) == 1
			}, 30*time.Second, 200*time.Millisecond, "the application never reached Shijiazhuang")
			return out.Cases.Edges[0].Node
		}
		// waitStatus reads through proc p (restarted instances keep their address).
		waitStatus := func(p *proc, tok, id, status string) idCase {
			var cc idCase
			var err error
			for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
				var out struct{ Case idCase }
				if err = gql(p.addr, tok, `query($id: ID!) { case(id: $id) { `+idFields+` } }`, map[string]any{"id": id}, &out); err != nil {
					continue // an instance restarting
				}
				if cc = out.Case; cc.Status == status {
					return cc
				}
			}
			t.Fatalf("case %s never reached %s (last %q, actions %v, error %v)", id, status, cc.Status, cc.AvailableActions, err)
			return cc
		}
		fire := func(addr, tok, mutation string, cc idCase, extra string) (idCase, error) {
			var out map[string]idCase
			err := gql(addr, tok, fmt.Sprintf(`mutation($id: CaseID!, $v: Int!) { r: %s(input: {id: $id, version: $v%s}) { %s } }`, mutation, extra, idFields),
				map[string]any{"id": cc.ID, "v": cc.Version}, &out)
			return out["r"], err
		}
		fireVars := func(addr, tok, mutation, inputType string, cc idCase, in map[string]any) (idCase, error) {
			in["id"], in["version"] = cc.ID, cc.Version
			var out map[string]idCase
			err := gql(addr, tok, fmt.Sprintf(`mutation($in: %s!) { r: %s(input: $in) { %s } }`, inputType, mutation, idFields), map[string]any{"in": in}, &out)
			return out["r"], err
		}
		refused := func(addr, tok, mutation string, cc idCase, extra string) map[string]any {
			return gqlExt(t, addr, tok, fmt.Sprintf(`mutation($id: CaseID!, $v: Int!) { r: %s(input: {id: $id, version: $v%s}) { id } }`, mutation, extra),
				map[string]any{"id": cc.ID, "v": cc.Version})
		}
		refusedVars := func(addr, tok, mutation, inputType string, cc idCase, in map[string]any) map[string]any {
			in["id"], in["version"] = cc.ID, cc.Version
			return gqlExt(t, addr, tok, fmt.Sprintf(`mutation($in: %s!) { r: %s(input: $in) { id } }`, inputType, mutation), map[string]any{"in": in})
		}
		put := func(path, body string) {
			req, _ := http.NewRequest(http.MethodPut, "http://"+c.simAddr+path, strings.NewReader(body))
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			require.Less(t, res.StatusCode, 300, path)
		}
		capture := func(position int, subject string) map[string]any {
			f, err := dev.Capture(ctx, position, subject)
			require.NoError(t, err)
			return map[string]any{"position": f.Position, "template": f.Template, "image": f.Image}
		}
		fingers := func(subject string) []map[string]any {
			return []map[string]any{capture(2, subject), capture(7, subject)}
		}
		applicant := func(id, kind, reason string) map[string]any {
			return map[string]any{"idNumber": id, "applicationKind": kind, "reason": reason, "phone": "13912345678", "pickup": "IN_PERSON"}
		}
		const startQ = `mutation($in: StartIdCardApplicationInput!) { startIdCardApplication(input: $in) { ` + idFields + ` } }`
		start := func(a map[string]any, photo string, fs []map[string]any) (idCase, error) {
			var out struct{ StartIdCardApplication idCase }
			err := gql(c.pj.addr, clerk, startQ, map[string]any{"in": map[string]any{"applicant": a, "photo": photo, "fingerprints": fs}}, &out)
			return out.StartIdCardApplication, err
		}
		startRefused := func(a map[string]any, photo string, fs []map[string]any) map[string]any {
			return gqlExt(t, c.pj.addr, clerk, startQ, map[string]any{"in": map[string]any{"applicant": a, "photo": photo, "fingerprints": fs}})
		}
		// captureRequired captures an archive for every material the
		// Ministry's list for the application's type marks required and
		// nothing has been captured for yet (1.4.1, 1.4.5).
		captureRequired := func(id string) []string {
			var mats struct {
				Case struct {
					Materials []struct {
						Code     string
						Required bool
						Files    []struct{ ID string }
					}
				}
			}
			require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { materials { code required files { id } } } }`, map[string]any{"id": id}, &mats))
			var captured []string
			for _, m := range mats.Case.Materials {
				if m.Required && len(m.Files) == 0 {
					require.NoError(t, upload(c.pj.addr, clerk, `mutation($id: ID!, $m: String!, $f: Upload!) { uploadArchive(caseId: $id, materialCode: $m, file: $f) { id } }`,
						map[string]any{"id": id, "m": m.Code}, "f", m.Code+".png", pngBytes(t), &struct{}{}))
					captured = append(captured, m.Code)
				}
			}
			return captured
		}
		submit := func(cc idCase) idCase {
			captureRequired(cc.ID)
			cc, err := fire(c.pj.addr, clerk, "submitIdCardApplication", get(c.pj.addr, clerk, cc.ID), ", confirmed: true")
			require.NoError(t, err)
			require.Equal(t, "SUBMITTED", cc.Status)
			return cc
		}
		count := func(cc idCase, action string) int {
			n := 0
			for _, a := range cc.Timeline {
				if a.Action == action {
					n++
				}
			}
			return n
		}
		photo := idcardtest.GoodPhotoBase64()
		spouse, son := ministrysim.ScriptedSpouseIDNumber, ministrysim.ScriptedChildIDNumber

		// 1. The look-ups show every refusal reason (1.1.8, 7.1.3, 7.1.5); nothing is saved.
		type lookup struct {
			IdCardLookup struct {
				Person         struct{ Name string }
				OfficeCode     string
				Eligibility    struct{ Eligible bool }
				History        []struct{ Kind, Status string }
				Refusals       []struct{ Reason, Message string }
				MinistryChecks []struct {
					Check  string
					Passed bool
				}
			}
		}
		const lookupQ = `query($n: String!, $k: IdCardApplicationKind!, $r: String!) { idCardLookup(idNumber: $n, applicationKind: $k, reason: $r) {
			person { name } officeCode eligibility { eligible } history { kind status } refusals { reason message } ministryChecks { check passed } } }`
		var lk lookup
		require.NoError(t, gql(c.pj.addr, clerk, lookupQ, map[string]any{"n": ministrysim.NotEligibleIDNumber, "k": "REPLACEMENT", "r": "LOST"}, &lk))
		reasons := func() []string {
			var out []string
			for _, r := range lk.IdCardLookup.Refusals {
				out = append(out, r.Reason)
			}
			return out
		}
		require.Contains(t, reasons(), "id_card.offsite.case_in_progress", "the Ministry's reason")
		require.Contains(t, reasons(), "id_card.history_in_production", "the history's rule")
		require.NoError(t, gql(c.pj.addr, clerk, lookupQ, map[string]any{"n": spouse, "k": "RENEWAL", "r": "EXPIRED"}, &lk))
		require.Equal(t, []string{"id_card.not_expired"}, reasons(), "her card is valid until 2033")
		require.NoError(t, gql(c.pj.addr, clerk, lookupQ, map[string]any{"n": spouse, "k": "RENEWAL", "r": "DATA_CHANGED"}, &lk))
		require.Empty(t, lk.IdCardLookup.Refusals)
		require.Equal(t, "李秀英", lk.IdCardLookup.Person.Name)
		require.Equal(t, ministrysim.ScriptedOfficeCode, lk.IdCardLookup.OfficeCode)
		require.Len(t, lk.IdCardLookup.History, 2)
		require.Equal(t, "FORBIDDEN", gqlErr(t, c.pj.addr, pjOfficer, lookupQ, map[string]any{"n": spouse, "k": "RENEWAL", "r": "DATA_CHANGED"}), "officers take no intakes")

		// 2. Bad intakes save nothing: the Ministry's refusal, each photo rule, the fingers, the role, an outage.
		requireRefused(t, startRefused(applicant(ministrysim.NotEligibleIDNumber, "REPLACEMENT", "LOST"), photo, fingers(ministrysim.NotEligibleIDNumber)),
			"CONFLICT", "idNumber", "id_card.offsite.case_in_progress")
		requireRefused(t, startRefused(applicant(spouse, "RENEWAL", "EXPIRED"), photo, fingers(spouse)), "BAD_USER_INPUT", "reason", "id_card.not_expired")
		grey := idcardtest.GoodPhoto()
		grey.Grey = true
		wide := idcardtest.GoodPhoto()
		wide.Width = 400
		dark := idcardtest.GoodPhoto()
		dark.Background.R, dark.Background.G, dark.Background.B = 60, 60, 90
		for _, tc := range []struct {
			spec   idcardtest.PhotoSpec
			reason string
		}{{grey, "id_card.photo_colour"}, {wide, "id_card.photo_dimensions"}, {dark, "id_card.photo_background_dark"}} {
			b64 := b64(idcardtest.Photo(tc.spec))
			requireRefused(t, startRefused(applicant(spouse, "RENEWAL", "DATA_CHANGED"), b64, fingers(spouse)), "BAD_USER_INPUT", "photo", tc.reason)
			requireRefused(t, gqlExt(t, c.pj.addr, clerk, `query($p: String!) { checkIdCardPhoto(photo: $p) { bytes } }`, map[string]any{"p": b64}),
				"BAD_USER_INPUT", "photo", tc.reason)
		}
		var checked struct{ CheckIdCardPhoto struct{ Width, Height int } }
		require.NoError(t, gql(c.pj.addr, clerk, `query($p: String!) { checkIdCardPhoto(photo: $p) { width height } }`, map[string]any{"p": photo}, &checked))
		require.Equal(t, 358, checked.CheckIdCardPhoto.Width)
		requireRefused(t, startRefused(applicant(spouse, "RENEWAL", "DATA_CHANGED"), photo, fingers(spouse)[:1]), "BAD_USER_INPUT", "fingerprints", "id_card.fingerprint_count")
		put("/fingerprint/admin/script", `[{"quality": 35}]`)
		requireRefused(t, startRefused(applicant(spouse, "RENEWAL", "DATA_CHANGED"), photo, fingers(spouse)), "BAD_USER_INPUT", "fingerprints[0]", "id_card.fingerprint_quality")
		// The device: no finger placed, then an outage, each a clear error from the device port.
		put("/fingerprint/admin/script", `[{"noFinger": true}]`)
		_, err := dev.Capture(ctx, 2, spouse)
		require.ErrorContains(t, err, "no finger")
		put("/fingerprint/admin/faults", `{"capture": {"errorRate": 1}}`)
		_, err = dev.Capture(ctx, 2, spouse)
		require.ErrorContains(t, err, "fingerprint device")
		put("/fingerprint/admin/faults", `{}`)
		put("/ministry/admin/faults", `{"/v1/id-cards/eligibility": {"errorRate": 1}}`)
		requireRefused(t, startRefused(applicant(spouse, "RENEWAL", "DATA_CHANGED"), photo, fingers(spouse)), "UNAVAILABLE", "", "integration.unavailable.ministry")
		put("/ministry/admin/faults", `{}`)
		var none struct {
			Cases struct{ Edges []any }
		}
		require.NoError(t, gql(c.pj.addr, clerk, `{ cases(filter: {kind: ID_CARD}) { edges { node { id } } } }`, nil, &none))
		require.Empty(t, none.Cases.Edges, "nothing half-saved")

		// 3. The renewal: intake, modify, the confirmation, submit (1.1.8–1.1.10, 1.2.4, 1.4.5).
		rn, err := start(applicant(spouse, "RENEWAL", "DATA_CHANGED"), photo, fingers(spouse))
		require.NoError(t, err)
		require.Equal(t, "DRAFT", rn.Status)
		require.Equal(t, []string{"MODIFY_ID_CARD_APPLICATION", "SUBMIT_ID_CARD_APPLICATION"}, rn.AvailableActions)
		require.Equal(t, "换领", rn.Details.KindName)
		require.Equal(t, 358, rn.Details.Applicant.Photo.Width)
		require.Len(t, rn.Details.Applicant.Fingerprints, 2)
		requireRefused(t, startRefused(applicant(spouse, "RENEWAL", "DATA_CHANGED"), photo, fingers(spouse)), "CONFLICT", "idNumber", "case.key_taken")
		changed := applicant(spouse, "RENEWAL", "DATA_CHANGED")
		changed["phone"] = "0311-86681234"
		rn, err = fireVars(c.pj.addr, clerk, "modifyIdCardApplication", "ModifyIdCardApplicationInput", rn, map[string]any{"applicant": changed})
		require.NoError(t, err)
		require.Equal(t, "0311-86681234", rn.Details.Applicant.Phone)
		require.Len(t, rn.Details.Applicant.Fingerprints, 2, "the fingers are kept")
		requireRefused(t, refused(c.pj.addr, clerk, "submitIdCardApplication", rn, ", confirmed: false"), "BAD_USER_INPUT", "confirmed", "id_card.not_confirmed")
		requireRefused(t, refused(c.pj.addr, clerk, "submitIdCardApplication", rn, ", confirmed: true"), "BAD_USER_INPUT", "materials", "archive.materials_missing")
		require.ElementsMatch(t, []string{"PHOTO_RECEIPT", "OLD_ID_CARD"}, captureRequired(rn.ID), "a renewal's list asks for the old card (1.4.5)")
		// Modify until extracted (1.2.4): Shijiazhuang is down, so the
		// submitted application is not extracted yet; the modification goes
		// after it, and Shijiazhuang applies both in order.
		c.sjz.kill()
		rn = submit(rn)
		require.True(t, rn.AwaitingOtherSide)
		require.Contains(t, rn.AvailableActions, "MODIFY_ID_CARD_APPLICATION", "modifiable until extracted")
		changed["phone"] = "0311-86685678"
		rn, err = fireVars(c.pj.addr, clerk, "modifyIdCardApplication", "ModifyIdCardApplicationInput", rn, map[string]any{"applicant": changed})
		require.NoError(t, err)
		require.Equal(t, "SUBMITTED", rn.Status, "a modification keeps the status")
		require.Equal(t, "0311-86685678", rn.Details.Applicant.Phone)
		c.sjz.run()

		// 4. The county bureau's review (2.1.4): refused to the wrong role, side, office and state.
		rr := remote(rn.CollabNo)
		require.Eventually(t, func() bool {
			rr = get(c.sjz.addr, approver, rr.ID)
			return rr.Details.Applicant.Phone == "0311-86685678"
		}, 30*time.Second, 200*time.Millisecond, "the modification reaches the registration office")
		require.Equal(t, 1, count(rr, "ID_CARD_APPLICATION_MODIFIED"))
		// Both sides' case lists find it by the applicant (Workflow.People).
		for _, side := range []struct{ addr, tok, id string }{{c.pj.addr, clerk, rn.ID}, {c.sjz.addr, approver, rr.ID}} {
			var found struct {
				Cases struct {
					Edges []struct {
						Node struct {
							ID     string
							People []struct{ Name, IdNumber string }
						}
					}
				}
			}
			require.NoError(t, gql(side.addr, side.tok, `query($p: String!) { cases(filter: {kind: ID_CARD, person: $p}) { edges { node { id people { name idNumber } } } } }`,
				map[string]any{"p": spouse}, &found))
			require.Len(t, found.Cases.Edges, 1)
			require.Equal(t, side.id, found.Cases.Edges[0].Node.ID)
			require.Equal(t, spouse, found.Cases.Edges[0].Node.People[0].IdNumber)
			require.Equal(t, rn.Details.Person.Name, found.Cases.Edges[0].Node.People[0].Name)
		}
		require.Equal(t, "RECEIVED", rr.Status)
		require.Equal(t, []string{"APPROVE_ID_CARD_APPLICATION", "REJECT_ID_CARD_APPLICATION"}, rr.AvailableActions)
		require.True(t, slices.ContainsFunc(rr.Files, func(f struct{ MaterialCode string }) bool { return f.MaterialCode == "ID_PHOTO" }), "the photo travelled to R")
		require.Equal(t, rn.Details.Applicant.ApplicationDate, rr.Details.Applicant.ApplicationDate)
		requireRefused(t, refused(c.sjz.addr, sjzClerk, "approveIdCardApplication", rr, ""), "FORBIDDEN", "", "auth.role")
		requireRefused(t, refused(c.pj.addr, pjApprover, "approveIdCardApplication", rn, ""), "FORBIDDEN", "", "case.wrong_side")
		require.Equal(t, "NOT_FOUND", gqlErr(t, c.sjz.addr, otherCounty, `mutation($id: CaseID!) { approveIdCardApplication(input: {id: $id, version: 1}) { id } }`,
			map[string]any{"id": rr.ID}), "another county's approver")
		requireRefused(t, refused(c.sjz.addr, officer, "closeIdCardApplication", rr, ""), "CONFLICT", "", "case.out_of_order")
		rn = waitStatus(c.pj, clerk, rn.ID, "EXTRACTED")
		requireRefused(t, refusedVars(c.pj.addr, clerk, "modifyIdCardApplication", "ModifyIdCardApplicationInput", rn, map[string]any{"applicant": changed}),
			"CONFLICT", "", "case.out_of_order") // extracted: no more modification (1.2.4)
		// The review is the county bureau's (the declaration's Levels): a station's approver is refused before the case is read.
		var offices struct {
			Offices []struct{ Code, Level string }
		}
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `{ offices { code level } }`, nil, &offices))
		i := slices.IndexFunc(offices.Offices, func(o struct{ Code, Level string }) bool { return o.Level == "POLICE_STATION" })
		require.GreaterOrEqual(t, i, 0)
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `mutation($o: String!) { createUser(input: {username: "station-approver", displayName: "派出所审核", password: "approver-pass-3", officeCode: $o, roles: [APPROVER]}) { id } }`,
			map[string]any{"o": offices.Offices[i].Code}, nil))
		requireRefused(t, refused(c.sjz.addr, loginAs(t, c.sjz.addr, "station-approver", "approver-pass-3"), "approveIdCardApplication", rr, ""), "FORBIDDEN", "", "auth.office_level")
		rr = get(c.sjz.addr, approver, rr.ID)
		rr, err = fire(c.sjz.addr, approver, "approveIdCardApplication", rr, `, note: "材料齐全"`)
		require.NoError(t, err)
		require.Equal(t, "SIGNED", rr.Status)
		is := rr.Details.Outcome.Issue
		require.NotNil(t, is)
		require.Equal(t, 20, is.Years, "39 on the application date: 20 years")
		require.Equal(t, "石家庄市公安局长安分局", is.Authority, "the registration office's county bureau")
		from, err := time.Parse(time.DateOnly, is.ValidFrom)
		require.NoError(t, err)
		require.Equal(t, from.AddDate(20, 0, 0).Format(time.DateOnly), is.ValidUntil)

		// 5. Write-back (1.1.11), then the package (2.2.9): the production centre down loses nothing.
		rn = waitStatus(c.pj, clerk, rn.ID, "SIGNED")
		require.Equal(t, is.ValidUntil, rn.Details.Outcome.Issue.ValidUntil)
		require.Equal(t, []string{"WRITE_BACK_ID_CARD_ISSUE"}, rn.AvailableActions)
		requireRefused(t, refused(c.pj.addr, clerk, "packageIdCardApplication", rn, ""), "CONFLICT", "", "case.out_of_order")
		rn, err = fire(c.pj.addr, clerk, "writeBackIdCardIssue", rn, "")
		require.NoError(t, err)
		require.Equal(t, "ISSUED", rn.Status)
		require.NotNil(t, rn.Details.Outcome.WrittenBackAt)
		waitStatus(c.sjz, approver, rr.ID, "IN_PRODUCTION")
		put("/production/admin/faults", `{"upload_package": {"errorRate": 1}}`)
		requireRefused(t, refused(c.pj.addr, clerk, "packageIdCardApplication", rn, ""), "UNAVAILABLE", "", "integration.unavailable.production")
		put("/production/admin/faults", `{}`)
		require.Equal(t, "ISSUED", get(c.pj.addr, clerk, rn.ID).Status, "nothing changed")
		require.Equal(t, rn.Version, get(c.pj.addr, clerk, rn.ID).Version)
		put("/production/admin/faults", `{"package_status": {"errorRate": 1}}`)
		rn, err = fire(c.pj.addr, clerk, "packageIdCardApplication", rn, "")
		require.NoError(t, err)
		require.Equal(t, "IN_PRODUCTION", rn.Status)
		require.Len(t, rn.Details.Outcome.Packages, 1)
		require.True(t, strings.HasSuffix(rn.Details.Outcome.Packages[0].ID, "-P01"))
		var parts []string
		for _, p := range rn.Details.Outcome.Packages[0].Manifest {
			parts = append(parts, p.Part)
		}
		require.Equal(t, []string{"card", "photo", "finger1.template", "finger1.image", "finger2.template", "finger2.image", "archive1.OLD_ID_CARD", "archive2.PHOTO_RECEIPT"}, parts)
		time.Sleep(2 * time.Second) // the centre cannot answer: the case waits
		require.Equal(t, "IN_PRODUCTION", get(c.pj.addr, clerk, rn.ID).Status)
		put("/production/admin/faults", `{}`)

		// 6. Production feedback (1.1.13), saved; Panjin is killed right after saving: the forward goes once (1.3.10).
		rn = waitStatus(c.pj, clerk, rn.ID, "PRODUCED")
		require.Equal(t, 1, count(rn, "ID_CARD_PRODUCTION_COMPLETED"))
		require.NotEmpty(t, rn.Details.Outcome.Production.CardNumber)
		require.Equal(t, []string{"SAVE_ID_CARD_PRODUCTION_FEEDBACK"}, rn.AvailableActions)
		rn, err = fire(c.pj.addr, clerk, "saveIdCardProductionFeedback", rn, `, note: "已核对卡面信息"`)
		require.NoError(t, err)
		require.Equal(t, "READY", rn.Status)
		require.Len(t, rn.Forwards, 1)
		require.Equal(t, "PRODUCED", rn.Forwards[0].MessageType)
		c.pj.kill()
		c.pj.run()
		rr = waitStatus(c.sjz, approver, rr.ID, "READY")
		lic := rr.Details.Outcome.Licence
		require.NotNil(t, lic, "the e-ID licence is recorded")
		require.Equal(t, "EID"+strings.TrimPrefix(rr.CollabNo, "XT"), lic.LicenceID)
		require.Equal(t, spouse, lic.IDNumber)
		require.Equal(t, is.ValidUntil, lic.ValidUntil)
		require.Equal(t, rn.Details.Outcome.Production.CardNumber, lic.CardNumber)
		// The e-ID is issued by the Ministry's licence service and kept in the licence store (1.3.10, 4.1.1).
		require.Eventually(t, func() bool {
			rr = get(c.sjz.addr, approver, rr.ID)
			return rr.Details.Outcome.Licence.MinistryLicenceID != ""
		}, 30*time.Second, 200*time.Millisecond, "the e-ID licence is issued by the Ministry")
		var eid struct {
			Licence struct {
				Type, Status, HolderIDNumber string
				Items                        []struct{ Key, Value string }
			}
		}
		require.NoError(t, gql(c.sjz.addr, approver, `query($l: String!) { licence(id: $l) { type status holderIdNumber items { key value } } }`,
			map[string]any{"l": rr.Details.Outcome.Licence.MinistryLicenceID}, &eid))
		require.Equal(t, "ID_CARD", eid.Licence.Type)
		require.Equal(t, "VALID", eid.Licence.Status)
		require.Equal(t, spouse, eid.Licence.HolderIDNumber)
		require.Contains(t, eid.Licence.Items, struct{ Key, Value string }{"cardNumber", lic.CardNumber})

		// 7. Collection (1.1.14): the finger verified against the stored template; Shijiazhuang killed after it is sent.
		collect := func(cc idCase, in map[string]any) (idCase, error) {
			return fireVars(c.pj.addr, clerk, "collectIdCard", "CollectIdCardInput", cc, in)
		}
		handover := func(subject string) map[string]any {
			live := capture(2, subject)
			return map[string]any{"collectorName": "李秀英", "collectorIdNumber": spouse, "fingerprintPosition": 2, "fingerprintTemplate": live["template"],
				"photo": photo}
		}
		wrong := handover("someone-else")
		requireRefused(t, refusedVars(c.pj.addr, clerk, "collectIdCard", "CollectIdCardInput", rn, wrong), "BAD_USER_INPUT", "fingerprint", "id_card.fingerprint_mismatch")
		other := handover(spouse)
		other["collectorIdNumber"] = son
		requireRefused(t, refusedVars(c.pj.addr, clerk, "collectIdCard", "CollectIdCardInput", rn, other), "BAD_USER_INPUT", "collectorIdNumber", "id_card.collector_not_holder")
		rn, err = collect(rn, handover(spouse))
		require.NoError(t, err)
		require.Equal(t, "COMPLETED", rn.Status)
		col := rn.Details.Outcome.Collection
		require.True(t, col.Verified)
		require.GreaterOrEqual(t, *col.Score, 40)
		require.Len(t, rn.Forwards, 2)
		require.Eventually(t, func() bool {
			var out struct{ Case idCase }
			require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { forwards { messageType state overdue } } }`, map[string]any{"id": rn.ID}, &out))
			return out.Case.Forwards[1].State != "SCHEDULED"
		}, 30*time.Second, 50*time.Millisecond, "the collection record was never sent")
		c.sjz.kill()
		c.sjz.run()
		rr = waitStatus(c.sjz, approver, rr.ID, "COLLECTED")
		require.True(t, rr.Details.Outcome.Collection.Verified)
		requireRefused(t, refused(c.sjz.addr, sjzClerk, "closeIdCardApplication", rr, ""), "FORBIDDEN", "", "auth.role")
		rr, err = fire(c.sjz.addr, officer, "closeIdCardApplication", rr, "")
		require.NoError(t, err)
		require.Equal(t, "COMPLETED", rr.Status)
		require.Equal(t, 1, count(rr, "ID_CARD_PRODUCTION_FEEDBACK_FORWARDED"), "delivered exactly once")
		require.Equal(t, 1, count(rr, "ID_CARD_COLLECTION_FORWARDED"), "delivered exactly once")
		require.Eventually(t, func() bool {
			rn = get(c.pj.addr, clerk, rn.ID)
			return !slices.ContainsFunc(rn.Forwards, func(f struct {
				MessageType string
				State       string
				Overdue     bool
			}) bool {
				return f.State != "DELIVERED"
			})
		}, 30*time.Second, 200*time.Millisecond, "forwards: %+v", rn.Forwards)
		sentTypes := outgoingTypes(t, c.pj.addr, c.pjTok, rn.CollabNo)
		require.Equal(t, 1, sentTypes["PRODUCED"], "one PRODUCED message in Panjin's log")
		require.Equal(t, 1, sentTypes["COLLECTED"], "one COLLECTED message in Panjin's log")

		// 8. A replacement rejected at review: the reason comes back as quality feedback, saved and forwarded; both copies close.
		var people struct {
			Residents struct {
				Edges []struct {
					Node struct {
						IDNumber, BirthDate, Status string
					}
				}
			}
		}
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `{ residents(first: 100, filter: {status: ACTIVE}) { edges { node { idNumber birthDate status } } } }`, nil, &people))
		var adult string
		for _, e := range people.Residents.Edges {
			if e.Node.BirthDate >= "1965" && e.Node.BirthDate < "1995" {
				adult = e.Node.IDNumber
				break
			}
		}
		require.NotEmpty(t, adult, "an adult Shijiazhuang resident with a card")
		rp, err := start(applicant(adult, "REPLACEMENT", "LOST"), photo, fingers(adult))
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"PHOTO_RECEIPT", "LOSS_STATEMENT"}, captureRequired(rp.ID), "a replacement's list asks for the loss statement (1.4.5)")
		rp = submit(rp)
		rpr := remote(rp.CollabNo)
		requireRefused(t, refused(c.sjz.addr, approver, "rejectIdCardApplication", rpr, `, reason: " "`), "BAD_USER_INPUT", "reason", "id_card.reason_required")
		rpr, err = fire(c.sjz.addr, approver, "rejectIdCardApplication", rpr, `, reason: "申请人相片与部库相片比对不一致"`)
		require.NoError(t, err)
		require.Equal(t, "REFUSED", rpr.Status)
		rp = waitStatus(c.pj, clerk, rp.ID, "REFUSED")
		require.Len(t, rp.Details.Outcome.Feedback, 1)
		require.Equal(t, "REVIEW", rp.Details.Outcome.Feedback[0].Class)
		require.Equal(t, "申请人相片与部库相片比对不一致", rp.Details.Outcome.Feedback[0].Description)
		require.Equal(t, []string{"SAVE_ID_CARD_REVIEW_FEEDBACK"}, rp.AvailableActions)
		rp, err = fire(c.pj.addr, clerk, "saveIdCardReviewFeedback", rp, `, note: "已告知申请人"`)
		require.NoError(t, err)
		require.Equal(t, "CLOSED", rp.Status)
		rpr = waitStatus(c.sjz, approver, rpr.ID, "CLOSED")
		require.Len(t, rpr.Details.Outcome.Feedback, 1)
		require.NoError(t, gql(c.pj.addr, clerk, lookupQ, map[string]any{"n": adult, "k": "REPLACEMENT", "r": "LOST"}, &lk))
		require.NotContains(t, reasons(), "case.key_taken", "a closed application frees the person")

		// 9. A first card whose finger image is another capture's: quality feedback, corrected, packaged again, collected by proxy.
		a1, a2 := capture(2, son), capture(2, son)
		mixed := []map[string]any{{"position": 2, "template": a1["template"], "image": a2["image"]}, capture(7, son)}
		fc, err := start(applicant(son, "FIRST", "FIRST_APPLICATION"), photo, mixed)
		require.NoError(t, err, "the intake cannot see the mismatch; the production centre can")
		fc = submit(fc)
		fcr := remote(fc.CollabNo)
		fcr, err = fire(c.sjz.addr, approver, "approveIdCardApplication", fcr, "")
		require.NoError(t, err)
		require.Equal(t, 5, fcr.Details.Outcome.Issue.Years, "11 years old: 5 years")
		fc = waitStatus(c.pj, clerk, fc.ID, "SIGNED")
		fc, err = fire(c.pj.addr, clerk, "writeBackIdCardIssue", fc, "")
		require.NoError(t, err)
		fc, err = fire(c.pj.addr, clerk, "packageIdCardApplication", fc, "")
		require.NoError(t, err)
		fc = waitStatus(c.pj, clerk, fc.ID, "QUALITY_FEEDBACK")
		fb := fc.Details.Outcome.Feedback
		require.Len(t, fb, 1)
		require.Equal(t, "FINGERPRINT", fb[0].Class)
		require.Equal(t, "template_image_mismatch", *fb[0].Code)
		require.Contains(t, fb[0].Description, "右手食指")
		require.Equal(t, []string{"SAVE_ID_CARD_QUALITY_FEEDBACK"}, fc.AvailableActions)
		fc, err = fire(c.pj.addr, clerk, "saveIdCardQualityFeedback", fc, `, note: "重新采集右手食指"`)
		require.NoError(t, err)
		require.Equal(t, "CORRECTION", fc.Status)
		fc, err = fireVars(c.pj.addr, clerk, "correctIdCardApplication", "CorrectIdCardApplicationInput", fc,
			map[string]any{"phone": "13912345678", "pickup": "IN_PERSON", "fingerprints": fingers(son)})
		require.NoError(t, err)
		fc, err = fire(c.pj.addr, clerk, "packageIdCardApplication", fc, "")
		require.NoError(t, err)
		require.Len(t, fc.Details.Outcome.Packages, 2)
		require.True(t, strings.HasSuffix(fc.Details.Outcome.Packages[1].ID, "-P02"))
		fc = waitStatus(c.pj, clerk, fc.ID, "PRODUCED")
		fc, err = fire(c.pj.addr, clerk, "saveIdCardProductionFeedback", fc, "")
		require.NoError(t, err)
		proxy := map[string]any{"collectorName": "李秀英", "collectorIdNumber": spouse, "proxy": true, "photo": photo}
		requireRefused(t, refusedVars(c.pj.addr, clerk, "collectIdCard", "CollectIdCardInput", fc, proxy), "BAD_USER_INPUT", "proxyRelation", "id_card.proxyRelation_required")
		proxy["proxyRelation"] = "母子"
		fc, err = collect(fc, proxy)
		require.NoError(t, err)
		require.Equal(t, "COMPLETED", fc.Status)
		require.Equal(t, "PROXY", *fc.Details.Outcome.Collection.Waived)
		fcr = waitStatus(c.sjz, approver, fcr.ID, "COLLECTED")
		require.Len(t, fcr.Details.Outcome.Feedback, 1, "the quality feedback reached R once")
		require.Equal(t, "FINGERPRINT", fcr.Details.Outcome.Feedback[0].Class)
		require.Equal(t, 1, count(fcr, "ID_CARD_QUALITY_FEEDBACK_FORWARDED"))
		require.NotNil(t, fcr.Details.Outcome.Licence)

		// 10. The query view of the kind (1.5.4) sees the cases.
		var q struct{ QueryCount int }
		require.NoError(t, gql(c.pj.addr, c.pjTok, `{ queryCount(source: "ID_CARD", condition: {field: "applicationKind", op: IN, values: ["FIRST", "REPLACEMENT"]}) }`, nil, &q))
		require.Equal(t, 2, q.QueryCount, "the first card and the replacement")

		verifyLog(t, c.pj.addr, c.pjTok)
		verifyLog(t, c.sjz.addr, c.sjzTok)
	}
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		run(t, filepath.Join(dir, "panjin.db"), filepath.Join(dir, "shijiazhuang.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		run(t, storagetest.PostgresSchemaURL(t), storagetest.PostgresSchemaURL(t))
	})
}

// outgoingTypes counts the messages of a case in an instance's log that it
// sent, by type.
func outgoingTypes(t *testing.T, addr, token, collabNo string) map[string]int {
	t.Helper()
	var out struct {
		CollaborationMessages struct {
			Edges []struct{ Node struct{ MessageType string } }
		}
	}
	require.NoError(t, gql(addr, token, `query($no: String) { collaborationMessages(first: 100, filter: {collabNo: $no, direction: OUT}) {
		edges { node { messageType } } } }`, map[string]any{"no": collabNo}, &out))
	n := map[string]int{}
	for _, e := range out.CollaborationMessages.Edges {
		n[e.Node.MessageType]++
	}
	return n
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
