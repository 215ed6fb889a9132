package documents

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"time"

	"hukou/documents/pdfsig"
	"hukou/domain"
)

// Stamper signs rendered documents with electronic seals (5.1.2): the
// office's household seal (户口专用章) where the drawn seal used to be and
// the operator's personal seal beside it, each a PDF signature (SM2 with
// SM3) whose appearance is the seal picture, as two incremental updates.
// Which seals: domain.SealService.StampingSeals for the document's office
// (its first Seal's OfficeCode, else the printing actor's office) and its
// operator (the Seal's OperatorID, else the printing actor; a background
// job with neither gets the household seal only).
type Stamper struct {
	Seals *domain.SealService
	Keys  domain.SealKeyStore
	// Required refuses a document of an office that has no household seal
	// (CodeConflict, reason seal.missing). When false (development and
	// tests without seals), such a document gets the drawn, unsigned seal.
	// An expired or revoked seal is refused either way.
	Required bool
	// Now is the signing clock; nil means time.Now.
	Now func() time.Time
}

// seals returns the seals that stamp d, or nil to draw the seal instead.
func (s *Stamper) seals(ctx context.Context, d domain.Document) ([]*domain.ElectronicSeal, error) {
	ds := d.DocumentSeals()
	if len(ds) == 0 {
		return nil, nil
	}
	office, operator := ds[0].OfficeCode, ds[0].OperatorID
	if a := domain.ActorFromContext(ctx); office == "" && a != nil {
		office = a.OfficeCode
	}
	out, err := s.Seals.StampingSeals(ctx, office, operator)
	var de *domain.Error
	if err != nil && !s.Required && errors.As(err, &de) && de.Reason == "seal.missing" {
		return nil, nil
	}
	return out, err
}

// stamp signs pdf with seals at spots (household first, then personal).
func (s *Stamper) stamp(ctx context.Context, pdf []byte, seals []*domain.ElectronicSeal, spots []spot) ([]byte, error) {
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	for i, seal := range seals {
		key, err := s.Keys.Signer(ctx, seal.KeyRef)
		if err != nil {
			return nil, err
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("documents: the key of seal %s cannot sign", seal.ID)
		}
		sg := pdfsig.Signer{Key: signer, Certificate: seal.Certificate, Field: "seal-" + seal.ID, Name: seal.Name,
			Reason: reason(seal.Kind), Time: now, Image: seal.Image}
		if seal.CACertificate != nil {
			sg.Chain = [][]byte{seal.CACertificate}
		}
		if i < len(spots) {
			sp := spots[i]
			sg.Page = sp.page
			sg.Rect = pdfsig.Rect{sp.cx - sp.halfSize, pageH - sp.cy - sp.halfSize, sp.cx + sp.halfSize, pageH - sp.cy + sp.halfSize}
		}
		if pdf, err = pdfsig.Sign(pdf, sg); err != nil {
			return nil, fmt.Errorf("documents: stamp with seal %s: %w", seal.ID, err)
		}
	}
	return pdf, nil
}

func reason(k domain.SealKind) string {
	if k == domain.SealPersonal {
		return "承办人签章"
	}
	return "户口专用章"
}
