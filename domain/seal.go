package domain

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// Electronic seals (电子印章, features 5.1.1 and 5.1.2). The province's
// e-seal service (SealAuthority) issues each seal as GB/T 38540 seal data:
// a seal ID, the seal image, the holder's SM2 certificate issued by the
// service's CA, and a validity. The key pair is made here, in a key store
// (SealKeyStore); only the public key travels and the private key never
// enters the database. Seals are kept locally (SealRepository) with their
// status, and every printed document is signed with the station's household
// seal and the operator's personal seal (see DocumentStamper).

// SealKind says whose seal it is.
type SealKind string

// Seal kinds.
const (
	// SealHousehold is an office's household-registration seal (户口专用章).
	SealHousehold SealKind = "HOUSEHOLD"
	// SealPersonal is an operator's personal seal (个人名章).
	SealPersonal SealKind = "PERSONAL"
)

// SealStatus is a seal's state.
type SealStatus string

// Seal statuses.
const (
	SealValid   SealStatus = "VALID"
	SealExpired SealStatus = "EXPIRED"
	SealRevoked SealStatus = "REVOKED"
)

// ElectronicSeal is a seal as kept locally.
type ElectronicSeal struct {
	// ID is the seal ID the province assigned (印章编码).
	ID   string
	Kind SealKind
	// OfficeCode is the holding office; UserID the operator of a personal seal.
	OfficeCode string
	UserID     string
	// Name is the seal's name, e.g. 盘锦市公安局兴隆台分局兴隆派出所户口专用章 or the officer's name.
	Name string
	// Image is the seal picture (PNG) drawn where the seal is stamped.
	Image []byte
	// Certificate is the holder's SM2 certificate (DER); CACertificate the issuer's.
	Certificate   []byte
	CACertificate []byte
	// SealData is the GB/T 38540 seal structure as the province returned it.
	SealData            []byte
	ValidFrom, ValidTo  time.Time
	Status              SealStatus
	RevokedAt           *time.Time
	RevokeReason        string
	KeyRef              string // where the key store keeps the private key
	CreatedAt, UpdateAt time.Time
	// ChosenAt is when the operator chose this personal seal to sign
	// (SealService.ChooseSeal); the latest choice wins, nil when never chosen.
	ChosenAt *time.Time
}

// PickPersonal returns the personal seal that signs for an operator among
// seals (newest first): the one chosen last (ChosenAt), else the newest;
// nil when there is none. The choice holds even when a newer seal is
// issued: a document never silently carries another seal than the one the
// operator chose, and a chosen seal that was revoked or expired refuses the
// document until the operator chooses another.
func PickPersonal(seals []*ElectronicSeal) *ElectronicSeal {
	var pick *ElectronicSeal
	for _, e := range seals {
		if e.Kind != SealPersonal {
			continue
		}
		switch {
		case pick == nil:
			pick = e
		case e.ChosenAt != nil && (pick.ChosenAt == nil || e.ChosenAt.After(*pick.ChosenAt)):
			pick = e
		}
	}
	return pick
}

// StatusAt returns the seal's status at t: revoked from its revocation on,
// expired outside its validity, valid otherwise.
func (s *ElectronicSeal) StatusAt(t time.Time) SealStatus {
	if s.RevokedAt != nil && !t.Before(*s.RevokedAt) {
		return SealRevoked
	}
	if t.Before(s.ValidFrom) || !t.Before(s.ValidTo) {
		return SealExpired
	}
	return SealValid
}

// Usable returns nil when the seal may stamp at now, else a CodeConflict
// error whose reason (seal.revoked, seal.expired) and message say why.
func (s *ElectronicSeal) Usable(now time.Time) error {
	if e := s.unusable(now); e != nil {
		return e
	}
	return nil
}

// unusable is Usable's refusal, nil when the seal may stamp.
func (s *ElectronicSeal) unusable(now time.Time) *Error {
	switch s.StatusAt(now) {
	case SealRevoked:
		return Errorf(CodeConflict, "the seal %s (%s) was revoked on %s (%s); ask an administrator to request a new seal",
			s.Name, s.ID, s.RevokedAt.Format("2006-01-02"), s.RevokeReason).WithReason("seal.revoked")
	case SealExpired:
		return Errorf(CodeConflict, "the seal %s (%s) is valid from %s to %s, not now; ask an administrator to request a new seal",
			s.Name, s.ID, s.ValidFrom.Format("2006-01-02"), s.ValidTo.Format("2006-01-02")).WithReason("seal.expired")
	}
	return nil
}

