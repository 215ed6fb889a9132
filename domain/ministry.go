package domain

import (
	"context"
	"time"
)

// BusinessKind is a kind of cross-province business, as the Ministry and the
// provinces name it when they open or close a business for cross-province
// handling (7.1.7) and list its materials (7.1.6).
type BusinessKind string

// Each kind's module declares its business (e.g. birth.Business); a
// case's kind names its business (BusinessKind(c.Kind)).

// IDCardApplicationKind distinguishes a first ID card application from a
// renewal (the card expires) and a replacement (the card was lost).
type IDCardApplicationKind string

// ID card application kinds.
const (
	IDCardFirst       IDCardApplicationKind = "FIRST"
	IDCardRenewal     IDCardApplicationKind = "RENEWAL"
	IDCardReplacement IDCardApplicationKind = "REPLACEMENT"
)

// Valid reports whether k is one of the IDCardApplicationKind constants.
func (k IDCardApplicationKind) Valid() bool {
	return k == IDCardFirst || k == IDCardRenewal || k == IDCardReplacement
}

// Ministry is the Ministry of Public Security's registry service (部库) as
// the cross-province flows use it: read-only look-ups, answered from the
// national population data. Implementations translate every failure into a
// *Error: CodeInvalid for input the Ministry refuses (Field names it),
// CodeNotFound when the Ministry knows no such person or certificate, and
// CodeUnavailable, naming the Ministry, when it cannot be reached in time.
// No method changes anything, so callers may retry any of them.
type Ministry interface {
	// ServiceAvailability reports whether kind is open for cross-province
	// handling in the province with the 2-digit provinceCode (7.1.7).
	ServiceAvailability(ctx context.Context, provinceCode string, kind BusinessKind) (bool, error)
	// HouseholdByIDNumber returns the person with the citizen ID number,
	// every member of their household, the household and its registration
	// office; CodeNotFound when no one has that number.
	HouseholdByIDNumber(ctx context.Context, idNumber string) (*MinistryHousehold, error)
	// UrbanRuralClass returns the urban/rural class code (城乡分类代码) of an
	// address in the 6-digit division; CodeInvalid for an unknown division.
	UrbanRuralClass(ctx context.Context, division, address string) (string, error)
	// OffsiteIDEligibility tells whether the person may apply off-site for
	// an ID card of the kind, and why not (7.1.5); CodeNotFound for an
	// unknown person.
	OffsiteIDEligibility(ctx context.Context, idNumber string, kind IDCardApplicationKind) (*Eligibility, error)
	// IDCardHistory returns the person's ID card applications, oldest first
	// (7.1.3); CodeNotFound for an unknown person.
	IDCardHistory(ctx context.Context, idNumber string) ([]IDCardRecord, error)
	// MaterialsList returns the materials the province requires for kind,
	// in the order they are captured (7.1.6); variant, when not "", names
	// the kind's variant whose own materials are added (the ID card's
	// application type: a renewal needs the old card).
	MaterialsList(ctx context.Context, kind BusinessKind, provinceCode, variant string) ([]Material, error)
	// VerifyHouseholdInfo returns the certified household facts of the
	// person for a household information certificate issued for purpose
	// (7.1.2). Finding nothing is an answer (Found false), not an error.
	VerifyHouseholdInfo(ctx context.Context, idNumber, purpose string) (*HouseholdInfoVerification, error)
}

// MinistryPerson is a person as the Ministry registry records them. Codes
// follow the national standards, as in Resident.
type MinistryPerson struct {
	IDNumber           string
	Name               string
	Sex                string // GB/T 2261.1
	Ethnicity          string // GB/T 3304
	BirthDate          time.Time
	BirthplaceDivision string // GB/T 2260
	Relation           string // GB/T 4761, relation to the head
	Status             ResidentStatus
}

// MinistryHousehold is the answer of the household query: the person asked
// about, their household and its members, and the registration office.
type MinistryHousehold struct {
	Person     MinistryPerson
	Members    []MinistryPerson // every member, the head first; includes Person
	Number     string           // household number
	Type       HouseholdType
	Division   string // GB/T 2260 county of the address
	Address    string // address detail
	UrbanRural string // urban/rural class code of the address
	OfficeCode string // the registration (home) office: the police station keeping the household
}

// Eligibility is the Ministry's answer to an off-site ID card check. When
// not Eligible, Reason is a stable dotted key and Message says why in words
// a clerk can pass on.
type Eligibility struct {
	Eligible bool
	Reason   string
	Message  string
}

// IDCardRecord is one ID card application in a person's history.
type IDCardRecord struct {
	Kind       IDCardApplicationKind
	OfficeCode string // the accepting office
	AppliedOn  time.Time
	IssuedOn   time.Time // zero while not issued
	ValidFrom  time.Time
	ValidUntil time.Time // zero for a long-term card
	Status     string    // ISSUED, EXPIRED or IN_PRODUCTION
	// FoundAt, FoundStation and FoundClaimed are this deployment's own
	// record (3.1.5), not the Ministry's: the card was found and handed to
	// FoundStation, and whether its owner has collected it since
	// (FlagFoundCards).
	FoundAt      *time.Time `json:"FoundAt,omitempty"`
	FoundStation string     `json:"FoundStation,omitempty"`
	FoundClaimed bool       `json:"FoundClaimed,omitempty"`
}

// Material is one entry of a required-materials list.
type Material struct {
	Code        string
	Name        string
	Required    bool
	Description string
}

// HouseholdInfoVerification is the Ministry's answer for a household
// information certificate: when Found, Household holds the certified facts.
type HouseholdInfoVerification struct {
	Found      bool
	Purpose    string
	VerifiedAt time.Time
	Household  *MinistryHousehold // nil when not Found
}
