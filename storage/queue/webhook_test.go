package queue_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/portal"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestOnlineService_DeliverWebhook covers a webhook's life on both
// databases (issue 18): a failed attempt is counted and retried, the last
// failure makes the delivery dead, an administrator's replay makes it
// pending with a new job enqueued, and the next attempt delivers it signed.
func TestOnlineService_DeliverWebhook(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		installInserter(t, db)
		var up atomic.Bool
		var verified atomic.Int32
		const secret = "webhook-secret"
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if !up.Load() {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			}
			if domain.VerifyWebhook(secret, r.Header.Get(domain.WebhookSignatureHeader), r.Header.Get(domain.WebhookTimestampHeader), body, time.Now(), time.Minute) {
				verified.Add(1)
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		t.Cleanup(srv.Close)

		u := storagetest.CreateUser(t, db, func(u *domain.User) { u.Roles = []domain.Role{domain.RoleIntegrator} })
		now := time.Now().UTC()
		require.NoError(t, db.Integrators().CreateIntegratorClient(ctx, &domain.IntegratorClient{UserID: u.ID, ClientID: u.Username, Name: "portal",
			Kinds: []domain.CaseKind{"BIRTH"}, Offices: []string{"2111"}, RatePerMinute: 60, WebhookURL: srv.URL, WebhookSecret: secret, CreatedAt: now, UpdatedAt: now}))
		app := &domain.OnlineApplication{ID: uuid.NewString(), ClientUserID: u.ID, ClientID: u.Username, Kind: "BIRTH", Office: u.OfficeCode,
			Data: json.RawMessage(`{}`), Materials: []domain.OnlineMaterial{}, Status: domain.OnlineSubmitted, CreatedAt: now, UpdatedAt: now}
		require.NoError(t, db.Online().CreateOnlineApplication(ctx, app))
		d := &domain.WebhookDelivery{ID: uuid.NewString(), ClientUserID: u.ID, ApplicationID: app.ID, Payload: json.RawMessage(`{"status":"SUBMITTED"}`),
			Status: domain.WebhookPending, CreatedAt: now, UpdatedAt: now}
		require.NoError(t, db.Online().CreateWebhookDelivery(ctx, d))
		require.Equal(t, 1, d.Seq)
		svc := &domain.OnlineService{DB: db, Webhooks: &portal.Sender{}, Now: time.Now, NewID: uuid.NewString}
		status := func() *domain.WebhookDelivery {
			got, err := db.Online().FindWebhookDelivery(ctx, d.ID)
			require.NoError(t, err)
			return got
		}

		require.ErrorContains(t, svc.DeliverWebhook(ctx, d.ID, false), "503", "a failed attempt is retried")
		require.Equal(t, domain.WebhookPending, status().Status)
		require.Equal(t, 1, status().Attempts)
		require.NoError(t, svc.DeliverWebhook(ctx, d.ID, true), "the last attempt ends the retries")
		dead := status()
		require.Equal(t, domain.WebhookDead, dead.Status)
		require.Contains(t, dead.LastError, "503")

		admin := domain.WithActor(ctx, &domain.Actor{UserID: "admin", Username: "admin", Roles: []domain.Role{domain.RoleAdmin}})
		_, err := svc.ReplayWebhook(domain.WithActor(ctx, &domain.Actor{UserID: "c", Roles: []domain.Role{domain.RoleClerk}}), d.ID)
		require.Equal(t, domain.CodeForbidden, domain.ErrorCode(err))
		replayed, err := svc.ReplayWebhook(admin, d.ID)
		require.NoError(t, err)
		require.Equal(t, domain.WebhookPending, replayed.Status)
		require.Zero(t, replayed.Attempts)
		requireInserted(t, db, domain.DeliverWebhookArgs{DeliveryID: d.ID})

		up.Store(true)
		require.NoError(t, svc.DeliverWebhook(ctx, d.ID, false))
		require.Equal(t, domain.WebhookDelivered, status().Status)
		require.NotNil(t, status().DeliveredAt)
		require.EqualValues(t, 1, verified.Load(), "signed with the client's webhook secret")
		require.NoError(t, svc.DeliverWebhook(ctx, d.ID, false), "a delivered webhook is not sent again")
		require.EqualValues(t, 1, verified.Load())
		_, err = svc.ReplayWebhook(admin, d.ID)
		require.Equal(t, domain.CodeInvalidTransition, domain.ErrorCode(err))
	})
}
