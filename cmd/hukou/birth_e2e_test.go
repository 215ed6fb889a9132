package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/integrations/ministry/ministrysim"
	"hukou/internal/gqlclient"
	"hukou/storage/storagetest"
)

// gqlErr posts an operation that must fail and returns the error's code.
func gqlErr(t *testing.T, addr, token, query string, vars map[string]any) string {
	t.Helper()
	return gqlFail(t, addr, token, query, vars).Code()
}

// gqlExt posts an operation that must fail and returns the first error's
// extensions (code, field, reason).
func gqlExt(t *testing.T, addr, token, query string, vars map[string]any) map[string]any {
	t.Helper()
	return gqlFail(t, addr, token, query, vars).Extensions
}

// gqlFail posts an operation that must fail with a GraphQL error.
func gqlFail(t *testing.T, addr, token, query string, vars map[string]any) *gqlclient.Error {
	t.Helper()
	var gerr *gqlclient.Error
	require.ErrorAs(t, gql(addr, token, query, vars, nil), &gerr, "the operation must fail")
	return gerr
}

// requireRefused checks an error's code, field and reason.
func requireRefused(t *testing.T, ext map[string]any, code, field, reason string) {
	t.Helper()
	require.Equal(t, code, ext["code"], "%v", ext)
	if field != "" {
		require.Equal(t, field, ext["field"], "%v", ext)
	}
	require.Equal(t, reason, ext["reason"], "%v", ext)
}

func loginAs(t *testing.T, addr, user, pass string) string {
	t.Helper()
	var out struct{ Login struct{ AccessToken string } }
	require.NoError(t, gql(addr, "", `mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }`,
		map[string]any{"u": user, "p": pass}, &out))
	return out.Login.AccessToken
}

type birthCase struct {
	ID                string
	CollabNo          string
	Status            string
	Version           int
	AvailableActions  []string
	AwaitingOtherSide bool
	Details           struct{ RefusalReasons []string }
}

const birthFields = `id collabNo status version availableActions awaitingOtherSide details { ... on BirthDetails { refusalReasons } }`

// applicant is the clerk's data for a newborn of sex ("1", "2") settling
// with its father, the head of the household (or the head's spouse): a son
// (20) or a daughter (30) of the head.
func applicant(name, sex string) map[string]any {
	relation := "20"
	if sex == "2" {
		relation = "30"
	}
	return map[string]any{"newbornName": name, "ethnicity": "01", "relation": relation, "settleWith": "FATHER",
		"declarantName": "陈东", "declarantIdNumber": "211102198010052301", "declarantPhone": "13912345678"}
}

