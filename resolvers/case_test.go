package resolvers_test

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/documents"
	"hukou/domain"
	"hukou/domain/birth"
	"hukou/domain/certificate"
	"hukou/domain/idcard"
	"hukou/domain/migration"
	"hukou/graph/scalar"
	"hukou/integrations/fingerprint"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
	"hukou/integrations/ministry/ministrysim"
	"hukou/integrations/production"
	"hukou/integrations/province"
	"hukou/resolvers"
	"hukou/storage"
	"hukou/storage/blob"
	"hukou/storage/storagetest"
)

// TestBirthMutations_RefusedToOtherRoles sends every birth step as users
// whose roles may not take it: the @auth gate refuses each with FORBIDDEN
// before any case is loaded. (Which side, jurisdiction and status a step
// needs is the engine's job, tested per state and role in domain and end to
// end in cmd/hukou.)
func TestBirthMutations_RefusedToOtherRoles(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		const id = `"Q2FzZTpub25l"`
		step := `{id: ` + id + `, version: 1}`
		applicant := `{newbornName: "x", ethnicity: "01", relation: "20", settleWith: "FATHER", declarantName: "x", declarantIdNumber: "x"}`
		clerkSteps := []string{
			`startBirthRegistration(input: {certificateNumber: "M130000001", applicant: ` + applicant + `}) { id }`,
			`modifyBirthRegistration(input: {id: ` + id + `, version: 1, applicant: ` + applicant + `}) { id }`,
			`submitBirthRegistration(input: ` + step + `) { id }`,
			`closeRefusedBirthRegistration(input: ` + step + `) { id }`,
			`printBirthForm(input: ` + step + `) { id }`,
			`reportBirthErrors(input: {id: ` + id + `, version: 1, items: [{field: "name", wanted: "x"}]}) { id }`,
		}
		officerSteps := []string{
			`approveBirthRegistration(input: ` + step + `) { id }`,
			`refuseBirthRegistration(input: {id: ` + id + `, version: 1, reasons: ["x"]}) { id }`,
			`settleBirthRegistration(input: {id: ` + id + `, version: 1, newborn: {householdNumber: "1", name: "x", sex: "1", ethnicity: "01", birthDate: "2026-01-01", relation: "20"}}) { id }`,
			`correctBirthMinor(input: {id: ` + id + `, version: 1, changes: [{field: "formerNames", value: "x"}]}) { id }`,
			`requestBirthMajorChange(input: {id: ` + id + `, version: 1, change: {field: "name", value: "x", reason: "x"}}) { id }`,
			`resendBirthForm(input: ` + step + `) { id }`,
			`fileBirthRegistration(input: ` + step + `) { id }`,
		}
		approverSteps := []string{
			`approveBirthMajorChange(input: ` + step + `) { id }`,
			`rejectBirthMajorChange(input: {id: ` + id + `, version: 1, reason: "x"}) { id }`,
		}
		check := func(t *testing.T, token string, steps []string) {
			for _, step := range steps {
				requireError(t, b.do(t, token, "mutation { "+step+" }", nil), "FORBIDDEN", "", "auth.role")
			}
		}
		analyst := b.token(t, b.analyst)
		clerk := b.token(t, b.clerk)
		admin := b.token(t, b.admin)
		t.Run("ClerkSteps", func(t *testing.T) { check(t, analyst, clerkSteps); check(t, admin, clerkSteps) })
		t.Run("OfficerSteps", func(t *testing.T) { check(t, analyst, officerSteps); check(t, clerk, officerSteps) })
		t.Run("ApproverSteps", func(t *testing.T) { check(t, clerk, approverSteps); check(t, admin, approverSteps) })
	})
}