// SealRepository keeps the seals.
type SealRepository interface {
	CreateSeal(ctx context.Context, s *ElectronicSeal) error
	// FindSeal returns a seal by ID, or a CodeNotFound error.
	FindSeal(ctx context.Context, id string) (*ElectronicSeal, error)
	// ListSeals returns the seals of an office (all offices when empty), newest first.
	ListSeals(ctx context.Context, officeCode string) ([]*ElectronicSeal, error)
	// UserSeals returns the personal seals of a user, newest first.
	UserSeals(ctx context.Context, userID string) ([]*ElectronicSeal, error)
	// RevokeSeal marks a seal revoked at at with reason.
	RevokeSeal(ctx context.Context, id string, at time.Time, reason string) error
	// ChooseSeal records at as when a personal seal was chosen to sign.
	ChooseSeal(ctx context.Context, id string, at time.Time) error
}

// SealKeyStore keeps seal private keys outside the database: a file-based
// store for the demo, an HSM or KMS adapter in production.
type SealKeyStore interface {
	// NewKey makes an SM2 key pair and returns its reference and the public
	// key (PKIX DER).
	NewKey(ctx context.Context) (ref string, publicKey []byte, err error)
	// Signer returns the private key behind ref as a crypto.Signer (any,
	// so that the domain names no crypto package).
	Signer(ctx context.Context, ref string) (any, error)
}

// SealAuthority is the province's e-seal service.
type SealAuthority interface {
	// IssueSeal issues a seal for req's public key.
	IssueSeal(ctx context.Context, req SealRequest) (*IssuedSeal, error)
	// RevokeSeal revokes a seal at the service.
	RevokeSeal(ctx context.Context, id, reason string) error
	// SealState returns the service's status of a seal (for seals of other
	// offices, as a verifier needs). CodeNotFound for an unknown seal.
	SealState(ctx context.Context, id string) (*SealState, error)
	// TrustAnchors returns the e-seal CA certificates (DER) that issue seals.
	TrustAnchors(ctx context.Context) ([][]byte, error)
}

// SealRequest asks the e-seal service for a seal.
type SealRequest struct {
	Kind       SealKind
	OfficeCode string
	OfficeName string
	UserID     string // personal seals
	PersonName string // personal seals
	PublicKey  []byte // PKIX DER of the SM2 public key
}

// IssuedSeal is the service's answer: GB/T 38540 seal data.
type IssuedSeal struct {
	ID                 string
	Name               string
	Image              []byte
	Certificate        []byte
	CACertificate      []byte
	SealData           []byte
	ValidFrom, ValidTo time.Time
}

// SealState is the service's status of one seal.
type SealState struct {
	ID                 string
	Name               string
	OfficeCode         string
	ValidFrom, ValidTo time.Time
	RevokedAt          *time.Time
	RevokeReason       string
}

// SealService requests, lists and revokes seals (ADMIN) and picks the seals
// that stamp a document.
type SealService struct {
	Repo      SealRepository
	Keys      SealKeyStore
	Authority SealAuthority
	Offices   OfficeRepository
	Users     UserRepository
	Audit     AuditSink
	Verifier  DocumentVerifier
	Now       func() time.Time

	// snap is the seals in memory once KeepFresh has loaded them (see
	// there); nil reads the repository.
	snap atomic.Pointer[sealSnapshot]
}

// sealSnapshot is every seal, newest first, by office (household seals)
// and by user (personal seals).
type sealSnapshot struct {
	byOffice map[string][]*ElectronicSeal
	byUser   map[string][]*ElectronicSeal
}

// Refresh reloads the in-memory seals from the repository.
func (s *SealService) Refresh(ctx context.Context) error {
	all, err := s.Repo.ListSeals(ctx, "")
	if err != nil {
		return err
	}
	snap := &sealSnapshot{byOffice: map[string][]*ElectronicSeal{}, byUser: map[string][]*ElectronicSeal{}}
	for _, e := range all {
		snap.byOffice[e.OfficeCode] = append(snap.byOffice[e.OfficeCode], e)
		if e.Kind == SealPersonal {
			snap.byUser[e.UserID] = append(snap.byUser[e.UserID], e)
		}
	}
	s.snap.Store(snap)
	return nil
}

