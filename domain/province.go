package domain

import (
	"context"
	"regexp"
)

// Province is the provincial department's service (省厅) as the domain needs
// it. Today it issues collaboration numbers (7.1.4); e-seals and the ID card
// production centre (upload, quality and production feedback) will join it as
// further methods.
type Province interface {
	// CollaborationNumber returns the collaboration number (治安管理业务协同编号)
	// of req.CaseID, issuing it on the first call: calling again with the same
	// CaseID returns the same number, so a caller may retry after a lost
	// answer. Errors: CodeInvalid (Field names the bad input) for a malformed
	// request; CodeConflict when CaseID already has a number issued for a
	// different kind or office; CodeUnavailable when the service does not answer.
	CollaborationNumber(ctx context.Context, req CollabNumberRequest) (string, error)
}

// CollabNumberRequest asks for the collaboration number of one case.
type CollabNumberRequest struct {
	// CaseID identifies the case in the acceptance office's system; the
	// province issues one number per CaseID.
	CaseID string
	// Kind is the business kind, e.g. "BIRTH", "MIGRATION", "ID_CARD".
	Kind string
	// AcceptanceOffice is the 12-digit code of the office that accepted the
	// case; its first 6 digits (the GB/T 2260 division) go into the number.
	AcceptanceOffice string
	// RegistrationProvince is the 2-digit GB/T 2260 code of the province that
	// holds the hukou, e.g. "13" for Hebei.
	RegistrationProvince string
}

var (
	reCaseID   = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)
	reKind     = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,31}$`)
	reOffice   = regexp.MustCompile(`^[0-9]{12}$`)
	reProvince = regexp.MustCompile(`^[1-9][0-9]$`)
	reCollabNo = regexp.MustCompile(`^XT[0-9]{6}[0-9]{8}[0-9]{8}$`)
)

// Validate returns a CodeInvalid *Error naming the first malformed field
// (caseId, kind, acceptanceOffice, registrationProvince), or nil.
func (r CollabNumberRequest) Validate() error {
	switch {
	case !reCaseID.MatchString(r.CaseID):
		return FieldErrorf("caseId", "the case ID must be 1 to 64 letters, digits or . _ : -").WithReason("collab_no.case_id")
	case !reKind.MatchString(r.Kind):
		return FieldErrorf("kind", "the business kind must be an upper-case code such as BIRTH").WithReason("collab_no.kind")
	case !reOffice.MatchString(r.AcceptanceOffice):
		return FieldErrorf("acceptanceOffice", "the acceptance office code must be 12 digits").WithReason("collab_no.acceptance_office")
	case !reProvince.MatchString(r.RegistrationProvince):
		return FieldErrorf("registrationProvince", "the registration province must be a 2-digit province code").WithReason("collab_no.registration_province")
	}
	return nil
}

// CollabNoLength is the length of a collaboration number.
const CollabNoLength = 24

// ValidCollabNo reports whether s has the form of a collaboration number:
//
//	XT DDDDDD YYYYMMDD NNNNNNNN
//
// "XT" (协同), the 6-digit GB/T 2260 division of the acceptance office, the
// date of issue (yyyymmdd, China Standard Time) and an 8-digit sequence,
// 24 characters with no separators, e.g. XT2111002025031400000001. The
// province keeps the sequence per division and day, so a number is unique
// nationwide; the case database also enforces uniqueness by constraint.
func ValidCollabNo(s string) bool { return reCollabNo.MatchString(s) }
