package domain

import (
	"strings"
	"time"
)

// OfficeLevel is the rank of a public security office.
type OfficeLevel string

// Office levels, from the city bureau down to the police station (派出所).
const (
	OfficeCityBureau    OfficeLevel = "CITY_BUREAU"
	OfficeCountyBureau  OfficeLevel = "COUNTY_BUREAU"
	OfficePoliceStation OfficeLevel = "POLICE_STATION"
)

// Office is a public security office. Its 12-digit Code starts with the
// 6-digit GB/T 2260 division it serves; a county bureau's stations share
// its first 6 digits and a city bureau's offices its first 4, which is what
// jurisdiction is computed from.
type Office struct {
	Code       string
	Name       string
	Level      OfficeLevel
	ParentCode string
	Division   string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int
}

// JurisdictionPrefix returns the office-code prefix of every office whose data
// o may see: all of the city for a city bureau, the county's stations for a
// county bureau, and only itself for a police station.
func (o *Office) JurisdictionPrefix() string {
	switch o.Level {
	case OfficeCityBureau:
		return o.Code[:4]
	case OfficeCountyBureau:
		return o.Code[:6]
	default:
		return o.Code
	}
}

// Covers reports whether o's jurisdiction includes the office with code.
func (o *Office) Covers(code string) bool {
	return strings.HasPrefix(code, o.JurisdictionPrefix())
}

// HouseholdType distinguishes family households (家庭户) from collective ones (集体户).
type HouseholdType string

// Household types.
const (
	HouseholdFamily     HouseholdType = "FAMILY"
	HouseholdCollective HouseholdType = "COLLECTIVE"
)

// Address is a registered dwelling place.
type Address struct {
	ID          string
	Division    string // GB/T 2260
	Detail      string
	UrbanRural  string // urban/rural class code of the location (城乡分类代码)
	StationCode string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int
}

// Household is one registered household (户) with its household number.
type Household struct {
	ID          string
	Number      string
	Type        HouseholdType
	AddressID   string
	StationCode string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int
}

// ResidentStatus is a resident's standing in the register.
type ResidentStatus string

// Resident statuses.
const (
	ResidentActive   ResidentStatus = "ACTIVE"
	ResidentMovedOut ResidentStatus = "MOVED_OUT"
	ResidentDeceased ResidentStatus = "DECEASED"
)

// Resident is a row of the resident table (常住人口基本信息表). Codes follow the
// national standards: Sex GB/T 2261.1, Ethnicity GB/T 3304, BirthplaceDivision
// GB/T 2260, IDNumber GB 11643, Relation GB/T 4761 (relation to the head).
type Resident struct {
	ID                 string
	HouseholdID        string
	StationCode        string
	Name               string
	FormerNames        string
	Sex                string
	Ethnicity          string
	BirthDate          time.Time
	BirthplaceDivision string
	IDNumber           string
	Relation           string
	Status             ResidentStatus
	Hcybsh             *string // household member identifier; nil until generated (8.1.x)
	CreatedAt          time.Time
	UpdatedAt          time.Time
	Version            int
}

// ResidentFilter selects residents; empty fields do not filter. Results are
// always confined to the actor's jurisdiction by the service.
type ResidentFilter struct {
	StationCode string
	HouseholdID string
	NamePrefix  string
	Status      ResidentStatus
	// JurisdictionPrefix is set by the service, never by callers.
	JurisdictionPrefix string
}

// Page asks for at most First items after the opaque cursor After.
type Page struct {
	First int
	After string
}

// ResidentPage is one page of residents in ID-descending order (newest
// first: IDs are UUIDv7). EndCursor is "" when the page is empty.
type ResidentPage struct {
	Residents   []*Resident
	HasNextPage bool
	EndCursor   string
}