// KeepFresh loads the seals into memory now and again every interval
// until ctx ends, so that stamping reads no database: documents are
// rendered inside transactions, and on SQLite (one connection) a read on
// the pool there would wait for ever. A seal requested or revoked here is
// in memory at once; one revoked on another instance within interval.
func (s *SealService) KeepFresh(ctx context.Context, interval time.Duration) error {
	if err := s.Refresh(ctx); err != nil {
		return err
	}
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = s.Refresh(ctx) // the previous snapshot stays on failure
			}
		}
	}()
	return nil
}

// refreshed reloads the snapshot after a change, when there is one.
func (s *SealService) refreshed(ctx context.Context) {
	if s.snap.Load() != nil {
		_ = s.Refresh(ctx)
	}
}

func (s *SealService) officeSeals(ctx context.Context, office string) ([]*ElectronicSeal, error) {
	if snap := s.snap.Load(); snap != nil {
		return snap.byOffice[office], nil
	}
	return s.Repo.ListSeals(ctx, office)
}

func (s *SealService) userSeals(ctx context.Context, user string) ([]*ElectronicSeal, error) {
	if snap := s.snap.Load(); snap != nil {
		return snap.byUser[user], nil
	}
	return s.Repo.UserSeals(ctx, user)
}

func (s *SealService) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// RequestSeal asks the province for a new seal of kind for the actor's
// office (household) or for userID (personal), making its key pair in the
// key store. ADMIN only, within the admin's jurisdiction.
func (s *SealService) RequestSeal(ctx context.Context, kind SealKind, officeCode, userID string) (*ElectronicSeal, error) {
	a, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	req := SealRequest{Kind: kind}
	switch kind {
	case SealHousehold:
		if officeCode == "" {
			officeCode = a.OfficeCode
		}
	case SealPersonal:
		if userID == "" {
			return nil, FieldErrorf("userId", "a personal seal needs the operator it belongs to").WithReason("seal.user")
		}
		u, err := s.Users.FindUserByID(ctx, userID)
		if err != nil {
			return nil, err
		}
		officeCode, req.UserID, req.PersonName = u.OfficeCode, u.ID, u.DisplayName
		if req.PersonName == "" {
			req.PersonName = u.Username
		}
	default:
		return nil, FieldErrorf("kind", "a seal is HOUSEHOLD or PERSONAL").WithReason("seal.kind")
	}
	if !a.CanSee(officeCode) {
		return nil, Errorf(CodeForbidden, "office %s is outside your jurisdiction", officeCode).WithReason("auth.jurisdiction")
	}
	office, err := s.Offices.FindOfficeByCode(ctx, officeCode)
	if err != nil {
		return nil, err
	}
	req.OfficeCode, req.OfficeName = office.Code, office.Name
	ref, pub, err := s.Keys.NewKey(ctx)
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	req.PublicKey = pub
	is, err := s.Authority.IssueSeal(ctx, req)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	seal := &ElectronicSeal{ID: is.ID, Kind: kind, OfficeCode: office.Code, UserID: req.UserID, Name: is.Name, Image: is.Image,
		Certificate: is.Certificate, CACertificate: is.CACertificate, SealData: is.SealData, ValidFrom: is.ValidFrom, ValidTo: is.ValidTo,
		Status: SealValid, KeyRef: ref, CreatedAt: now, UpdateAt: now}
	if err := s.Repo.CreateSeal(ctx, seal); err != nil {
		return nil, err
	}
	s.refreshed(ctx)
	if err := s.audit(ctx, a, AuditChange, "seal.request", seal.ID); err != nil {
		return nil, err
	}
	return seal, nil
}

