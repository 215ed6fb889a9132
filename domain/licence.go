package domain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
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
	ID                string            `json:"id"`
	Type              LicenceType       `json:"type"`
	HolderIDNumber    string            `json:"holderIdNumber"`
	HolderName        string            `json:"holderName"`
	Issuer            string            `json:"issuer"`
	IssuedAt          time.Time         `json:"issuedAt"`
	ValidUntil        time.Time         `json:"validUntil"`
	Data              map[string]string `json:"data"`
	RevokedAt         *time.Time        `json:"revokedAt,omitempty"`
	RevokeReason      string            `json:"revokeReason,omitempty"`
	Signature         []byte            `json:"signature"`
	IssuerCertificate []byte            `json:"issuerCertificate"`
	// FetchedAt is when this deployment last fetched it from the Ministry
	// (it does not travel: the other office fetches it itself).
	FetchedAt time.Time `json:"-"`
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
	// Key is the request's idempotency key (LicenceKey), required: the
	// Ministry issues one licence per key, answers the same key with the
	// same request by that licence again, and refuses the same key with
	// another request (CodeConflict, licence.key_reused).
	Key string
}

// LicenceKey returns the idempotency key of issuing a licence of type typ
// (4.1.1): a digest of what is issued, for what and how often, so that
// every retry of one issue (a lost answer retried by the client, a job run
// again after a crash before its commit) carries the same key and the
// Ministry issues one licence, while another issue gets another key.
// purpose names the business that issues it (e.g. "birth.settle",
// "id_card.produced"); subject is what it is issued for, unique within the
// purpose (a collaboration number, an application ID); holderIDNumber its
// holder; issue counts the issues of this purpose, subject and holder from
// 1, so that a licence legitimately issued again after the first was
// revoked is a new key rather than the revoked licence answered again.
// The key is at most 64 characters: the lowercase type and 32 hex digits.
func LicenceKey(typ LicenceType, purpose, subject, holderIDNumber string, issue int) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{"hukou licence key v1", string(typ), purpose, subject,
		strings.ToUpper(holderIDNumber), strconv.Itoa(issue)}, "\x1f")))
	return strings.ToLower(string(typ)) + "-" + hex.EncodeToString(sum[:16])
}

// CaseLicenceKey is LicenceKey for a licence case c issues: its subject is
// the case's collaboration number (its ID before it has one).
func CaseLicenceKey(c *Case, typ LicenceType, purpose, holderIDNumber string, issue int) string {
	subject := c.CollabNo
	if subject == "" {
		subject = "case:" + c.ID
	}
	return LicenceKey(typ, purpose, subject, holderIDNumber, issue)
}

