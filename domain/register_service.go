package domain

import (
	"context"
	"errors"
	"strings"
	"time"

	"hukou/domain/idnumber"
)

// readRegisterRoles may read the household register. INTEGRATOR clients never
// read it directly: Internet+ intake goes through cases.
var readRegisterRoles = []Role{RoleClerk, RoleOfficer, RoleApprover, RoleArchivist, RoleAnalyst, RoleAdmin}

// RegisterService answers questions about the household register within the
// caller's jurisdiction, auditing every read of a person's data.
type RegisterService struct {
	DB    Database
	Audit AuditSink
	Now   func() time.Time
}

// NewRegisterService returns a RegisterService; it panics on a nil dependency.
func NewRegisterService(db Database, audit AuditSink, now func() time.Time) *RegisterService {
	if db == nil || audit == nil || now == nil {
		panic("domain: NewRegisterService needs db, audit and now")
	}
	return &RegisterService{DB: db, Audit: audit, Now: now}
}

// FindResidentByIDNumber returns the resident with that citizen ID number.
// Errors: CodeInvalid (field "idNumber", with the exact reason) for a
// malformed number; CodeNotFound, the same for a resident outside the
// caller's jurisdiction as for none (that refusal is audited as DENIED). A
// 15-digit number is upgraded to 18 digits first. The read is audited.
func (s *RegisterService) FindResidentByIDNumber(ctx context.Context, number string) (*Resident, error) {
	actor, err := Authorize(ctx, readRegisterRoles...)
	if err != nil {
		return nil, err
	}
	id, err := ValidateIDNumber("idNumber", number, s.Now())
	if err != nil {
		return nil, err
	}
	missing := notFound("resident with ID number %s not found", id)
	r, err := s.DB.Register().FindResidentByIDNumber(ctx, id)
	if err != nil {
		return nil, orMissing(err, missing)
	}
	if err := s.checkJurisdiction(ctx, actor, "resident", r.ID, r.StationCode, missing); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, actor, AuditRead, "resident", "Resident", r.ID, ""); err != nil {
		return nil, err
	}
	return r, nil
}

// FindResidentByID returns a resident by internal ID (for node(id:)), with
// the same jurisdiction check and audit as FindResidentByIDNumber.
func (s *RegisterService) FindResidentByID(ctx context.Context, id string) (*Resident, error) {
	actor, err := Authorize(ctx, readRegisterRoles...)
	if err != nil {
		return nil, err
	}
	missing := notFound("resident not found")
	r, err := s.DB.Register().FindResidentByID(ctx, id)
	if err != nil {
		return nil, orMissing(err, missing)
	}
	if err := s.checkJurisdiction(ctx, actor, "resident", r.ID, r.StationCode, missing); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, actor, AuditRead, "node", "Resident", r.ID, ""); err != nil {
		return nil, err
	}
	return r, nil
}

// FindHouseholdByID returns a household by internal ID (for node(id:)),
// with the same jurisdiction check and audit as FindHouseholdByNumber.
func (s *RegisterService) FindHouseholdByID(ctx context.Context, id string) (*Household, error) {
	actor, err := Authorize(ctx, readRegisterRoles...)
	if err != nil {
		return nil, err
	}
	hs, err := s.DB.Register().FindHouseholdsByIDs(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	missing := notFound("household not found")
	if len(hs) == 0 {
		return nil, missing
	}
	if err := s.checkJurisdiction(ctx, actor, "node", hs[0].ID, hs[0].StationCode, missing); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, actor, AuditRead, "node", "Household", hs[0].ID, ""); err != nil {
		return nil, err
	}
	return hs[0], nil
}

// FindHouseholdByNumber returns a household by its household number.
// Errors: CodeInvalid for an empty number; CodeNotFound, also outside the
// caller's jurisdiction (audited as DENIED).
func (s *RegisterService) FindHouseholdByNumber(ctx context.Context, number string) (*Household, error) {
	actor, err := Authorize(ctx, readRegisterRoles...)
	if err != nil {
		return nil, err
	}
	if number == "" || len(number) > 20 {
		return nil, FieldErrorf("number", "a household number has 1 to 20 characters").WithReason("household.number")
	}
	missing := notFound("household %s not found", number)
	h, err := s.DB.Register().FindHouseholdByNumber(ctx, number)
	if err != nil {
		return nil, orMissing(err, missing)
	}
	if err := s.checkJurisdiction(ctx, actor, "household", h.ID, h.StationCode, missing); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, actor, AuditRead, "household", "Household", h.ID, ""); err != nil {
		return nil, err
	}
	return h, nil
}