// RevokeSeal revokes a seal at the province and locally. ADMIN only.
func (s *SealService) RevokeSeal(ctx context.Context, id, reason string) (*ElectronicSeal, error) {
	a, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 200 {
		return nil, FieldErrorf("reason", "say why the seal is revoked (at most 200 characters)").WithReason("seal.reason")
	}
	seal, err := s.Repo.FindSeal(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.CanSee(seal.OfficeCode) {
		return nil, Errorf(CodeForbidden, "the seal belongs to office %s, outside your jurisdiction", seal.OfficeCode).WithReason("auth.jurisdiction")
	}
	if seal.RevokedAt != nil {
		return seal, nil
	}
	if err := s.Authority.RevokeSeal(ctx, id, reason); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if err := s.Repo.RevokeSeal(ctx, id, now, reason); err != nil {
		return nil, err
	}
	s.refreshed(ctx)
	seal.RevokedAt, seal.RevokeReason, seal.Status = &now, reason, SealRevoked
	if err := s.audit(ctx, a, AuditChange, "seal.revoke", id); err != nil {
		return nil, err
	}
	return seal, nil
}

// Seals lists the seals of an office (the admin's own when empty). ADMIN only.
func (s *SealService) Seals(ctx context.Context, officeCode string) ([]*ElectronicSeal, error) {
	a, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if officeCode == "" {
		officeCode = a.OfficeCode
	}
	if !a.CanSee(officeCode) {
		return nil, Errorf(CodeForbidden, "office %s is outside your jurisdiction", officeCode).WithReason("auth.jurisdiction")
	}
	out, err := s.Repo.ListSeals(ctx, officeCode)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for _, e := range out {
		e.Status = e.StatusAt(now)
	}
	return out, nil
}

// StampingSeals returns the seals that stamp a document printed now for
// officeCode: the office's household seal, then the personal seal of
// operatorID (the one the operator chose, PickPersonal), or when that is
// empty of the context's actor. A document
// rendered by a background job (a system actor) with no operator named
// gets the household seal only; an operator without a personal seal adds
// none. The newest seal
// of each kind is used; when it is expired or revoked the document is
// refused with that seal's reason (seal.expired, seal.revoked), and an
// office without a household seal is refused with seal.missing.
func (s *SealService) StampingSeals(ctx context.Context, officeCode, operatorID string) ([]*ElectronicSeal, error) {
	if officeCode == "" {
		return nil, Errorf(CodeConflict, "the document names no office to stamp it").WithReason("seal.missing")
	}
	all, err := s.officeSeals(ctx, officeCode)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var household *ElectronicSeal
	for _, e := range all { // newest first
		if e.Kind == SealHousehold {
			household = e
			break
		}
	}
	if household == nil {
		return nil, Errorf(CodeConflict, "office %s has no electronic household seal (户口专用章); ask an administrator to request one", officeCode).WithReason("seal.missing")
	}
	if err := household.Usable(now); err != nil {
		return nil, err
	}
	out := []*ElectronicSeal{household}
	if a := ActorFromContext(ctx); operatorID == "" && a != nil && !a.System {
		operatorID = a.UserID
	}
	if operatorID != "" {
		personal, err := s.userSeals(ctx, operatorID)
		if err != nil {
			return nil, err
		}
		if pick := PickPersonal(personal); pick != nil {
			if de := pick.unusable(now); de != nil {
				if len(personal) > 1 {
					return nil, Errorf(de.Code, "%s; or choose another of your personal seals (我的印章)", de.Message).WithReason(de.Reason)
				}
				return nil, de
			}
			out = append(out, pick)
		}
	}
	return out, nil
}

// MySeals is an operator's own personal seals and the one that signs.
type MySeals struct {
	Seals   []*ElectronicSeal
	Signing *ElectronicSeal
}

// MySeals returns the caller's own personal seals, newest first, each with
// its status now, and the one that signs (PickPersonal). Any role that
// prints.
func (s *SealService) MySeals(ctx context.Context) (*MySeals, error) {
	a, err := Authorize(ctx, RoleClerk, RoleOfficer, RoleApprover, RoleArchivist, RoleAdmin)
	if err != nil {
		return nil, err
	}
	out, err := s.Repo.UserSeals(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for _, e := range out {
		e.Status = e.StatusAt(now)
	}
	return &MySeals{Seals: out, Signing: PickPersonal(out)}, nil
}

// ChooseSeal makes personal seal id the one that signs the caller's
// documents from now on (the seal picker, 5.1.2). Refused: a seal that is
// not the caller's (CodeForbidden, seal.not_yours; the same for an unknown
// one, so nothing is learnt of others' seals), a household seal
// (CodeInvalid, seal.not_personal), an expired or revoked one (CodeConflict,
// seal.expired, seal.revoked). Audited.
func (s *SealService) ChooseSeal(ctx context.Context, id string) (*ElectronicSeal, error) {
	a, err := Authorize(ctx, RoleClerk, RoleOfficer, RoleApprover, RoleArchivist, RoleAdmin)
	if err != nil {
		return nil, err
	}
	seal, err := s.Repo.FindSeal(ctx, id)
	if err != nil && ErrorCode(err) != CodeNotFound {
		return nil, err
	}
	switch {
	case seal == nil || (seal.Kind == SealPersonal && seal.UserID != a.UserID):
		return nil, Errorf(CodeForbidden, "you can choose only one of your own personal seals").WithField("sealId").WithReason("seal.not_yours")
	case seal.Kind != SealPersonal:
		return nil, FieldErrorf("sealId", "choose a personal seal; the household seal is the office's").WithReason("seal.not_personal")
	}
	now := s.now().UTC()
	if de := seal.unusable(now); de != nil {
		return nil, de.WithField("sealId")
	}
	if err := s.Repo.ChooseSeal(ctx, seal.ID, now); err != nil {
		return nil, err
	}
	s.refreshed(ctx)
	seal.ChosenAt, seal.Status = &now, SealValid
	if err := s.audit(ctx, a, AuditChange, "seal.choose", seal.ID); err != nil {
		return nil, err
	}
	return seal, nil
}

func (s *SealService) audit(ctx context.Context, a *Actor, action AuditAction, op, subject string) error {
	if s.Audit == nil {
		return nil
	}
	return s.Audit.Record(ctx, NewAuditEntry(a, s.now(), action, op, "seal", subject, ""))
}

// DocumentVerification is what verifying a sealed document found (5.1.2).
type DocumentVerification struct {
	// Valid is true when the document has at least one seal, every seal's
	// signature verifies with a certificate of the trusted e-seal CA, every
	// seal was valid (not expired, not revoked) when it was used, and the
	// document is unchanged since the last seal.
	Valid bool
	// Unchanged is true when every signature verifies and the last one
	// covers the whole file.
	Unchanged bool
	// Reason says why the document is not valid (empty when it is):
	// document.unreadable, document.unsigned, document.changed,
	// seal.untrusted, seal.expired, seal.revoked, seal.unknown; Message
	// says it in words.
	Reason  string
	Message string
	Seals   []SealVerification
}

// SealVerification is one seal of a verified document.
type SealVerification struct {
	Field    string
	SealID   string
	SealName string
	// Holder is the organisation named in the seal's certificate.
	Holder string
	// SignedAt is the signing time the signature carries.
	SignedAt time.Time
	// SignatureValid: the signature verifies over the bytes it covers.
	SignatureValid bool
	// Trusted: the certificate chains to the e-seal CA and was valid at SignedAt.
	Trusted bool
	// StatusAtSigning is the seal's status when it was used: VALID,
	// EXPIRED, REVOKED, or UNKNOWN when the e-seal service does not know it.
	StatusAtSigning SealStatus
	// CoversWhole: nothing was appended after this seal.
	CoversWhole bool
	// Problem says what is wrong with this seal; empty when nothing is.
	Problem string
}

// SealUnknown is the status of a seal the e-seal service does not know.
const SealUnknown SealStatus = "UNKNOWN"

// DocumentVerifier checks the electronic seals of a PDF.
type DocumentVerifier interface {
	VerifyDocument(ctx context.Context, pdf []byte) (*DocumentVerification, error)
}

// DocumentVerifyMaxSize is the largest file VerifyDocument accepts.
const DocumentVerifyMaxSize = DocumentMaxSize

// VerifyDocument verifies the seals of a document someone presents (5.1.2),
// for the roles that handle documents. The check is audited (operation
// document.verify, subject the file's SHA-256). Errors: CodeInvalid for an
// empty or too large file; a file that is not a sealed PDF is not an error
// but an answer with Valid false and its reason.
func (s *SealService) VerifyDocument(ctx context.Context, name string, pdf []byte) (*DocumentVerification, error) {
	a, err := Authorize(ctx, RoleClerk, RoleOfficer, RoleApprover, RoleArchivist, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if len(pdf) == 0 || int64(len(pdf)) > DocumentVerifyMaxSize {
		return nil, FieldErrorf("file", "the file must be a PDF of 1 byte to %d MB", DocumentVerifyMaxSize>>20).WithReason("document.size")
	}
	if s.Verifier == nil {
		return nil, Errorf(CodeUnavailable, "document verification is not configured on this server").WithReason("document.verifier")
	}
	if err := s.Audit.Record(ctx, NewAuditEntry(a, s.now(), AuditRead, "document.verify", "document", AttachmentFor(name, "", pdf).SHA256, name)); err != nil {
		return nil, err
	}
	return s.Verifier.VerifyDocument(ctx, pdf)
}
