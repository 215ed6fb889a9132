package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/integrations/ministry/ministrysim"
	"hukou/storage/storagetest"
)

type certCase struct {
	ID                string
	CollabNo          string
	Status            string
	Version           int
	AvailableActions  []string
	AwaitingOtherSide bool
	Details           struct {
		Persons []struct {
			IDNumber string
			Found    bool
		}
		Decision *struct {
			Verdict   string
			Findings  string
			Reasons   []string
			Materials []string
		}
		Route *struct {
			Province string
			Verdict  string
			Files    []string
		}
		Certificate, Refusal, InfoCertificate *struct {
			Number, Code, Title, HolderName string
			Facts                           []string
		}
	}
}

const certFields = `id collabNo status version availableActions awaitingOtherSide details {
	... on MatterCertificateDetails { persons { idNumber found } decision { verdict findings reasons materials } route { province verdict files }
		certificate: issued { number code title holderName facts } refusal { number code title holderName facts } }
	... on InfoCertificateDetails { infoCertificate: issued { number code title holderName facts } } }`

type certCheck struct {
	Status     string
	Number     string
	Title      *string
	HolderName *string
	RevokedAt  *string
}

// kinshipMatter is a kinship matter of the scripted Shijiazhuang mother and
// son, known to the Ministry.
func kinshipMatter() map[string]any {
	return map[string]any{"matterType": "KINSHIP", "persons": []map[string]any{
		{"idNumber": ministrysim.ScriptedSpouseIDNumber, "name": "李秀英"}, {"idNumber": ministrysim.ScriptedChildIDNumber, "name": "张子轩"}},
		"relation": "母子", "statement": "证明李秀英与张子轩系母子关系", "purpose": "办理入学",
		"applicantName": "李秀英", "applicantIdNumber": ministrysim.ScriptedSpouseIDNumber, "applicantPhone": "13912345678"}
}

