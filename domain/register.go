package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"hukou/domain/codes"
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
	// ClosedAt is when the household was closed (its last member moved
	// out); nil while it is open. Households are never deleted.
	ClosedAt  *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
}

// HouseholdNumberPrefix is the prefix of every household number a police
// station allocates: the last two digits of its county and its two-digit
// number within the county (station code CCCCCC00NN00). The household
// number is the prefix and a five-digit sequence (the rule the register
// was numbered by, domain/population).
func HouseholdNumberPrefix(stationCode string) (string, error) {
	if len(stationCode) != 12 {
		return "", Errorf(CodeInvalid, "%q is not a 12-digit office code", stationCode).WithReason("household.station")
	}
	return stationCode[4:6] + stationCode[8:10], nil
}

// NextHouseholdNumber returns the household number after last, the
// highest number the station allocated ("" for none; see
// RegisterRepository.LastHouseholdNumber): CodeConflict when the
// five-digit sequence is exhausted. The unique constraint on households
// stays the last line of defence.
func NextHouseholdNumber(stationCode, last string) (string, error) {
	prefix, err := HouseholdNumberPrefix(stationCode)
	if err != nil {
		return "", err
	}
	highest := 0
	if seq, ok := strings.CutPrefix(last, prefix); ok && len(seq) == 5 {
		if highest, err = strconv.Atoi(seq); err != nil || highest < 0 {
			return "", Errorf(CodeInternal, "household number %q of station %s is not the prefix and five digits", last, stationCode)
		}
	} else if last != "" {
		return "", Errorf(CodeInternal, "household number %q is not one of station %s", last, stationCode)
	}
	if highest >= 99999 {
		return "", Errorf(CodeConflict, "station %s has no free household number", stationCode).WithReason("household.number_exhausted")
	}
	return fmt.Sprintf("%s%05d", prefix, highest+1), nil
}

// MoveDirection says whether a resident moved out of or into the register.
type MoveDirection string

// Move directions.
const (
	MoveOut MoveDirection = "OUT"
	MoveIn  MoveDirection = "IN"
)

// ResidentMove records a resident's move out of (to Office and Place) or
// into (from them) the register by a cross-province case (2.2.4–2.2.6).
type ResidentMove struct {
	ID         string
	ResidentID string
	Direction  MoveDirection
	CollabNo   string
	Office     string // the other side's office
	Place      string // the destination or origin address
	MovedOn    time.Time
	CreatedAt  time.Time
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

// SexEntry, EthnicityEntry and RelationEntry are the resident's codes with
// their names (GB/T 2261.1, GB 3304, GB/T 4761).
func (r *Resident) SexEntry() codes.Entry { return codes.Named(r.Sex, codes.Sex) }

func (r *Resident) EthnicityEntry() codes.Entry { return codes.Named(r.Ethnicity, codes.Ethnicity) }

func (r *Resident) RelationEntry() codes.Entry { return codes.Named(r.Relation, codes.Relation) }

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
