package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// sealRow is the bun model of seals (5.1.1).
type sealRow struct {
	bun.BaseModel `bun:"table:seals"`
	ID            string     `bun:"id,pk"`
	Kind          string     `bun:"kind"`
	OfficeCode    string     `bun:"office_code"`
	UserID        string     `bun:"user_id"`
	Name          string     `bun:"name"`
	Image         []byte     `bun:"image"`
	Certificate   []byte     `bun:"certificate"`
	CACertificate []byte     `bun:"ca_certificate"`
	SealData      []byte     `bun:"seal_data"`
	ValidFrom     time.Time  `bun:"valid_from"`
	ValidTo       time.Time  `bun:"valid_to"`
	Status        string     `bun:"status"`
	RevokedAt     *time.Time `bun:"revoked_at"`
	RevokeReason  string     `bun:"revoke_reason"`
	KeyRef        string     `bun:"key_ref"`
	CreatedAt     time.Time  `bun:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
	ChosenAt      *time.Time `bun:"chosen_at"`
}

func (r *sealRow) toDomain() *domain.ElectronicSeal {
	s := &domain.ElectronicSeal{ID: r.ID, Kind: domain.SealKind(r.Kind), OfficeCode: r.OfficeCode, UserID: r.UserID, Name: r.Name,
		Image: r.Image, Certificate: r.Certificate, CACertificate: r.CACertificate, SealData: r.SealData,
		ValidFrom: r.ValidFrom.UTC(), ValidTo: r.ValidTo.UTC(), Status: domain.SealStatus(r.Status), RevokeReason: r.RevokeReason,
		KeyRef: r.KeyRef, CreatedAt: r.CreatedAt.UTC(), UpdateAt: r.UpdatedAt.UTC()}
	if r.RevokedAt != nil {
		t := r.RevokedAt.UTC()
		s.RevokedAt = &t
	}
	if r.ChosenAt != nil {
		t := r.ChosenAt.UTC()
		s.ChosenAt = &t
	}
	return s
}

// sealRepo implements domain.SealRepository.
type sealRepo struct{ idb bun.IDB }

// Seals returns the seal store on the pool. Documents are stamped while
// they render, often inside a step's transaction: a read made there runs on
// that transaction (onContextTx), because on SQLite the pool's one connection is
// the transaction's, and a read on the pool would wait for itself.
func (db *DB) Seals() domain.SealRepository { return sealRepo{idb: db.bun} }

func (r sealRepo) CreateSeal(ctx context.Context, s *domain.ElectronicSeal) error {
	status := s.Status
	if status == "" {
		status = domain.SealValid
	}
	row := &sealRow{ID: s.ID, Kind: string(s.Kind), OfficeCode: s.OfficeCode, UserID: s.UserID, Name: s.Name, Image: s.Image,
		Certificate: s.Certificate, CACertificate: s.CACertificate, SealData: s.SealData, ValidFrom: s.ValidFrom.UTC(), ValidTo: s.ValidTo.UTC(),
		Status: string(status), RevokedAt: s.RevokedAt, RevokeReason: s.RevokeReason, KeyRef: s.KeyRef,
		CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdateAt.UTC()}
	if _, err := onContextTx(ctx, r.idb).NewInsert().Model(row).Exec(ctx); err != nil {
		return translate(err, "seal "+s.ID)
	}
	return nil
}

func (r sealRepo) FindSeal(ctx context.Context, id string) (*domain.ElectronicSeal, error) {
	var row sealRow
	if err := onContextTx(ctx, r.idb).NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, translate(err, "seal "+id)
	}
	return row.toDomain(), nil
}

func (r sealRepo) ListSeals(ctx context.Context, officeCode string) ([]*domain.ElectronicSeal, error) {
	var rows []sealRow
	q := onContextTx(ctx, r.idb).NewSelect().Model(&rows).OrderExpr("created_at DESC, id DESC")
	if officeCode != "" {
		q = q.Where("office_code = ?", officeCode)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "seals")
	}
	return mapRows(rows, (*sealRow).toDomain), nil
}

func (r sealRepo) UserSeals(ctx context.Context, userID string) ([]*domain.ElectronicSeal, error) {
	var rows []sealRow
	if err := onContextTx(ctx, r.idb).NewSelect().Model(&rows).Where("kind = ?", string(domain.SealPersonal)).Where("user_id = ?", userID).
		OrderExpr("created_at DESC, id DESC").Scan(ctx); err != nil {
		return nil, translate(err, "seals")
	}
	return mapRows(rows, (*sealRow).toDomain), nil
}

func (r sealRepo) RevokeSeal(ctx context.Context, id string, at time.Time, reason string) error {
	res, err := onContextTx(ctx, r.idb).NewUpdate().Model((*sealRow)(nil)).
		Set("status = ?", string(domain.SealRevoked)).Set("revoked_at = ?", at.UTC()).Set("revoke_reason = ?", reason).Set("updated_at = ?", at.UTC()).
		Where("id = ?", id).Where("revoked_at IS NULL").Exec(ctx)
	if err != nil {
		return translate(err, "seal "+id)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := r.FindSeal(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// ChooseSeal implements domain.SealRepository: the seal becomes its user's
// choice (the latest chosen_at among the user's personal seals).
func (r sealRepo) ChooseSeal(ctx context.Context, id string, at time.Time) error {
	res, err := onContextTx(ctx, r.idb).NewUpdate().Model((*sealRow)(nil)).
		Set("chosen_at = ?", at.UTC()).Set("updated_at = ?", at.UTC()).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return translate(err, "seal "+id)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeNotFound, "no seal %s", id)
	}
	return nil
}
