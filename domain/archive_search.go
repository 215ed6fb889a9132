package domain

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ArchiveStatus selects archives by validity in a search (1.4.8): valid,
// deleted (soft delete, 1.4.7), or both when "".
type ArchiveStatus string

// Archive statuses.
const (
	ArchiveValid   ArchiveStatus = "VALID"
	ArchiveDeleted ArchiveStatus = "DELETED"
)

// ArchiveSearch is what a user searches archives by (1.4.8); every set
// condition must hold.
type ArchiveSearch struct {
	Kind           CaseKind
	CollabNo       string
	PersonName     string // a person of the case, by the kind's declared name fields (exact)
	PersonIDNumber string // a person of the case, by the kind's declared ID number fields
	MaterialCode   string
	OfficeCode     string    // the case's office, or an office above it
	From, To       time.Time // captured on these days (China time), inclusive; zero: open
	Status         ArchiveStatus
	Restriction    ArchiveRestriction
}

// ArchiveQuery is an ArchiveSearch as the repository runs it: checked, with
// the caller's jurisdiction and where each kind keeps its persons.
type ArchiveQuery struct {
	ArchiveSearch
	// Jurisdiction is the caller's office prefix ("" everywhere).
	Jurisdiction string
	// OfficePrefix is the jurisdiction prefix of OfficeCode ("" none).
	OfficePrefix string
	// CapturedFrom and CapturedBefore bound created_at (zero: open).
	CapturedFrom, CapturedBefore time.Time
	// Persons, set when a person is searched for, lists each kind's fields
	// holding names (for PersonName) or ID numbers (PersonIDNumber); a
	// kind without such fields has no archive of that person.
	Persons []ArchivePersonFields
}

// ArchivePersonFields are where the cases of one kind keep persons' names
// and ID numbers (the kind's query declaration, QueryField.PII): a case
// matches when one of Names equals PersonName (if asked for) and one of
// IDNumbers equals PersonIDNumber (if asked for).
type ArchivePersonFields struct {
	Kind      CaseKind
	Names     []QueryStore
	IDNumbers []QueryStore
}

// ArchiveHit is one archive found, with its case.
type ArchiveHit struct {
	File *CaseFile
	Case *Case
	// MaterialName is the material's name on the Ministry's list for the
	// case's kind and province; the code when the list lacks it or the
	// Ministry does not answer.
	MaterialName string
}

// ArchiveCursor is the keyset cursor of an archive in a search.
func ArchiveCursor(f *CaseFile) string {
	return CursorFor(strconv.FormatInt(f.CreatedAt.UnixNano(), 10) + "|" + f.ID)
}

// ArchivePage is one page of archives, newest captured first.
type ArchivePage struct {
	Hits        []*ArchiveHit
	HasNextPage bool
	EndCursor   string
}

// ArchiveSearcher finds archives (implemented by storage).
type ArchiveSearcher interface {
	// SearchArchives pages through the archives (category ARCHIVE) of q,
	// newest captured first (created_at, then ID, descending).
	SearchArchives(ctx context.Context, q ArchiveQuery, p Page) (*ArchivePage, error)
	// ArchiveMaterialCodes lists the distinct (kind, province, material
	// code) of the archives of cases within jurisdiction (an office
	// prefix, "" everywhere), at most limit of them.
	ArchiveMaterialCodes(ctx context.Context, jurisdiction string, limit int) ([]ArchiveMaterialCode, error)
}

// ArchiveMaterialCode is a material code archives are filed under, with
// the kind and province whose Ministry list names it.
type ArchiveMaterialCode struct {
	Kind     CaseKind
	Province string
	Code     string
}

// ArchiveMaterialType is a material type archives are filed under: its
// code and its name on the Ministry's list.
type ArchiveMaterialType struct {
	Code string
	Name string
}