// MaxPageSize bounds every page a client may ask for.
const MaxPageSize = 200

// FindResidents pages through the residents the caller may see, newest
// first. f.JurisdictionPrefix is set from the caller's office; asking for a
// station outside it returns CodeForbidden (offices are a public directory,
// so this tells nothing about anyone). A caller whose personal data is
// masked may not filter by name (CodeInvalid, reason pii.search): prefix by
// prefix, the answers would spell out the names it reads masked. Each page
// read is audited with the IDs of the residents returned in its detail.
func (s *RegisterService) FindResidents(ctx context.Context, f ResidentFilter, p Page) (*ResidentPage, error) {
	actor, err := Authorize(ctx, readRegisterRoles...)
	if err != nil {
		return nil, err
	}
	if err := checkPage(&p); err != nil {
		return nil, err
	}
	if err := checkMaskedSearch(actor, f); err != nil {
		return nil, err
	}
	if f.StationCode != "" && !actor.CanSee(f.StationCode) {
		return nil, s.deny(ctx, actor, "residents", "Office", f.StationCode)
	}
	if f.Status != "" && f.Status != ResidentActive && f.Status != ResidentMovedOut && f.Status != ResidentDeceased {
		return nil, FieldErrorf("status", "unknown resident status %q", f.Status).WithReason("resident.status")
	}
	f.JurisdictionPrefix = jurisdictionOf(actor)
	page, err := s.DB.Register().FindResidents(ctx, f, p)
	if err != nil {
		return nil, err
	}
	if len(page.Residents) > 0 {
		ids := make([]string, len(page.Residents))
		for i, r := range page.Residents {
			ids[i] = r.ID
		}
		// One entry per page keeps auditing cheap; the IDs read are in Detail.
		if err := s.audit(ctx, actor, AuditRead, "residents", "Resident", "", strings.Join(ids, ",")); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// CountResidents counts the residents matching f that the caller may see.
func (s *RegisterService) CountResidents(ctx context.Context, f ResidentFilter) (int, error) {
	actor, err := Authorize(ctx, readRegisterRoles...)
	if err != nil {
		return 0, err
	}
	if err := checkMaskedSearch(actor, f); err != nil {
		return 0, err
	}
	if f.StationCode != "" && !actor.CanSee(f.StationCode) {
		return 0, s.deny(ctx, actor, "residents", "Office", f.StationCode)
	}
	f.JurisdictionPrefix = jurisdictionOf(actor)
	return s.DB.Register().CountResidents(ctx, f)
}

// checkMaskedSearch refuses a name filter to a caller whose personal data is
// masked: a search by what it may not read would unmask it.
func checkMaskedSearch(actor *Actor, f ResidentFilter) error {
	if f.NamePrefix != "" && actor.MasksPersonalData() {
		return FieldErrorf("namePrefix", "names are masked for your role, so you cannot search by them; filter by station or status").WithReason("pii.search")
	}
	return nil
}

// FindOffices lists the offices within the caller's jurisdiction, by code.
func (s *RegisterService) FindOffices(ctx context.Context) ([]*Office, error) {
	actor, err := RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	return s.DB.Offices().FindOffices(ctx, jurisdictionOf(actor))
}

// checkJurisdiction returns missing, the error for a record that does not
// exist, when the record kept by stationCode is outside actor's
// jurisdiction, and audits the refusal as DENIED (the audit's error when the
// refusal cannot be recorded).
func (s *RegisterService) checkJurisdiction(ctx context.Context, actor *Actor, op, subjectID, stationCode string, missing error) error {
	if actor.CanSee(stationCode) {
		return nil
	}
	if err := s.audit(ctx, actor, AuditDenied, op, "Office", subjectID, "outside jurisdiction"); err != nil {
		return err // as deny: a refusal that cannot be recorded answers CodeUnavailable
	}
	return missing
}

// deny audits a refused filter on an office outside the caller's
// jurisdiction and returns the CodeForbidden error for it (or the audit's
// CodeUnavailable when the refusal cannot be recorded).
func (s *RegisterService) deny(ctx context.Context, actor *Actor, op, subjectType, subjectID string) error {
	if err := s.audit(ctx, actor, AuditDenied, op, subjectType, subjectID, "outside jurisdiction"); err != nil {
		return err
	}
	return Errorf(CodeForbidden, "this record belongs to an office outside the jurisdiction of %s", actor.OfficeCode).WithReason("auth.jurisdiction")
}

// audit records the entry and returns once it is committed; a read must not
// be answered when it returns an error.
func (s *RegisterService) audit(ctx context.Context, actor *Actor, action AuditAction, op, subjectType, subjectID, detail string) error {
	return s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), action, op, subjectType, subjectID, detail))
}

