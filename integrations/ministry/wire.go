package ministry

import (
	"slices"
	"time"

	"hukou/domain"
)

// The wire types of the contract, as openapi.yaml describes them. They live
// here only: the domain never sees JSON tags. The simulator shares them so
// that client and simulator cannot drift apart silently.

// DateLayout is the layout of calendar dates on the wire.
const DateLayout = "2006-01-02"

// PersonQuery is the body of the look-ups keyed by a citizen ID number.
type PersonQuery struct {
	IDNumber string `json:"idNumber"`
}

// EligibilityQuery is the body of POST /id-cards/eligibility.
type EligibilityQuery struct {
	IDNumber string `json:"idNumber"`
	Kind     string `json:"kind"`
}

// VerifyQuery is the body of POST /household-info/verify.
type VerifyQuery struct {
	IDNumber string `json:"idNumber"`
	Purpose  string `json:"purpose"`
}

// Availability answers GET /service-availability.
type Availability struct {
	Province string `json:"province"`
	Kind     string `json:"kind"`
	Open     bool   `json:"open"`
}

// Person is a person in a Household.
type Person struct {
	IDNumber           string `json:"idNumber"`
	Name               string `json:"name"`
	Sex                string `json:"sex"`
	Ethnicity          string `json:"ethnicity"`
	BirthDate          string `json:"birthDate"`
	BirthplaceDivision string `json:"birthplaceDivision"`
	Relation           string `json:"relation"`
	Status             string `json:"status"`
}

// Household answers POST /households/query.
type Household struct {
	Person     Person   `json:"person"`
	Members    []Person `json:"members"`
	Number     string   `json:"number"`
	Type       string   `json:"type"`
	Division   string   `json:"division"`
	Address    string   `json:"address"`
	UrbanRural string   `json:"urbanRural"`
	OfficeCode string   `json:"officeCode"`
}

// UrbanRuralClass answers GET /urban-rural-class.
type UrbanRuralClass struct {
	Division string `json:"division"`
	Address  string `json:"address,omitempty"`
	Class    string `json:"class"`
}

// BirthCertificate answers GET /birth-certificates/{certNo}.
type BirthCertificate struct {
	Number             string    `json:"number"`
	Name               string    `json:"name"`
	Sex                string    `json:"sex"`
	BirthTime          time.Time `json:"birthTime"`
	BirthplaceDivision string    `json:"birthplaceDivision"`
	BirthPlace         string    `json:"birthPlace"`
	Hospital           string    `json:"hospital"`
	MotherName         string    `json:"motherName"`
	MotherIDNumber     string    `json:"motherIdNumber"`
	FatherName         string    `json:"fatherName,omitempty"`
	FatherIDNumber     string    `json:"fatherIdNumber,omitempty"`
	IssuedOn           string    `json:"issuedOn"`
}

// BirthRegistration is one record of GET /birth-certificates/{certNo}/registrations.
type BirthRegistration struct {
	CertificateNumber string    `json:"certificateNumber"`
	IDNumber          string    `json:"idNumber"`
	Name              string    `json:"name"`
	OfficeCode        string    `json:"officeCode"`
	RegisteredAt      time.Time `json:"registeredAt"`
}

// BirthRegistrations answers GET /birth-certificates/{certNo}/registrations.
type BirthRegistrations struct {
	Records []BirthRegistration `json:"records"`
}

// CertificateUsage answers GET /birth-certificates/{certNo}/usage; the
// optional fields are set when Used.
type CertificateUsage struct {
	CertificateNumber string     `json:"certificateNumber"`
	Used              bool       `json:"used"`
	OfficeCode        string     `json:"officeCode,omitempty"`
	UsedAt            *time.Time `json:"usedAt,omitempty"`
	IDNumber          string     `json:"idNumber,omitempty"`
	Name              string     `json:"name,omitempty"`
}

// UsageRecord is the body of POST /birth-certificates/{certNo}/usage: the
// birth registered with the certificate.
type UsageRecord struct {
	OfficeCode string    `json:"officeCode"`
	IDNumber   string    `json:"idNumber"`
	Name       string    `json:"name"`
	UsedAt     time.Time `json:"usedAt"`
}

// Eligibility answers POST /id-cards/eligibility.
type Eligibility struct {
	Eligible bool   `json:"eligible"`
	Reason   string `json:"reason,omitempty"`
	Message  string `json:"message,omitempty"`
}