// MaterialTypes lists the material types the caller's archives are filed
// under (the search form's choices, 1.4.8), by name, each code once: named
// from the Ministry's lists (the code when no list has it).
func (s *ArchiveService) MaterialTypes(ctx context.Context) ([]*ArchiveMaterialType, error) {
	actor, err := Authorize(ctx, archiveSearchRoles...)
	if err != nil {
		return nil, err
	}
	if s.Searcher == nil {
		return nil, Errorf(CodeInternal, "archive search is not wired")
	}
	codes, err := s.Searcher.ArchiveMaterialCodes(ctx, jurisdictionOf(actor), 1000)
	if err != nil {
		return nil, err
	}
	byCode := map[string]*ArchiveMaterialType{}
	lists := map[string]map[string]string{}
	var out []*ArchiveMaterialType
	for _, c := range codes {
		key := string(c.Kind) + "|" + c.Province
		names, ok := lists[key]
		if !ok {
			names = map[string]string{}
			if list, err := s.Ministry.MaterialsList(ctx, BusinessKind(c.Kind), c.Province, ""); err == nil {
				for _, m := range list {
					names[m.Code] = m.Name
				}
			}
			lists[key] = names
		}
		t := byCode[c.Code]
		if t == nil {
			t = &ArchiveMaterialType{Code: c.Code, Name: c.Code}
			byCode[c.Code] = t
			out = append(out, t)
		}
		if n := names[c.Code]; n != "" && t.Name == t.Code {
			t.Name = n
		}
	}
	slices.SortFunc(out, func(a, b *ArchiveMaterialType) int { return strings.Compare(a.Name+a.Code, b.Name+b.Code) })
	return out, nil
}

// archiveSearchRoles may search archives: the operational roles. Masked
// roles (ANALYST, INTEGRATOR) read no archive at all.
var archiveSearchRoles = []Role{RoleClerk, RoleOfficer, RoleApprover, RoleArchivist, RoleAdmin}

