package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// foundCardRow is the bun model of found_cards.
type foundCardRow struct {
	bun.BaseModel    `bun:"table:found_cards"`
	ID               string     `bun:"id,pk"`
	IDNumber         string     `bun:"id_number"`
	NameOnCard       string     `bun:"name_on_card"`
	FoundAt          time.Time  `bun:"found_at"`
	FoundPlace       string     `bun:"found_place"`
	FinderName       string     `bun:"finder_name"`
	FinderPhone      string     `bun:"finder_phone"`
	Station          string     `bun:"station"`
	OwnerMatched     bool       `bun:"owner_matched"`
	OwnerName        string     `bun:"owner_name"`
	OwnerOffice      string     `bun:"owner_office"`
	Status           string     `bun:"status"`
	RecordedBy       string     `bun:"recorded_by"`
	ClaimantName     string     `bun:"claimant_name"`
	ClaimantIDNumber string     `bun:"claimant_id_number"`
	ClaimedAt        *time.Time `bun:"claimed_at"`
	ClaimedBy        string     `bun:"claimed_by"`
	CreatedAt        time.Time  `bun:"created_at"`
	UpdatedAt        time.Time  `bun:"updated_at"`
	Version          int        `bun:"version"`
}

func (r *foundCardRow) toDomain() *domain.FoundCard {
	return &domain.FoundCard{ID: r.ID, IDNumber: r.IDNumber, NameOnCard: r.NameOnCard, FoundAt: r.FoundAt, FoundPlace: r.FoundPlace,
		FinderName: r.FinderName, FinderPhone: r.FinderPhone, Station: r.Station, OwnerMatched: r.OwnerMatched, OwnerName: r.OwnerName,
		OwnerOffice: r.OwnerOffice, Status: domain.FoundCardStatus(r.Status), RecordedBy: r.RecordedBy, ClaimantName: r.ClaimantName,
		ClaimantIDNumber: r.ClaimantIDNumber, ClaimedAt: r.ClaimedAt, ClaimedBy: r.ClaimedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
}

type foundCardRepo struct{ idb bun.IDB }

func (r foundCardRepo) CreateFoundCard(ctx context.Context, f *domain.FoundCard) error {
	row := &foundCardRow{ID: f.ID, IDNumber: f.IDNumber, NameOnCard: f.NameOnCard, FoundAt: f.FoundAt.UTC(), FoundPlace: f.FoundPlace,
		FinderName: f.FinderName, FinderPhone: f.FinderPhone, Station: f.Station, OwnerMatched: f.OwnerMatched, OwnerName: f.OwnerName,
		OwnerOffice: f.OwnerOffice, Status: string(f.Status), RecordedBy: f.RecordedBy, CreatedAt: f.CreatedAt.UTC(), UpdatedAt: f.UpdatedAt.UTC(), Version: 1}
	_, err := r.idb.NewInsert().Model(row).Exec(ctx)
	if err == nil {
		f.Version = 1
	}
	return translate(err, "found card")
}

func (r foundCardRepo) FindFoundCard(ctx context.Context, id string) (*domain.FoundCard, error) {
	var row foundCardRow
	if err := r.idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, translate(err, "found card")
	}
	return row.toDomain(), nil
}

func (r foundCardRepo) UpdateFoundCard(ctx context.Context, f *domain.FoundCard) error {
	var claimed *time.Time
	if f.ClaimedAt != nil {
		t := f.ClaimedAt.UTC()
		claimed = &t
	}
	res, err := r.idb.NewUpdate().Model((*foundCardRow)(nil)).
		Set("status = ?", string(f.Status)).Set("claimant_name = ?", f.ClaimantName).Set("claimant_id_number = ?", f.ClaimantIDNumber).
		Set("claimed_at = ?", claimed).Set("claimed_by = ?", f.ClaimedBy).Set("updated_at = ?", f.UpdatedAt.UTC()).Set("version = version + 1").
		Where("id = ? AND version = ?", f.ID, f.Version).Exec(ctx)
	if err != nil {
		return translate(err, "found card")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeConflict, "the found card changed meanwhile; reload it").WithReason("found_card.stale")
	}
	f.Version++
	return nil
}

func (r foundCardRepo) FindFoundCards(ctx context.Context, idNumber, stationPrefix string, limit int) ([]*domain.FoundCard, error) {
	var rows []foundCardRow
	q := r.idb.NewSelect().Model(&rows).Order("created_at DESC", "id DESC").Limit(int64(limit))
	if idNumber != "" {
		q = q.Where("id_number = ?", idNumber)
	}
	if stationPrefix != "" {
		q = q.Where("station LIKE ? ESCAPE '\\'", likePrefix(stationPrefix))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "found cards")
	}
	out := make([]*domain.FoundCard, len(rows))
	for i := range rows {
		out[i] = rows[i].toDomain()
	}
	return out, nil
}
