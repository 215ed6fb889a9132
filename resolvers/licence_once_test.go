package resolvers_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/documents"
	"hukou/domain"
	"hukou/domain/birth"
	"hukou/domain/idcard"
	"hukou/domain/population"
	"hukou/integrations/fault"
	"hukou/integrations/fingerprint"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
	"hukou/integrations/ministry/ministrysim"
	"hukou/integrations/production"
	"hukou/integrations/province"
	"hukou/storage"
	"hukou/storage/blob"
	"hukou/storage/queue"
	"hukou/storage/storagetest"
)

// lossyMinistry is a Ministry simulator of its own (a small population:
// only its licences matter) whose licence endpoint loses its next answer:
// the licence is issued, the caller never hears of it.
func lossyMinistry(t *testing.T) (*ministrysim.Simulator, *httptest.Server) {
	t.Helper()
	sim := ministrysim.MustNew(ministrysim.Config{Populations: []population.Config{{Seed: 1, Division: "211100", Residents: 50}}, Faults: fault.New(3)})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	sim.Faults().Set(ministry.EndpointLicences, fault.Rule{LoseNext: 1})
	return sim, srv
}

// licencesOf returns the licences of type typ the simulator issued to holder.
func licencesOf(sim *ministrysim.Simulator, typ domain.LicenceType, holder string) []ministry.Licence {
	var out []ministry.Licence
	for _, l := range sim.Licences() {
		if l.Type == string(typ) && l.HolderIDNumber == holder {
			out = append(out, l)
		}
	}
	return out
}

