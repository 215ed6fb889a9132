package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/integrations/ministry/ministrysim"
	"hukou/integrations/portal/portalsim"
)

// TestDemo_TwoDeployments runs `hukou demo` as `make run` does, on its
// embedded defaults (SQLite, local folders, simulators in process): two
// deployments, Panjin and Shijiazhuang, each with a login for every role;
// the demo birth accepted at Panjin reaches the Shijiazhuang station
// officer, approver and archivist the demo prints (19, item 1).
func TestDemo_TwoDeployments(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	dir := t.TempDir()
	pj, sjz := freeAddr(t), freeAddr(t)
	p := start(t, "demo", pj, []string{"METRICS_ADDR=off"}, "demo", "--residents", "5000", "--listen", pj, "--peer-listen", sjz,
		"--database-url", filepath.Join(dir, "hukou.db"), "--blob-url", filepath.Join(dir, "blobs"), "--platform-db", filepath.Join(dir, "platform.db"))
	require.Eventually(t, func() bool {
		res, err := http.Get("http://" + sjz + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil
	}, 30*time.Second, 100*time.Millisecond, "the second deployment never answered:\n%s", p.log.String())
	require.Eventually(t, func() bool { return strings.Contains(p.log.String(), "Walk a birth across them") },
		10*time.Second, 100*time.Millisecond, "the demo printed no walk-through")
	for _, addr := range []string{pj, sjz} {
		for _, u := range demoUsers[:6] { // the portal signs in through clientLogin
			loginAs(t, addr, u.username, demoPass)
		}
	}

	clerk := loginAs(t, pj, "clerk", demoPass)

	// The demo's Internet+ portal (18 item 7) submits an online birth to the
	// clerk's station and receives its signed webhook.
	const portalAt = "Internet+ portal simulator at "
	require.Eventually(t, func() bool { return strings.Contains(p.log.String(), portalAt) }, 10*time.Second, 100*time.Millisecond)
	portalURL, _, _ := strings.Cut(p.log.String()[strings.Index(p.log.String(), portalAt)+len(portalAt):], " ")
	var me struct {
		Me struct{ Office struct{ Code string } }
	}
	require.NoError(t, gql(pj, clerk, `{ me { office { code } } }`, nil, &me))
	ps := portalSim{t: t, url: portalURL}
	app, code := ps.submit(portalsim.BirthSubmission{IdempotencyKey: "demo-1", Office: me.Me.Office.Code, Reference: "DEMO-1",
		CertificateNumber: secondCert, Applicant: applicant("陈小红", "2"),
		Materials: []portalsim.Material{{Code: "BIRTH_CERT", Name: "cert.png", Content: pngBytes(t)}}})
	require.Empty(t, code)
	require.Equal(t, "SUBMITTED", app.Status)
	require.Eventually(t, func() bool { got, _ := ps.deliveries(); return len(got) == 1 }, 30*time.Second, 200*time.Millisecond,
		"the demo portal receives the webhook of its submission")
	_, stats := ps.deliveries()
	require.Zero(t, stats.BadSignatures)

	cert := ministrysim.FirstBirthCertificateNumber("130100")
	var lk struct {
		BirthLookup struct{ Certificate struct{ Sex string } }
	}
	require.NoError(t, gql(pj, clerk, `query($c: String!) { birthLookup(certificateNumber: $c, settleWith: "FATHER") { certificate { sex } } }`,
		map[string]any{"c": cert}, &lk))
	var started struct{ StartBirthRegistration birthCase }
	require.NoError(t, gql(pj, clerk, `mutation($in: StartBirthRegistrationInput!) { startBirthRegistration(input: $in) { `+birthFields+` } }`,
		map[string]any{"in": map[string]any{"certificateNumber": cert, "applicant": applicant("陈晓", lk.BirthLookup.Certificate.Sex)}}, &started))
	bc := started.StartBirthRegistration
	var mats struct {
		Case struct {
			Materials []struct {
				Code     string
				Required bool
			}
		}
	}
	require.NoError(t, gql(pj, clerk, `query($id: ID!) { case(id: $id) { materials { code required } } }`, map[string]any{"id": bc.ID}, &mats))
	for _, m := range mats.Case.Materials {
		if m.Required {
			require.NoError(t, upload(pj, clerk, `mutation($id: ID!, $m: String!, $f: Upload!) { uploadArchive(caseId: $id, materialCode: $m, file: $f) { id } }`,
				map[string]any{"id": bc.ID, "m": m.Code}, "f", m.Code+".png", pngBytes(t), &struct{}{}))
		}
	}
	require.NoError(t, gql(pj, clerk, `mutation($id: CaseID!, $v: Int!) { submitBirthRegistration(input: {id: $id, version: $v}) { id } }`,
		map[string]any{"id": bc.ID, "v": bc.Version}, nil))

	// Every registration-side demo user reaches it; the officer may act on it.
	for _, who := range []string{"officer", "approver", "archivist"} {
		tok := loginAs(t, sjz, who, demoPass)
		var out struct {
			Cases struct{ Edges []struct{ Node birthCase } }
		}
		require.Eventually(t, func() bool {
			require.NoError(t, gql(sjz, tok, `query($no: String) { cases(filter: {collabNo: $no}) { edges { node { `+birthFields+` } } } }`,
				map[string]any{"no": bc.CollabNo}, &out))
			return len(out.Cases.Edges) == 1
		}, 30*time.Second, 200*time.Millisecond, "%s at Shijiazhuang never saw the demo birth", who)
		if who == "officer" {
			require.NotEmpty(t, out.Cases.Edges[0].Node.AvailableActions, "the demo officer can act on the demo birth")
		}
	}

	// The demo's offices have their electronic household seals (5.1.1).
	for _, addr := range []string{pj, sjz} {
		var seals struct {
			Seals []struct{ Kind, Status string }
		}
		require.NoError(t, gql(addr, loginAs(t, addr, "admin", demoPass), `{ seals { kind status } }`, nil, &seals))
		require.Contains(t, seals.Seals, struct{ Kind, Status string }{"HOUSEHOLD", "VALID"})
	}
}
