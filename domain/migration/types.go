package migration

import (
	"context"
	"time"

	"hukou/domain"
)

// Ministry is what migration asks the Ministry (部库): the engine's common
// look-ups and the e-migration certificate service (电子迁移证, 4.1.1).
// Errors as domain.Ministry's.
type Ministry interface {
	ServiceAvailability(ctx context.Context, provinceCode string, kind domain.BusinessKind) (bool, error)
	HouseholdByIDNumber(ctx context.Context, idNumber string) (*domain.MinistryHousehold, error)
	UrbanRuralClass(ctx context.Context, division, address string) (string, error)
	// RequestMigrationCertificate has the Ministry issue the e-migration
	// certificate of a move-out and returns it with its licence ID. The
	// request is keyed by its collaboration number: asking again with the
	// same request returns the same certificate, so callers retry it.
	// CodeConflict (reason ministry.migration_refused) when the Ministry
	// refuses a mover, CodeNotFound for an unknown person.
	RequestMigrationCertificate(ctx context.Context, req CertificateRequest) (*Certificate, error)
	// MigrationCertificate fetches the certificate with the licence ID;
	// CodeNotFound when none was issued.
	MigrationCertificate(ctx context.Context, licenceID string) (*Certificate, error)
}

// CertificateRequest asks for the e-migration certificate of a move-out.
type CertificateRequest struct {
	CollabNo    string
	FromOffice  string   // the move-out (registration) office
	ToOffice    string   // the move-in (acceptance) office
	ToDivision  string   // GB/T 2260 county of the destination
	ToAddress   string   // the destination address
	Category    string   // the migration category code
	IDNumbers   []string // the movers
	RequestedAt time.Time
}