// LicenceAuthority is the Ministry's e-licence service.
type LicenceAuthority interface {
	// IssueLicence issues the licence req asks for, once per req.Key:
	// the same key again (a retry) answers the licence issued for it,
	// with its status now; the same key with another request is
	// CodeConflict (licence.key_reused). A request without a key is
	// CodeInternal, never sent.
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
//
// A citation travels with the application to the other office (the
// engine's ApplicationBody), with the licence as the citing office had it;
// the other office verifies it against the Ministry when it reads it.
type CitedLicence struct {
	CaseID       string    `json:"-"`
	LicenceID    string    `json:"licenceId"`
	MaterialCode string    `json:"materialCode"`
	CitedBy      string    `json:"citedBy"`
	CitedAt      time.Time `json:"citedAt"`
	Licence      *Licence  `json:"licence,omitempty"` // filled by CitedLicences
	// Status, Reason and Problem are what LicenceService.CitedLicences
	// found when it verified the licence: VALID, EXPIRED or REVOKED at the
	// Ministry now; a stable reason key (licence.revoked, licence.expired,
	// licence.holder, licence.unverified) and its words, empty when the
	// licence may stand as the material.
	Status  SealStatus `json:"-"`
	Reason  string     `json:"-"`
	Problem string     `json:"-"`
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

// Issue has the Ministry issue a licence of this business (4.1.2: the
// e-hukou book updated by a birth settlement, the e-move-in permit of a
// migration, the e-ID of a produced card) and keeps it in the store. It is
// the kinds' work, as a user in a step's Prepare or as the system in a case
// job; it checks no role. req.Key (LicenceKey) makes it exactly once: the
// client retries a lost answer with the key, and a caller that crashed
// before recording the number asks again with the same key and gets the
// same licence, so the Ministry never holds two for one issue. A caller
// still records the licence number with its case and looks there first.
// Errors: CodeInternal without a key or type; the Ministry's
// (CodeUnavailable when it cannot be reached, CodeInvalid for a request it
// refuses, CodeConflict licence.key_reused when the key was used for
// another request).
func (s *LicenceService) Issue(ctx context.Context, req LicenceRequest) (*Licence, error) {
	if !req.Type.Valid() {
		return nil, Errorf(CodeInternal, "unknown licence type %q", req.Type)
	}
	if req.Key == "" {
		return nil, Errorf(CodeInternal, "a %s licence is issued only with an idempotency key", req.Type)
	}
	l, err := s.Authority.IssueLicence(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("issue the %s licence: %w", req.Type, err)
	}
	l.FetchedAt = s.now().UTC()
	if err := s.Repo.SaveLicence(ctx, l); err != nil {
		return nil, err
	}
	return l, nil
}

// Record fetches licence id, which another Ministry service issued (the
// e-migration certificate of a move-out), from the Ministry now and keeps
// it in the store, checking that it is of type typ. The kinds' work, as
// Issue. Errors: CodeNotFound, CodeUnavailable, CodeConflict
// (licence.type) for a licence of another type.
func (s *LicenceService) Record(ctx context.Context, id string, typ LicenceType) (*Licence, error) {
	l, err := s.fetch(ctx, id, true)
	if err != nil {
		return nil, fmt.Errorf("record licence %s: %w", id, err)
	}
	if l.Type != typ {
		return nil, Errorf(CodeConflict, "licence %s is a %s, not a %s", id, l.Type, typ).WithReason("licence.type")
	}
	return l, nil
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
// the licence is fetched from the Ministry now, its issuer signature checked
// by the client, and must be current (a revoked or expired licence is
// refused, CodeConflict, reasons licence.revoked, licence.expired) and held
// by a person the case is about (its Workflow.People with an ID number;
// CodeInvalid, licence.holder); the case must still take materials
// (CodeConflict, archive.frozen). A cited licence stands for a required
// material (ArchiveService.MissingMaterials) and travels with the
// application. CLERK and OFFICER, within the case's jurisdiction.
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
	if !holderOf(c, l) {
		return nil, FieldErrorf("licenceId", "licence %s belongs to someone this case is not about; cite a licence of the applicant or a person of the case", l.ID).
			WithReason("licence.holder")
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

// CitedLicences returns the licences case caseID cites, each verified
// against the Ministry now (4.1.2): fetched again (the client checks the
// issuer's signature), its status now, and whether its holder is a person
// of the case. A licence the Ministry cannot be asked about is shown from
// the stored copy with reason licence.unverified. On the registration side
// this is how the licences the acceptance office cited are verified: they
// arrive as the acceptance office had them and are fetched here.
func (s *LicenceService) CitedLicences(ctx context.Context, caseID string) ([]CitedLicence, error) {
	c, err := s.Cases.Find(ctx, caseID)
	if err != nil {
		return nil, err
	}
	out, err := s.Repo.CitedLicences(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for i := range out {
		cl := &out[i]
		l, err := s.fetch(ctx, cl.LicenceID, true)
		switch {
		case ErrorCode(err) == CodeUnavailable || ErrorCode(err) == CodeNotFound:
			stored, ferr := s.Repo.FindLicence(ctx, cl.LicenceID)
			if ferr != nil {
				return nil, ferr
			}
			cl.Licence, cl.Status, cl.Reason = stored, stored.StatusAt(now), "licence.unverified"
			cl.Problem = "the Ministry could not confirm this licence now (" + ErrorMessage(err) + "); shown as last fetched"
			continue
		case err != nil:
			return nil, err
		}
		cl.Licence, cl.Status = l, l.StatusAt(now)
		cl.Reason, cl.Problem = licenceProblem(c, l, now)
	}
	return out, nil
}

// licenceProblem says why l cannot stand as a material of c at now, or
// nothing.
func licenceProblem(c *Case, l *Licence, now time.Time) (reason, problem string) {
	switch l.StatusAt(now) {
	case SealRevoked:
		// The revocation's reason stays in Licence.revokeReason (personal data).
		return "licence.revoked", "revoked on " + l.RevokedAt.Format("2006-01-02") + "; it no longer stands as a material"
	case SealExpired:
		return "licence.expired", "valid until " + l.ValidUntil.Format("2006-01-02") + ", not now"
	}
	if !holderOf(c, l) {
		return "licence.holder", "its holder is not a person this case is about"
	}
	return "", ""
}

// holderOf reports whether l's holder is a person c is about (by ID
// number); a case whose persons have no ID number yet accepts any holder.
func holderOf(c *Case, l *Licence) bool {
	known := false
	for _, p := range c.People {
		if p.IDNumber == "" {
			continue
		}
		known = true
		if strings.EqualFold(p.IDNumber, l.HolderIDNumber) {
			return true
		}
	}
	return !known
}

// citationsToSend returns the licences case caseID cites, each with the
// stored licence, to travel with its application (CaseService.SendApplication).
func citationsToSend(ctx context.Context, tx Repos, caseID string) ([]CitedLicence, error) {
	cited, err := tx.Licences().CitedLicences(ctx, caseID)
	if err != nil {
		return nil, fmt.Errorf("the licences case %s cites: %w", caseID, err)
	}
	for i := range cited {
		if cited[i].Licence, err = tx.Licences().FindLicence(ctx, cited[i].LicenceID); err != nil {
			return nil, fmt.Errorf("cited licence %s: %w", cited[i].LicenceID, err)
		}
	}
	return cited, nil
}

// keepCitations records, on the copy just created from an application, the
// licences the acceptance office cited: each licence as it travelled, marked
// never fetched here (so the first read asks the Ministry), and its citation.
func keepCitations(ctx context.Context, tx Repos, caseID string, cited []CitedLicence) error {
	for _, cl := range cited {
		l := cl.Licence
		if l == nil || l.ID != cl.LicenceID || !l.Type.Valid() || cl.MaterialCode == "" || len(l.ID) > 40 {
			return FieldErrorf("body", "a cited licence of the application is malformed").WithReason("collab.licence")
		}
		copied := *l
		copied.FetchedAt = time.Time{}
		if err := tx.Licences().SaveLicence(ctx, &copied); err != nil {
			return err
		}
		if err := tx.Licences().CiteLicence(ctx, CitedLicence{CaseID: caseID, LicenceID: l.ID, MaterialCode: cl.MaterialCode,
			CitedBy: cl.CitedBy, CitedAt: cl.CitedAt.UTC()}); err != nil {
			return err
		}
	}
	return nil
}
