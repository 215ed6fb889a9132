package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/population"
	"hukou/storage/storagetest"
)

type migrationCase struct {
	ID               string
	CollabNo         string
	Status           string
	Version          int
	AvailableActions []string
	Details          struct {
		RefusalReasons []string
		Applicant      struct{ MoveInPermit *string }
		Outcome        *struct {
			Certificate *struct{ LicenceID string }
			Movers      []struct{ IDNumber string }
			Settled     []struct {
				IDNumber string
				Relation string
				Hcybsh   string
			}
			HouseholdNumber string
			HouseholdClosed bool
		}
	}
}

const migrationFields = `id collabNo status version availableActions details { ... on MigrationDetails { refusalReasons applicant { moveInPermit }
  outcome { certificate { licenceId } movers { idNumber } settled { idNumber relation hcybsh } householdNumber householdClosed } } }`

type regResident struct {
	IDNumber  string
	Status    string
	Hcybsh    string
	Relation  struct{ Code string }
	Household struct {
		Number  string
		Members []struct {
			IDNumber string
			Status   string
			Relation struct{ Code string }
		}
	}
}

// migrationPeople picks, from the generated populations both simulators
// and databases hold, the people of the migration end-to-end test: a
// Shijiazhuang couple's household (the head and a child move; the spouse
// stays and becomes head), a Panjin head of the other sex in the clerk's
// station (the spouse the movers join), a Panjin household of another
// station, a Shijiazhuang graduate living alone (the household closes) and
// a Shijiazhuang child (a refused applicant).
type migrationPeople struct {
	station                      string
	head, child, spouse          domain.Resident
	stayers                      []domain.Resident
	kin                          domain.Resident
	kinHousehold, otherHousehold string
	graduate, refused            domain.Resident
}

func pickMigrationPeople(t *testing.T) migrationPeople {
	t.Helper()
	var p migrationPeople
	offices, err := population.Offices(population.Config{Seed: 1, Division: "211100", Residents: 5000})
	require.NoError(t, err)
	county := ""
	for _, o := range offices {
		if o.Level == domain.OfficeCountyBureau && county == "" {
			county = o.Code
		}
		if o.Level == domain.OfficePoliceStation && p.station == "" && o.ParentCode == county {
			p.station = o.Code
		}
	}
	var children, alone []domain.Resident
	for h, err := range population.All(population.Config{Seed: 1, Division: "130100", Residents: 5000}) {
		require.NoError(t, err)
		ms := h.Members
		if h.Household.Type != domain.HouseholdFamily || slices.ContainsFunc(ms, func(m domain.Resident) bool { return m.Status != domain.ResidentActive }) {
			continue
		}
		if p.head.IDNumber == "" && len(ms) >= 3 && ms[0].Relation == "02" && slices.Contains([]string{"10", "11", "12"}, ms[1].Relation) &&
			(ms[2].Relation[0] == '2' || ms[2].Relation[0] == '3') {
			p.head, p.spouse, p.child, p.stayers = ms[0], ms[1], ms[2], append([]domain.Resident{ms[1]}, ms[3:]...)
			continue
		}
		if len(ms) == 1 && ms[0].Relation == "02" && time.Since(ms[0].BirthDate) > 20*365*24*time.Hour {
			alone = append(alone, ms[0])
			continue
		}
		for _, m := range ms[1:] {
			if (m.Relation[0] == '2' || m.Relation[0] == '3') && time.Since(m.BirthDate) > 20*365*24*time.Hour {
				children = append(children, m)
				break
			}
		}
	}
	require.GreaterOrEqual(t, len(children), 1)
	require.NotEmpty(t, alone, "a one-person household")
	p.graduate, p.refused = alone[0], children[0]
	for h, err := range population.All(population.Config{Seed: 1, Division: "211100", Residents: 5000}) {
		require.NoError(t, err)
		if h.Household.Type != domain.HouseholdFamily || len(h.Members) == 0 {
			continue
		}
		head := h.Members[0]
		switch {
		case h.Household.StationCode == p.station && p.kin.IDNumber == "" && head.Relation == "02" && head.Status == domain.ResidentActive && head.Sex != p.head.Sex &&
			!slices.ContainsFunc(h.Members, func(m domain.Resident) bool { return slices.Contains([]string{"10", "11", "12"}, m.Relation) }):
			p.kin, p.kinHousehold = head, h.Household.Number
		case h.Household.StationCode != p.station && p.otherHousehold == "":
			p.otherHousehold = h.Household.Number
		}
	}
	require.NotEmpty(t, p.head.IDNumber)
	require.NotEmpty(t, p.kin.IDNumber)
	return p
}