// IDCardRecord is one record of POST /id-cards/history; empty dates are
// omitted.
type IDCardRecord struct {
	Kind       string `json:"kind"`
	OfficeCode string `json:"officeCode"`
	AppliedOn  string `json:"appliedOn"`
	IssuedOn   string `json:"issuedOn,omitempty"`
	ValidFrom  string `json:"validFrom,omitempty"`
	ValidUntil string `json:"validUntil,omitempty"`
	Status     string `json:"status"`
}

// IDCardHistory answers POST /id-cards/history.
type IDCardHistory struct {
	Records []IDCardRecord `json:"records"`
}

// Material is one entry of GET /materials.
type Material struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Required    bool   `json:"required"`
	Description string `json:"description,omitempty"`
}

// Materials answers GET /materials.
type Materials struct {
	Materials []Material `json:"materials"`
}

// Verification answers POST /household-info/verify.
type Verification struct {
	Found      bool       `json:"found"`
	Purpose    string     `json:"purpose"`
	VerifiedAt time.Time  `json:"verifiedAt"`
	Household  *Household `json:"household,omitempty"`
}

// FormatDate writes a date for the wire; "" for the zero time.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(DateLayout)
}

func parseDate(s string) time.Time {
	t, _ := time.Parse(DateLayout, s) // the zero time for "" or garbage; the spec pins the shape
	return t
}

// PersonFromDomain converts a domain person to the wire.
func PersonFromDomain(p domain.MinistryPerson) Person {
	return Person{
		IDNumber: p.IDNumber, Name: p.Name, Sex: p.Sex, Ethnicity: p.Ethnicity,
		BirthDate: FormatDate(p.BirthDate), BirthplaceDivision: p.BirthplaceDivision,
		Relation: p.Relation, Status: string(p.Status),
	}
}

func (p Person) toDomain() domain.MinistryPerson {
	return domain.MinistryPerson{
		IDNumber: p.IDNumber, Name: p.Name, Sex: p.Sex, Ethnicity: p.Ethnicity,
		BirthDate: parseDate(p.BirthDate), BirthplaceDivision: p.BirthplaceDivision,
		Relation: p.Relation, Status: domain.ResidentStatus(p.Status),
	}
}

func (h *Household) toDomain() *domain.MinistryHousehold {
	out := &domain.MinistryHousehold{
		Person: h.Person.toDomain(), Number: h.Number, Type: domain.HouseholdType(h.Type),
		Division: h.Division, Address: h.Address, UrbanRural: h.UrbanRural, OfficeCode: h.OfficeCode,
	}
	out.Members = make([]domain.MinistryPerson, len(h.Members))
	for i, m := range h.Members {
		out.Members[i] = m.toDomain()
	}
	return out
}

// The business kinds the contract knows (the kind parameter of service
// availability and materials lists); each case kind's module names its own.
const (
	BusinessBirth      domain.BusinessKind = "BIRTH"       // birth registration
	BusinessMigration  domain.BusinessKind = "MIGRATION"   // household migration
	BusinessInfoCert   domain.BusinessKind = "INFO_CERT"   // household information certificate
	BusinessMatterCert domain.BusinessKind = "MATTER_CERT" // household matter certificate
	BusinessIDCard     domain.BusinessKind = "ID_CARD"     // off-site ID card application
)

// Businesses lists every business kind of the contract in a fixed order.
var Businesses = []domain.BusinessKind{BusinessBirth, BusinessMigration, BusinessInfoCert, BusinessMatterCert, BusinessIDCard}

// KnownBusiness reports whether k is a business kind of the contract.
func KnownBusiness(k domain.BusinessKind) bool { return slices.Contains(Businesses, k) }

// MigrationCertificateRequest is the body of POST /migration-certificates.
type MigrationCertificateRequest struct {
	CollabNo    string    `json:"collabNo"`
	FromOffice  string    `json:"fromOffice"`
	ToOffice    string    `json:"toOffice"`
	ToDivision  string    `json:"toDivision"`
	ToAddress   string    `json:"toAddress"`
	Category    string    `json:"category"`
	IDNumbers   []string  `json:"idNumbers"`
	RequestedAt time.Time `json:"requestedAt"`
}

// MigrationCertificate is an e-migration certificate (电子迁移证).
type MigrationCertificate struct {
	LicenceID  string    `json:"licenceId"`
	CollabNo   string    `json:"collabNo"`
	FromOffice string    `json:"fromOffice"`
	ToOffice   string    `json:"toOffice"`
	ToDivision string    `json:"toDivision"`
	ToAddress  string    `json:"toAddress"`
	Category   string    `json:"category"`
	IDNumbers  []string  `json:"idNumbers"`
	IssuedAt   time.Time `json:"issuedAt"`
	ValidUntil time.Time `json:"validUntil"`
}