// TestBirthRegistration_AcrossOffices registers a birth for Hebei parents at
// Panjin and takes it through Shijiazhuang over the platform (1.1.1, 1.1.2,
// 1.2.1, 2.1.1, 1.3.5), including the refusals of wrong roles, sides,
// jurisdictions and order, on SQLite and PostgreSQL.
func TestBirthRegistration_AcrossOffices(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	run := func(t *testing.T, pjDB, sjzDB string) {
		c := newCluster(t, pjDB, sjzDB)
		clerk := loginAs(t, c.pj.addr, "clerk", demoPass)
		// A city-level officer at Shijiazhuang sees every station's cases.
		var officerUser struct{ CreateUser struct{ ID string } }
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `mutation { createUser(input: {username: "city-officer", displayName: "市局户籍民警",
			password: "officer-pass-1", officeCode: "130100000000", roles: [OFFICER]}) { id } }`, nil, &officerUser))
		officer := loginAs(t, c.sjz.addr, "city-officer", "officer-pass-1")
		stationOfficer := loginAs(t, c.sjz.addr, "officer", demoPass) // another station's officer

		var certSex map[string]string // the certificates' newborns' sexes, from the look-up
		const startQ = `mutation($in: StartBirthRegistrationInput!) { startBirthRegistration(input: $in) { ` + birthFields + ` } }`
		// sexOf reads a certificate's newborn's sex from the Ministry look-up.
		sexOf := func(cert string) string {
			var out struct {
				BirthLookup struct{ Certificate struct{ Sex string } }
			}
			require.NoError(t, gql(c.pj.addr, clerk, `query($c: String!) { birthLookup(certificateNumber: $c, settleWith: "FATHER") { certificate { sex } } }`,
				map[string]any{"c": cert}, &out))
			return out.BirthLookup.Certificate.Sex
		}
		start := func(cert, name string) (birthCase, error) {
			sex := "1"
			if cert == ministrysim.FreeBirthCertificateNumber || cert == secondCert {
				sex = certSex[cert]
			}
			var out struct{ StartBirthRegistration birthCase }
			err := gql(c.pj.addr, clerk, startQ, map[string]any{"in": map[string]any{"certificateNumber": cert, "applicant": applicant(name, sex)}}, &out)
			return out.StartBirthRegistration, err
		}
		startRefused := func(cert string, edit func(map[string]any)) map[string]any {
			a := applicant("陈一", certSex[cert])
			edit(a)
			return gqlExt(t, c.pj.addr, clerk, startQ, map[string]any{"in": map[string]any{"certificateNumber": cert, "applicant": a}})
		}
		// captureRequired captures an archive for every material the
		// Ministry's list marks required (1.4.1).
		captureRequired := func(id string) {
			var mats struct {
				Case struct {
					Materials []struct {
						Code     string
						Required bool
					}
				}
			}
			require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { materials { code required } } }`, map[string]any{"id": id}, &mats))
			for _, m := range mats.Case.Materials {
				if m.Required {
					var uploaded struct{ UploadArchive struct{ ID string } }
					require.NoError(t, upload(c.pj.addr, clerk, `mutation($id: ID!, $m: String!, $f: Upload!) { uploadArchive(caseId: $id, materialCode: $m, file: $f) { id } }`,
						map[string]any{"id": id, "m": m.Code}, "f", m.Code+".png", pngBytes(t), &uploaded))
				}
			}
		}
		documentsOf := func(addr, tok, id string) map[string]int {
			var docs struct {
				Case struct {
					Documents []struct {
						MaterialCode string
						Revision     int
					}
				}
			}
			require.NoError(t, gql(addr, tok, `query($id: ID!) { case(id: $id) { documents { materialCode revision } } }`, map[string]any{"id": id}, &docs))
			out := map[string]int{}
			for _, d := range docs.Case.Documents {
				out[d.MaterialCode] = max(out[d.MaterialCode], d.Revision)
			}
			return out
		}
		get := func(addr, tok, id string) birthCase {
			var out struct{ Case birthCase }
			require.NoError(t, gql(addr, tok, `query($id: ID!) { case(id: $id) { `+birthFields+` } }`, map[string]any{"id": id}, &out))
			return out.Case
		}
		remote := func(collabNo string) birthCase {
			var out struct {
				Cases struct{ Edges []struct{ Node birthCase } }
			}
			require.Eventually(t, func() bool {
				require.NoError(t, gql(c.sjz.addr, officer, `query($no: String) { cases(filter: {collabNo: $no}) { edges { node { `+birthFields+` } } } }`,
					map[string]any{"no": collabNo}, &out))
				return len(out.Cases.Edges) == 1
			}, 30*time.Second, 200*time.Millisecond, "the case never reached Shijiazhuang")
			return out.Cases.Edges[0].Node
		}
		fire := func(addr, tok, mutation, id string, version int, extra string) (birthCase, error) {
			var out map[string]birthCase
			err := gql(addr, tok, fmt.Sprintf(`mutation($id: CaseID!, $v: Int!) { r: %s(input: {id: $id, version: $v%s}) { %s } }`, mutation, extra, birthFields),
				map[string]any{"id": id, "v": version}, &out)
			return out["r"], err
		}

		certSex = map[string]string{ministrysim.FreeBirthCertificateNumber: sexOf(ministrysim.FreeBirthCertificateNumber), secondCert: sexOf(secondCert)}

		// Bad intakes save nothing.
		requireRefused(t, startRefused(ministrysim.PanjinBirthCertificateNumber, func(map[string]any) {}),
			"BAD_USER_INPUT", "settleWith", "birth.same_province") // a Panjin couple's birth at Panjin is local business
		requireRefused(t, startRefused(ministrysim.FreeBirthCertificateNumber, func(a map[string]any) { a["newbornName"] = "Tom123" }),
			"BAD_USER_INPUT", "newbornName", "birth.name_chinese")
		requireRefused(t, startRefused(ministrysim.FreeBirthCertificateNumber, func(a map[string]any) { a["declarantPhone"] = "abc" }),
			"BAD_USER_INPUT", "declarantPhone", "birth.phone")
		requireRefused(t, startRefused(ministrysim.FreeBirthCertificateNumber, func(a map[string]any) { a["relation"] = "99" }),
			"BAD_USER_INPUT", "relation", "birth.relation_not_child")
		requireRefused(t, startRefused(ministrysim.FreeBirthCertificateNumber, func(a map[string]any) { a["relation"] = "02" }),
			"BAD_USER_INPUT", "relation", "birth.household_has_head")
		_, err := start(ministrysim.UsedBirthCertificateNumber, "陈一")
		require.ErrorContains(t, err, "CONFLICT", "a used certificate number")
		_, err = start(ministrysim.UnknownBirthCertificateNumber, "陈一")
		require.ErrorContains(t, err, "BAD_USER_INPUT")
		_, err = start(ministrysim.GuangdongBirthCertificateNumber, "陈一")
		require.ErrorContains(t, err, "CONFLICT", "birth registration is closed for Guangdong")
		setFaults := func(rules string) {
			req, _ := http.NewRequest(http.MethodPut, "http://"+c.simAddr+"/ministry/admin/faults", strings.NewReader(rules))
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			res.Body.Close()
		}
		setFaults(`{"*": {"errorRate": 1}}`)
		_, err = start(ministrysim.FreeBirthCertificateNumber, "陈一")
		require.ErrorContains(t, err, "UNAVAILABLE", "a Ministry outage")
		setFaults(`{}`)
		// The pre-save look-up step: the checks and the household, nothing saved.
		var lk struct {
			BirthLookup struct {
				Certificate      struct{ Number string }
				HouseholdNumber  string
				HouseholdAddress string
				MinistryChecks   []struct {
					Check  string
					Passed bool
					Detail string
				}
			}
		}
		const lookupQ = `query($c: String!, $s: String!) { birthLookup(certificateNumber: $c, settleWith: $s) {
			certificate { number } householdNumber householdAddress ministryChecks { check passed detail } } }`
		require.NoError(t, gql(c.pj.addr, clerk, lookupQ, map[string]any{"c": ministrysim.FreeBirthCertificateNumber, "s": "FATHER"}, &lk))
		require.Equal(t, ministrysim.FreeBirthCertificateNumber, lk.BirthLookup.Certificate.Number)
		require.NotEmpty(t, lk.BirthLookup.HouseholdNumber)
		require.NotEmpty(t, lk.BirthLookup.HouseholdAddress)
		require.Len(t, lk.BirthLookup.MinistryChecks, 5)
		for _, k := range lk.BirthLookup.MinistryChecks {
			require.True(t, k.Passed, k.Check)
		}
		require.Equal(t, lk.BirthLookup.HouseholdNumber, lk.BirthLookup.MinistryChecks[4].Detail)
		require.Equal(t, "CONFLICT", gqlErr(t, c.pj.addr, clerk, lookupQ,
			map[string]any{"c": ministrysim.UsedBirthCertificateNumber, "s": "FATHER"}), "a used certificate number")
		require.Equal(t, "BAD_USER_INPUT", gqlErr(t, c.pj.addr, clerk, lookupQ,
			map[string]any{"c": ministrysim.UnknownBirthCertificateNumber, "s": "FATHER"}), "an unknown certificate number")
		require.Equal(t, "FORBIDDEN", gqlErr(t, c.sjz.addr, officer, lookupQ,
			map[string]any{"c": ministrysim.FreeBirthCertificateNumber, "s": "FATHER"}), "officers do not take intakes")
		var none struct {
			Cases struct{ Edges []any }
		}
		require.NoError(t, gql(c.pj.addr, clerk, `{ cases { edges { node { id } } } }`, nil, &none))
		require.Empty(t, none.Cases.Edges, "nothing half-saved")

		// Intake (the declarant's old 15-digit ID number stored upgraded), modify, submit.
		a := applicant("陈小明", certSex[ministrysim.FreeBirthCertificateNumber])
		a["declarantIdNumber"] = "211102801005230"
		var started struct{ StartBirthRegistration birthCase }
		require.NoError(t, gql(c.pj.addr, clerk, startQ, map[string]any{"in": map[string]any{"certificateNumber": ministrysim.FreeBirthCertificateNumber, "applicant": a}}, &started))
		bc := started.StartBirthRegistration
		require.Equal(t, "DRAFT", bc.Status)
		require.Equal(t, []string{"MODIFY_BIRTH_REGISTRATION", "SUBMIT_BIRTH_REGISTRATION"}, bc.AvailableActions)
		var stored struct {
			Case struct {
				Details struct {
					Applicant struct{ DeclarantIdNumber string }
				}
			}
		}
		require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { details { ... on BirthDetails { applicant { declarantIdNumber } } } } }`,
			map[string]any{"id": bc.ID}, &stored))
		require.Equal(t, "211102198010052301", stored.Case.Details.Applicant.DeclarantIdNumber, "ID numbers are stored normalised")
		// One open case per certificate: a second intake on it is refused, and so is the look-up.
		_, err = start(ministrysim.FreeBirthCertificateNumber, "陈小明")
		require.ErrorContains(t, err, "CONFLICT", "a second case on a certificate in use")
		requireRefused(t, gqlExt(t, c.pj.addr, clerk, lookupQ, map[string]any{"c": ministrysim.FreeBirthCertificateNumber, "s": "FATHER"}),
			"CONFLICT", "certificateNumber", "case.key_taken")
		var modified struct{ ModifyBirthRegistration birthCase }
		require.NoError(t, gql(c.pj.addr, clerk, `mutation($id: CaseID!, $a: BirthApplicantInput!) { modifyBirthRegistration(input: {id: $id, version: 1, applicant: $a}) { `+birthFields+` } }`,
			map[string]any{"id": bc.ID, "a": applicant("陈晓明", certSex[ministrysim.FreeBirthCertificateNumber])}, &modified))
		require.Equal(t, 2, modified.ModifyBirthRegistration.Version)
		require.Equal(t, "CONFLICT", gqlErr(t, c.pj.addr, clerk, `mutation($id: CaseID!) { submitBirthRegistration(input: {id: $id, version: 1}) { id } }`,
			map[string]any{"id": bc.ID}), "a stale version")
		requireRefused(t, gqlExt(t, c.pj.addr, clerk, `mutation($id: CaseID!) { submitBirthRegistration(input: {id: $id, version: 2}) { id } }`,
			map[string]any{"id": bc.ID}), "BAD_USER_INPUT", "materials", "archive.materials_missing")
		// Capture an archive for the first material the Ministry lists for Hebei (1.4.1, 1.4.11).
		var mats struct {
			Case struct{ Materials []struct{ Code, Name string } }
		}
		require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { materials { code name } } }`,
			map[string]any{"id": bc.ID}, &mats))
		require.NotEmpty(t, mats.Case.Materials)
		captureRequired(bc.ID)
		book := requireLicences(t, c, clerk, officer, bc.ID) // the father's e-hukou book cited by its number (4.1.2)
		bc, err = fire(c.pj.addr, clerk, "submitBirthRegistration", bc.ID, 2, "")
		require.NoError(t, err)
		require.Equal(t, "SUBMITTED", bc.Status)
		require.True(t, bc.AwaitingOtherSide)
		err = upload(c.pj.addr, clerk, `mutation($id: ID!, $m: String!, $f: Upload!) { uploadArchive(caseId: $id, materialCode: $m, file: $f) { id } }`,
			map[string]any{"id": bc.ID, "m": mats.Case.Materials[0].Code}, "f", "late.png", pngBytes(t), &struct{}{})
		require.ErrorContains(t, err, "frozen", "no capture after submission")
		var hist struct {
			Case struct {
				RegistrationOfficeName string
				Timeline               []struct{ Action, ActorName string }
			}
		}
		require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { registrationOfficeName timeline { action actorName } } }`,
			map[string]any{"id": bc.ID}, &hist))
		require.Equal(t, "受理民警", hist.Case.Timeline[len(hist.Case.Timeline)-1].ActorName, "histories show the display name")
		require.Equal(t, "河北省石家庄市正定县", hist.Case.RegistrationOfficeName, "another deployment's office is named by its division")
		require.Equal(t, "CONFLICT", gqlErr(t, c.pj.addr, clerk, `mutation($id: CaseID!, $a: BirthApplicantInput!) { modifyBirthRegistration(input: {id: $id, version: 3, applicant: $a}) { id } }`,
			map[string]any{"id": bc.ID, "a": applicant("改名", certSex[ministrysim.FreeBirthCertificateNumber])}), "no change after submission")

		// At Shijiazhuang: received, in the queue; Panjin sees it extracted.
		rc := remote(bc.CollabNo)
		require.Equal(t, "RECEIVED", rc.Status)
		requireCitedAcross(t, c, clerk, officer, bc.ID, rc.ID, book) // verified at Shijiazhuang; revoked, refused at both (4.1.2)
		require.Equal(t, []string{"APPROVE_BIRTH_REGISTRATION", "REFUSE_BIRTH_REGISTRATION"}, rc.AvailableActions)
		var cited struct {
			Case struct {
				Files []struct{ MaterialCode, Name string }
			}
		}
		require.NoError(t, gql(c.sjz.addr, officer, `query($id: ID!) { case(id: $id) { files { materialCode name } } }`,
			map[string]any{"id": rc.ID}, &cited))
		require.Len(t, cited.Case.Files, len(mats.Case.Materials), "the archives captured at Panjin are cited at Shijiazhuang (1.4.10)")
		require.Eventually(t, func() bool { return get(c.pj.addr, clerk, bc.ID).Status == "EXTRACTED" }, 30*time.Second, 200*time.Millisecond)

		_, err = fire(c.sjz.addr, stationOfficer, "approveBirthRegistration", rc.ID, rc.Version, "")
		require.ErrorContains(t, err, "NOT_FOUND", "another station's officer: a case outside the jurisdiction answers as none")
		_, err = fire(c.pj.addr, loginAs(t, c.pj.addr, "officer", demoPass), "approveBirthRegistration", bc.ID, 3, "")
		require.ErrorContains(t, err, "FORBIDDEN", "approval belongs to the registration office's copy")
		_, err = fire(c.sjz.addr, officer, "closeRefusedBirthRegistration", rc.ID, rc.Version, "")
		require.ErrorContains(t, err, "FORBIDDEN", "a clerk's step")
		rc, err = fire(c.sjz.addr, officer, "approveBirthRegistration", rc.ID, rc.Version, "")
		require.NoError(t, err)
		require.Equal(t, "APPROVED", rc.Status)
		require.Eventually(t, func() bool { return get(c.pj.addr, clerk, bc.ID).Status == "APPROVED" }, 30*time.Second, 200*time.Millisecond,
			"the approval reaches the acceptance office")
		_, err = fire(c.sjz.addr, officer, "approveBirthRegistration", rc.ID, rc.Version, "")
		require.ErrorContains(t, err, "CONFLICT", "out of order")

		// Settle the newborn into the father's household; the form goes to Panjin.
		var view struct {
			Case struct {
				Details struct {
					HouseholdNumber string
					Certificate     struct {
						Name, Sex string
						BirthTime time.Time
					}
				}
			}
		}
		require.NoError(t, gql(c.sjz.addr, officer, `query($id: ID!) { case(id: $id) { details { ... on BirthDetails { householdNumber certificate { name sex birthTime } } } } }`,
			map[string]any{"id": rc.ID}, &view))
		cert := view.Case.Details.Certificate
		// The household's station gets its household seal and the settling officer a personal seal (5.1.1).
		var station struct {
			Household struct{ Station struct{ Code, Name string } }
		}
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `query($n: String!) { household(number: $n) { station { code name } } }`,
			map[string]any{"n": view.Case.Details.HouseholdNumber}, &station))
		requestSeals(t, c.sjz.addr, c.sjzTok, station.Household.Station.Code, officerUser.CreateUser.ID)
		const settleQ = `mutation($id: CaseID!, $v: Int!, $in: BirthSettlementInput!) { settleBirthRegistration(input: {id: $id, version: $v, newborn: $in}) { ` + birthFields + ` } }`
		newbornIn := func(household string) map[string]any {
			return map[string]any{"householdNumber": household, "name": "陈晓明", "sex": cert.Sex, "ethnicity": "01",
				"birthDate": cert.BirthTime.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly), "relation": applicant("", cert.Sex)["relation"]}
		}
		settle := func(household string) (birthCase, error) {
			var out struct{ SettleBirthRegistration birthCase }
			err := gql(c.sjz.addr, officer, settleQ, map[string]any{"id": rc.ID, "v": rc.Version, "in": newbornIn(household)}, &out)
			return out.SettleBirthRegistration, err
		}
		_, err = settle("999999999")
		require.ErrorContains(t, err, "NOT_FOUND", "an unknown household")
		// Settlements that contradict the certificate or the household are refused on their field.
		otherSex := map[string]string{"1": "2", "2": "1"}[cert.Sex]
		for _, bad := range []struct {
			edit          func(map[string]any)
			field, reason string
		}{
			{func(n map[string]any) { n["sex"], n["relation"] = otherSex, applicant("", otherSex)["relation"] }, "sex", "birth.sex_mismatch"},
			{func(n map[string]any) { n["birthDate"] = cert.BirthTime.AddDate(0, 0, -3).Format(time.DateOnly) }, "birthDate", "birth.birth_date_mismatch"},
			{func(n map[string]any) { n["relation"] = "02" }, "relation", "birth.household_has_head"},
			{func(n map[string]any) { n["relation"] = applicant("", otherSex)["relation"] }, "relation", "birth.relation_sex"},
		} {
			n := newbornIn(view.Case.Details.HouseholdNumber)
			bad.edit(n)
			requireRefused(t, gqlExt(t, c.sjz.addr, officer, settleQ, map[string]any{"id": rc.ID, "v": rc.Version, "in": n}), "BAD_USER_INPUT", bad.field, bad.reason)
		}
		rc, err = settle(view.Case.Details.HouseholdNumber)
		require.NoError(t, err)
		require.Equal(t, "SETTLED", rc.Status)
		require.True(t, rc.AwaitingOtherSide)
		var outcome struct {
			Case struct {
				Details struct {
					Outcome struct {
						IDNumber, Hcybsh, HouseholdNumber string
						FormRevision                      int
					}
				}
			}
		}
		require.Eventually(t, func() bool { return get(c.pj.addr, clerk, bc.ID).Status == "FORM_RECEIVED" }, 30*time.Second, 200*time.Millisecond)
		require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { details { ... on BirthDetails { outcome { idNumber hcybsh householdNumber formRevision } } } } }`,
			map[string]any{"id": bc.ID}, &outcome))
		o := outcome.Case.Details.Outcome
		require.Len(t, o.IDNumber, 18)
		require.Equal(t, view.Case.Details.HouseholdNumber, o.HouseholdNumber)
		require.Equal(t, o.HouseholdNumber, o.Hcybsh[:len(o.HouseholdNumber)], "the newborn's hcybsh extends the household number")
		require.Equal(t, 1, o.FormRevision)
		var newborn struct{ Resident struct{ Name, Hcybsh string } }
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `query($n: String!) { resident(idNumber: $n) { name hcybsh } }`, map[string]any{"n": o.IDNumber}, &newborn))
		require.Equal(t, "陈晓明", newborn.Resident.Name, "the newborn is in Shijiazhuang's register")
		// The settlement had the Ministry update the household's e-hukou book (4.1.2).
		var hukouBook struct {
			Case struct {
				Details struct {
					Outcome struct{ HukouBookLicenceID string }
				}
			}
		}
		require.Eventually(t, func() bool {
			require.NoError(t, gql(c.sjz.addr, officer, `query($id: ID!) { case(id: $id) { details { ... on BirthDetails { outcome { hukouBookLicenceId } } } } }`,
				map[string]any{"id": rc.ID}, &hukouBook))
			return hukouBook.Case.Details.Outcome.HukouBookLicenceID != ""
		}, 30*time.Second, 200*time.Millisecond, "the e-hukou book update is recorded on the case")
		var bookLicence struct {
			Licence struct {
				Type, Status string
				Items        []struct{ Key, Value string }
			}
		}
		require.NoError(t, gql(c.sjz.addr, officer, `query($l: String!) { licence(id: $l) { type status items { key value } } }`,
			map[string]any{"l": hukouBook.Case.Details.Outcome.HukouBookLicenceID}, &bookLicence))
		require.Equal(t, "HUKOU_BOOK", bookLicence.Licence.Type)
		require.Equal(t, "VALID", bookLicence.Licence.Status)
		require.Contains(t, bookLicence.Licence.Items, struct{ Key, Value string }{"newbornIdNumber", o.IDNumber})

		// The error loop (1.3.2–1.3.4, 2.2.2, 2.2.3): one minor and one major error.
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `mutation { createUser(input: {username: "city-approver", displayName: "市局审批领导",
			password: "approver-pass-1", officeCode: "130100000000", roles: [APPROVER]}) { id } }`, nil, nil))
		approver := loginAs(t, c.sjz.addr, "city-approver", "approver-pass-1")
		bc = get(c.pj.addr, clerk, bc.ID)
		bc, err = fire(c.pj.addr, clerk, "printBirthForm", bc.ID, bc.Version, "")
		require.NoError(t, err)
		require.Equal(t, "PRINTED", bc.Status)
		require.ElementsMatch(t, []string{"PRINT_BIRTH_FORM", "REPORT_BIRTH_ERRORS", "RETURN_SIGNED_BIRTH_FORM"}, bc.AvailableActions)
		bc, err = fire(c.pj.addr, clerk, "reportBirthErrors", bc.ID, bc.Version,
			`, items: [{field: "formerNames", wanted: "陈明"}, {field: "name", wanted: "陈晓鸣", note: "鸣字有误"}]`)
		require.NoError(t, err)
		require.Equal(t, "CORRECTION_REQUESTED", bc.Status)
		require.Eventually(t, func() bool { rc = get(c.sjz.addr, officer, rc.ID); return rc.Status == "CORRECTING" }, 30*time.Second, 200*time.Millisecond)
		_, err = fire(c.sjz.addr, officer, "correctBirthMinor", rc.ID, rc.Version, `, changes: [{field: "name", value: "陈晓鸣"}]`)
		require.ErrorContains(t, err, "BAD_USER_INPUT", "a major item is not corrected directly")
		requireRefused(t, gqlExt(t, c.sjz.addr, officer, `mutation($id: CaseID!, $v: Int!) { correctBirthMinor(input: {id: $id, version: $v, changes: [{field: "birthplaceDivision", value: "211102"}]}) { id } }`,
			map[string]any{"id": rc.ID, "v": rc.Version}), "BAD_USER_INPUT", "changes", "birth.not_reported")
		rc, err = fire(c.sjz.addr, officer, "correctBirthMinor", rc.ID, rc.Version, `, changes: [{field: "formerNames", value: "陈明"}]`)
		require.NoError(t, err)
		rc, err = fire(c.sjz.addr, officer, "requestBirthMajorChange", rc.ID, rc.Version, `, change: {field: "name", value: "陈晓鸣", reason: "申请人核对常表发现姓名错误"}`)
		require.NoError(t, err)
		require.Equal(t, "CHANGE_PENDING", rc.Status)
		_, err = fire(c.sjz.addr, officer, "resendBirthForm", rc.ID, rc.Version, "")
		require.ErrorContains(t, err, "CONFLICT", "not before the change is decided")
		_, err = fire(c.sjz.addr, officer, "approveBirthMajorChange", rc.ID, rc.Version, "")
		require.ErrorContains(t, err, "FORBIDDEN", "only an approver")
		requireRefused(t, gqlExt(t, c.sjz.addr, approver, `mutation($id: CaseID!, $v: Int!) { rejectBirthMajorChange(input: {id: $id, version: $v, reason: " "}) { id } }`,
			map[string]any{"id": rc.ID, "v": rc.Version}), "BAD_USER_INPUT", "reason", "birth.reason_required")
		rc, err = fire(c.sjz.addr, approver, "approveBirthMajorChange", rc.ID, rc.Version, "")
		require.NoError(t, err)
		require.Equal(t, "CORRECTING", rc.Status)
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `query($n: String!) { resident(idNumber: $n) { name hcybsh } }`, map[string]any{"n": o.IDNumber}, &newborn))
		require.Equal(t, "陈晓鸣", newborn.Resident.Name, "the approved change is in the register")
		rc, err = fire(c.sjz.addr, officer, "resendBirthForm", rc.ID, rc.Version, "")
		require.NoError(t, err)
		require.Equal(t, "SETTLED", rc.Status)
		require.Eventually(t, func() bool { bc = get(c.pj.addr, clerk, bc.ID); return bc.Status == "FORM_RECEIVED" }, 30*time.Second, 200*time.Millisecond)

		// The corrected form (revision 2) is among Panjin's documents and says what was corrected.
		var docs struct {
			Case struct {
				Documents []struct {
					ID, MaterialCode, URL string
					Revision              int
				}
			}
		}
		require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { documents { id materialCode revision url } } }`,
			map[string]any{"id": bc.ID}, &docs))
		var latest string
		for _, d := range docs.Case.Documents {
			if d.MaterialCode == "REGISTRATION_FORM" && d.Revision == 2 {
				latest = d.URL
			}
		}
		require.NotEmpty(t, latest, "documents: %+v", docs.Case.Documents)
		text := pdfText(t, "http://"+c.pj.addr+latest, clerk)
		require.Contains(t, text, "陈晓鸣")
		require.Contains(t, text, o.IDNumber)
		require.Contains(t, text, bc.CollabNo)
		require.Contains(t, text, "更正事项", "the corrected form lists what changed")
		require.Contains(t, text, "姓名由“陈晓明”更正为“陈晓鸣”")
		require.Contains(t, text, "曾用名由“（空）”更正为“陈明”")
		// The form carries the station's household seal and the officer's personal seal, and verifies at Panjin (5.1.2).
		requireSealed(t, c, c.pj.addr, clerk, "http://"+c.pj.addr+latest, station.Household.Station.Name+"户口专用章", "市局户籍民警")
		require.Equal(t, o.IDNumber[:6], residenceCounty(t, c.sjz.addr, c.sjzTok, o.HouseholdNumber),
			"the ID number's address code is the county of the household's address")

		// Signed form back, filed, closed on both sides (1.3.4, 1.3.6).
		bc, err = fire(c.pj.addr, clerk, "printBirthForm", bc.ID, bc.Version, "")
		require.NoError(t, err)
		var signed struct{ ReturnSignedBirthForm birthCase }
		require.NoError(t, upload(c.pj.addr, clerk, `mutation($in: ReturnSignedBirthFormInput!) { returnSignedBirthForm(input: $in) { `+birthFields+` } }`,
			map[string]any{"in": map[string]any{"id": bc.ID, "version": bc.Version, "file": nil}}, "in.file", "signed-form.png", pngBytes(t), &signed))
		require.Equal(t, "SIGNED_RETURNED", signed.ReturnSignedBirthForm.Status)
		require.Eventually(t, func() bool { rc = get(c.sjz.addr, officer, rc.ID); return rc.Status == "SIGNED_RECEIVED" }, 30*time.Second, 200*time.Millisecond)
		rc, err = fire(c.sjz.addr, officer, "fileBirthRegistration", rc.ID, rc.Version, "")
		require.NoError(t, err)
		require.Equal(t, "COMPLETED", rc.Status)
		require.Eventually(t, func() bool { bc = get(c.pj.addr, clerk, bc.ID); return bc.Status == "COMPLETED" }, 30*time.Second, 200*time.Millisecond)
		require.Empty(t, bc.AvailableActions)
		require.Equal(t, map[string]int{"REGISTRATION_FORM": 2, "SIGNED_FORM": 1, "COMPLETION_CONFIRMATION": 1}, documentsOf(c.pj.addr, clerk, bc.ID),
			"the acceptance office holds the forms, the signed form and the completion confirmation")

		// The Ministry now knows the certificate as used: a new case on it is refused.
		require.Eventually(t, func() bool {
			return gqlExt(t, c.pj.addr, clerk, lookupQ, map[string]any{"c": ministrysim.FreeBirthCertificateNumber, "s": "FATHER"})["reason"] == "birth.certificate_used"
		}, 30*time.Second, 200*time.Millisecond, "settlement records the certificate's usage at the Ministry")
		_, err = start(ministrysim.FreeBirthCertificateNumber, "陈小红")
		require.ErrorContains(t, err, "CONFLICT", "a completed certificate cannot register a second newborn")

		// A second case, on another certificate, goes through refusal and is closed on both sides.
		second, err := start(secondCert, "陈小红")
		require.NoError(t, err)
		captureRequired(second.ID)
		second, err = fire(c.pj.addr, clerk, "submitBirthRegistration", second.ID, second.Version, "")
		require.NoError(t, err)
		rc2 := remote(second.CollabNo)
		_, err = fire(c.sjz.addr, officer, "refuseBirthRegistration", rc2.ID, rc2.Version, ", reasons: []")
		require.ErrorContains(t, err, "BAD_USER_INPUT", "a refusal needs reasons")
		rc2, err = fire(c.sjz.addr, officer, "refuseBirthRegistration", rc2.ID, rc2.Version, `, reasons: ["出生医学证明与户口簿信息不一致"]`)
		require.NoError(t, err)
		require.Equal(t, "REFUSED", rc2.Status)
		require.Eventually(t, func() bool { return get(c.pj.addr, clerk, second.ID).Status == "REFUSED" }, 30*time.Second, 200*time.Millisecond)
		second = get(c.pj.addr, clerk, second.ID)
		require.Equal(t, []string{"出生医学证明与户口簿信息不一致"}, second.Details.RefusalReasons)
		require.Equal(t, []string{"CLOSE_REFUSED_BIRTH_REGISTRATION"}, second.AvailableActions)
		require.Equal(t, 1, documentsOf(c.pj.addr, clerk, second.ID)["REFUSAL_NOTICE"], "the acceptance office holds the refusal notice")
		second, err = fire(c.pj.addr, clerk, "closeRefusedBirthRegistration", second.ID, second.Version, "")
		require.NoError(t, err)
		require.Equal(t, "CLOSED", second.Status)
		require.Eventually(t, func() bool { rc2 = get(c.sjz.addr, officer, rc2.ID); return rc2.Status == "CLOSED" }, 30*time.Second, 200*time.Millisecond,
			"the registration office's refused copy closes too")
		require.Empty(t, rc2.AvailableActions)
		// The refused case freed its certificate: a new case may be opened on it.
		third, err := start(secondCert, "陈小红")
		require.NoError(t, err)
		require.Equal(t, "DRAFT", third.Status)

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

