package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"hukou/domain"
	"hukou/integrations/portal/portalsim"
)

// provisionDemoPortal registers the demo's "portal" user as an integrator
// client of d (BIRTH to every office of the city, webhooks to the
// in-process portal simulator at simURL/portal) when it has no client yet,
// and points the simulator at d (issue 18 item 7), so that the demo's
// portal submits online births and receives their webhooks.
func provisionDemoPortal(ctx context.Context, d *deployment, simURL string) error {
	db := d.app.db
	u, err := db.Users().FindUserByUsername(ctx, "portal")
	if err != nil {
		return fmt.Errorf("demo portal: %w", err)
	}
	c, err := db.Integrators().FindIntegratorClient(ctx, u.ID)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		raw := make([]byte, 24)
		if _, err := rand.Read(raw); err != nil {
			return err
		}
		now := time.Now().UTC()
		c = &domain.IntegratorClient{UserID: u.ID, ClientID: u.Username, Name: u.DisplayName, Kinds: []domain.CaseKind{"BIRTH"},
			Offices: []string{d.cfg.OfficeCode[:4]}, RatePerMinute: domain.DefaultIntegratorRate, WebhookURL: simURL + "/portal/webhooks",
			WebhookSecret: hex.EncodeToString(raw), CreatedAt: now, UpdatedAt: now}
		if err := db.Integrators().CreateIntegratorClient(ctx, c); err != nil {
			return fmt.Errorf("demo portal: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("demo portal: %w", err)
	}
	body, _ := json.Marshal(portalsim.Config{GraphQLURL: d.url + "/graphql", ClientID: u.Username, ClientSecret: demoPassword, WebhookSecret: c.WebhookSecret})
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, simURL+"/portal/admin/config", bytes.NewReader(body))
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("demo portal: configure the simulator: %w", err)
	}
	res.Body.Close()
	fmt.Printf("Internet+ portal simulator at %s/portal submits to %s as client \"portal\" (docs/integrators.md)\n", simURL, d.url)
	return nil
}