// TestHukouBook_IssuedOnce: the issue_hukou_book job (3.1.6) has the
// Ministry issue exactly one e-hukou book per application (4.1.1, #17) on
// both databases. The Ministry's answer is lost once: with the client's
// retries the job's one run completes; with none, the first run fails as
// unavailable (the Ministry issued) and the job's next run is answered the
// same licence under the application's key. Either way the Ministry holds
// one licence, the one the application and the licence store record.
func TestHukouBook_IssuedOnce(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := setup(t, db)
		ins, err := queue.NewInserter(ctx, db)
		require.NoError(t, err)
		db.SetJobInserter(ins)
		shared := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{Populations: []population.Config{{Seed: 1, Division: "211100", Residents: 50}}}))
		t.Cleanup(shared.Close)
		srv := b.caseServer(t, db, shared.URL)

		var creds struct{ CreateIntegratorClient credentials }
		b.do2(t, srv.URL, b.token(t, b.admin), createClientMutation, map[string]any{"in": map[string]any{
			"clientId": "hkb-once", "name": "hkb-once", "officeCode": b.city, "kinds": []string{"BIRTH"}, "offices": []string{b.station}}}).ok(t, &creds)
		var login struct{ ClientLogin struct{ AccessToken string } }
		b.do2(t, srv.URL, "", clientLoginMutation, map[string]any{"id": "hkb-once", "secret": creds.CreateIntegratorClient.ClientSecret}).ok(t, &login)
		apply := func() string {
			var out struct{ ApplyHukouBook struct{ ID string } }
			b.do2(t, srv.URL, login.ClientLogin.AccessToken, `mutation($in: ApplyHukouBookInput!) { applyHukouBook(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"reference": "LN-HKB-ONCE", "idNumber": b.resident.IDNumber, "name": b.resident.Name}}).ok(t, &out)
			return out.ApplyHukouBook.ID
		}
		requireIssuedOnce := func(sim *ministrysim.Simulator, id string) {
			t.Helper()
			a, err := db.HukouBooks().FindHukouBookApplication(ctx, id)
			require.NoError(t, err)
			require.Equal(t, domain.OnlineCompleted, a.Status, a.Reason)
			issued := licencesOf(sim, domain.LicenceHukouBook, b.resident.IDNumber)
			require.Len(t, issued, 1, "one e-hukou book at the Ministry")
			require.Equal(t, issued[0].LicenceID, a.LicenceID)
			kept, err := db.Licences().FindLicence(ctx, a.LicenceID)
			require.NoError(t, err)
			require.Equal(t, issued[0].Signature, kept.Signature)
			require.Zero(t, sim.Faults().Rules()[ministry.EndpointLicences].LoseNext, "the answer was lost")
		}
		books := func(url string, attempts int) *domain.HukouBookService {
			return &domain.HukouBookService{DB: db, Audit: b.audit, Licences: db.Licences(), Now: time.Now, NewID: newID,
				Authority: ministry.New(httpclient.Config{BaseURL: url, MaxAttempts: attempts, BaseBackoff: time.Millisecond})}
		}

		t.Run("ClientRetries", func(t *testing.T) {
			sim, ms := lossyMinistry(t)
			id := apply()
			require.NoError(t, books(ms.URL, 3).Issue(ctx, id, false))
			requireIssuedOnce(sim, id)
		})
		t.Run("JobRetries", func(t *testing.T) {
			sim, ms := lossyMinistry(t)
			id := apply()
			job := books(ms.URL, 1)
			err := job.Issue(ctx, id, false)
			require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err), "%v", err)
			require.Len(t, licencesOf(sim, domain.LicenceHukouBook, b.resident.IDNumber), 1, "issued, the answer lost")
			waiting, err := db.HukouBooks().FindHukouBookApplication(ctx, id)
			require.NoError(t, err)
			require.Equal(t, domain.OnlineSubmitted, waiting.Status)
			require.NoError(t, job.Issue(ctx, id, false), "the job's next attempt")
			requireIssuedOnce(sim, id)
		})
	})
}

// TestIDCard_ELicenceIssuedOnce: the e-ID case job of a produced card
// (1.3.10) has the Ministry issue exactly one e-ID (4.1.1, #17) on both
// databases. Its first run loses the Ministry's answer (no client retries:
// the job fails as unavailable after the Ministry issued, as after a crash
// before the commit); its next run is answered the same licence under the
// case's key and records it; a run after that changes nothing. The Ministry
// holds one e-ID, the one the case and the licence store record.
func TestIDCard_ELicenceIssuedOnce(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := setup(t, db)
		sim, ms := lossyMinistry(t)
		mc := ministry.New(httpclient.Config{BaseURL: ms.URL, MaxAttempts: 1})
		blobs, err := blob.NewLocal(t.TempDir())
		require.NoError(t, err)
		cases := storagetest.Engine(db, b.audit)
		cards := idcard.New(cases, mc, province.New(httpclient.Config{BaseURL: ms.URL}), production.New(httpclient.Config{BaseURL: ms.URL}),
			fingerprint.Matcher{}, domain.NewArchiveService(cases, blobs, mc, 0), idcard.Config{})
		cards.Licences = &domain.LicenceService{Repo: db.Licences(), Authority: mc, Audit: b.audit, Cases: cases, Now: time.Now}
		cases.Register(cards)

		// A produced card's case at the registration office, its licence
		// record made as onProduced makes it.
		now := time.Now().UTC()
		collabNo := "XI" + newID()[:18]
		person := domain.MinistryPerson{IDNumber: b.resident.IDNumber, Name: b.resident.Name}
		issue := idcard.Issue{Years: 20, ValidFrom: "2026-12-02", ValidUntil: "2046-12-02", IssuedOn: "2026-12-02", Authority: "盘锦市公安局兴隆台分局"}
		result, err := json.Marshal(idcard.Outcome{Issue: &issue, Licence: idcard.NewLicence(collabNo, person, issue, "21110320261203000001", now)})
		require.NoError(t, err)
		c := &domain.Case{ID: newID(), Kind: idcard.Kind, Side: domain.SideRegistration, CollabNo: collabNo, Status: domain.StatusApproved,
			AcceptanceOffice: "130102000100", RegistrationOffice: b.station, RegistrationProvince: "21", Office: b.station,
			Applicant: json.RawMessage(`{}`), Ministry: json.RawMessage(`{}`), Result: result, CreatedBy: "officer", CreatedAt: now, UpdatedAt: now}
		require.NoError(t, db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error { return tx.Cases().CreateCase(ctx, c) }))

		const job = "E_ID_LICENCE" // idcard's case job of the e-ID
		err = cards.RunJob(ctx, c, job)
		require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err), "%v", err)
		require.Len(t, licencesOf(sim, domain.LicenceIDCard, b.resident.IDNumber), 1, "issued, the answer lost")
		require.NoError(t, cards.RunJob(ctx, c, job), "the job's next attempt")
		require.NoError(t, cards.RunJob(ctx, c, job), "recorded: nothing to do")

		issued := licencesOf(sim, domain.LicenceIDCard, b.resident.IDNumber)
		require.Len(t, issued, 1, "one e-ID at the Ministry")
		got, err := db.Cases().FindCaseByID(ctx, c.ID)
		require.NoError(t, err)
		var out idcard.Outcome
		require.NoError(t, json.Unmarshal(got.Result, &out))
		require.Equal(t, issued[0].LicenceID, out.Licence.MinistryLicenceID)
		kept, err := db.Licences().FindLicence(ctx, issued[0].LicenceID)
		require.NoError(t, err)
		require.Equal(t, issued[0].Signature, kept.Signature)
		require.Equal(t, collabNo, kept.Data["collabNo"])
	})
}

// TestBirth_HukouBookIssuedOnce: the settlement's e-hukou-book case job
// (4.1.2) has the Ministry issue exactly one updated e-hukou book (4.1.1,
// #17) on both databases, its first run losing the Ministry's answer as in
// TestIDCard_ELicenceIssuedOnce.
func TestBirth_HukouBookIssuedOnce(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := setup(t, db)
		sim, ms := lossyMinistry(t)
		mc := ministry.New(httpclient.Config{BaseURL: ms.URL, MaxAttempts: 1})
		blobs, err := blob.NewLocal(t.TempDir())
		require.NoError(t, err)
		renderer, err := documents.New(documents.Config{})
		require.NoError(t, err)
		cases := storagetest.Engine(db, b.audit)
		births := birth.New(cases, mc, province.New(httpclient.Config{BaseURL: ms.URL}), renderer, domain.NewArchiveService(cases, blobs, mc, 0))
		births.Licences = &domain.LicenceService{Repo: db.Licences(), Authority: mc, Audit: b.audit, Cases: cases, Now: time.Now}
		cases.Register(births)

		// A settled birth at the registration office: the newborn joined
		// the household of the bundle's resident.
		hs, err := db.Register().FindHouseholdsByIDs(ctx, []string{b.resident.HouseholdID})
		require.NoError(t, err)
		require.Len(t, hs, 1)
		now := time.Now().UTC()
		collabNo := "XB" + newID()[:18]
		result, err := json.Marshal(map[string]any{"householdNumber": hs[0].Number, "newbornName": "陈晓明", "idNumber": "211103202611260011"})
		require.NoError(t, err)
		c := &domain.Case{ID: newID(), Kind: birth.Kind, Side: domain.SideRegistration, CollabNo: collabNo, Status: domain.StatusApproved,
			AcceptanceOffice: "130102000100", RegistrationOffice: b.station, RegistrationProvince: "21", Office: b.station,
			Applicant: json.RawMessage(`{}`), Ministry: json.RawMessage(`{}`), Result: result, CreatedBy: "officer", CreatedAt: now, UpdatedAt: now}
		require.NoError(t, db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error { return tx.Cases().CreateCase(ctx, c) }))
		ofCase := func() []ministry.Licence {
			var out []ministry.Licence
			for _, l := range sim.Licences() {
				if l.Type == string(domain.LicenceHukouBook) && l.Data["collabNo"] == collabNo {
					out = append(out, l)
				}
			}
			return out
		}

		const job = "HUKOU_BOOK_LICENCE" // birth's case job of the e-hukou book
		err = births.RunJob(ctx, c, job)
		require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err), "%v", err)
		require.Len(t, ofCase(), 1, "issued, the answer lost")
		require.NoError(t, births.RunJob(ctx, c, job), "the job's next attempt")
		require.NoError(t, births.RunJob(ctx, c, job), "recorded: nothing to do")

		issued := ofCase()
		require.Len(t, issued, 1, "one e-hukou book at the Ministry")
		got, err := db.Cases().FindCaseByID(ctx, c.ID)
		require.NoError(t, err)
		var out birth.Outcome
		require.NoError(t, json.Unmarshal(got.Result, &out))
		require.Equal(t, issued[0].LicenceID, out.HukouBookLicenceID)
		_, err = db.Licences().FindLicence(ctx, issued[0].LicenceID)
		require.NoError(t, err)
	})
}
