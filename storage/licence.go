package storage

import (
	"context"
	"encoding/json"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// licenceRow is the bun model of licences (4.1.1).
type licenceRow struct {
	bun.BaseModel     `bun:"table:licences"`
	ID                string     `bun:"id,pk"`
	Type              string     `bun:"type"`
	HolderIDNumber    string     `bun:"holder_id_number"`
	HolderName        string     `bun:"holder_name"`
	Issuer            string     `bun:"issuer"`
	IssuedAt          time.Time  `bun:"issued_at"`
	ValidUntil        time.Time  `bun:"valid_until"`
	Data              string     `bun:"data"`
	RevokedAt         *time.Time `bun:"revoked_at"`
	RevokeReason      string     `bun:"revoke_reason"`
	Signature         []byte     `bun:"signature"`
	IssuerCertificate []byte     `bun:"issuer_certificate"`
	FetchedAt         time.Time  `bun:"fetched_at"`
}

func (r *licenceRow) toDomain() *domain.Licence {
	l := &domain.Licence{ID: r.ID, Type: domain.LicenceType(r.Type), HolderIDNumber: r.HolderIDNumber, HolderName: r.HolderName,
		Issuer: r.Issuer, IssuedAt: r.IssuedAt.UTC(), ValidUntil: r.ValidUntil.UTC(), RevokeReason: r.RevokeReason,
		Signature: r.Signature, IssuerCertificate: r.IssuerCertificate, FetchedAt: r.FetchedAt.UTC()}
	_ = json.Unmarshal([]byte(r.Data), &l.Data)
	if r.RevokedAt != nil {
		t := r.RevokedAt.UTC()
		l.RevokedAt = &t
	}
	return l
}

type caseLicenceRow struct {
	bun.BaseModel `bun:"table:case_licences"`
	CaseID        string    `bun:"case_id,pk"`
	LicenceID     string    `bun:"licence_id,pk"`
	MaterialCode  string    `bun:"material_code"`
	CitedBy       string    `bun:"cited_by"`
	CitedAt       time.Time `bun:"cited_at"`
}

// licenceRepo implements domain.LicenceRepository.
type licenceRepo struct{ idb bun.IDB }

// Licences implements domain.Repos: the licence store on the pool or a
// transaction (a received application keeps its cited licences in its
// creating transaction, 4.1.2).
func (r repos) Licences() domain.LicenceRepository { return licenceRepo{idb: r.idb} }

// Licences returns the licence store on the pool.
func (db *DB) Licences() domain.LicenceRepository { return db.pool().Licences() }

func (r licenceRepo) SaveLicence(ctx context.Context, l *domain.Licence) error {
	data, err := json.Marshal(l.Data)
	if err != nil {
		return err
	}
	row := &licenceRow{ID: l.ID, Type: string(l.Type), HolderIDNumber: l.HolderIDNumber, HolderName: l.HolderName, Issuer: l.Issuer,
		IssuedAt: l.IssuedAt.UTC(), ValidUntil: l.ValidUntil.UTC(), Data: string(data), RevokedAt: l.RevokedAt, RevokeReason: l.RevokeReason,
		Signature: l.Signature, IssuerCertificate: l.IssuerCertificate, FetchedAt: l.FetchedAt.UTC()}
	_, err = r.idb.NewInsert().Model(row).
		On("CONFLICT (id) DO UPDATE").
		Set("revoked_at = EXCLUDED.revoked_at").Set("revoke_reason = EXCLUDED.revoke_reason").Set("valid_until = EXCLUDED.valid_until").
		Set("data = EXCLUDED.data").Set("holder_name = EXCLUDED.holder_name").Set("signature = EXCLUDED.signature").
		Set("issuer_certificate = EXCLUDED.issuer_certificate").Set("fetched_at = EXCLUDED.fetched_at").
		Exec(ctx)
	return translate(err, "licence "+l.ID)
}

func (r licenceRepo) FindLicence(ctx context.Context, id string) (*domain.Licence, error) {
	var row licenceRow
	if err := r.idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, translate(err, "licence "+id)
	}
	return row.toDomain(), nil
}

func (r licenceRepo) CiteLicence(ctx context.Context, c domain.CitedLicence) error {
	row := &caseLicenceRow{CaseID: c.CaseID, LicenceID: c.LicenceID, MaterialCode: c.MaterialCode, CitedBy: c.CitedBy, CitedAt: c.CitedAt.UTC()}
	_, err := r.idb.NewInsert().Model(row).On("CONFLICT (case_id, licence_id) DO UPDATE").
		Set("material_code = EXCLUDED.material_code").Set("cited_by = EXCLUDED.cited_by").Set("cited_at = EXCLUDED.cited_at").Exec(ctx)
	return translate(err, "case licence "+c.LicenceID)
}

func (r licenceRepo) CitedLicences(ctx context.Context, caseID string) ([]domain.CitedLicence, error) {
	var rows []caseLicenceRow
	if err := r.idb.NewSelect().Model(&rows).Where("case_id = ?", caseID).OrderExpr("cited_at, licence_id").Scan(ctx); err != nil {
		return nil, translate(err, "case licences")
	}
	out := make([]domain.CitedLicence, len(rows))
	for i, row := range rows {
		out[i] = domain.CitedLicence{CaseID: row.CaseID, LicenceID: row.LicenceID, MaterialCode: row.MaterialCode, CitedBy: row.CitedBy, CitedAt: row.CitedAt.UTC()}
	}
	return out, nil
}
