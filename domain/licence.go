package domain

import (
	"context"
	"strings"
	"time"
)

// Electronic licences (电子证照, features 4.1.1 and 4.1.2), issued and kept
// by the Ministry: the e-hukou book, the e-ID, the e-migration certificate
// and the e-move-in permit. This deployment keeps the licences it has
// fetched (LicenceRepository) and fetches a licence again when its copy is
// stale, so that a revocation is seen; a revoked or expired licence is
// refused as a case's material.

// LicenceType names a kind of licence.
type LicenceType string

// Licence types.
const (
	LicenceHukouBook     LicenceType = "HUKOU_BOOK"            // 电子户口簿
	LicenceIDCard        LicenceType = "ID_CARD"               // 电子身份证
	LicenceMigrationCert LicenceType = "MIGRATION_CERTIFICATE" // 电子迁移证
	LicenceMoveInPermit  LicenceType = "MOVE_IN_PERMIT"        // 电子准迁证
)

// Valid reports whether t is a known licence type.
func (t LicenceType) Valid() bool {
	switch t {
	case LicenceHukouBook, LicenceIDCard, LicenceMigrationCert, LicenceMoveInPermit:
		return true
	}
	return false
}

// Licence is an electronic licence as the Ministry issued it, with the
// issuer's signature (checked by the Ministry client on every fetch).
type Licence struct {
	ID                string
	Type              LicenceType
	HolderIDNumber    string
	HolderName        string
	Issuer            string
	IssuedAt          time.Time
	ValidUntil        time.Time
	Data              map[string]string
	RevokedAt         *time.Time
	RevokeReason      string
	Signature         []byte
	IssuerCertificate []byte
	// FetchedAt is when this deployment last fetched it from the Ministry.
	FetchedAt time.Time
}

// StatusAt returns VALID, EXPIRED or REVOKED at t.
func (l *Licence) StatusAt(t time.Time) SealStatus {
	switch {
	case l.RevokedAt != nil && !t.Before(*l.RevokedAt):
		return SealRevoked
	case !t.Before(l.ValidUntil) || t.Before(l.IssuedAt):
		return SealExpired
	}
	return SealValid
}

// LicenceRequest asks the Ministry for a licence.
type LicenceRequest struct {
	Type           LicenceType
	HolderIDNumber string
	HolderName     string
	Data           map[string]string
	ValidUntil     time.Time // zero: the Ministry's default
}

// LicenceAuthority is the Ministry's e-licence service.
type LicenceAuthority interface {
	IssueLicence(ctx context.Context, req LicenceRequest) (*Licence, error)
	// Licence fetches a licence with its current status; CodeNotFound for
	// an unknown ID. The issuer's signature is checked (an answer that
	// fails is an error, never a licence).
	Licence(ctx context.Context, id string) (*Licence, error)
	RevokeLicence(ctx context.Context, id, reason string) error
}

// LicenceRepository keeps the licences this deployment fetched.
type LicenceRepository interface {
	// SaveLicence inserts or replaces a licence.
	SaveLicence(ctx context.Context, l *Licence) error
	// FindLicence returns CodeNotFound when there is none.
	FindLicence(ctx context.Context, id string) (*Licence, error)
	// CiteLicence records that a case cites a licence as a material;
	// citing it again updates the material code.
	CiteLicence(ctx context.Context, c CitedLicence) error
	// CitedLicences returns the licences a case cites, oldest first.
	CitedLicences(ctx context.Context, caseID string) ([]CitedLicence, error)
}

// CitedLicence is a licence a case cites as a material (4.1.2): the clerk
// fetched it by its number instead of capturing paper.
type CitedLicence struct {
	CaseID       string
	LicenceID    string
	MaterialCode string
	CitedBy      string
	CitedAt      time.Time
	Licence      *Licence // filled by CitedLicences
}

// LicenceService looks licences up for clerks (4.1.2): from the local store
// while fresh, from the Ministry when stale or unknown.
type LicenceService struct {
	Repo      LicenceRepository
	Authority LicenceAuthority
	Audit     AuditSink
	Cases     *CaseService
	// StaleAfter is how long a fetched licence is used without asking the
	// Ministry again; zero means one hour.
	StaleAfter time.Duration
	Now        func() time.Time
}

func (s *LicenceService) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Licence returns licence id for the roles that handle cases, audited as a
// read of the holder's data: the local copy while fresh, else the
// Ministry's (then stored). When the Ministry cannot be reached a stale
// local copy is returned rather than nothing.
func (s *LicenceService) Licence(ctx context.Context, id string) (*Licence, error) {
	a, err := Authorize(ctx, RoleClerk, RoleOfficer, RoleApprover, RoleArchivist, RoleAdmin)
	if err != nil {
		return nil, err
	}
	l, err := s.fetch(ctx, id, false)
	if err != nil {
		return nil, err
	}
	if err := s.Audit.Record(ctx, NewAuditEntry(a, s.now(), AuditRead, "licence.read", "licence", l.ID, string(l.Type))); err != nil {
		return nil, err
	}
	return l, nil
}