// Search finds archives by conditions (1.4.8) within the caller's
// jurisdiction, valid or deleted, and audits the search (its conditions
// and the files found) before answering. Errors: CodeForbidden for
// another role; CodeInvalid naming the condition that is malformed
// (personIdNumber, personName, collabNo, materialCode, officeCode, to,
// status, restriction, first, after); CodeUnavailable when the audit log
// cannot be written.
func (s *ArchiveService) Search(ctx context.Context, f ArchiveSearch, p Page) (*ArchivePage, error) {
	actor, err := Authorize(ctx, archiveSearchRoles...)
	if err != nil {
		return nil, err
	}
	if err := checkPage(&p); err != nil {
		return nil, err
	}
	q, err := s.archiveQuery(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	if s.Searcher == nil {
		return nil, Errorf(CodeInternal, "archive search is not wired")
	}
	page := &ArchivePage{}
	if q != nil {
		if page, err = s.Searcher.SearchArchives(ctx, *q, p); err != nil {
			return nil, err
		}
	}
	ids := make([]string, len(page.Hits))
	lists := map[string]map[string]string{} // kind|province → code → name
	for i, h := range page.Hits {
		ids[i] = h.File.ID
		h.MaterialName = h.File.MaterialCode
		if h.Case == nil {
			continue
		}
		key := string(h.Case.Kind) + "|" + h.Case.RegistrationProvince
		names, ok := lists[key]
		if !ok {
			names = map[string]string{}
			if list, err := s.Ministry.MaterialsList(ctx, BusinessKind(h.Case.Kind), h.Case.RegistrationProvince, ""); err == nil {
				for _, m := range list {
					names[m.Code] = m.Name
				}
			}
			lists[key] = names
		}
		if n := names[h.File.MaterialCode]; n != "" {
			h.MaterialName = n
		}
	}
	cond, _ := json.Marshal(f)
	detail := string(cond) + " files " + strings.Join(ids, ",")
	if err := s.Cases.Audit.Record(ctx, NewAuditEntry(actor, s.Cases.Now(), AuditRead, "archive.search", "CaseFile", "", detail)); err != nil {
		return nil, err
	}
	return page, nil
}

// archiveQuery checks f and completes it for the repository; nil when
// nothing can match (an office outside the caller's jurisdiction).
func (s *ArchiveService) archiveQuery(ctx context.Context, actor *Actor, f ArchiveSearch) (*ArchiveQuery, error) {
	f.CollabNo = strings.TrimSpace(f.CollabNo)
	f.PersonName = strings.TrimSpace(f.PersonName)
	f.PersonIDNumber = strings.ToUpper(strings.TrimSpace(f.PersonIDNumber))
	f.MaterialCode = strings.TrimSpace(f.MaterialCode)
	f.OfficeCode = strings.TrimSpace(f.OfficeCode)
	for field, v := range map[string]string{"collabNo": f.CollabNo, "materialCode": f.MaterialCode, "personName": f.PersonName} {
		if utf8.RuneCountInString(v) > 64 || !utf8.ValidString(v) {
			return nil, FieldErrorf(field, "at most 64 characters").WithReason("archive.search_condition")
		}
	}
	if f.PersonIDNumber != "" {
		id, err := ValidateIDNumber("personIdNumber", f.PersonIDNumber, s.Cases.Now())
		if err != nil {
			return nil, err
		}
		f.PersonIDNumber = id
	}
	switch f.Status {
	case "", ArchiveValid, ArchiveDeleted:
	default:
		return nil, FieldErrorf("status", "choose VALID or DELETED").WithReason("archive.search_condition")
	}
	if f.Restriction != "" && !f.Restriction.Valid() {
		return nil, FieldErrorf("restriction", "choose NONE, NO_DELETE, NO_MODIFY or NO_DELETE_NO_MODIFY").WithReason("archive.restriction")
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return nil, FieldErrorf("to", "the range ends before it starts").WithReason("archive.search_range")
	}
	q := &ArchiveQuery{ArchiveSearch: f, Jurisdiction: jurisdictionOf(actor)}
	day := func(t time.Time) time.Time {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, chinaZone).UTC()
	}
	if !f.From.IsZero() {
		q.CapturedFrom = day(f.From)
	}
	if !f.To.IsZero() {
		q.CapturedBefore = day(f.To).AddDate(0, 0, 1)
	}
	if f.OfficeCode != "" {
		o, err := s.Cases.DB.Offices().FindOfficeByCode(ctx, f.OfficeCode)
		if ErrorCode(err) == CodeNotFound {
			return nil, FieldErrorf("officeCode", "there is no office %s", f.OfficeCode).WithReason("archive.search_office")
		}
		if err != nil {
			return nil, err
		}
		q.OfficePrefix = o.JurisdictionPrefix()
		if !strings.HasPrefix(q.OfficePrefix, q.Jurisdiction) && !strings.HasPrefix(q.Jurisdiction, q.OfficePrefix) {
			return nil, nil // outside the caller's jurisdiction: nothing to find
		}
	}
	if f.PersonName != "" || f.PersonIDNumber != "" {
		q.Persons = s.personFields(f.Kind, f.PersonName != "", f.PersonIDNumber != "")
		if len(q.Persons) == 0 {
			return nil, nil
		}
	}
	return q, nil
}

// personFields lists, per registered kind (only kind when set), the fields
// its query declaration marks as a person's name or ID number; a kind that
// lacks what is asked for cannot match and is left out.
func (s *ArchiveService) personFields(kind CaseKind, name, idNumber bool) []ArchivePersonFields {
	var out []ArchivePersonFields
	for _, src := range s.Cases.QuerySources() {
		if kind != "" && src.Kind != string(kind) {
			continue
		}
		pf := ArchivePersonFields{Kind: CaseKind(src.Kind)}
		for _, fld := range src.Fields {
			switch {
			case fld.Store.Doc == "":
			case fld.PII == PIIName:
				pf.Names = append(pf.Names, fld.Store)
			case fld.PII == PIIIDNumber:
				pf.IDNumbers = append(pf.IDNumbers, fld.Store)
			}
		}
		if (!name || len(pf.Names) > 0) && (!idNumber || len(pf.IDNumbers) > 0) {
			out = append(out, pf)
		}
	}
	return out
}
