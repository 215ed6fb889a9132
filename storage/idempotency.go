package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// idempotencyRow is the bun model of idempotency_keys.
type idempotencyRow struct {
	bun.BaseModel `bun:"table:idempotency_keys"`
	OwnerID       string     `bun:"owner_id,pk"`
	Key           string     `bun:"key,pk"`
	RequestHash   string     `bun:"request_hash"`
	Response      *string    `bun:"response"`
	CommittedAt   *time.Time `bun:"committed_at"`
	CreatedAt     time.Time  `bun:"created_at"`
	ExpiresAt     time.Time  `bun:"expires_at"`
}

type idempotencyRepo struct{ idb bun.IDB }

func (r idempotencyRepo) ReserveIdempotencyKey(ctx context.Context, rec *domain.IdempotencyRecord) error {
	row := &idempotencyRow{OwnerID: rec.Owner, Key: rec.Key, RequestHash: rec.RequestHash,
		CreatedAt: rec.CreatedAt.UTC(), ExpiresAt: rec.ExpiresAt.UTC()}
	_, err := r.idb.NewInsert().Model(row).Exec(ctx)
	return translate(err, "idempotency key")
}

func (r idempotencyRepo) FindIdempotencyKey(ctx context.Context, owner, key string) (*domain.IdempotencyRecord, error) {
	var row idempotencyRow
	if err := r.idb.NewSelect().Model(&row).Where("owner_id = ? AND key = ?", owner, key).Scan(ctx); err != nil {
		return nil, translate(err, "idempotency key")
	}
	rec := &domain.IdempotencyRecord{Owner: row.OwnerID, Key: row.Key, RequestHash: row.RequestHash, CommittedAt: row.CommittedAt,
		CreatedAt: row.CreatedAt, ExpiresAt: row.ExpiresAt}
	if row.Response != nil {
		rec.Response = []byte(*row.Response)
	}
	return rec, nil
}

func (r idempotencyRepo) CompleteIdempotencyKey(ctx context.Context, owner, key string, response []byte) error {
	_, err := r.idb.NewUpdate().Model((*idempotencyRow)(nil)).Set("response = ?", string(response)).
		Where("owner_id = ? AND key = ?", owner, key).Exec(ctx)
	return translate(err, "idempotency key")
}

func (r idempotencyRepo) DeleteIdempotencyKey(ctx context.Context, owner, key string) error {
	_, err := r.idb.NewDelete().Model((*idempotencyRow)(nil)).Where("owner_id = ? AND key = ?", owner, key).Exec(ctx)
	return translate(err, "idempotency key")
}

func (r idempotencyRepo) PruneIdempotencyKeys(ctx context.Context, before time.Time) (int, error) {
	res, err := r.idb.NewDelete().Model((*idempotencyRow)(nil)).Where("expires_at < ?", before.UTC()).Exec(ctx)
	if err != nil {
		return 0, translate(err, "idempotency keys")
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (r idempotencyRepo) CommitIdempotencyKey(ctx context.Context, owner, key string, at time.Time) error {
	_, err := r.idb.NewUpdate().Model((*idempotencyRow)(nil)).Set("committed_at = ?", at.UTC()).
		Where("owner_id = ? AND key = ? AND committed_at IS NULL", owner, key).Exec(ctx)
	return translate(err, "idempotency key")
}
