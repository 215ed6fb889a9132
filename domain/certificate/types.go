package certificate

import (
	"context"
	"fmt"
	"time"

	"hukou/domain"
)

// Ministry is what the certificates ask the Ministry (部库): whether the
// home province has the business open (7.1.7), who a person is (1.1.6), and
// the household-information verification of an information certificate
// (7.1.2). Errors as domain.Ministry's.
type Ministry interface {
	ServiceAvailability(ctx context.Context, provinceCode string, kind domain.BusinessKind) (bool, error)
	HouseholdByIDNumber(ctx context.Context, idNumber string) (*domain.MinistryHousehold, error)
	VerifyHouseholdInfo(ctx context.Context, idNumber, purpose string) (*domain.HouseholdInfoVerification, error)
}

// ProvincePlatform is the province platform (省级平台) as the registration
// office uses it when a matter needs verification in a third province
// (2.2.7): it routes the request there and returns that province's answer
// with its materials. Errors: CodeInvalid naming a field, CodeUnavailable.
type ProvincePlatform interface {
	RouteVerification(ctx context.Context, req RouteRequest) (*RouteAnswer, error)
}

// RouteRequest asks a third province to verify a matter.
type RouteRequest struct {
	CollabNo         string
	RequestingOffice string // the registration office asking
	Province         string // 2-digit GB/T 2260 province asked
	MatterType       string
	Statement        string
	Persons          []Person
}

// RouteAnswer is the third province's answer: its verdict, what it found,
// and its materials (kept as verification archives at R).
type RouteAnswer struct {
	Province   string       `json:"province"`
	Office     string       `json:"office"`
	Verdict    Verdict      `json:"verdict"`
	Findings   string       `json:"findings"`
	AnsweredAt time.Time    `json:"answeredAt"`
	Materials  []RoutedFile `json:"-"`
	Files      []string     `json:"files,omitempty"` // names of the materials kept
}

// RoutedFile is one material of a third province's answer.
type RoutedFile struct {
	Name        string
	ContentType string
	Content     []byte
}

// Verdict is the registration office's answer on a matter (2.1.3).
type Verdict string

// Verdicts.
const (
	VerdictTrue     Verdict = "TRUE"
	VerdictNotTrue  Verdict = "NOT_TRUE"
	VerdictNoResult Verdict = "NO_RESULT"
)

// Valid reports whether v is one of the verdicts.
func (v Verdict) Valid() bool { return v == VerdictTrue || v == VerdictNotTrue || v == VerdictNoResult }

// Person is a person a matter is about, as the clerk enters them.
type Person struct {
	IDNumber string `json:"idNumber"`
	Name     string `json:"name"`
}

// Matter is what the acceptance clerk enters for a matter certificate
// (1.1.6); it stays editable until submission (1.2.3).
type Matter struct {
	// MatterType is one of MatterTypes' codes.
	MatterType string   `json:"matterType"`
	Persons    []Person `json:"persons"`
	// Statement is the matter to certify, in the clerk's words.
	Statement string `json:"statement"`
	Purpose   string `json:"purpose"`
	// The facts some matter types need (MatterType.Needs).
	Relation  string `json:"relation,omitempty"`  // KINSHIP: the second person's relation to the first
	OtherName string `json:"otherName,omitempty"` // SAME_PERSON: the other name
	Address   string `json:"address,omitempty"`   // PAST_ADDRESS
	Period    string `json:"period,omitempty"`    // PAST_ADDRESS: when
	// The applicant at the counter.
	ApplicantName     string `json:"applicantName"`
	ApplicantIDNumber string `json:"applicantIdNumber"`
	ApplicantPhone    string `json:"applicantPhone,omitempty"`
	// RegistrationOffice is the registration office the applicant names,
	// needed only when the Ministry knows none of the first person.
	RegistrationOffice string `json:"registrationOffice,omitempty"`
}

// InfoRequest is the input of IssueInfo (1.1.5).
type InfoRequest struct {
	IDNumber      string `json:"idNumber"`
	Name          string `json:"name"`
	Purpose       string `json:"purpose"`
	ApplicantName string `json:"applicantName"`
}

// PersonCheck is what the Ministry said about one person at intake.
type PersonCheck struct {
	IDNumber        string                 `json:"idNumber"`
	Found           bool                   `json:"found"`
	Person          *domain.MinistryPerson `json:"person,omitempty"`
	HouseholdNumber string                 `json:"householdNumber,omitempty"`
	OfficeCode      string                 `json:"officeCode,omitempty"`
}