// Certificate is an e-migration certificate (电子迁移证) as the Ministry
// holds it.
type Certificate struct {
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

// Ways of settling at the destination.
const (
	WayJoin      = "JOIN"      // 投靠: join an existing household at A
	WayEstablish = "ESTABLISH" // 立户: establish a new household at A
)

// Applicant is what the acceptance clerk enters for a migration (1.1.3);
// it stays editable until submission (1.2.2), except whose household was
// looked up (ApplicantIDNumber).
type Applicant struct {
	// ApplicantIDNumber is the main mover: the Ministry household of this
	// person is the one the movers leave.
	ApplicantIDNumber string `json:"applicantIdNumber"`
	// Category is a category code of data/categories.csv (夫妻投靠 …).
	Category string `json:"category"`
	// Movers are the ID numbers of those who move, all members of the
	// Ministry household.
	Movers []string `json:"movers"`
	// KinIDNumber is the relative already registered at A whom the movers
	// join (the spouse for 夫妻投靠, …), for the categories that need one.
	KinIDNumber string `json:"kinIdNumber,omitempty"`
	// Way is JOIN or ESTABLISH.
	Way string `json:"way"`
	// HouseholdNumber is the household at A the movers join (JOIN), whose
	// head consented (HeadConsent).
	HouseholdNumber string `json:"householdNumber,omitempty"`
	HeadConsent     bool   `json:"headConsent"`
	// Division and Address are the new household's address at A
	// (ESTABLISH).
	Division string `json:"division,omitempty"`
	Address  string `json:"address,omitempty"`
	// Reason is the applicant's statement of the reason.
	Reason string `json:"reason,omitempty"`
	Phone  string `json:"phone,omitempty"`
	// MoveInPermit is the e-move-in permit (电子准迁证) of the movers,
	// issued by the Ministry's licence service when the case is submitted,
	// or the one the clerk cited (4.1.2); set by Submit, never entered.
	MoveInPermit string `json:"moveInPermit,omitempty"`
}

// MinistryData is what the Ministry and A's register said at intake,
// frozen with the case.
type MinistryData struct {
	Household   *domain.MinistryHousehold `json:"household"` // the household the movers leave
	HomeClass   string                    `json:"homeClass"` // urban/rural class of its address
	DestClass   string                    `json:"destClass"` // urban/rural class of the destination
	DestAddress string                    `json:"destAddress"`
	// DestDivision is the county of the destination.
	DestDivision string `json:"destDivision"`
	Province     string `json:"province"`
	ServiceOpen  bool   `json:"serviceOpen"`
	// Kin is the relative in A's register the movers join ("" when the
	// category needs none).
	KinName string `json:"kinName,omitempty"`
}

// Intake is the input of Start.
type Intake struct {
	Applicant Applicant
}

// Lookup is what the look-ups of a migration intake returned (1.1.3):
// nothing is saved.
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

// Recode is a staying member's new relation to the new head (GB/T 4761),
// when the head leaves.
type Recode struct {
	IDNumber string `json:"idNumber"`
	Relation string `json:"relation"`
}

// MoveOut is what the registration officer decides at approval (2.2.4):
// when the head leaves and others stay, the new head and every staying
// member's relation to them.
type MoveOut struct {
	NewHeadIDNumber string   `json:"newHeadIdNumber,omitempty"`
	Recodes         []Recode `json:"recodes,omitempty"`
	Note            string   `json:"note,omitempty"`
}

// Mover is a person as the registration office moved them out: what the
// acceptance office registers them with.
type Mover struct {
	IDNumber           string    `json:"idNumber"`
	Name               string    `json:"name"`
	FormerNames        string    `json:"formerNames,omitempty"`
	Sex                string    `json:"sex"`
	Ethnicity          string    `json:"ethnicity"`
	BirthDate          time.Time `json:"birthDate"`
	BirthplaceDivision string    `json:"birthplaceDivision"`
	Relation           string    `json:"relation"` // in the household left
}

// Member is one arriving mover as the acceptance office registers them
// (2.2.5, 2.2.6): their relation to the head of the household joined or
// established ("02" for the new head).
type Member struct {
	IDNumber string `json:"idNumber"`
	Relation string `json:"relation"`
}

// MoveIn is the input of the move-in: the arriving members' relations.
type MoveIn struct {
	Members []Member `json:"members"`
}

// Settled is one mover as registered at the acceptance office.
type Settled struct {
	IDNumber string `json:"idNumber"`
	Name     string `json:"name"`
	Relation string `json:"relation"`
	Hcybsh   string `json:"hcybsh"`
}

// Outcome is what the offices produced, kept in the case's Result on both
// sides.
type Outcome struct {
	Decision
	Certificate     *Certificate `json:"certificate,omitempty"`
	Movers          []Mover      `json:"movers,omitempty"`
	NewHead         string       `json:"newHead,omitempty"`         // R: the staying member who became head
	HouseholdClosed bool         `json:"householdClosed,omitempty"` // R: everyone left
	MovedOutOn      time.Time    `json:"movedOutOn,omitzero"`
	HouseholdNumber string       `json:"householdNumber,omitempty"` // A: the household joined or established
	Settled         []Settled    `json:"settled,omitempty"`
	MovedInOn       time.Time    `json:"movedInOn,omitzero"`
}

// Details is a migration case's own part as the API shows it.
type Details struct {
	Applicant      Applicant
	CategoryName   string
	Household      *domain.MinistryHousehold
	HomeClass      string
	DestClass      string
	DestAddress    string
	KinName        string
	RefusalReasons []string
	Outcome        *Outcome
	MinistryChecks []domain.MinistryCheck
}

// data is a migration case decoded.
type data struct {
	Applicant Applicant
	Ministry  MinistryData
	Result    Outcome
}

// decode returns c's applicant, Ministry and result data. Errors wrapped.
func decode(c *domain.Case) (*data, error) {
	d := &data{}
	return d, c.Decode(&d.Applicant, &d.Ministry, &d.Result)
}

// setResult stores o as c's Result.
func setResult(c *domain.Case, o Outcome) error { return c.SetResult(o) }

// DetailsOf returns c's migration part for the API.
func DetailsOf(c *domain.Case) (*Details, error) {
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	out := &Details{Applicant: d.Applicant, Household: d.Ministry.Household, HomeClass: d.Ministry.HomeClass,
		DestClass: d.Ministry.DestClass, DestAddress: d.Ministry.DestAddress, KinName: d.Ministry.KinName,
		RefusalReasons: d.Result.Reasons, MinistryChecks: checks(d.Applicant, d.Ministry)}
	if cat, ok := categoryOf(d.Applicant.Category); ok {
		out.CategoryName = cat.Name
	}
	if out.RefusalReasons == nil {
		out.RefusalReasons = []string{}
	}
	if out.Applicant.Movers == nil {
		out.Applicant.Movers = []string{}
	}
	if d.Result.Certificate != nil || len(d.Result.Settled) > 0 || len(d.Result.Movers) > 0 {
		o := d.Result
		out.Outcome = &o
	}
	return out, nil
}

// checks lists the intake checks of frozen or fresh data.
func checks(a Applicant, m MinistryData) []domain.MinistryCheck {
	household := ""
	if m.Household != nil {
		household = m.Household.Number
	}
	category := a.Category
	if c, ok := categoryOf(a.Category); ok {
		category = c.Name
	}
	return []domain.MinistryCheck{
		{Check: "SERVICE", Passed: m.ServiceOpen, Detail: m.Province},
		{Check: "HOUSEHOLD", Passed: household != "", Detail: household},
		{Check: "URBAN_RURAL", Passed: m.HomeClass != "" && m.DestClass != "", Detail: m.HomeClass + "→" + m.DestClass},
		{Check: "CATEGORY", Passed: a.Category != "", Detail: category},
	}
}
