package resolvers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
	"hukou/integrations/ministry/ministrysim"
	"hukou/integrations/portal"
	"hukou/storage"
	"hukou/storage/queue"
	"hukou/storage/storagetest"
)

// TestHukouBook takes e-hukou-book applications (3.1.6) end to end on both
// databases: a portal applies for a registered person within its scopes
// (refusals first: another scope's resident answers NOT_FOUND like no one,
// a wrong name, a bad ID number); the issue_hukou_book job asks the
// Ministry's e-licence service (the simulator over HTTP), keeps the licence
// in the licence store (4.1.1) and completes the application; the result
// reaches the portal by a signed webhook it verifies, and by reading it;
// another portal cannot read it.
func TestHukouBook(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := setup(t, db)
		ins, err := queue.NewInserter(ctx, db)
		require.NoError(t, err)
		db.SetJobInserter(ins)
		srv := b.caseServer(t, db, sim.URL)

		// The portal's webhook endpoint, verifying each signature.
		var mu sync.Mutex
		var secret string
		var received []domain.HukouBookPayload
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			defer mu.Unlock()
			if !domain.VerifyWebhook(secret, r.Header.Get(domain.WebhookSignatureHeader), r.Header.Get(domain.WebhookTimestampHeader), body, time.Now(), 5*time.Minute) {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			var p domain.HukouBookPayload
			if json.Unmarshal(body, &p) != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			received = append(received, p)
		}))
		t.Cleanup(hook.Close)

		login := func(id string, offices ...string) (token, webhookSecret string) {
			var out struct{ CreateIntegratorClient credentials }
			b.do2(t, srv.URL, b.token(t, b.admin), createClientMutation, map[string]any{"in": map[string]any{
				"clientId": id, "name": id, "officeCode": b.city, "kinds": []string{"BIRTH"}, "offices": offices, "webhookUrl": hook.URL}}).ok(t, &out)
			var l struct{ ClientLogin struct{ AccessToken string } }
			b.do2(t, srv.URL, "", clientLoginMutation, map[string]any{"id": id, "secret": out.CreateIntegratorClient.ClientSecret}).ok(t, &l)
			return l.ClientLogin.AccessToken, out.CreateIntegratorClient.WebhookSecret
		}
		portalToken, ws := login("hkb-portal", b.station)
		mu.Lock()
		secret = ws
		mu.Unlock()
		otherPortal, _ := login("hkb-other", b.otherStation)

		const applyQ = `mutation($in: ApplyHukouBookInput!) { applyHukouBook(input: $in) { id status idNumber name licenceId } }`
		apply := func(token, idNumber, name string) gqlResponse {
			return b.do2(t, srv.URL, token, applyQ, map[string]any{"in": map[string]any{"reference": "LN-HKB-1", "idNumber": idNumber, "name": name}})
		}
		// Refusals, each with its code and field.
		requireError(t, apply(otherPortal, b.resident.IDNumber, b.resident.Name), "NOT_FOUND", "idNumber", "hukou_book.not_registered")
		requireError(t, apply(portalToken, b.otherResident.IDNumber, b.otherResident.Name), "NOT_FOUND", "idNumber", "hukou_book.not_registered")
		requireError(t, apply(portalToken, b.resident.IDNumber, "某某某"), "BAD_USER_INPUT", "name", "hukou_book.name_mismatch")
		requireError(t, apply(portalToken, "123", b.resident.Name), "BAD_USER_INPUT", "idNumber", "")
		requireError(t, apply(b.token(t, b.clerk), b.resident.IDNumber, b.resident.Name), "FORBIDDEN", "", "")

		var sub struct {
			ApplyHukouBook struct {
				ID, Status, IDNumber, Name string
				LicenceID                  *string
			}
		}
		apply(portalToken, b.resident.IDNumber, b.resident.Name).ok(t, &sub)
		app := sub.ApplyHukouBook
		require.Equal(t, "SUBMITTED", app.Status)
		require.NotEqual(t, b.resident.IDNumber, app.IDNumber, "the portal reads the ID number masked")

		// The issue_hukou_book job (as its worker runs it) asks the Ministry.
		books := &domain.HukouBookService{DB: db, Audit: b.audit, Authority: ministry.New(httpclient.Config{BaseURL: sim.URL}), Licences: db.Licences(), Now: time.Now, NewID: newID}
		require.NoError(t, books.Issue(ctx, app.ID, false))
		require.NoError(t, books.Issue(ctx, app.ID, false), "a job run again changes nothing")

		const readQ = `query($id: ID!) { hukouBookApplication(id: $id) { status licenceId validUntil } }`
		var read struct {
			HukouBookApplication struct {
				Status     string
				LicenceID  *string
				ValidUntil *time.Time
			}
		}
		b.do2(t, srv.URL, portalToken, readQ, map[string]any{"id": app.ID}).ok(t, &read)
		require.Equal(t, "COMPLETED", read.HukouBookApplication.Status)
		require.NotNil(t, read.HukouBookApplication.LicenceID)
		require.NotNil(t, read.HukouBookApplication.ValidUntil)
		requireError(t, b.do2(t, srv.URL, otherPortal, readQ, map[string]any{"id": app.ID}), "NOT_FOUND", "", "not_found")
		// The licence is in the licence store, the Ministry's, for the person.
		l, err := db.Licences().FindLicence(ctx, *read.HukouBookApplication.LicenceID)
		require.NoError(t, err)
		require.Equal(t, domain.LicenceHukouBook, l.Type)
		require.Equal(t, b.resident.IDNumber, l.HolderIDNumber)

		// The Ministry down: the job retries (the application waits), and its
		// last attempt refuses the application with a reason.
		var again struct{ ApplyHukouBook struct{ ID string } }
		apply(portalToken, b.resident.IDNumber, b.resident.Name).ok(t, &again)
		down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
		t.Cleanup(down.Close)
		books.Authority = ministry.New(httpclient.Config{BaseURL: down.URL})
		err = books.Issue(ctx, again.ApplyHukouBook.ID, false)
		require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err), "%v", err)
		waiting, err := db.HukouBooks().FindHukouBookApplication(ctx, again.ApplyHukouBook.ID)
		require.NoError(t, err)
		require.Equal(t, domain.OnlineSubmitted, waiting.Status)
		require.NoError(t, books.Issue(ctx, again.ApplyHukouBook.ID, true))
		refused, err := db.HukouBooks().FindHukouBookApplication(ctx, again.ApplyHukouBook.ID)
		require.NoError(t, err)
		require.Equal(t, domain.OnlineRefused, refused.Status)
		require.NotEmpty(t, refused.Reason)

		// The webhooks (as the deliver_webhook job posts them), signed, once each.
		online := &domain.OnlineService{DB: db, Webhooks: &portal.Sender{}, Now: time.Now}
		ds, err := db.Online().FindWebhookDeliveries(ctx, domain.WebhookPending, 100)
		require.NoError(t, err)
		for _, d := range ds {
			require.NoError(t, online.DeliverWebhook(ctx, d.ID, false))
		}
		mu.Lock()
		defer mu.Unlock()
		require.Len(t, received, 4)
		require.Equal(t, domain.OnlineSubmitted, received[0].Status)
		require.Equal(t, domain.OnlineCompleted, received[1].Status)
		require.Equal(t, domain.OnlineRefused, received[3].Status)
		require.Equal(t, *read.HukouBookApplication.LicenceID, received[1].LicenceID)
		require.Equal(t, "hukou_book.updated", received[1].Type)
		require.NotEqual(t, b.resident.IDNumber, received[1].IDNumber, "masked in webhooks too")
	})
}