// secondCert is an unused certificate of another Shijiazhuang couple.
const secondCert = "M130000003"

// residenceCounty is the county of a household's address at an instance.
func residenceCounty(t *testing.T, addr, token, number string) string {
	t.Helper()
	var out struct {
		Household struct {
			Address struct{ Division struct{ Code string } }
		}
	}
	require.NoError(t, gql(addr, token, `query($n: String!) { household(number: $n) { address { division { code } } } }`, map[string]any{"n": number}, &out))
	return out.Household.Address.Division.Code
}

// upload posts a GraphQL multipart request (the multipart request spec)
// with one file in variable fileVar.
func upload(addr, token, query string, vars map[string]any, fileVar, name string, content []byte, out any) error {
	if !strings.Contains(fileVar, ".") {
		vars[fileVar] = nil // a nested file variable is set to null by the caller
	}
	return gqlclient.Upload(http.DefaultClient, addr, token, query, vars, fileVar, name, "image/png", content, out)
}

// pngBytes is a small real PNG: the "photo" of a signed form.
func pngBytes(t *testing.T) []byte {
	img := image.NewGray(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// pdfText downloads a PDF with the token and extracts its text with poppler.
func pdfText(t *testing.T, url, token string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		storagetest.SkipUnlessCI(t, "pdftotext (poppler-utils) is not installed")
	}
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	pdf, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "form.pdf")
	require.NoError(t, os.WriteFile(path, pdf, 0o600))
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	require.NoError(t, err)
	return string(out)
}