func (s *LicenceService) fetch(ctx context.Context, id string, fresh bool) (*Licence, error) {
	id = strings.TrimSpace(id)
	if id == "" || len(id) > 40 {
		return nil, FieldErrorf("licenceId", "a licence number is 1 to 40 characters").WithReason("licence.id")
	}
	stale := s.StaleAfter
	if stale == 0 {
		stale = time.Hour
	}
	local, err := s.Repo.FindLicence(ctx, id)
	if err != nil && ErrorCode(err) != CodeNotFound {
		return nil, err
	}
	if local != nil && !fresh && s.now().Sub(local.FetchedAt) < stale {
		return local, nil
	}
	remote, err := s.Authority.Licence(ctx, id)
	if err != nil {
		if local != nil && ErrorCode(err) == CodeUnavailable && !fresh {
			return local, nil
		}
		return nil, err
	}
	remote.FetchedAt = s.now().UTC()
	if err := s.Repo.SaveLicence(ctx, remote); err != nil {
		return nil, err
	}
	return remote, nil
}

// MaterialLicence returns licence id fetched from the Ministry now (a
// material must be current), refusing a revoked or expired one (CodeConflict,
// reasons licence.revoked, licence.expired) and one of another holder
// (CodeInvalid, licence.holder) when holderIDNumber is given.
func (s *LicenceService) MaterialLicence(ctx context.Context, id, holderIDNumber string) (*Licence, error) {
	if _, err := Authorize(ctx, RoleClerk, RoleOfficer, RoleApprover, RoleArchivist, RoleAdmin); err != nil {
		return nil, err
	}
	l, err := s.fetch(ctx, id, true)
	if err != nil {
		return nil, err
	}
	switch l.StatusAt(s.now()) {
	case SealRevoked:
		return nil, Errorf(CodeConflict, "licence %s was revoked on %s (%s) and cannot be a material; ask the holder for a current one",
			l.ID, l.RevokedAt.Format("2006-01-02"), l.RevokeReason).WithField("licenceId").WithReason("licence.revoked")
	case SealExpired:
		return nil, Errorf(CodeConflict, "licence %s is valid until %s, not now", l.ID, l.ValidUntil.Format("2006-01-02")).
			WithField("licenceId").WithReason("licence.expired")
	}
	if holderIDNumber != "" && l.HolderIDNumber != holderIDNumber {
		return nil, FieldErrorf("licenceId", "licence %s belongs to someone else", l.ID).WithReason("licence.holder")
	}
	return l, nil
}

// Cite makes licence id a material (materialCode) of case caseID (4.1.2):
// the licence is fetched from the Ministry now and must be current (a
// revoked or expired licence is refused, reasons licence.revoked,
// licence.expired), and the case must still take materials (CodeConflict,
// archive.frozen). CLERK and OFFICER, within the case's jurisdiction.
func (s *LicenceService) Cite(ctx context.Context, caseID, materialCode, id string) (*CitedLicence, error) {
	a, err := Authorize(ctx, RoleClerk, RoleOfficer)
	if err != nil {
		return nil, err
	}
	materialCode = strings.TrimSpace(materialCode)
	if materialCode == "" || len(materialCode) > 64 {
		return nil, FieldErrorf("materialCode", "name the material the licence stands for").WithReason("licence.material_code")
	}
	c, err := s.Cases.Find(ctx, caseID)
	if err != nil {
		return nil, err
	}
	if !s.Cases.CaptureOpen(c) {
		return nil, Errorf(CodeConflict, "the case's materials are frozen in its status %s", c.Status).WithReason("archive.frozen")
	}
	l, err := s.MaterialLicence(ctx, id, "")
	if err != nil {
		return nil, err
	}
	cited := CitedLicence{CaseID: c.ID, LicenceID: l.ID, MaterialCode: materialCode, CitedBy: a.Username, CitedAt: s.now().UTC(), Licence: l}
	if err := s.Repo.CiteLicence(ctx, cited); err != nil {
		return nil, err
	}
	if err := s.Audit.Record(ctx, NewAuditEntry(a, s.now(), AuditChange, "licence.cite", "Case", c.ID, l.ID)); err != nil {
		return nil, err
	}
	return &cited, nil
}

// CitedLicences returns the licences case caseID cites, each with the
// stored licence (refreshed from the Ministry when stale, so that a
// revocation since shows).
func (s *LicenceService) CitedLicences(ctx context.Context, caseID string) ([]CitedLicence, error) {
	c, err := s.Cases.Find(ctx, caseID)
	if err != nil {
		return nil, err
	}
	out, err := s.Repo.CitedLicences(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if l, err := s.fetch(ctx, out[i].LicenceID, false); err == nil {
			out[i].Licence = l
		}
	}
	return out, nil
}