// NewAuditEntry builds an audit entry for actor.
func NewAuditEntry(actor *Actor, at time.Time, action AuditAction, op, subjectType, subjectID, detail string) *AuditEntry {
	e := &AuditEntry{At: at, Action: action, Operation: op, SubjectType: subjectType, SubjectID: subjectID, Detail: detail}
	if actor != nil {
		e.ActorID, e.ActorName, e.OfficeCode, e.RemoteAddr = actor.UserID, actor.Username, actor.OfficeCode, actor.RemoteAddr
	}
	return e
}

// jurisdictionOf returns the office-code prefix the actor may see.
func jurisdictionOf(a *Actor) string {
	if a.System || a.Office == nil {
		return ""
	}
	return a.Office.JurisdictionPrefix()
}

func checkPage(p *Page) error {
	if p.First == 0 {
		p.First = 50
	}
	if p.First < 1 || p.First > MaxPageSize {
		return FieldErrorf("first", "ask for between 1 and %d items per page", MaxPageSize).WithReason("page.size")
	}
	return nil
}

// ValidateIDNumber checks a citizen ID number (GB 11643), upgrading a
// 15-digit number to 18, and returns the 18-character form. A bad number
// gives CodeInvalid on field with the exact reason (length, characters,
// division, birth date, check digit).
func ValidateIDNumber(field, number string, now time.Time) (string, error) {
	if len(number) == 15 {
		up, err := idnumber.Upgrade15(number)
		if err != nil {
			return "", idNumberError(field, err)
		}
		number = up
	}
	id, err := idnumber.Validate(number, now)
	if err != nil {
		return "", idNumberError(field, err)
	}
	return id.Number, nil
}

func idNumberError(field string, err error) error {
	var ie *idnumber.Error
	if errors.As(err, &ie) {
		return &Error{Code: CodeInvalid, Field: field, Message: ie.Message, Reason: ie.Reason}
	}
	return err
}

// OfficesByCodes returns the offices with the given codes, for loaders.
// Office names and ranks are a public directory, not personal data, so
// this needs no actor (a login response shows the user's office).
func (s *RegisterService) OfficesByCodes(ctx context.Context, codes []string) ([]*Office, error) {
	return s.DB.Offices().FindOfficesByCodes(ctx, codes)
}

// HouseholdsByIDs returns the households with the given IDs that the caller
// may see, for loaders; the others are left out (CodeForbidden is raised where
// the caller asked for a record, not where a relation points).
func (s *RegisterService) HouseholdsByIDs(ctx context.Context, ids []string) ([]*Household, error) {
	actor, err := Authorize(ctx, readRegisterRoles...)
	if err != nil {
		return nil, err
	}
	hs, err := s.DB.Register().FindHouseholdsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return slicesFilter(hs, func(h *Household) bool { return actor.CanSee(h.StationCode) }), nil
}

// AddressesByIDs returns the addresses with the given IDs that the caller may see.
func (s *RegisterService) AddressesByIDs(ctx context.Context, ids []string) ([]*Address, error) {
	actor, err := Authorize(ctx, readRegisterRoles...)
	if err != nil {
		return nil, err
	}
	as, err := s.DB.Register().FindAddressesByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return slicesFilter(as, func(a *Address) bool { return actor.CanSee(a.StationCode) }), nil
}

// MembersByHouseholdIDs returns the members of the households the caller
// may see, for loaders, and audits the read.
func (s *RegisterService) MembersByHouseholdIDs(ctx context.Context, ids []string) ([]*Resident, error) {
	actor, err := Authorize(ctx, readRegisterRoles...)
	if err != nil {
		return nil, err
	}
	rs, err := s.DB.Register().FindResidentsByHouseholdIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	rs = slicesFilter(rs, func(r *Resident) bool { return actor.CanSee(r.StationCode) })
	if len(rs) > 0 {
		if err := s.audit(ctx, actor, AuditRead, "household.members", "Household", "", strings.Join(ids, ",")); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

func slicesFilter[T any](in []T, keep func(T) bool) []T {
	out := in[:0]
	for _, v := range in {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}
