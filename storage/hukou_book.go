package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// hukouBookRow is the bun model of hukou_book_applications.
type hukouBookRow struct {
	bun.BaseModel   `bun:"table:hukou_book_applications"`
	ID              string     `bun:"id,pk"`
	ClientUserID    string     `bun:"client_user_id"`
	ClientID        string     `bun:"client_id"`
	Reference       string     `bun:"reference"`
	IDNumber        string     `bun:"id_number"`
	Name            string     `bun:"name"`
	Office          string     `bun:"office"`
	HouseholdNumber string     `bun:"household_number"`
	Status          string     `bun:"status"`
	LicenceID       string     `bun:"licence_id"`
	ValidUntil      *time.Time `bun:"valid_until"`
	Reason          string     `bun:"reason"`
	CreatedAt       time.Time  `bun:"created_at"`
	UpdatedAt       time.Time  `bun:"updated_at"`
	Version         int        `bun:"version"`
}

func (r *hukouBookRow) toDomain() *domain.HukouBookApplication {
	return &domain.HukouBookApplication{ID: r.ID, ClientUserID: r.ClientUserID, ClientID: r.ClientID, Reference: r.Reference, IDNumber: r.IDNumber,
		Name: r.Name, Office: r.Office, HouseholdNumber: r.HouseholdNumber, Status: domain.OnlineStatus(r.Status), LicenceID: r.LicenceID,
		ValidUntil: r.ValidUntil, Reason: r.Reason, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

type hukouBookRepo struct{ idb bun.IDB }

func (r hukouBookRepo) CreateHukouBookApplication(ctx context.Context, a *domain.HukouBookApplication) error {
	row := &hukouBookRow{ID: a.ID, ClientUserID: a.ClientUserID, ClientID: a.ClientID, Reference: a.Reference, IDNumber: a.IDNumber, Name: a.Name,
		Office: a.Office, HouseholdNumber: a.HouseholdNumber, Status: string(a.Status), LicenceID: a.LicenceID, ValidUntil: utcPtr(a.ValidUntil),
		Reason: a.Reason, CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(), Version: 1}
	_, err := r.idb.NewInsert().Model(row).Exec(ctx)
	if err == nil {
		a.Version = 1
	}
	return translate(err, "e-hukou book application")
}

func (r hukouBookRepo) FindHukouBookApplication(ctx context.Context, id string) (*domain.HukouBookApplication, error) {
	var row hukouBookRow
	if err := r.idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, translate(err, "e-hukou book application")
	}
	return row.toDomain(), nil
}

func (r hukouBookRepo) UpdateHukouBookApplication(ctx context.Context, a *domain.HukouBookApplication) error {
	res, err := r.idb.NewUpdate().Model((*hukouBookRow)(nil)).
		Set("status = ?", string(a.Status)).Set("licence_id = ?", a.LicenceID).Set("valid_until = ?", utcPtr(a.ValidUntil)).
		Set("reason = ?", a.Reason).Set("updated_at = ?", a.UpdatedAt.UTC()).Set("version = version + 1").
		Where("id = ? AND version = ?", a.ID, a.Version).Exec(ctx)
	if err != nil {
		return translate(err, "e-hukou book application")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeConflict, "the e-hukou book application changed meanwhile").WithReason("hukou_book.stale")
	}
	a.Version++
	return nil
}

func (r hukouBookRepo) FindHukouBookApplications(ctx context.Context, clientUserID string, limit int) ([]*domain.HukouBookApplication, error) {
	var rows []hukouBookRow
	if err := r.idb.NewSelect().Model(&rows).Where("client_user_id = ?", clientUserID).Order("id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, translate(err, "e-hukou book applications")
	}
	out := make([]*domain.HukouBookApplication, len(rows))
	for i := range rows {
		out[i] = rows[i].toDomain()
	}
	return out, nil
}