// MinistryData is what the Ministry said at intake, frozen with the case.
type MinistryData struct {
	Persons     []PersonCheck                     `json:"persons,omitempty"`
	Info        *domain.HouseholdInfoVerification `json:"info,omitempty"`
	Province    string                            `json:"province"`
	ServiceOpen bool                              `json:"serviceOpen"`
}

// Decision is the registration office's verdict as both copies keep it.
type Decision struct {
	Verdict  Verdict   `json:"verdict"`
	Findings string    `json:"findings,omitempty"` // TRUE: what was established, printed on the certificate
	Reasons  []string  `json:"reasons,omitempty"`  // NOT_TRUE, NO_RESULT: why
	Office   string    `json:"office"`             // the registration office that verified
	At       time.Time `json:"at"`
	// Materials names the verification materials sent with a TRUE verdict.
	Materials []string `json:"materials,omitempty"`
}

// Issued is an issued certificate (or refusal to certify): its number,
// unique because it is made from the case's collaboration number (unique
// by constraint), and the verification code printed on it.
type Issued struct {
	Number     string    `json:"number"`
	Code       string    `json:"code"`
	Title      string    `json:"title"`
	HolderName string    `json:"holderName"`
	Facts      []string  `json:"facts"`
	Office     string    `json:"office"`
	OfficeName string    `json:"officeName"`
	IssuedAt   time.Time `json:"issuedAt"`
}

// Revocation records a revoked certificate.
type Revocation struct {
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// result is everything kept in a certificate case's Result.
type result struct {
	Decision    *Decision    `json:"decision,omitempty"`
	Route       *RouteAnswer `json:"route,omitempty"`
	Certificate *Issued      `json:"certificate,omitempty"`
	Refusal     *Issued      `json:"refusal,omitempty"`
	Revocation  *Revocation  `json:"revocation,omitempty"`
}

// MatterDetails is a matter certificate case's own part as the API shows it.
type MatterDetails struct {
	Matter      Matter
	MatterTitle string
	Persons     []PersonCheck
	Decision    *Decision
	Route       *RouteAnswer
	Issued      *Issued
	Refusal     *Issued
	Revocation  *Revocation
}

// InfoDetails is an information certificate case's own part as the API
// shows it.
type InfoDetails struct {
	Request    InfoRequest
	Issued     *Issued
	Revocation *Revocation
}

// data is a certificate case decoded.
type data struct {
	Matter   *Matter
	Info     *InfoRequest
	Ministry MinistryData
	Result   result
}

// decode returns c's data. Errors: a wrapped decoding error when
// stored data does not decode.
func decode(c *domain.Case) (*data, error) {
	d := &data{}
	var applicant any = &d.Matter
	if c.Kind == InfoKind {
		applicant = &d.Info
	}
	return d, c.Decode(applicant, &d.Ministry, &d.Result)
}

// updateResult decodes c's result, lets f change it and stores it.
func updateResult(c *domain.Case, f func(*result)) error {
	d, err := decode(c)
	if err != nil {
		return err
	}
	f(&d.Result)
	return c.SetResult(d.Result)
}

// DetailsOf returns a matter certificate case's part for the API.
func DetailsOf(c *domain.Case) (*MatterDetails, error) {
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	if d.Matter == nil {
		return nil, fmt.Errorf("certificate case %s has no matter", c.ID)
	}
	out := &MatterDetails{Matter: *d.Matter, Persons: d.Ministry.Persons, Decision: d.Result.Decision, Route: d.Result.Route,
		Issued: d.Result.Certificate, Refusal: d.Result.Refusal, Revocation: d.Result.Revocation}
	if out.Persons == nil {
		out.Persons = []PersonCheck{}
	}
	if t, ok := matterType(d.Matter.MatterType); ok {
		out.MatterTitle = t.Title
	}
	return out, nil
}

// InfoDetailsOf returns an information certificate case's part for the API.
func InfoDetailsOf(c *domain.Case) (*InfoDetails, error) {
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	if d.Info == nil {
		return nil, fmt.Errorf("certificate case %s has no request", c.ID)
	}
	return &InfoDetails{Request: *d.Info, Issued: d.Result.Certificate, Revocation: d.Result.Revocation}, nil
}

// Titles as printed.
const (
	InfoTitle    = "户籍信息证明"
	MatterTitle  = "户籍事项证明"
	RefusalTitle = "不予出具证明告知书"
)

// MaterialVerification is the material code of the verification materials
// captured at R (1.4.4); a TRUE verdict needs at least one.
const MaterialVerification = "VERIFICATION_RECORD"
