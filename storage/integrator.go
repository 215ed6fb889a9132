package storage

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// integratorRow is the bun model of integrator_clients.
type integratorRow struct {
	bun.BaseModel       `bun:"table:integrator_clients"`
	UserID              string     `bun:"user_id,pk"`
	ClientID            string     `bun:"client_id"`
	Name                string     `bun:"name"`
	Kinds               string     `bun:"kinds"`
	Offices             string     `bun:"offices"`
	RatePerMinute       int        `bun:"rate_per_minute"`
	WebhookURL          string     `bun:"webhook_url"`
	WebhookSecret       string     `bun:"webhook_secret"`
	PreviousSecretHash  string     `bun:"previous_secret_hash"`
	PreviousSecretUntil *time.Time `bun:"previous_secret_until"`
	Operations          string     `bun:"operations"`
	CreatedAt           time.Time  `bun:"created_at"`
	UpdatedAt           time.Time  `bun:"updated_at"`
	Version             int        `bun:"version"`
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func (r *integratorRow) toDomain() *domain.IntegratorClient {
	c := &domain.IntegratorClient{UserID: r.UserID, ClientID: r.ClientID, Name: r.Name, Offices: splitList(r.Offices),
		RatePerMinute: r.RatePerMinute, WebhookURL: r.WebhookURL, WebhookSecret: r.WebhookSecret,
		PreviousSecretHash: r.PreviousSecretHash, PreviousSecretUntil: r.PreviousSecretUntil, Operations: splitList(r.Operations),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
	for _, k := range splitList(r.Kinds) {
		c.Kinds = append(c.Kinds, domain.CaseKind(k))
	}
	return c
}

func integratorRowOf(c *domain.IntegratorClient) *integratorRow {
	kinds := make([]string, len(c.Kinds))
	for i, k := range c.Kinds {
		kinds[i] = string(k)
	}
	var until *time.Time
	if c.PreviousSecretUntil != nil {
		u := c.PreviousSecretUntil.UTC()
		until = &u
	}
	return &integratorRow{UserID: c.UserID, ClientID: c.ClientID, Name: c.Name, Kinds: strings.Join(kinds, ","),
		Offices: strings.Join(c.Offices, ","), RatePerMinute: c.RatePerMinute, WebhookURL: c.WebhookURL, WebhookSecret: c.WebhookSecret,
		PreviousSecretHash: c.PreviousSecretHash, PreviousSecretUntil: until, Operations: strings.Join(c.Operations, ","),
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(), Version: c.Version}
}

type integratorRepo struct{ idb bun.IDB }

func (r integratorRepo) CreateIntegratorClient(ctx context.Context, c *domain.IntegratorClient) error {
	row := integratorRowOf(c)
	row.Version = 1
	_, err := r.idb.NewInsert().Model(row).Exec(ctx)
	if err == nil {
		c.Version = 1
	}
	return translate(err, "integrator client "+c.ClientID)
}

func (r integratorRepo) FindIntegratorClient(ctx context.Context, userID string) (*domain.IntegratorClient, error) {
	var row integratorRow
	if err := r.idb.NewSelect().Model(&row).Where("user_id = ?", userID).Scan(ctx); err != nil {
		return nil, translate(err, "integrator client")
	}
	return row.toDomain(), nil
}

func (r integratorRepo) UpdateIntegratorClient(ctx context.Context, c *domain.IntegratorClient) error {
	row := integratorRowOf(c)
	res, err := r.idb.NewUpdate().Model((*integratorRow)(nil)).
		Set("kinds = ?", row.Kinds).Set("offices = ?", row.Offices).Set("rate_per_minute = ?", row.RatePerMinute).
		Set("webhook_url = ?", row.WebhookURL).Set("webhook_secret = ?", row.WebhookSecret).
		Set("previous_secret_hash = ?", row.PreviousSecretHash).Set("previous_secret_until = ?", row.PreviousSecretUntil).
		Set("operations = ?", row.Operations).Set("updated_at = ?", row.UpdatedAt).
		Set("version = version + 1").Where("user_id = ? AND version = ?", c.UserID, c.Version).Exec(ctx)
	if err != nil {
		return translate(err, "integrator client "+c.ClientID)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeConflict, "the client %s was changed meanwhile; reload and try again", c.ClientID).WithReason("stale_version")
	}
	c.Version++
	return nil
}

func (r integratorRepo) FindIntegratorClients(ctx context.Context) ([]*domain.IntegratorClient, error) {
	var rows []integratorRow
	if err := r.idb.NewSelect().Model(&rows).Order("client_id").Limit(1000).Scan(ctx); err != nil {
		return nil, translate(err, "integrator clients")
	}
	out := make([]*domain.IntegratorClient, len(rows))
	for i := range rows {
		out[i] = rows[i].toDomain()
	}
	return out, nil
}
