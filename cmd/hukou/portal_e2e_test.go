package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"hukou/integrations/ministry/ministrysim"
	"hukou/integrations/portal/portalsim"
	"hukou/resolvers"
	"hukou/storage/storagetest"
)

// portalSim drives the simulated Internet+ portal served by `hukou simulate`.
type portalSim struct {
	t   *testing.T
	url string
}

func (p portalSim) do(method, path string, in, out any) {
	p.t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		require.NoError(p.t, err)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, p.url+path, body)
	require.NoError(p.t, err)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(p.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(p.t, err)
	require.Less(p.t, res.StatusCode, 300, "%s %s: %s", method, path, raw)
	if out != nil {
		require.NoError(p.t, json.Unmarshal(raw, out), "%s", raw)
	}
}

type portalApp struct {
	ID, Status, Reference string
	CaseStatus            *string
	CollabNo              *string
	Version               int
	Result                *struct {
		Approved        *bool
		IDNumber        string
		HouseholdNumber string
	}
}

// submit has the portal submit an online birth and returns the
// application, or the GraphQL errors' first code.
func (p portalSim) submit(sub portalsim.BirthSubmission) (portalApp, string) {
	p.t.Helper()
	var r struct {
		Data   struct{ SubmitOnlineBirthApplication portalApp }
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	p.do(http.MethodPost, "/admin/submit-birth", sub, &r)
	if len(r.Errors) > 0 {
		return portalApp{}, fmt.Sprint(r.Errors[0].Extensions["code"], " ", r.Errors[0].Extensions["reason"])
	}
	return r.Data.SubmitOnlineBirthApplication, ""
}

func (p portalSim) application(id string) portalApp {
	p.t.Helper()
	var r struct {
		Data   struct{ OnlineApplication portalApp }
		Errors []struct{ Message string }
	}
	p.do(http.MethodGet, "/admin/applications/"+id, nil, &r)
	require.Empty(p.t, r.Errors)
	return r.Data.OnlineApplication
}

type webhookPayload struct {
	ID, Type, ApplicationID, Status, CaseStatus, MessageID, Answer string
	Seq                                                            int
	Result                                                         *struct{ IDNumber string }
}

func (p portalSim) deliveries() ([]webhookPayload, portalsim.Deliveries) {
	p.t.Helper()
	var d portalsim.Deliveries
	p.do(http.MethodGet, "/admin/deliveries", nil, &d)
	out := make([]webhookPayload, len(d.Deliveries))
	for i, x := range d.Deliveries {
		require.NoError(p.t, json.Unmarshal(x.Payload, &out[i]))
		require.Equal(p.t, x.ID, out[i].ID, "the delivery header names the payload's delivery")
	}
	return out, d
}

type clientCreds struct {
	ClientSecret, WebhookSecret string
	Client                      struct{ Version int }
}

func createPortalClient(t *testing.T, addr, admin, id, office, webhook string) clientCreds {
	t.Helper()
	var out struct{ CreateIntegratorClient clientCreds }
	in := map[string]any{"clientId": id, "name": "辽宁政务服务网 " + id, "officeCode": "211100000000", "kinds": []string{"BIRTH"},
		"offices": []string{office}, "ratePerMinute": 600}
	if webhook != "" {
		in["webhookUrl"] = webhook
	}
	require.NoError(t, gql(addr, admin, `mutation($in: CreateIntegratorClientInput!) { createIntegratorClient(input: $in) { clientSecret webhookSecret client { version } } }`,
		map[string]any{"in": in}, &out))
	return out.CreateIntegratorClient
}

// TestPortal_OnlineBirth runs issue 18's portal across real processes on
// SQLite and PostgreSQL: the portal simulator submits an online birth with
// a material, twice under one idempotency key (one application); another
// portal can neither read it nor run operations off its allow-list; a
// Panjin clerk completes it into a case that Shijiazhuang approves,
// settles and files; the portal, down for a while meanwhile, receives
// every change exactly once by signed webhook and reads the result.
func TestPortal_OnlineBirth(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	run := func(t *testing.T, pjDB, sjzDB string) {
		c := newCluster(t, pjDB, sjzDB)
		p := portalSim{t: t, url: "http://" + c.simAddr + "/portal"}
		clerk := loginAs(t, c.pj.addr, "clerk", demoPass)
		var me struct {
			Me struct{ Office struct{ Code string } }
		}
		require.NoError(t, gql(c.pj.addr, clerk, `{ me { office { code } } }`, nil, &me))
		station := me.Me.Office.Code

		creds := createPortalClient(t, c.pj.addr, c.pjTok, "ln-gov", station, p.url+"/webhooks")
		p.do(http.MethodPut, "/admin/config", portalsim.Config{GraphQLURL: "http://" + c.pj.addr + "/graphql",
			ClientID: "ln-gov", ClientSecret: creds.ClientSecret, WebhookSecret: creds.WebhookSecret}, nil)

		var lk struct {
			BirthLookup struct{ Certificate struct{ Sex string } }
		}
		require.NoError(t, gql(c.pj.addr, clerk, `query($c: String!) { birthLookup(certificateNumber: $c, settleWith: "FATHER") { certificate { sex } } }`,
			map[string]any{"c": ministrysim.FreeBirthCertificateNumber}, &lk))
		sex := lk.BirthLookup.Certificate.Sex
		sub := portalsim.BirthSubmission{IdempotencyKey: "ln-gov-birth-0001", Office: station, Reference: "LN-2026-0001",
			CertificateNumber: ministrysim.FreeBirthCertificateNumber, Applicant: applicant("陈小明", sex),
			Materials: []portalsim.Material{{Code: "BIRTH_CERT", Name: "出生医学证明.png", Content: pngBytes(t)}}}

		// Bad input is refused with a code, and a text file is not a material.
		bad := sub
		bad.IdempotencyKey, bad.Office = "ln-gov-bad-1", "211100000000"
		_, code := p.submit(bad)
		require.Equal(t, "FORBIDDEN integrator.scope", code, "the city bureau is not in the client's scope")
		bad.IdempotencyKey, bad.Office = "ln-gov-bad-2", station
		bad.Materials = []portalsim.Material{{Code: "BIRTH_CERT", Name: "x.txt", Content: []byte("not an image")}}
		_, code = p.submit(bad)
		require.Equal(t, "BAD_USER_INPUT archive.content_type", code)

		// A retried submission under the same key is one application.
		app, code := p.submit(sub)
		require.Empty(t, code)
		require.Equal(t, "SUBMITTED", app.Status)
		again, code := p.submit(sub)
		require.Empty(t, code)
		require.Equal(t, app.ID, again.ID, "the same idempotency key answers with the same application")
		other := sub
		other.Reference = "LN-2026-0002"
		_, code = p.submit(other)
		require.Equal(t, "CONFLICT idempotency.mismatch", code, "the same key with another body")
		var queue struct {
			OnlineApplications struct {
				Edges []struct {
					Node struct{ ID, Reference string }
				}
			}
		}
		require.NoError(t, gql(c.pj.addr, clerk, `{ onlineApplications(filter: {statuses: [SUBMITTED]}) { edges { node { id reference } } } }`, nil, &queue))
		require.Len(t, queue.OnlineApplications.Edges, 1, "one application in the station's queue")
		require.Equal(t, app.ID, queue.OnlineApplications.Edges[0].Node.ID)

		// Another portal cannot read it, and runs only its allow-listed operations.
		otherCreds := createPortalClient(t, c.pj.addr, c.pjTok, "other-gov", station, "")
		var ol struct{ ClientLogin struct{ AccessToken string } }
		require.NoError(t, gql(c.pj.addr, "", `mutation($s: String!) { clientLogin(input: {clientId: "other-gov", clientSecret: $s}) { accessToken } }`,
			map[string]any{"s": otherCreds.ClientSecret}, &ol))
		otherTok := ol.ClientLogin.AccessToken
		requireRefused(t, gqlExt(t, c.pj.addr, otherTok, portalsim.ApplicationQuery, map[string]any{"id": app.ID}), "NOT_FOUND", "", "not_found")
		var mine struct {
			OnlineApplications struct{ Edges []any }
		}
		require.NoError(t, gql(c.pj.addr, otherTok, `{ onlineApplications { edges { node { id } } } }`, nil, &mine))
		require.Empty(t, mine.OnlineApplications.Edges, "a portal lists only its own applications")
		require.NoError(t, gql(c.pj.addr, c.pjTok, `mutation($ops: [String!]) { updateIntegratorClient(input: {clientId: "other-gov", version: 1, operations: $ops}) { version } }`,
			map[string]any{"ops": []string{resolvers.OperationHash(portalsim.ApplicationQuery)}}, nil))
		requireRefused(t, gqlExt(t, c.pj.addr, otherTok, `{ onlineApplications { edges { node { id } } } }`, nil), "FORBIDDEN", "", "integrator.operation_not_allowed")
		requireRefused(t, gqlExt(t, c.pj.addr, otherTok, portalsim.ApplicationQuery, map[string]any{"id": app.ID}), "NOT_FOUND", "", "not_found")

		// The portal also subscribes, authenticated in connection_init.
		var cl struct{ ClientLogin struct{ AccessToken string } }
		require.NoError(t, gql(c.pj.addr, "", `mutation($s: String!) { clientLogin(input: {clientId: "ln-gov", clientSecret: $s}) { accessToken } }`,
			map[string]any{"s": creds.ClientSecret}, &cl))
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		ws, _, err := websocket.Dial(ctx, "ws://"+c.pj.addr+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		require.NoError(t, err)
		defer func() { _ = ws.CloseNow() }()
		write := func(v any) { b, _ := json.Marshal(v); require.NoError(t, ws.Write(ctx, websocket.MessageText, b)) }
		read := func() map[string]any {
			_, b, err := ws.Read(ctx)
			require.NoError(t, err)
			var m map[string]any
			require.NoError(t, json.Unmarshal(b, &m))
			return m
		}
		write(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + cl.ClientLogin.AccessToken}})
		require.Equal(t, "connection_ack", read()["type"])
		write(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
			"query": `subscription { onlineApplicationEvents { eventId applicationId status at } }`}})
		time.Sleep(500 * time.Millisecond) // the subscription is registered

		// The portal goes down; the clerk completes the application at the counter.
		p.do(http.MethodPut, "/admin/down", map[string]bool{"down": true}, nil)
		var accepted struct{ AcceptOnlineApplication birthCase }
		require.NoError(t, gql(c.pj.addr, clerk, `mutation($id: ID!) { acceptOnlineApplication(input: {id: $id, version: 1}) { `+birthFields+` } }`,
			map[string]any{"id": app.ID}, &accepted))
		bc := accepted.AcceptOnlineApplication
		require.Equal(t, "DRAFT", bc.Status)
		require.Eventually(t, func() bool { _, st := p.deliveries(); return st.Refused > 0 }, 30*time.Second, 200*time.Millisecond,
			"the acceptance's webhook is tried while the portal is down")
		for {
			m := read()
			if m["type"] == "ka" || m["type"] == "ping" {
				continue
			}
			require.Equal(t, "next", m["type"], "%v", m)
			ev := m["payload"].(map[string]any)["data"].(map[string]any)["onlineApplicationEvents"].(map[string]any)
			require.Equal(t, app.ID, ev["applicationId"])
			require.Equal(t, "ACCEPTED", ev["status"], "the subscription tells the portal at once, even while its webhook is down")
			break
		}
		var mats struct {
			Case struct {
				Materials []struct {
					Code     string
					Required bool
					Files    []struct{ Name string }
				}
			}
		}
		require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { materials { code required files { name } } } }`, map[string]any{"id": bc.ID}, &mats))
		for _, m := range mats.Case.Materials {
			if m.Code == "BIRTH_CERT" {
				require.Len(t, m.Files, 1, "the portal's material is the case's archive")
				continue
			}
			if m.Required && len(m.Files) == 0 { // the person brought the rest (3.1.4)
				require.NoError(t, upload(c.pj.addr, clerk, `mutation($id: ID!, $m: String!, $f: Upload!) { uploadArchive(caseId: $id, materialCode: $m, file: $f) { id } }`,
					map[string]any{"id": bc.ID, "m": m.Code}, "f", m.Code+".png", pngBytes(t), &struct{}{}))
			}
		}
		get := func(addr, tok, id string) birthCase {
			var out struct{ Case birthCase }
			require.NoError(t, gql(addr, tok, `query($id: ID!) { case(id: $id) { `+birthFields+` } }`, map[string]any{"id": id}, &out))
			return out.Case
		}
		fire := func(addr, tok, mutation, id string, version int, extra string) birthCase {
			var out map[string]birthCase
			require.NoError(t, gql(addr, tok, fmt.Sprintf(`mutation($id: CaseID!, $v: Int!) { r: %s(input: {id: $id, version: $v%s}) { %s } }`, mutation, extra, birthFields),
				map[string]any{"id": id, "v": version}, &out))
			return out["r"]
		}
		bc = fire(c.pj.addr, clerk, "submitBirthRegistration", bc.ID, bc.Version, "")
		require.Equal(t, "SUBMITTED", bc.Status)

		// Shijiazhuang approves and settles the newborn.
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `mutation { createUser(input: {username: "city-officer", displayName: "市局户籍民警",
			password: "officer-pass-1", officeCode: "130100000000", roles: [OFFICER]}) { id } }`, nil, nil))
		officer := loginAs(t, c.sjz.addr, "city-officer", "officer-pass-1")
		var rc birthCase
		require.Eventually(t, func() bool {
			var out struct {
				Cases struct{ Edges []struct{ Node birthCase } }
			}
			require.NoError(t, gql(c.sjz.addr, officer, `query($no: String) { cases(filter: {collabNo: $no}) { edges { node { `+birthFields+` } } } }`,
				map[string]any{"no": bc.CollabNo}, &out))
			if len(out.Cases.Edges) == 1 {
				rc = out.Cases.Edges[0].Node
			}
			return rc.ID != ""
		}, 30*time.Second, 200*time.Millisecond, "the case never reached Shijiazhuang")
		rc = fire(c.sjz.addr, officer, "approveBirthRegistration", rc.ID, rc.Version, "")
		var view struct {
			Case struct {
				Details struct {
					HouseholdNumber string
					Certificate     struct {
						Sex       string
						BirthTime time.Time
					}
				}
			}
		}
		require.NoError(t, gql(c.sjz.addr, officer, `query($id: ID!) { case(id: $id) { details { ... on BirthDetails { householdNumber certificate { sex birthTime } } } } }`,
			map[string]any{"id": rc.ID}, &view))
		cert := view.Case.Details.Certificate
		var settled struct{ SettleBirthRegistration birthCase }
		require.NoError(t, gql(c.sjz.addr, officer, `mutation($id: CaseID!, $v: Int!, $in: BirthSettlementInput!) { settleBirthRegistration(input: {id: $id, version: $v, newborn: $in}) { `+birthFields+` } }`,
			map[string]any{"id": rc.ID, "v": rc.Version, "in": map[string]any{"householdNumber": view.Case.Details.HouseholdNumber, "name": "陈小明",
				"sex": cert.Sex, "ethnicity": "01", "birthDate": cert.BirthTime.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly),
				"relation": applicant("", cert.Sex)["relation"]}}, &settled))
		rc = settled.SettleBirthRegistration

		// The portal comes back; the form is printed, signed and filed.
		p.do(http.MethodPut, "/admin/down", map[string]bool{"down": false}, nil)
		require.Eventually(t, func() bool { bc = get(c.pj.addr, clerk, bc.ID); return bc.Status == "FORM_RECEIVED" }, 30*time.Second, 200*time.Millisecond)
		bc = fire(c.pj.addr, clerk, "printBirthForm", bc.ID, bc.Version, "")
		var signed struct{ ReturnSignedBirthForm birthCase }
		require.NoError(t, upload(c.pj.addr, clerk, `mutation($in: ReturnSignedBirthFormInput!) { returnSignedBirthForm(input: $in) { `+birthFields+` } }`,
			map[string]any{"in": map[string]any{"id": bc.ID, "version": bc.Version, "file": nil}}, "in.file", "signed-form.png", pngBytes(t), &signed))
		require.Eventually(t, func() bool { rc = get(c.sjz.addr, officer, rc.ID); return rc.Status == "SIGNED_RECEIVED" }, 30*time.Second, 200*time.Millisecond)
		fire(c.sjz.addr, officer, "fileBirthRegistration", rc.ID, rc.Version, "")
		require.Eventually(t, func() bool { return get(c.pj.addr, clerk, bc.ID).Status == "COMPLETED" }, 30*time.Second, 200*time.Millisecond)

		// The portal reads the result of its application.
		final := p.application(app.ID)
		require.Equal(t, "COMPLETED", final.Status)
		require.Equal(t, "COMPLETED", *final.CaseStatus)
		require.Equal(t, bc.CollabNo, *final.CollabNo)
		require.NotNil(t, final.Result)
		require.True(t, *final.Result.Approved)
		require.Len(t, final.Result.IDNumber, 18)
		require.Contains(t, final.Result.IDNumber, "*", "a portal reads ID numbers masked")
		require.Equal(t, view.Case.Details.HouseholdNumber, final.Result.HouseholdNumber)

		// A question about the application (3.1.7) goes to its station; the
		// answer reaches the portal by webhook.
		var msg struct {
			SendPortalMessage struct {
				ID, Office string
				Version    int
			}
		}
		require.NoError(t, gql(c.pj.addr, cl.ClientLogin.AccessToken, `mutation($in: SendPortalMessageInput!) { sendPortalMessage(input: $in) { id office version } }`,
			map[string]any{"in": map[string]any{"kind": "QUESTION", "applicationId": app.ID, "subject": "户口簿何时可领", "body": "申请人询问何时可以领取户口簿"}}, &msg))
		require.Equal(t, station, msg.SendPortalMessage.Office)
		require.NoError(t, gql(c.pj.addr, clerk, `mutation($id: ID!, $v: Int!) { answerPortalMessage(input: {id: $id, version: $v, answer: "请于工作日到派出所窗口领取"}) { status } }`,
			map[string]any{"id": msg.SendPortalMessage.ID, "v": msg.SendPortalMessage.Version}, nil))

		// Every change reached the portal exactly once, signed, in sequence,
		// though it was down for part of the run.
		var all []struct {
			ID, Status string
			Attempts   int
		}
		require.Eventually(t, func() bool {
			var out struct {
				WebhookDeliveries []struct {
					ID, Status string
					Attempts   int
				}
			}
			require.NoError(t, gql(c.pj.addr, c.pjTok, `{ webhookDeliveries { id status attempts } }`, nil, &out))
			all = out.WebhookDeliveries
			for _, d := range all {
				if d.Status != "DELIVERED" {
					return false
				}
			}
			return len(all) > 0
		}, 90*time.Second, 500*time.Millisecond, "every webhook is delivered once the portal is back")
		got, stats := p.deliveries()
		require.Len(t, got, len(all), "each delivery received once")
		require.Zero(t, stats.Duplicates)
		require.Zero(t, stats.BadSignatures)
		require.Positive(t, stats.Refused, "the portal was down for some deliveries")
		retried := 0
		for _, d := range all {
			if d.Attempts > 1 {
				retried++
			}
		}
		require.Positive(t, retried, "deliveries made while the portal was down were retried")
		var answers []webhookPayload
		got = slices.DeleteFunc(got, func(d webhookPayload) bool {
			if d.Type == "portal_message.answered" {
				answers = append(answers, d)
				return true
			}
			return false
		})
		require.Len(t, answers, 1, "the answer to the portal's question")
		require.Equal(t, msg.SendPortalMessage.ID, answers[0].MessageID)
		require.Equal(t, "请于工作日到派出所窗口领取", answers[0].Answer)
		sort.Slice(got, func(i, j int) bool { return got[i].Seq < got[j].Seq })
		var statuses []string
		for i, d := range got {
			require.Equal(t, app.ID, d.ApplicationID)
			require.Equal(t, i+1, d.Seq, "no gap, no repeat")
			statuses = append(statuses, d.Status+"/"+d.CaseStatus)
		}
		require.Equal(t, "SUBMITTED/", statuses[0])
		require.Equal(t, "ACCEPTED/DRAFT", statuses[1])
		require.Equal(t, "COMPLETED/COMPLETED", statuses[len(statuses)-1])
		require.Len(t, got[len(got)-1].Result.IDNumber, 18, "the last webhook carries the result")
	}
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		run(t, filepath.Join(dir, "panjin.db"), filepath.Join(dir, "shijiazhuang.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		run(t, storagetest.PostgresSchemaURL(t), storagetest.PostgresSchemaURL(t))
	})
}

// TestPortal_HukouBook runs an e-hukou-book application (3.1.6) across real
// processes on SQLite and PostgreSQL: the portal applies for a Panjin
// resident's e-hukou book; the hukou process asks the Ministry's e-licence
// service in a River job; the portal reads the licence number and receives
// one signed webhook saying so. A wrong name and an unknown person are
// refused with their reasons and leave nothing behind.
func TestPortal_HukouBook(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	run := func(t *testing.T, pjDB, sjzDB string) {
		c := newCluster(t, pjDB, sjzDB)
		p := portalSim{t: t, url: "http://" + c.simAddr + "/portal"}
		clerk := loginAs(t, c.pj.addr, "clerk", demoPass)
		var me struct {
			Me struct{ Office struct{ Code string } }
		}
		require.NoError(t, gql(c.pj.addr, clerk, `{ me { office { code } } }`, nil, &me))
		station := me.Me.Office.Code
		creds := createPortalClient(t, c.pj.addr, c.pjTok, "ln-gov", station, p.url+"/webhooks")
		p.do(http.MethodPut, "/admin/config", portalsim.Config{GraphQLURL: "http://" + c.pj.addr + "/graphql",
			ClientID: "ln-gov", ClientSecret: creds.ClientSecret, WebhookSecret: creds.WebhookSecret}, nil)
		var login struct{ ClientLogin struct{ AccessToken string } }
		require.NoError(t, gql(c.pj.addr, "", `mutation($s: String!) { clientLogin(input: {clientId: "ln-gov", clientSecret: $s}) { accessToken } }`,
			map[string]any{"s": creds.ClientSecret}, &login))
		portal := login.ClientLogin.AccessToken

		// A resident of the station the portal may submit to.
		var reg struct {
			Residents struct {
				Edges []struct {
					Node struct{ IDNumber, Name, Status string }
				}
			}
		}
		require.NoError(t, gql(c.pj.addr, clerk, `query($s: String!) { residents(filter: {stationCode: $s, status: ACTIVE}, first: 1) {
			edges { node { idNumber name status } } } }`, map[string]any{"s": station}, &reg))
		require.NotEmpty(t, reg.Residents.Edges)
		person := reg.Residents.Edges[0].Node

		const applyQ = `mutation($in: ApplyHukouBookInput!) { applyHukouBook(input: $in) { id status idNumber licenceId } }`
		requireRefused(t, gqlExt(t, c.pj.addr, portal, applyQ, map[string]any{"in": map[string]any{"reference": "HB-0", "idNumber": person.IDNumber, "name": "冒名"}}),
			"BAD_USER_INPUT", "name", "hukou_book.name_mismatch")
		requireRefused(t, gqlExt(t, c.pj.addr, portal, applyQ, map[string]any{"in": map[string]any{"reference": "HB-0", "idNumber": ministrysim.NoResultIDNumber, "name": "无名"}}),
			"NOT_FOUND", "", "hukou_book.not_registered")
		requireRefused(t, gqlExt(t, c.pj.addr, clerk, applyQ, map[string]any{"in": map[string]any{"reference": "HB-0", "idNumber": person.IDNumber, "name": person.Name}}),
			"FORBIDDEN", "", "auth.role")

		var applied struct {
			ApplyHukouBook struct{ ID, Status, IDNumber string }
		}
		require.NoError(t, gql(c.pj.addr, portal, applyQ, map[string]any{"in": map[string]any{"reference": "HB-1", "idNumber": person.IDNumber, "name": person.Name}}, &applied))
		app := applied.ApplyHukouBook
		require.Equal(t, "SUBMITTED", app.Status)
		require.NotEqual(t, person.IDNumber, app.IDNumber, "the portal reads the ID number masked")

		// The Ministry's e-licence service answers through a River job; the portal reads the licence.
		var got struct {
			HukouBookApplication struct {
				Status    string
				LicenceID *string
			}
		}
		require.Eventually(t, func() bool {
			require.NoError(t, gql(c.pj.addr, portal, `query($id: ID!) { hukouBookApplication(id: $id) { status licenceId } }`, map[string]any{"id": app.ID}, &got))
			return got.HukouBookApplication.Status != "SUBMITTED"
		}, 60*time.Second, 200*time.Millisecond, "the job never asked the Ministry")
		require.Equal(t, "COMPLETED", got.HukouBookApplication.Status)
		require.NotNil(t, got.HukouBookApplication.LicenceID)
		licence := *got.HukouBookApplication.LicenceID

		// A signed webhook for each change, once each: submitted, then completed with the licence
		// (the simulator checks each signature before it keeps a delivery).
		type bookPayload struct{ ID, Type, HukouBookApplicationID, Status, LicenceID string }
		books := func() []bookPayload {
			_, d := p.deliveries()
			require.Zero(t, d.BadSignatures, "every webhook is signed with the client's secret")
			var out []bookPayload
			for _, x := range d.Deliveries {
				var b bookPayload
				require.NoError(t, json.Unmarshal(x.Payload, &b))
				if b.Type == "hukou_book.updated" {
					out = append(out, b)
				}
			}
			return out
		}
		require.Eventually(t, func() bool { return len(books()) >= 2 }, 60*time.Second, 200*time.Millisecond, "no webhook for the completed e-hukou book")
		time.Sleep(time.Second) // a repeated delivery would come now
		hooks := books()
		require.Len(t, hooks, 2, "one webhook per change, none repeated")
		require.ElementsMatch(t, []string{"SUBMITTED", "COMPLETED"}, []string{hooks[0].Status, hooks[1].Status})
		for _, b := range hooks {
			require.Equal(t, app.ID, b.HukouBookApplicationID)
			if b.Status == "COMPLETED" {
				require.Equal(t, licence, b.LicenceID, "the webhook carries the licence number")
			}
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		run(t, filepath.Join(dir, "panjin.db"), filepath.Join(dir, "shijiazhuang.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		run(t, storagetest.PostgresSchemaURL(t), storagetest.PostgresSchemaURL(t))
	})
}