// TestCertificates_AcrossOffices runs household certificates between Panjin
// (acceptance) and Shijiazhuang (registration) on SQLite and PostgreSQL
// (issue 13; 1.1.5–1.1.7, 1.2.3, 1.4.3, 1.4.4, 2.1.3, 2.2.7, 2.2.8, 7.1.2):
// an information certificate issued at once and verified, revoked; the
// Ministry finding nothing and the assisted flow; a kinship certificate
// verified true with materials and printed; one verified not true and
// refused; one routed through a third province (the simulator); and the
// refusals of wrong roles, sides, offices, states and input.
func TestCertificates_AcrossOffices(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	run := func(t *testing.T, pjDB, sjzDB string) {
		c := newCluster(t, pjDB, sjzDB)
		clerk := loginAs(t, c.pj.addr, "clerk", demoPass)
		pjOfficer := loginAs(t, c.pj.addr, "officer", demoPass)
		pjApprover := loginAs(t, c.pj.addr, "approver", demoPass)
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `mutation { createUser(input: {username: "city-officer", displayName: "市局户籍民警",
			password: "officer-pass-1", officeCode: "130100000000", roles: [OFFICER]}) { id } }`, nil, nil))
		officer := loginAs(t, c.sjz.addr, "city-officer", "officer-pass-1")
		sjzClerk := loginAs(t, c.sjz.addr, "clerk", demoPass)

		get := func(addr, tok, id string) certCase {
			var out struct{ Case certCase }
			require.NoError(t, gql(addr, tok, `query($id: ID!) { case(id: $id) { `+certFields+` } }`, map[string]any{"id": id}, &out))
			return out.Case
		}
		remote := func(collabNo string) certCase {
			var out struct {
				Cases struct{ Edges []struct{ Node certCase } }
			}
			require.Eventually(t, func() bool {
				require.NoError(t, gql(c.sjz.addr, officer, `query($no: String) { cases(filter: {collabNo: $no}) { edges { node { `+certFields+` } } } }`,
					map[string]any{"no": collabNo}, &out))
				return len(out.Cases.Edges) == 1
			}, 30*time.Second, 200*time.Millisecond, "the application never reached Shijiazhuang")
			return out.Cases.Edges[0].Node
		}
		waitStatus := func(addr, tok, id, status string) certCase {
			var cc certCase
			require.Eventually(t, func() bool { cc = get(addr, tok, id); return cc.Status == status }, 30*time.Second, 200*time.Millisecond,
				"case %s never reached %s", id, status)
			return cc
		}
		fire := func(addr, tok, mutation string, cc certCase, extra string) (certCase, error) {
			var out map[string]certCase
			err := gql(addr, tok, fmt.Sprintf(`mutation($id: CaseID!, $v: Int!) { r: %s(input: {id: $id, version: $v%s}) { %s } }`, mutation, extra, certFields),
				map[string]any{"id": cc.ID, "v": cc.Version}, &out)
			return out["r"], err
		}
		fireExt := func(addr, tok, mutation string, cc certCase, extra string) map[string]any {
			return gqlExt(t, addr, tok, fmt.Sprintf(`mutation($id: CaseID!, $v: Int!) { r: %s(input: {id: $id, version: $v%s}) { id } }`, mutation, extra),
				map[string]any{"id": cc.ID, "v": cc.Version})
		}
		verify := func(number, code string) certCheck {
			var out struct{ VerifyCertificate certCheck }
			require.NoError(t, gql(c.pj.addr, "", `query($n: String!, $c: String!) { verifyCertificate(number: $n, code: $c) { status number title holderName revokedAt } }`,
				map[string]any{"n": number, "c": code}, &out))
			return out.VerifyCertificate
		}
		setFaults := func(rules string) {
			req, _ := http.NewRequest(http.MethodPut, "http://"+c.simAddr+"/ministry/admin/faults", strings.NewReader(rules))
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			res.Body.Close()
		}
		uploadArchive := func(addr, tok, id, material string) error {
			return upload(addr, tok, `mutation($id: ID!, $m: String!, $f: Upload!) { uploadArchive(caseId: $id, materialCode: $m, file: $f) { id } }`,
				map[string]any{"id": id, "m": material}, "f", material+".png", pngBytes(t), &struct{}{})
		}
		var none struct {
			Cases struct{ Edges []any }
		}
		// printed returns the text of the case's one document of kind (the PDF police stations print).
		printed := func(id, kind string) string {
			var docs struct {
				Case struct {
					Documents []struct{ MaterialCode, URL string }
				}
			}
			require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { documents { materialCode url } } }`, map[string]any{"id": id}, &docs))
			var url string
			for _, d := range docs.Case.Documents {
				if d.MaterialCode == kind {
					require.Empty(t, url, "one %s document", kind)
					url = d.URL
				}
			}
			require.NotEmpty(t, url, "documents: %+v", docs.Case.Documents)
			return pdfText(t, "http://"+c.pj.addr+url, clerk)
		}

		// 1. Information certificate issued at once (1.1.5, 7.1.2).
		const issueQ = `mutation($in: IssueInformationCertificateInput!) { issueInformationCertificate(input: $in) {
			case { ` + certFields + ` } draft { matterType persons { idNumber name } purpose applicantName } } }`
		type infoOutcome struct {
			IssueInformationCertificate struct {
				Case  *certCase
				Draft *struct {
					MatterType    string
					Persons       []struct{ IDNumber, Name string }
					Purpose       string
					ApplicantName string
				}
			}
		}
		infoIn := func(id, name string) map[string]any {
			return map[string]any{"in": map[string]any{"idNumber": id, "name": name, "purpose": "就业", "applicantName": name}}
		}
		// Bad input and a Ministry outage save nothing.
		requireRefused(t, gqlExt(t, c.pj.addr, clerk, issueQ, infoIn(ministrysim.ScriptedSpouseIDNumber, "王芳")), "BAD_USER_INPUT", "name", "certificate.name_mismatch")
		requireRefused(t, gqlExt(t, c.pj.addr, clerk, issueQ, infoIn("130602198706200269", "李秀英")), "BAD_USER_INPUT", "idNumber", "id_number.check_digit")
		require.Equal(t, "FORBIDDEN", gqlErr(t, c.pj.addr, pjOfficer, issueQ, infoIn(ministrysim.ScriptedSpouseIDNumber, "李秀英")), "officers do not take intakes")
		setFaults(`{"*": {"errorRate": 1}}`)
		ext := gqlExt(t, c.pj.addr, clerk, issueQ, infoIn(ministrysim.ScriptedSpouseIDNumber, "李秀英"))
		require.Equal(t, "UNAVAILABLE", ext["code"], "%v", ext)
		setFaults(`{}`)
		require.NoError(t, gql(c.pj.addr, clerk, `{ cases { edges { node { id } } } }`, nil, &none))
		require.Empty(t, none.Cases.Edges, "nothing half-saved")

		var issued infoOutcome
		require.NoError(t, gql(c.pj.addr, clerk, issueQ, infoIn(ministrysim.ScriptedSpouseIDNumber, "李秀英"), &issued))
		info := issued.IssueInformationCertificate.Case
		require.NotNil(t, info)
		require.Nil(t, issued.IssueInformationCertificate.Draft)
		require.Equal(t, "COMPLETED", info.Status)
		cert := info.Details.InfoCertificate
		require.NotNil(t, cert)
		require.Equal(t, "ZM"+strings.TrimPrefix(info.CollabNo, "XT"), cert.Number)
		require.Equal(t, "户籍信息证明", cert.Title)
		require.Contains(t, cert.Facts, "公民身份号码："+ministrysim.ScriptedSpouseIDNumber)
		require.Empty(t, info.AvailableActions, "a clerk cannot revoke")
		text := printed(info.ID, "CERTIFICATE")
		for _, want := range []string{"户籍信息证明", cert.Number, cert.Code, "李秀英", ministrysim.ScriptedSpouseIDNumber, "三个月内有效"} {
			require.Contains(t, text, want)
		}
		// Anyone holding it can check it, without a login; a forged number or code is unknown.
		check := verify(cert.Number, cert.Code)
		require.Equal(t, "VALID", check.Status)
		require.Equal(t, "李**", *check.HolderName, "the public sees the holder's name masked")
		forged := verify(cert.Number, strings.Repeat("A", len(cert.Code)))
		require.Equal(t, "UNKNOWN", forged.Status)
		require.True(t, forged.HolderName == nil || *forged.HolderName == "", "nothing of the certificate for a wrong code")
		require.True(t, forged.Title == nil || *forged.Title == "")
		require.Equal(t, "UNKNOWN", verify("ZM2111032026010100000001", cert.Code).Status)
		require.Equal(t, "UNKNOWN", verify("not a number", "x").Status)
		// Revocation: an approver, with a reason; verification then answers REVOKED.
		requireRefused(t, fireExt(c.pj.addr, clerk, "revokeInformationCertificate", *info, `, reason: "x"`), "FORBIDDEN", "", "auth.role")
		requireRefused(t, fireExt(c.pj.addr, pjApprover, "revokeInformationCertificate", *info, `, reason: " "`), "BAD_USER_INPUT", "reason", "certificate.revocation_reason_required")
		revoked, err := fire(c.pj.addr, pjApprover, "revokeInformationCertificate", *info, `, reason: "证明内容有误，已重新出具"`)
		require.NoError(t, err)
		require.Equal(t, "REVOKED", revoked.Status)
		check = verify(cert.Number, cert.Code)
		require.Equal(t, "REVOKED", check.Status)
		require.NotNil(t, check.RevokedAt)
		// Every verification is audited.
		var audit struct {
			AuditLog struct {
				Edges []struct {
					Node struct{ Operation, Detail string }
				}
			}
		}
		require.NoError(t, gql(c.pj.addr, c.pjTok, `{ auditLog(first: 50) { edges { node { operation detail } } } }`, nil, &audit))
		verifications := map[string]int{}
		for _, e := range audit.AuditLog.Edges {
			if e.Node.Operation == "verifyCertificate" {
				verifications[e.Node.Detail]++
			}
		}
		require.Equal(t, map[string]int{"valid": 1, "revoked": 1, "failed": 3}, verifications)
		infoReads := 0
		for _, e := range audit.AuditLog.Edges {
			if e.Node.Operation == "verifyHouseholdInfo" {
				infoReads++
			}
		}
		require.Positive(t, infoReads, "the household-information verification is audited as a read")

		// 2. The Ministry finds nothing: the assisted flow starts with the data entered (1.1.5 → 1.1.6).
		var notFound infoOutcome
		require.NoError(t, gql(c.pj.addr, clerk, issueQ, infoIn(ministrysim.NoResultIDNumber, "赵无名"), &notFound))
		require.Nil(t, notFound.IssueInformationCertificate.Case, "nothing issued")
		draft := notFound.IssueInformationCertificate.Draft
		require.NotNil(t, draft)
		require.Equal(t, "HOUSEHOLD_INFO", draft.MatterType)
		require.Equal(t, ministrysim.NoResultIDNumber, draft.Persons[0].IDNumber)
		require.Equal(t, "赵无名", draft.Persons[0].Name)
		const startQ = `mutation($m: CertificateMatterInput!) { startMatterCertificate(input: {matter: $m}) { ` + certFields + ` } }`
		assisted := map[string]any{"matterType": draft.MatterType, "persons": []map[string]any{{"idNumber": draft.Persons[0].IDNumber, "name": draft.Persons[0].Name}},
			"statement": "核实赵无名的户籍信息", "purpose": draft.Purpose, "applicantName": draft.ApplicantName, "applicantIdNumber": "211102198010052301"}
		requireRefused(t, gqlExt(t, c.pj.addr, clerk, startQ, map[string]any{"m": assisted}), "BAD_USER_INPUT", "registrationOffice", "certificate.registration_office_required")
		assisted["registrationOffice"] = ministrysim.ScriptedOfficeCode
		var startedOut struct{ StartMatterCertificate certCase }
		require.NoError(t, gql(c.pj.addr, clerk, startQ, map[string]any{"m": assisted}, &startedOut))
		ac := startedOut.StartMatterCertificate
		require.Equal(t, "DRAFT", ac.Status)
		require.False(t, ac.Details.Persons[0].Found)

		// 3. Kinship verified true with materials, printed (1.1.6, 1.2.3, 1.4.3, 2.1.3, 1.4.4, 2.2.8).
		bad := kinshipMatter()
		bad["relation"] = ""
		requireRefused(t, gqlExt(t, c.pj.addr, clerk, startQ, map[string]any{"m": bad}), "BAD_USER_INPUT", "relation", "certificate.relation_required")
		bad = kinshipMatter()
		bad["persons"] = bad["persons"].([]map[string]any)[:1]
		requireRefused(t, gqlExt(t, c.pj.addr, clerk, startQ, map[string]any{"m": bad}), "BAD_USER_INPUT", "persons", "certificate.persons_count")
		bad = kinshipMatter()
		bad["matterType"] = "FORTUNE"
		requireRefused(t, gqlExt(t, c.pj.addr, clerk, startQ, map[string]any{"m": bad}), "BAD_USER_INPUT", "matterType", "certificate.matter_type")
		bad = kinshipMatter()
		bad["registrationOffice"] = "130102000200"
		requireRefused(t, gqlExt(t, c.pj.addr, clerk, startQ, map[string]any{"m": bad}), "BAD_USER_INPUT", "registrationOffice", "certificate.registration_office_mismatch")
		require.Equal(t, "FORBIDDEN", gqlErr(t, c.sjz.addr, officer, startQ, map[string]any{"m": kinshipMatter()}), "officers do not take intakes")
		require.NoError(t, gql(c.pj.addr, clerk, startQ, map[string]any{"m": kinshipMatter()}, &startedOut))
		kc := startedOut.StartMatterCertificate
		require.Equal(t, []string{"MODIFY_MATTER_CERTIFICATE", "SUBMIT_MATTER_CERTIFICATE"}, kc.AvailableActions)
		var lookups struct {
			AuditLog struct {
				Edges []struct{ Node struct{ Detail string } }
			}
		}
		require.NoError(t, gql(c.pj.addr, c.pjTok, `{ auditLog(first: 5, filter: {action: READ}) { edges { node { detail } } } }`, nil, &lookups))
		found := false
		for _, e := range lookups.AuditLog.Edges {
			found = found || e.Node.Detail == ministrysim.ScriptedSpouseIDNumber+","+ministrysim.ScriptedChildIDNumber
		}
		require.True(t, found, "the persons' Ministry look-ups are audited as a read")
		require.True(t, kc.Details.Persons[0].Found)
		// Modify before submission (1.2.3); the persons stay.
		changed := kinshipMatter()
		changed["purpose"] = "办理户口迁移"
		var modOut struct{ ModifyMatterCertificate certCase }
		const modQ = `mutation($id: CaseID!, $v: Int!, $m: CertificateMatterInput!) { modifyMatterCertificate(input: {id: $id, version: $v, matter: $m}) { ` + certFields + ` } }`
		require.NoError(t, gql(c.pj.addr, clerk, modQ, map[string]any{"id": kc.ID, "v": kc.Version, "m": changed}, &modOut))
		kc = modOut.ModifyMatterCertificate
		other := kinshipMatter()
		other["persons"].([]map[string]any)[1]["idNumber"] = ministrysim.NotEligibleIDNumber
		requireRefused(t, gqlExt(t, c.pj.addr, clerk, modQ, map[string]any{"id": kc.ID, "v": kc.Version, "m": other}), "BAD_USER_INPUT", "persons", "certificate.persons_fixed")
		requireRefused(t, fireExt(c.pj.addr, clerk, "submitMatterCertificate", kc, ""), "BAD_USER_INPUT", "materials", "archive.materials_missing")
		for _, m := range []string{"ID_CARD", "MATTER_EVIDENCE"} {
			require.NoError(t, uploadArchive(c.pj.addr, clerk, kc.ID, m))
		}
		kc, err = fire(c.pj.addr, clerk, "submitMatterCertificate", kc, "")
		require.NoError(t, err)
		require.Equal(t, "SUBMITTED", kc.Status)
		require.Equal(t, "CONFLICT", gqlErr(t, c.pj.addr, clerk, modQ, map[string]any{"id": kc.ID, "v": kc.Version, "m": changed}), "no change after submission")
		rc := remote(kc.CollabNo)
		require.Equal(t, "RECEIVED", rc.Status)
		require.Equal(t, []string{"ROUTE_MATTER_CERTIFICATE", "VERIFY_MATTER_TRUE", "VERIFY_MATTER_NOT_TRUE", "VERIFY_MATTER_NO_RESULT"}, rc.AvailableActions)
		waitStatus(c.pj.addr, clerk, kc.ID, "EXTRACTED")
		// Refused to the wrong role, side and office; bad input has its own reason.
		requireRefused(t, fireExt(c.sjz.addr, sjzClerk, "verifyMatterTrue", rc, `, findings: "x"`), "FORBIDDEN", "", "auth.role")
		requireRefused(t, fireExt(c.pj.addr, pjOfficer, "verifyMatterTrue", kc, `, findings: "x"`), "FORBIDDEN", "", "case.wrong_side")
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `mutation { createUser(input: {username: "other-officer", displayName: "他所民警",
			password: "officer-pass-2", officeCode: "130102000200", roles: [OFFICER]}) { id } }`, nil, nil))
		require.Equal(t, "NOT_FOUND", gqlErr(t, c.sjz.addr, loginAs(t, c.sjz.addr, "other-officer", "officer-pass-2"),
			`mutation($id: CaseID!) { verifyMatterTrue(input: {id: $id, version: 1, findings: "x"}) { id } }`, map[string]any{"id": rc.ID}), "another station's officer")
		requireRefused(t, fireExt(c.sjz.addr, officer, "verifyMatterTrue", rc, `, findings: " "`), "BAD_USER_INPUT", "findings", "certificate.findings_required")
		requireRefused(t, fireExt(c.sjz.addr, officer, "verifyMatterTrue", rc, `, findings: "系母子关系"`), "BAD_USER_INPUT", "materials", "certificate.verification_materials")
		requireRefused(t, fireExt(c.sjz.addr, officer, "routeMatterCertificate", rc, `, province: "13"`), "BAD_USER_INPUT", "province", "certificate.province_party")
		require.NoError(t, uploadArchive(c.sjz.addr, officer, rc.ID, "VERIFICATION_RECORD"))
		rc = get(c.sjz.addr, officer, rc.ID)
		rc, err = fire(c.sjz.addr, officer, "verifyMatterTrue", rc, `, findings: "经查户籍档案，李秀英与张子轩系母子关系"`)
		require.NoError(t, err)
		require.Equal(t, "ANSWERED", rc.Status)
		kc = waitStatus(c.pj.addr, clerk, kc.ID, "VERIFIED")
		require.Equal(t, "TRUE", kc.Details.Decision.Verdict)
		require.Len(t, kc.Details.Decision.Materials, 1, "the verification materials travelled with the verdict")
		require.Equal(t, []string{"PRINT_MATTER_CERTIFICATE"}, kc.AvailableActions)
		kc, err = fire(c.pj.addr, clerk, "printMatterCertificate", kc, "")
		require.NoError(t, err)
		require.Equal(t, "COMPLETED", kc.Status)
		mc := kc.Details.Certificate
		require.NotNil(t, mc)
		require.Equal(t, "户籍事项证明", mc.Title)
		require.Contains(t, mc.Facts, "核实结果：经查户籍档案，李秀英与张子轩系母子关系")
		require.Equal(t, "VALID", verify(mc.Number, mc.Code).Status)
		text = printed(kc.ID, "CERTIFICATE")
		for _, want := range []string{"户籍事项证明", mc.Number, mc.Code, "李秀英与张子轩系母子关系", "兹证明"} {
			require.Contains(t, text, want)
		}
		waitStatus(c.sjz.addr, officer, rc.ID, "COMPLETED")

		// 4. Verified not true: the refusal to certify is printed; both copies close (2.1.3, 2.2.8).
		require.NoError(t, gql(c.pj.addr, clerk, startQ, map[string]any{"m": kinshipMatter()}, &startedOut))
		nc := startedOut.StartMatterCertificate
		for _, m := range []string{"ID_CARD", "MATTER_EVIDENCE"} {
			require.NoError(t, uploadArchive(c.pj.addr, clerk, nc.ID, m))
		}
		nc, err = fire(c.pj.addr, clerk, "submitMatterCertificate", get(c.pj.addr, clerk, nc.ID), "")
		require.NoError(t, err)
		rn := remote(nc.CollabNo)
		requireRefused(t, fireExt(c.sjz.addr, officer, "verifyMatterNotTrue", rn, `, reasons: [" "]`), "BAD_USER_INPUT", "reasons", "certificate.reasons_required")
		rn, err = fire(c.sjz.addr, officer, "verifyMatterNotTrue", rn, `, reasons: ["户籍档案记载二人无亲属关系"]`)
		require.NoError(t, err)
		nc = waitStatus(c.pj.addr, clerk, nc.ID, "REFUSED")
		require.Equal(t, []string{"户籍档案记载二人无亲属关系"}, nc.Details.Decision.Reasons)
		require.Equal(t, []string{"PRINT_CERTIFICATE_REFUSAL"}, nc.AvailableActions)
		requireRefused(t, fireExt(c.pj.addr, clerk, "printMatterCertificate", nc, ""), "CONFLICT", "", "case.out_of_order")
		nc, err = fire(c.pj.addr, clerk, "printCertificateRefusal", nc, "")
		require.NoError(t, err)
		require.Equal(t, "CLOSED", nc.Status)
		require.Equal(t, "不予出具证明告知书", nc.Details.Refusal.Title)
		text = printed(nc.ID, "CERTIFICATE_REFUSAL")
		for _, want := range []string{"不予出具证明告知书", nc.Details.Refusal.Number, "无亲属关系", "行政复议"} {
			require.Contains(t, text, want)
		}
		waitStatus(c.sjz.addr, officer, rn.ID, "COMPLETED")

		// 5. Routed through a third province (Sichuan, the simulator) and back (2.2.7).
		require.NoError(t, gql(c.pj.addr, clerk, startQ, map[string]any{"m": kinshipMatter()}, &startedOut))
		tc := startedOut.StartMatterCertificate
		for _, m := range []string{"ID_CARD", "MATTER_EVIDENCE"} {
			require.NoError(t, uploadArchive(c.pj.addr, clerk, tc.ID, m))
		}
		tc, err = fire(c.pj.addr, clerk, "submitMatterCertificate", get(c.pj.addr, clerk, tc.ID), "")
		require.NoError(t, err)
		rt := remote(tc.CollabNo)
		requireRefused(t, fireExt(c.sjz.addr, officer, "routeMatterCertificate", rt, `, province: "5"`), "BAD_USER_INPUT", "province", "certificate.province")
		rt, err = fire(c.sjz.addr, officer, "routeMatterCertificate", rt, `, province: "51"`)
		require.NoError(t, err)
		require.Equal(t, "ROUTED", rt.Status)
		require.Equal(t, "51", rt.Details.Route.Province)
		require.Equal(t, "TRUE", rt.Details.Route.Verdict)
		require.Len(t, rt.Details.Route.Files, 1, "the third province's reply is kept as a verification archive")
		rt, err = fire(c.sjz.addr, officer, "verifyMatterTrue", rt, `, findings: "经四川省协查，二人系母子关系"`)
		require.NoError(t, err)
		tc = waitStatus(c.pj.addr, clerk, tc.ID, "VERIFIED")
		require.Len(t, tc.Details.Decision.Materials, 1)
		tc, err = fire(c.pj.addr, clerk, "printMatterCertificate", tc, "")
		require.NoError(t, err)
		require.Equal(t, "COMPLETED", tc.Status)
		waitStatus(c.sjz.addr, officer, rt.ID, "COMPLETED")

		// 6. verifyCertificate is rate-limited per address: 20 failed answers in 15 minutes, then TOO_MANY_REQUESTS
		// (3 failed above), while nothing else of the server is affected.
		for range 17 {
			require.Equal(t, "UNKNOWN", verify(mc.Number, strings.Repeat("B", len(mc.Code))).Status)
		}
		throttled := gqlExt(t, c.pj.addr, "", `query($n: String!, $c: String!) { verifyCertificate(number: $n, code: $c) { status } }`,
			map[string]any{"n": mc.Number, "c": mc.Code})
		requireRefused(t, throttled, "TOO_MANY_REQUESTS", "", "certificate.verify_throttled")
		require.Equal(t, "COMPLETED", get(c.pj.addr, clerk, kc.ID).Status)

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
