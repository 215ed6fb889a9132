package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// preferenceRow is the bun model of user_preferences.
type preferenceRow struct {
	bun.BaseModel `bun:"table:user_preferences,alias:up"`
	UserID        string    `bun:"user_id,pk"`
	Key           string    `bun:"key,pk"`
	Value         string    `bun:"value"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
	Version       int       `bun:"version"`
}

// FindPreference implements domain.PreferenceRepository.
func (r userRepo) FindPreference(ctx context.Context, userID string, key domain.PreferenceKey) (*domain.Preference, error) {
	var row preferenceRow
	if err := r.idb.NewSelect().Model(&row).Where("user_id = ? AND key = ?", userID, string(key)).Scan(ctx); err != nil {
		return nil, translate(err, "preference")
	}
	return &domain.Preference{UserID: row.UserID, Key: domain.PreferenceKey(row.Key), Value: []byte(row.Value), UpdatedAt: row.UpdatedAt}, nil
}

// PutPreference implements domain.PreferenceRepository: an upsert, so the
// last write wins on both dialects.
func (r userRepo) PutPreference(ctx context.Context, p *domain.Preference) error {
	at := p.UpdatedAt.UTC()
	row := &preferenceRow{UserID: p.UserID, Key: string(p.Key), Value: string(p.Value), CreatedAt: at, UpdatedAt: at, Version: 1}
	_, err := r.idb.NewInsert().Model(row).
		On("CONFLICT (user_id, key) DO UPDATE").
		Set("value = EXCLUDED.value").
		Set("updated_at = EXCLUDED.updated_at").
		Set("version = up.version + 1").
		Exec(ctx)
	return translate(err, "preference")
}
