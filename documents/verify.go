package documents

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/emmansun/gmsm/smx509"

	"hukou/documents/pdfsig"
	"hukou/domain"
)

// Verifier checks the electronic seals of a PDF (domain.DocumentVerifier):
// each signature over the bytes it covers (SM2 with SM3), its certificate
// against the e-seal CA's certificates (the trust anchors, from the
// province's e-seal service), the seal's status when it was used (this
// deployment's seal store first, then the e-seal service, which knows the
// seals of other offices), and whether anything was appended after the last
// seal. The signing time is the one the signature carries (there is no
// time-stamp authority in the contract).
type Verifier struct {
	Authority domain.SealAuthority
	// Seals is this deployment's seal store; nil asks the service only.
	Seals domain.SealRepository

	mu      sync.Mutex
	anchors *smx509.CertPool
}

var _ domain.DocumentVerifier = (*Verifier)(nil)

func (v *Verifier) roots(ctx context.Context) (*smx509.CertPool, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.anchors != nil {
		return v.anchors, nil
	}
	ders, err := v.Authority.TrustAnchors(ctx)
	if err != nil {
		return nil, err
	}
	pool := smx509.NewCertPool()
	for _, d := range ders {
		c, err := smx509.ParseCertificate(d)
		if err != nil {
			return nil, fmt.Errorf("the e-seal CA certificate: %w", err)
		}
		pool.AddCert(c)
	}
	v.anchors = pool
	return pool, nil
}

// VerifyDocument implements domain.DocumentVerifier. Errors only when the
// e-seal service cannot give its CA (CodeUnavailable); everything about the
// file is in the answer.
func (v *Verifier) VerifyDocument(ctx context.Context, pdf []byte) (*domain.DocumentVerification, error) {
	out := &domain.DocumentVerification{}
	sigs, err := pdfsig.Verify(pdf)
	if err != nil {
		out.Reason, out.Message = "document.unreadable", "the file is not a readable PDF: "+err.Error()
		return out, nil
	}
	if len(sigs) == 0 {
		out.Reason, out.Message = "document.unsigned", "the document carries no electronic seal"
		return out, nil
	}
	roots, err := v.roots(ctx)
	if err != nil {
		return nil, err
	}
	out.Unchanged = sigs[len(sigs)-1].CoversWhole
	fail := func(reason, msg string) {
		if out.Reason == "" {
			out.Reason, out.Message = reason, msg
		}
	}
	for _, s := range sigs {
		sv := domain.SealVerification{Field: s.Field, SealName: s.Name, SignedAt: s.SigningTime, SignatureValid: s.Err == nil,
			CoversWhole: s.CoversWhole, StatusAtSigning: domain.SealUnknown}
		if s.Signer != nil {
			sv.SealID = s.Signer.Subject.SerialNumber
			if len(s.Signer.Subject.Organization) > 0 {
				sv.Holder = s.Signer.Subject.Organization[0]
			}
			if sv.SealName == "" {
				sv.SealName = s.Signer.Subject.CommonName
			}
		}
		switch {
		case s.Err != nil:
			out.Unchanged = false
			sv.Problem = s.Err.Error()
			fail("document.changed", fmt.Sprintf("seal %s: %v", sv.SealName, s.Err))
		default:
			v.judge(ctx, roots, s, &sv)
			switch {
			case !sv.Trusted:
				fail("seal.untrusted", fmt.Sprintf("seal %s: %s", sv.SealName, sv.Problem))
			case sv.StatusAtSigning == domain.SealRevoked:
				fail("seal.revoked", fmt.Sprintf("seal %s: %s", sv.SealName, sv.Problem))
			case sv.StatusAtSigning == domain.SealExpired:
				fail("seal.expired", fmt.Sprintf("seal %s: %s", sv.SealName, sv.Problem))
			case sv.StatusAtSigning == domain.SealUnknown:
				fail("seal.unknown", fmt.Sprintf("seal %s: %s", sv.SealName, sv.Problem))
			}
		}
		out.Seals = append(out.Seals, sv)
	}
	if !out.Unchanged {
		fail("document.changed", "the document was changed after its last seal")
	}
	out.Valid = out.Reason == ""
	return out, nil
}

// judge fills in whether s's certificate is trusted and the seal's status
// when it was used.
func (v *Verifier) judge(ctx context.Context, roots *smx509.CertPool, s pdfsig.Signature, sv *domain.SealVerification) {
	at := s.SigningTime
	if at.IsZero() {
		sv.Problem = "the signature carries no signing time"
		return
	}
	inter := smx509.NewCertPool()
	for _, c := range s.Certificates {
		inter.AddCert(c)
	}
	if _, err := s.Signer.Verify(smx509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []smx509.ExtKeyUsage{smx509.ExtKeyUsageAny}}); err != nil {
		var inv smx509.CertificateInvalidError
		if errors.As(err, &inv) && inv.Reason == smx509.Expired {
			sv.Trusted = true // issued by the CA, but not valid then
			sv.StatusAtSigning = domain.SealExpired
			sv.Problem = fmt.Sprintf("used on %s, outside its validity %s to %s", day(at), day(s.Signer.NotBefore), day(s.Signer.NotAfter))
			return
		}
		sv.Problem = "its certificate is not issued by the trusted e-seal CA: " + err.Error()
		return
	}
	sv.Trusted = true
	var revokedAt *time.Time
	reason := ""
	known := false
	if v.Seals != nil && sv.SealID != "" {
		if local, err := v.Seals.FindSeal(ctx, sv.SealID); err == nil {
			revokedAt, reason, known = local.RevokedAt, local.RevokeReason, true
		}
	}
	if !known && sv.SealID != "" {
		st, err := v.Authority.SealState(ctx, sv.SealID)
		if err != nil {
			sv.Problem = "the e-seal service cannot say the seal's status: " + err.Error()
			return
		}
		revokedAt, reason, known = st.RevokedAt, st.RevokeReason, true
	}
	if !known {
		sv.Problem = "the seal's certificate names no seal ID"
		return
	}
	switch {
	case revokedAt != nil && !at.Before(*revokedAt):
		sv.StatusAtSigning = domain.SealRevoked
		sv.Problem = fmt.Sprintf("used on %s, after it was revoked on %s (%s)", day(at), day(*revokedAt), reason)
	default:
		sv.StatusAtSigning = domain.SealValid
	}
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }
