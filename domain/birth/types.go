package birth

import (
	"context"
	"slices"
	"time"

	"hukou/domain"
)

// Ministry is what birth registration asks the Ministry (部库, 7.1.1): the
// engine's common look-ups and the medical birth certificate's. Errors as
// domain.Ministry's.
type Ministry interface {
	ServiceAvailability(ctx context.Context, provinceCode string, kind domain.BusinessKind) (bool, error)
	HouseholdByIDNumber(ctx context.Context, idNumber string) (*domain.MinistryHousehold, error)
	// BirthCertificate returns the medical birth certificate with the
	// number; CodeNotFound when none was issued.
	BirthCertificate(ctx context.Context, certNo string) (*Certificate, error)
	// BirthRegistrationHistory returns the birth registrations made with the
	// certificate, oldest first (none for an unused one); CodeNotFound for
	// an unknown certificate.
	BirthRegistrationHistory(ctx context.Context, certNo string) ([]RegistrationRecord, error)
	// BirthCertificateUsage tells whether the certificate number was already
	// used for a registration, and where, when and for whom (7.1.1);
	// CodeNotFound for an unknown certificate.
	BirthCertificateUsage(ctx context.Context, certNo string) (*CertificateUsage, error)
	// RecordBirthCertificateUsage records that the certificate was used to
	// register the birth of u.Name with ID number u.IDNumber at office
	// u.OfficeCode on u.UsedAt: from then on the usage record and the
	// registration history report it (7.1.1). Recording the same birth
	// again changes nothing, so callers retry it; CodeConflict when the
	// certificate was used for another child, CodeNotFound for an unknown
	// certificate.
	RecordBirthCertificateUsage(ctx context.Context, certNo string, u CertificateUsage) error
}

// Certificate is a medical birth certificate (出生医学证明) as the Ministry
// holds it.
type Certificate struct {
	Number             string
	Name               string // the newborn's name
	Sex                string // GB/T 2261.1
	BirthTime          time.Time
	BirthplaceDivision string // GB/T 2260 county of the hospital
	BirthPlace         string // the hospital's address
	Hospital           string
	MotherName         string
	MotherIDNumber     string
	FatherName         string // "" when the father is not recorded
	FatherIDNumber     string
	IssuedOn           time.Time
}

// RegistrationRecord is one birth registration made with a medical birth
// certificate.
type RegistrationRecord struct {
	CertificateNumber string
	IDNumber          string // the registered child's new ID number
	Name              string
	OfficeCode        string // the office that registered the birth
	RegisteredAt      time.Time
}

// CertificateUsage is the usage record of a birth certificate number: when
// Used, the office that used it, when, and the child registered with it.
type CertificateUsage struct {
	CertificateNumber string
	Used              bool
	OfficeCode        string
	UsedAt            time.Time
	IDNumber          string
	Name              string
}

// Applicant is what the acceptance clerk enters for a birth registration
// (1.1.1); it stays editable until submission (1.2.1).
type Applicant struct {
	NewbornName       string `json:"newbornName"`
	Ethnicity         string `json:"ethnicity"`     // GB/T 3304
	Relation          string `json:"relation"`      // GB/T 4761, to the head of the household joined
	SettleWith        string `json:"settleWith"`    // FATHER or MOTHER: whose household the newborn joins
	DeclarantName     string `json:"declarantName"` // who applies at the counter
	DeclarantIDNumber string `json:"declarantIdNumber"`
	DeclarantPhone    string `json:"declarantPhone"`
}

// MinistryData is what the Ministry said at intake, frozen with the case.
type MinistryData struct {
	Certificate Certificate               `json:"certificate"`
	History     []RegistrationRecord      `json:"history"`
	Usage       CertificateUsage          `json:"usage"`
	Household   *domain.MinistryHousehold `json:"household"` // the household the newborn joins
	ParentID    string                    `json:"parentIdNumber"`
	Province    string                    `json:"province"`    // the home province asked for availability
	ServiceOpen bool                      `json:"serviceOpen"` // its answer (a case exists only when open)
}

// Intake is the input of Start.
type Intake struct {
	CertificateNumber string
	Applicant         Applicant
}

// Lookup is what the Ministry look-ups of a birth intake returned (1.1.1):
// the certificate, the household the newborn joins, the home province and
// the checks made. Nothing is saved.
type Lookup struct {
	Ministry MinistryData
	Checks   []domain.MinistryCheck
}

// Decision is what the registration office decided.
type Decision struct {
	Approved bool     `json:"approved"`
	Reasons  []string `json:"reasons,omitempty"`
	Note     string   `json:"note,omitempty"`
}

// Settlement is the newborn as the registration office settles it into
// the household register (2.2.1): the details are prefilled from the
// certificate and editable.
type Settlement struct {
	HouseholdNumber string
	Name            string
	Sex             string // GB/T 2261.1
	Ethnicity       string // GB/T 3304
	BirthDate       time.Time
	Relation        string // GB/T 4761
}

// Outcome is what the registration office produced, kept in the case's
// Result on both sides.
type Outcome struct {
	Decision
	ResidentID      string `json:"residentId,omitempty"`
	IDNumber        string `json:"idNumber,omitempty"`
	Hcybsh          string `json:"hcybsh,omitempty"`
	HouseholdNumber string `json:"householdNumber,omitempty"`
	NewbornName     string `json:"newbornName,omitempty"`
	FormRevision    int    `json:"formRevision,omitempty"`
	FormSHA256      string `json:"formSha256,omitempty"`
	// HukouBookLicenceID is the household's e-hukou book as the Ministry
	// updated it with the newborn (4.1.2), requested after the settlement
	// by a case job; empty until the Ministry answered.
	HukouBookLicenceID string `json:"hukouBookLicenceId,omitempty"`
}

// ErrorItem is one error the applicant found on the printed form: the
// field, what it should say, and a note (1.3.2).
type ErrorItem struct {
	Field  string `json:"field"`
	Wanted string `json:"wanted"`
	Note   string `json:"note,omitempty"`
}

// Item names the register item the wanted value is for (domain.ItemValue:
// masking classifies Wanted by it).
func (e ErrorItem) Item() string { return e.Field }

// MajorChange is a requested major-item change waiting for an approver.
type MajorChange struct {
	Field       string `json:"field"`
	Value       string `json:"value"`
	Reason      string `json:"reason"`
	RequestedBy string `json:"requestedBy"`
}

// Item names the register item the new value is for (domain.ItemValue).
func (m MajorChange) Item() string { return m.Field }

// result is everything kept in a birth case's Result: the decision, the
// outcome, the correction state, and the documents still to be rendered.
type result struct {
	Outcome
	ErrorReport   []ErrorItem  `json:"errorReport,omitempty"`
	PendingChange *MajorChange `json:"pendingChange,omitempty"`
	// Corrections are the changes made since the last form was sent; the
	// next form lists them (2.2.3).
	Corrections []domain.FormCorrection `json:"corrections,omitempty"`
	// Clerk and RegisteredOn are who settled the newborn and when: the
	// form's 承办人 and 登记日期.
	Clerk        string    `json:"clerk,omitempty"`
	RegisteredOn time.Time `json:"registeredOn,omitzero"`
	// ClerkID is the user who settled the newborn: the form carries their
	// personal seal beside the station's household seal (5.1.2), also when a
	// job renders it.
	ClerkID string `json:"clerkId,omitempty"`
	// Pending lists the documents (job names) a step could not render (no
	// font): a case job renders and sends each one (RunJob).
	Pending []string `json:"pending,omitempty"`
}

// pending reports whether job waits to be done; done removes it.
func (r *result) pending(job string) bool { return slices.Contains(r.Pending, job) }

func (r *result) done(job string) {
	r.Pending = slices.DeleteFunc(r.Pending, func(j string) bool { return j == job })
}

func (r *result) later(job string) {
	if !r.pending(job) {
		r.Pending = append(r.Pending, job)
	}
}

// Details is a birth case's own part as the API shows it.
type Details struct {
	Applicant       Applicant
	Certificate     Certificate
	HouseholdNumber string
	RefusalReasons  []string
	Outcome         *Outcome
	ErrorReport     []ErrorItem
	PendingChange   *MajorChange
	MinistryChecks  []domain.MinistryCheck
}

// data is a birth case decoded.
type data struct {
	Applicant Applicant
	Ministry  MinistryData
	Result    result
}

// decode returns c's applicant, Ministry and result data. Errors wrapped.
func decode(c *domain.Case) (*data, error) {
	d := &data{}
	return d, c.Decode(&d.Applicant, &d.Ministry, &d.Result)
}

// setResult stores r as c's Result.
func setResult(c *domain.Case, r result) error { return c.SetResult(r) }

// updateResult decodes c's result, lets f change it and stores it.
func updateResult(c *domain.Case, f func(*result)) error {
	d, err := decode(c)
	if err != nil {
		return err
	}
	f(&d.Result)
	return setResult(c, d.Result)
}

// DetailsOf returns c's birth part for the API.
func DetailsOf(c *domain.Case) (*Details, error) {
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	out := &Details{Applicant: d.Applicant, Certificate: d.Ministry.Certificate, RefusalReasons: d.Result.Reasons,
		ErrorReport: d.Result.ErrorReport, PendingChange: d.Result.PendingChange, MinistryChecks: checks(d.Ministry)}
	if out.RefusalReasons == nil {
		out.RefusalReasons = []string{}
	}
	if out.ErrorReport == nil {
		out.ErrorReport = []ErrorItem{}
	}
	if d.Ministry.Household != nil {
		out.HouseholdNumber = d.Ministry.Household.Number
	}
	if d.Result.IDNumber != "" {
		o := d.Result.Outcome
		out.Outcome = &o
	}
	return out, nil
}

// checks lists the intake checks of frozen or fresh Ministry data.
func checks(m MinistryData) []domain.MinistryCheck {
	household := ""
	if m.Household != nil {
		household = m.Household.Number
	}
	return []domain.MinistryCheck{
		{Check: "SERVICE", Passed: m.ServiceOpen, Detail: m.Province},
		{Check: "CERTIFICATE", Passed: m.Certificate.Number != "", Detail: m.Certificate.Number},
		{Check: "USAGE", Passed: !m.Usage.Used, Detail: m.Certificate.Number},
		{Check: "HISTORY", Passed: len(m.History) == 0, Detail: m.Certificate.Number},
		{Check: "HOUSEHOLD", Passed: household != "", Detail: household},
	}
}

// Birth document kinds (case files of category DOCUMENT).
const (
	DocumentRegistrationForm       = "REGISTRATION_FORM"
	DocumentSignedForm             = "SIGNED_FORM"
	DocumentCompletionConfirmation = "COMPLETION_CONFIRMATION"
	DocumentRefusalNotice          = "REFUSAL_NOTICE"
)

// Title is the business as printed on documents.
const Title = "新生儿出生登记"