func childRelation(sex string) string {
	if sex == "2" {
		return "30"
	}
	return "20"
}

// TestMigration_AcrossOffices moves people from Shijiazhuang (R) to Panjin
// (A) over the platform on SQLite and PostgreSQL (1.1.3, 1.1.4, 1.3.7,
// 1.3.8, 2.1.2, 2.2.4–2.2.6, 6.1.3, 4.1.1): a couple's 夫妻投靠 joining a
// Panjin household (the head leaves, the spouse becomes head), a graduate
// establishing a new household, and a refusal closing both copies; the
// intake's refusals of bad input; the register checked on both sides.
func TestMigration_AcrossOffices(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	p := pickMigrationPeople(t)
	run := func(t *testing.T, pjDB, sjzDB string) {
		c := newCluster(t, pjDB, sjzDB)
		clerk := loginAs(t, c.pj.addr, "clerk", demoPass)
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `mutation { createUser(input: {username: "city-officer", displayName: "市局户籍民警",
			password: "officer-pass-1", officeCode: "130100000000", roles: [OFFICER]}) { id } }`, nil, nil))
		officer := loginAs(t, c.sjz.addr, "city-officer", "officer-pass-1")
		pjReader := c.pjTok

		const startQ = `mutation($in: StartMigrationInput!) { startMigration(input: $in) { ` + migrationFields + ` } }`
		start := func(a map[string]any) migrationCase {
			var out struct{ StartMigration migrationCase }
			require.NoError(t, gql(c.pj.addr, clerk, startQ, map[string]any{"in": map[string]any{"applicant": a}}, &out))
			return out.StartMigration
		}
		refused := func(a map[string]any, code, field, reason string) {
			t.Helper()
			requireRefused(t, gqlExt(t, c.pj.addr, clerk, startQ, map[string]any{"in": map[string]any{"applicant": a}}), code, field, reason)
		}
		spouseApp := func() map[string]any {
			return map[string]any{"applicantIdNumber": p.head.IDNumber, "category": "SPOUSE", "movers": []string{p.head.IDNumber, p.child.IDNumber},
				"kinIdNumber": p.kin.IDNumber, "way": "JOIN", "householdNumber": p.kinHousehold, "headConsent": true, "phone": "13912345678"}
		}
		gradApp := func(id, category, address string) map[string]any {
			return map[string]any{"applicantIdNumber": id, "category": category, "movers": []string{id}, "way": "ESTABLISH",
				"division": p.station[:6], "address": address}
		}

		// Bad input, each with its own reason; nothing is saved.
		bad := spouseApp()
		bad["movers"] = []string{p.head.IDNumber, p.kin.IDNumber}
		refused(bad, "BAD_USER_INPUT", "kinIdNumber", "migration.kin_moves")
		bad = spouseApp()
		bad["movers"] = []string{p.head.IDNumber, p.graduate.IDNumber}
		refused(bad, "BAD_USER_INPUT", "movers", "migration.mover_not_in_household")
		bad = spouseApp()
		bad["householdNumber"] = p.otherHousehold
		refused(bad, "NOT_FOUND", "householdNumber", "migration.household_unknown")
		bad = spouseApp()
		bad["kinIdNumber"] = p.graduate.IDNumber // not registered at Panjin
		refused(bad, "BAD_USER_INPUT", "kinIdNumber", "migration.kin_not_registered")
		refused(gradApp(p.graduate.IDNumber, "GRADUATE", "大洼区东风镇西村3组12号"), "BAD_USER_INPUT", "category", "migration.class_refused")
		outside := gradApp(p.graduate.IDNumber, "GRADUATE", "兴隆台区振兴街道1号")
		outside["division"] = "211104"
		refused(outside, "BAD_USER_INPUT", "division", "migration.division_outside")
		noConsent := spouseApp()
		noConsent["headConsent"] = false
		refused(noConsent, "BAD_USER_INPUT", "headConsent", "migration.head_consent")
		wrongWay := spouseApp()
		wrongWay["way"] = "ESTABLISH"
		refused(wrongWay, "BAD_USER_INPUT", "way", "migration.way")

		captureAll := func(id string, extra ...string) {
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
				if m.Required || slices.Contains(extra, m.Code) {
					var up struct{ UploadArchive struct{ ID string } }
					require.NoError(t, upload(c.pj.addr, clerk, `mutation($id: ID!, $m: String!, $f: Upload!) { uploadArchive(caseId: $id, materialCode: $m, file: $f) { id } }`,
						map[string]any{"id": id, "m": m.Code}, "f", m.Code+".png", pngBytes(t), &up))
				}
			}
		}
		fire := func(addr, tok, mutation string, mc migrationCase, extra string, vars map[string]any) (migrationCase, error) {
			var out map[string]migrationCase
			v := map[string]any{"id": mc.ID, "v": mc.Version}
			decl := ""
			for k, val := range vars {
				v[k] = val
				decl += fmt.Sprintf(", $%s: %s", k, map[string]string{"reasons": "[String!]!", "members": "[MigrationMemberInput!]!", "recodes": "[MigrationRecodeInput!]!", "head": "String!"}[k])
			}
			err := gql(addr, tok, fmt.Sprintf(`mutation($id: CaseID!, $v: Int!%s) { r: %s(input: {id: $id, version: $v%s}) { %s } }`, decl, mutation, extra, migrationFields), v, &out)
			return out["r"], err
		}
		get := func(addr, tok, id string) migrationCase {
			var out struct{ Case migrationCase }
			require.NoError(t, gql(addr, tok, `query($id: ID!) { case(id: $id) { `+migrationFields+` } }`, map[string]any{"id": id}, &out))
			return out.Case
		}
		remote := func(collabNo string) migrationCase {
			var out struct {
				Cases struct {
					Edges []struct{ Node migrationCase }
				}
			}
			require.Eventually(t, func() bool {
				require.NoError(t, gql(c.sjz.addr, officer, `query($no: String) { cases(filter: {collabNo: $no}) { edges { node { `+migrationFields+` } } } }`,
					map[string]any{"no": collabNo}, &out))
				return len(out.Cases.Edges) == 1
			}, 30*time.Second, 200*time.Millisecond, "the case never reached Shijiazhuang")
			return out.Cases.Edges[0].Node
		}
		waitStatus := func(addr, tok, id, status string) migrationCase {
			var mc migrationCase
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
				if mc = get(addr, tok, id); mc.Status == status {
					return mc
				}
			}
			t.Fatalf("case %s never reached %s (last %q)", id, status, mc.Status)
			return mc
		}
		resident := func(addr, tok, id string) *regResident {
			var out struct{ Resident *regResident }
			err := gql(addr, tok, `query($n: String!) { resident(idNumber: $n) { idNumber status hcybsh relation { code }
				household { number members { idNumber status relation { code } } } } }`, map[string]any{"n": id}, &out)
			if err != nil && strings.HasSuffix(err.Error(), "(NOT_FOUND)") {
				return nil
			}
			require.NoError(t, err)
			return out.Resident
		}
		// documents returns the case's documents by kind: their URLs.
		documents := func(addr, tok, id string) map[string][]string {
			var out struct {
				Case struct {
					Documents []struct {
						MaterialCode string
						URL          string
					}
				}
			}
			require.NoError(t, gql(addr, tok, `query($id: ID!) { case(id: $id) { documents { materialCode url } } }`, map[string]any{"id": id}, &out))
			docs := map[string][]string{}
			for _, d := range out.Case.Documents {
				docs[d.MaterialCode] = append(docs[d.MaterialCode], d.URL)
			}
			return docs
		}
		sjzBefore := resident(c.sjz.addr, c.sjzTok, p.spouse.IDNumber)
		require.NotNil(t, sjzBefore)

		// 1. 夫妻投靠: the head of a Shijiazhuang household and a child join
		// their spouse's household at Panjin.
		a := start(spouseApp())
		require.Equal(t, "DRAFT", a.Status)
		again := spouseApp()
		again["movers"] = []string{p.head.IDNumber}
		refused(again, "CONFLICT", "movers", "case.key_taken") // one live migration per person
		// Modify until submitted (1.2.2): the movers are fixed.
		const modifyQ = `mutation($id: CaseID!, $v: Int!, $a: MigrationApplicantInput!) { modifyMigration(input: {id: $id, version: $v, applicant: $a}) { ` + migrationFields + ` } }`
		changed := spouseApp()
		changed["movers"] = []string{p.head.IDNumber}
		requireRefused(t, gqlExt(t, c.pj.addr, clerk, modifyQ, map[string]any{"id": a.ID, "v": a.Version, "a": changed}), "BAD_USER_INPUT", "movers", "migration.movers_fixed")
		changed = spouseApp()
		changed["reason"] = "夫妻团聚"
		var modified struct{ ModifyMigration migrationCase }
		require.NoError(t, gql(c.pj.addr, clerk, modifyQ, map[string]any{"id": a.ID, "v": a.Version, "a": changed}, &modified))
		a = modified.ModifyMigration
		require.Equal(t, "DRAFT", a.Status)
		_, err := fire(c.pj.addr, clerk, "submitMigration", a, "", nil)
		require.ErrorContains(t, err, "BAD_USER_INPUT", "materials missing")
		captureAll(a.ID, "MARRIAGE_CERT", "HEAD_CONSENT")
		a = get(c.pj.addr, clerk, a.ID)
		a, err = fire(c.pj.addr, clerk, "submitMigration", a, "", nil)
		require.NoError(t, err)
		r := remote(a.CollabNo)
		require.Equal(t, "RECEIVED", r.Status)
		// The e-move-in permit was issued at submission and travelled with the application (4.1.2).
		require.NotNil(t, a.Details.Applicant.MoveInPermit)
		require.Equal(t, *a.Details.Applicant.MoveInPermit, *r.Details.Applicant.MoveInPermit)
		requireLicence(t, c.sjz.addr, officer, *a.Details.Applicant.MoveInPermit, "MOVE_IN_PERMIT", p.head.IDNumber)
		require.ElementsMatch(t, []string{"APPROVE_MIGRATION", "REFUSE_MIGRATION"}, r.AvailableActions)
		// The head leaves and the spouse stays: a new head is required.
		requireRefused(t, gqlExt(t, c.sjz.addr, officer, `mutation($id: CaseID!, $v: Int!) { approveMigration(input: {id: $id, version: $v}) { id } }`,
			map[string]any{"id": r.ID, "v": r.Version}), "BAD_USER_INPUT", "newHeadIdNumber", "migration.new_head_required")
		var recodes []map[string]string
		for _, m := range p.stayers[1:] {
			recodes = append(recodes, map[string]string{"idNumber": m.IDNumber, "relation": m.Relation})
		}
		if recodes == nil {
			recodes = []map[string]string{}
		}
		r, err = fire(c.sjz.addr, officer, "approveMigration", r, ", newHeadIdNumber: $head, recodes: $recodes", map[string]any{"head": p.spouse.IDNumber, "recodes": recodes})
		require.NoError(t, err)
		require.Equal(t, "MOVED_OUT", r.Status)
		require.NotEmpty(t, r.Details.Outcome.Certificate.LicenceID)
		a = waitStatus(c.pj.addr, clerk, a.ID, "MOVED_OUT")
		require.Equal(t, []string{"MOVE_IN_MIGRATION"}, a.AvailableActions)
		require.Len(t, a.Details.Outcome.Movers, 2, "the cross-province data of the movers arrived")
		members := []map[string]string{{"idNumber": p.head.IDNumber, "relation": "10"}, {"idNumber": p.child.IDNumber, "relation": childRelation(p.child.Sex)}}
		_, err = fire(c.pj.addr, clerk, "moveInMigration", a, ", members: $members", map[string]any{"members": members[:1]})
		require.ErrorContains(t, err, "BAD_USER_INPUT")
		a, err = fire(c.pj.addr, clerk, "moveInMigration", a, ", members: $members", map[string]any{"members": members})
		require.NoError(t, err)
		require.Equal(t, "COMPLETED", a.Status)
		require.Equal(t, p.kinHousehold, a.Details.Outcome.HouseholdNumber)
		// The e-migration certificate is a licence in both offices' stores (4.1.2).
		requireLicence(t, c.sjz.addr, officer, r.Details.Outcome.Certificate.LicenceID, "MIGRATION_CERTIFICATE", p.head.IDNumber)
		requireLicence(t, c.pj.addr, clerk, a.Details.Outcome.Certificate.LicenceID, "MIGRATION_CERTIFICATE", p.head.IDNumber)
		waitStatus(c.sjz.addr, officer, r.ID, "COMPLETED")
		// The 准予迁入证明 and each mover's updated 常住人口登记表 at A; the
		// record synced to R.
		docs := documents(c.pj.addr, clerk, a.ID)
		require.Len(t, docs["MOVE_IN_RECORD"], 1)
		require.Len(t, docs["REGISTRATION_FORM"], 2)
		record := pdfText(t, "http://"+c.pj.addr+docs["MOVE_IN_RECORD"][0], clerk)
		for _, want := range []string{"准予迁入证明", "夫妻投靠", p.head.IDNumber, p.child.IDNumber, p.kinHousehold, a.Details.Outcome.Certificate.LicenceID} {
			require.Contains(t, record, want)
		}
		require.Len(t, documents(c.sjz.addr, officer, r.ID)["MOVE_IN_RECORD"], 1)
		// The feedback's archives: each mover's 常住人口登记表 as Shijiazhuang held it, at both offices.
		archives := documents(c.pj.addr, clerk, a.ID)["MOVE_OUT_ARCHIVE"]
		require.Len(t, archives, 2)
		require.Len(t, documents(c.sjz.addr, officer, r.ID)["MOVE_OUT_ARCHIVE"], 2)
		archiveText := pdfText(t, "http://"+c.pj.addr+archives[0], clerk) + pdfText(t, "http://"+c.pj.addr+archives[1], clerk)
		require.Contains(t, archiveText, p.head.IDNumber)
		require.Contains(t, archiveText, p.child.IDNumber)

		// The registers: moved-out rows at R with the stayers re-coded and
		// their hcybsh untouched; new rows at A with the same ID numbers and
		// new identifiers; one head on each side.
		for _, m := range []domain.Resident{p.head, p.child} {
			out := resident(c.sjz.addr, c.sjzTok, m.IDNumber)
			require.Equal(t, "MOVED_OUT", out.Status, m.IDNumber)
			in := resident(c.pj.addr, pjReader, m.IDNumber)
			require.Equal(t, "ACTIVE", in.Status)
			require.Equal(t, p.kinHousehold, in.Household.Number)
			require.NotEmpty(t, in.Hcybsh)
			require.NotEqual(t, out.Hcybsh, in.Hcybsh)
		}
		stay := resident(c.sjz.addr, c.sjzTok, p.spouse.IDNumber)
		require.Equal(t, "02", stay.Relation.Code, "the spouse is the new head")
		require.Equal(t, sjzBefore.Hcybsh, stay.Hcybsh, "a stayer's hcybsh is untouched")
		heads := func(rs *regResident) int {
			n := 0
			for _, m := range rs.Household.Members {
				if m.Status == "ACTIVE" && (m.Relation.Code == "02" || m.Relation.Code == "01") {
					n++
				}
			}
			return n
		}
		require.Equal(t, 1, heads(stay))
		require.Equal(t, 1, heads(resident(c.pj.addr, pjReader, p.kin.IDNumber)))

		// 2. A graduate establishes a new household at Panjin.
		g := start(gradApp(p.graduate.IDNumber, "GRADUATE", "兴隆台区振兴街道学苑小区2号楼101"))
		captureAll(g.ID, "GRADUATION_CERT")
		g = get(c.pj.addr, clerk, g.ID)
		g, err = fire(c.pj.addr, clerk, "submitMigration", g, "", nil)
		require.NoError(t, err)
		gr := remote(g.CollabNo)
		// The Ministry does not answer: UNAVAILABLE, and nothing changed.
		ministryFaults := func(rules string) {
			req, _ := http.NewRequest(http.MethodPut, "http://"+c.simAddr+"/ministry/admin/faults", strings.NewReader(rules))
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			require.Equal(t, http.StatusOK, res.StatusCode)
		}
		ministryFaults(`{"/v1/migration-certificates": {"errorRate": 1}}`)
		requireRefused(t, gqlExt(t, c.sjz.addr, officer, `mutation($id: CaseID!, $v: Int!) { approveMigration(input: {id: $id, version: $v}) { id } }`,
			map[string]any{"id": gr.ID, "v": gr.Version}), "UNAVAILABLE", "", "integration.unavailable.ministry")
		require.Equal(t, "ACTIVE", resident(c.sjz.addr, c.sjzTok, p.graduate.IDNumber).Status, "nothing half-saved")
		require.Equal(t, "RECEIVED", get(c.sjz.addr, officer, gr.ID).Status)
		ministryFaults(`{}`)
		gr, err = fire(c.sjz.addr, officer, "approveMigration", gr, "", nil)
		require.NoError(t, err)
		require.True(t, gr.Details.Outcome.HouseholdClosed, "the graduate lived alone: the household closes")
		g = waitStatus(c.pj.addr, clerk, g.ID, "MOVED_OUT")
		g, err = fire(c.pj.addr, clerk, "moveInMigration", g, ", members: $members", map[string]any{"members": []map[string]string{{"idNumber": p.graduate.IDNumber, "relation": "02"}}})
		require.NoError(t, err)
		require.Equal(t, "COMPLETED", g.Status)
		newHH := g.Details.Outcome.HouseholdNumber
		require.NotEqual(t, p.kinHousehold, newHH)
		in := resident(c.pj.addr, pjReader, p.graduate.IDNumber)
		require.Equal(t, newHH, in.Household.Number)
		require.Equal(t, "02", in.Relation.Code)
		require.Equal(t, newHH+"01", in.Hcybsh)
		require.Equal(t, "MOVED_OUT", resident(c.sjz.addr, c.sjzTok, p.graduate.IDNumber).Status)
		waitStatus(c.sjz.addr, officer, gr.ID, "COMPLETED")

		// 3. A refusal closes both copies and frees the mover.
		x := start(gradApp(p.refused.IDNumber, "JOB_TRANSFER", "兴隆台区振兴街道人才公寓5号"))
		captureAll(x.ID, "TRANSFER_ORDER")
		x = get(c.pj.addr, clerk, x.ID)
		x, err = fire(c.pj.addr, clerk, "submitMigration", x, "", nil)
		require.NoError(t, err)
		xr := remote(x.CollabNo)
		_, err = fire(c.sjz.addr, officer, "refuseMigration", xr, ", reasons: $reasons", map[string]any{"reasons": []string{" "}})
		require.ErrorContains(t, err, "BAD_USER_INPUT")
		xr, err = fire(c.sjz.addr, officer, "refuseMigration", xr, ", reasons: $reasons", map[string]any{"reasons": []string{"调动证明与单位备案不符"}})
		require.NoError(t, err)
		x = waitStatus(c.pj.addr, clerk, x.ID, "REFUSED")
		require.Equal(t, []string{"调动证明与单位备案不符"}, x.Details.RefusalReasons)
		_, err = fire(c.pj.addr, clerk, "closeRefusedMigration", x, "", nil)
		require.NoError(t, err)
		waitStatus(c.sjz.addr, officer, xr.ID, "CLOSED")
		notice := documents(c.pj.addr, clerk, x.ID)["REFUSAL_NOTICE"]
		require.Len(t, notice, 1, "the refusal notice reached A")
		require.Contains(t, pdfText(t, "http://"+c.pj.addr+notice[0], clerk), "调动证明与单位备案不符")
		require.Len(t, documents(c.sjz.addr, officer, xr.ID)["REFUSAL_NOTICE"], 1)
		require.Equal(t, "ACTIVE", resident(c.sjz.addr, c.sjzTok, p.refused.IDNumber).Status, "a refusal moves nobody")
		require.Nil(t, resident(c.pj.addr, pjReader, p.refused.IDNumber))

		// Wrong role, side and state.
		_, err = fire(c.sjz.addr, officer, "submitMigration", xr, "", nil)
		require.ErrorContains(t, err, "FORBIDDEN")
		_, err = fire(c.pj.addr, clerk, "closeRefusedMigration", get(c.pj.addr, clerk, x.ID), "", nil)
		require.ErrorContains(t, err, "CONFLICT")
	}
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		run(t, filepath.Join(dir, "panjin.db"), filepath.Join(dir, "shijiazhuang.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		run(t, storagetest.PostgresSchemaURL(t), storagetest.PostgresSchemaURL(t))
	})
}

// requireLicence checks that licence id is known at addr as a valid licence
// of type typ held by holder (4.1.2).
func requireLicence(t *testing.T, addr, token, id, typ, holder string) {
	t.Helper()
	var out struct {
		Licence struct{ Type, Status, HolderIDNumber string }
	}
	require.NoError(t, gql(addr, token, `query($l: String!) { licence(id: $l) { type status holderIdNumber } }`, map[string]any{"l": id}, &out))
	require.Equal(t, typ, out.Licence.Type)
	require.Equal(t, "VALID", out.Licence.Status)
	require.Equal(t, holder, out.Licence.HolderIDNumber)
}