// TestCase_OneTypeForEveryKind reads a birth case as the one Case type:
// through node(id:) and case(id:), with its kind's details, the actions the
// declaration offers the caller and the server's capture rule; outside the
// jurisdiction it is NOT_FOUND like a case that does not exist (for reads
// and steps alike), and a malformed case ID in a step's input is
// refused once, by the CaseID scalar, before anything runs.
func TestCase_OneTypeForEveryKind(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		srv := b.caseServer(t, db, sim.URL)

		caseID := newBirthCase(t, db, b.station)
		gid := scalar.GlobalID("Case", caseID)
		const q = `query($id: ID!) { node(id: $id) { __typename id ... on Case { kind status availableActions canCaptureArchives
			details { __typename ... on BirthDetails { refusalReasons ministryChecks { check } } } timeline { action } } } }`
		var got struct {
			Node struct {
				Typename           string `json:"__typename"`
				ID, Kind, Status   string
				AvailableActions   []string
				CanCaptureArchives bool
				Details            struct {
					Typename       string `json:"__typename"`
					RefusalReasons []string
					MinistryChecks []struct{ Check string }
				}
			}
		}
		b.do2(t, srv.URL, b.token(t, b.clerk), q, map[string]any{"id": gid}).ok(t, &got)
		n := got.Node
		require.Equal(t, "Case", n.Typename)
		require.Equal(t, gid, n.ID)
		require.Equal(t, "BIRTH", n.Kind)
		require.Equal(t, "DRAFT", n.Status)
		require.Equal(t, []string{"MODIFY_BIRTH_REGISTRATION", "SUBMIT_BIRTH_REGISTRATION"}, n.AvailableActions)
		require.True(t, n.CanCaptureArchives)
		require.Equal(t, "BirthDetails", n.Details.Typename)
		require.Equal(t, []string{}, n.Details.RefusalReasons)
		require.Len(t, n.Details.MinistryChecks, 5)

		// Opened at the counter: no online application behind it (3.1.4).
		var origin struct {
			Case struct{ OnlineApplication *struct{ ID string } }
		}
		b.do2(t, srv.URL, b.token(t, b.clerk), `query($id: ID!) { case(id: $id) { onlineApplication { id } } }`, map[string]any{"id": gid}).ok(t, &origin)
		require.Nil(t, origin.Case.OnlineApplication)

		// An analyst reads it but may take no step and capture nothing.
		b.do2(t, srv.URL, b.token(t, b.analyst), q, map[string]any{"id": gid}).ok(t, &got)
		require.Empty(t, got.Node.AvailableActions)
		require.False(t, got.Node.CanCaptureArchives)
		ghost := scalar.GlobalID("Case", "00000000-0000-7000-8000-000000000000")
		none := requireError(t, b.do2(t, srv.URL, b.token(t, b.otherClerk), q, map[string]any{"id": ghost}), "NOT_FOUND", "", "not_found")
		hidden := requireError(t, b.do2(t, srv.URL, b.token(t, b.otherClerk), q, map[string]any{"id": gid}), "NOT_FOUND", "", "not_found")
		require.Equal(t, none.Message, hidden.Message)
		const step = `mutation($id: CaseID!) { submitBirthRegistration(input: {id: $id, version: 1}) { id } }`
		none = requireError(t, b.do2(t, srv.URL, b.token(t, b.otherClerk), step, map[string]any{"id": ghost}), "NOT_FOUND", "", "not_found")
		hidden = requireError(t, b.do2(t, srv.URL, b.token(t, b.otherClerk), step, map[string]any{"id": gid}), "NOT_FOUND", "", "not_found")
		require.Equal(t, none.Message, hidden.Message)
		require.Len(t, b.auditEntries(t, domain.AuditFilter{Action: domain.AuditDenied, SubjectID: caseID, ActorID: b.otherClerk.ID}), 2, "the read and the step")

		for _, bad := range []string{"not-an-id", scalar.GlobalID("Resident", "x")} {
			requireError(t, b.do2(t, srv.URL, b.token(t, b.clerk), `mutation($id: CaseID!) { submitBirthRegistration(input: {id: $id, version: 1}) { id } }`,
				map[string]any{"id": bad}), "BAD_USER_INPUT", "id", "node.id")
		}
	})
}

// caseServer starts a server over b's database with the case engine and
// the birth and migration modules wired as cmd/hukou wires them, the Ministry and the
// province at simURL (a ministrysim server).
func (b *testBundle) caseServer(t *testing.T, db *storage.DB, simURL string) *httptest.Server {
	t.Helper()
	return b.caseServerWith(t, db, simURL, simURL)
}

// caseServerWith is caseServer with the province service at provinceURL
// (a provincesim), so intakes get collaboration numbers.
func (b *testBundle) caseServerWith(t *testing.T, db *storage.DB, simURL, provinceURL string) *httptest.Server {
	t.Helper()
	blobs, err := blob.NewLocal(t.TempDir())
	require.NoError(t, err)
	renderer, err := documents.New(documents.Config{})
	require.NoError(t, err)
	mc := ministry.New(httpclient.Config{BaseURL: simURL})
	cases := storagetest.Engine(db, b.audit)
	archives := domain.NewArchiveService(cases, blobs, mc, 0)
	prov := province.New(httpclient.Config{BaseURL: provinceURL})
	births := birth.New(cases, mc, prov, renderer, archives)
	cases.Register(births)
	migrations := migration.New(cases, mc, prov, renderer, archives)
	cases.Register(migrations)
	certs := certificate.New(cases, mc, prov, prov, renderer, archives)
	cases.Register(certs)
	cases.Register(certs.Info())
	cards := idcard.New(cases, mc, prov, production.New(httpclient.Config{BaseURL: simURL}), fingerprint.Matcher{}, archives, idcard.Config{})
	cases.Register(cards)
	res := *b.res
	res.Casework, res.Archives, res.Birth, res.Migration, res.Certificate, res.IDCard = cases, archives, births, migrations, certs, cards
	res.Online = domain.NewOnlineService(db, b.audit, cases, archives, res.Integrators, nil)
	res.FoundCards = &domain.FoundCardService{DB: db, Audit: b.audit, Ministry: mc, Now: time.Now, NewID: newID}
	res.HukouBooks = &domain.HukouBookService{DB: db, Audit: b.audit, Integrators: res.Integrators, Authority: mc, Licences: db.Licences(), Now: time.Now, NewID: newID}
	mux := http.NewServeMux()
	mux.Handle("/graphql", resolvers.NewHandler(resolvers.Config{Resolver: &res, Tokens: b.tokens}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestCases_OfficeFilter searches the case list by office (#19 item 4) on
// both databases: a station, a county bureau with its stations, within the
// caller's jurisdiction; an office outside it, or none, answers NOT_FOUND
// (case.office), and the total counts alike.
func TestCases_OfficeFilter(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		srv := b.caseServer(t, db, sim.URL)
		mine := newBirthCase(t, db, b.station)
		other := newBirthCase(t, db, b.otherStation)
		const q = `query($o: String) { cases(filter: {office: $o}) { edges { node { id } } } caseCount(filter: {office: $o}) }`
		ids := func(token, office string) ([]string, int) {
			t.Helper()
			var out struct {
				Cases struct {
					Edges []struct{ Node struct{ ID string } }
				}
				CaseCount int
			}
			b.do2(t, srv.URL, token, q, map[string]any{"o": office}).ok(t, &out)
			var got []string
			for _, e := range out.Cases.Edges {
				_, id, _ := scalar.ParseGlobalID(e.Node.ID)
				got = append(got, id)
			}
			sort.Strings(got)
			return got, out.CaseCount
		}
		admin := b.token(t, b.admin)
		got, n := ids(admin, b.station)
		require.Equal(t, []string{mine}, got)
		require.Equal(t, 1, n)
		got, _ = ids(admin, b.otherStation)
		require.Equal(t, []string{other}, got)
		got, _ = ids(admin, b.county)
		require.Contains(t, got, mine, "a county bureau covers its stations")
		all, n := ids(admin, "")
		require.ElementsMatch(t, []string{mine, other}, all)
		require.Equal(t, 2, n)
		clerk := b.token(t, b.clerk)
		got, _ = ids(clerk, b.station)
		require.Equal(t, []string{mine}, got)
		const list, count = `query($o: String) { cases(filter: {office: $o}) { edges { node { id } } } }`, `query($o: String) { caseCount(filter: {office: $o}) }`
		for _, one := range []string{list, count} {
			requireError(t, b.do2(t, srv.URL, clerk, one, map[string]any{"o": b.otherStation}), "NOT_FOUND", "office", "case.office")
			requireError(t, b.do2(t, srv.URL, admin, one, map[string]any{"o": "999999999999"}), "NOT_FOUND", "office", "case.office")
		}
	})
}
