package idcard

import (
	"context"
	"time"

	"hukou/domain"
)

// Ministry is what the ID card asks the Ministry (部库): whether the home
// province has the business open (7.1.7), who the person is and where their
// hukou is, whether they may apply off-site (7.1.5) and their ID card
// history (7.1.3). Errors as domain.Ministry's.
type Ministry interface {
	ServiceAvailability(ctx context.Context, provinceCode string, kind domain.BusinessKind) (bool, error)
	HouseholdByIDNumber(ctx context.Context, idNumber string) (*domain.MinistryHousehold, error)
	OffsiteIDEligibility(ctx context.Context, idNumber string, kind domain.IDCardApplicationKind) (*domain.Eligibility, error)
	IDCardHistory(ctx context.Context, idNumber string) ([]domain.IDCardRecord, error)
}

// ProductionCentre is the ID card production centre (制证中心) as the
// acceptance office uses it (2.2.9, 1.1.12, 1.1.13), implemented by
// integrations/production. Errors: CodeInvalid (Field, Reason) for a
// package it refuses as malformed (its checksums do not match), CodeConflict
// for a package ID reused with other content, CodeNotFound for an unknown
// package, CodeUnavailable when it cannot be reached.
type ProductionCentre interface {
	// Upload hands the package over. The package ID makes it idempotent:
	// the same package again is answered like the first time, so callers
	// retry it.
	Upload(ctx context.Context, p *Package) (*Receipt, error)
	// Status returns where the package stands: in production, quality
	// feedback, or completed.
	Status(ctx context.Context, packageID string) (*ProductionStatus, error)
}

// Matcher compares fingerprints: the on-site verification at collection
// (1.1.14) matches the template the device captured then against the one
// stored at intake. Both are ISO/IEC 19794-2 records; the score is 0–100.
// Errors: CodeInvalid for a record it cannot read.
type Matcher interface {
	Match(stored, live []byte) (int, error)
}

// FingerprintDevice is the capture device port (指纹采集仪): a service on
// the clerk's workstation that the SPA calls (integrations/fingerprint
// holds its contract, a Go client and a simulator). It captures one finger
// at the ISO/IEC 19794-2 position as the intake takes it (template and
// image); subject is the simulator's hint of whose finger is placed.
// Errors: CodeConflict (reason device.no_finger, device.busy),
// CodeUnavailable.
type FingerprintDevice interface {
	Capture(ctx context.Context, position int, subject string) (*FingerprintCapture, error)
}

// Pick-up methods (领证方式).
const (
	PickupInPerson = "IN_PERSON" // at the acceptance office
	PickupByPost   = "POST"      // sent by post to PostAddress
)

// Applicant is what the acceptance clerk enters (1.1.8); it stays
// editable until submission (1.2.4), except whose application it is
// (IDNumber). Photo and Fingerprints describe what was captured (the photo
// and the finger images are the case's documents, DocumentPhoto and
// DocumentFinger1/2; the templates travel here).
type Applicant struct {
	// IDNumber is the person's citizen ID number; the Ministry's person
	// with it is the applicant (read-only).
	IDNumber string `json:"idNumber"`
	// ApplicationKind is FIRST, RENEWAL or REPLACEMENT.
	ApplicationKind domain.IDCardApplicationKind `json:"applicationKind"`
	// Reason is a reason code of data/reasons.csv for the kind.
	Reason     string `json:"reason"`
	ReasonNote string `json:"reasonNote,omitempty"`
	Phone      string `json:"phone"`
	// Pickup is IN_PERSON or POST; by post the card goes to PostAddress
	// for PostRecipient.
	Pickup        string `json:"pickup"`
	PostAddress   string `json:"postAddress,omitempty"`
	PostRecipient string `json:"postRecipient,omitempty"`
	PostCode      string `json:"postCode,omitempty"`
	// ApplicationDate is the day of the intake (China time, YYYY-MM-DD):
	// the validity is computed from the age on it.
	ApplicationDate string        `json:"applicationDate"`
	Photo           *Photo        `json:"photo,omitempty"`
	Fingerprints    []Fingerprint `json:"fingerprints"`
}

// Photo describes the GA 461 photo kept as DocumentPhoto.
type Photo struct {
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// Fingerprint is one of the two fingers taken at intake: captured (an
// ISO/IEC 19794-2 template with its quality; the image is the document of
// the finger's slot) or not available (a code of data/finger_codes.csv).
type Fingerprint struct {
	// Position is the ISO/IEC 19794-2 finger position, 1 (right thumb) to
	// 10 (left little finger).
	Position     int    `json:"position"`
	NotAvailable string `json:"notAvailable,omitempty"`
	Quality      int    `json:"quality"`
	Minutiae     int    `json:"minutiae"`
	// Template is the ISO/IEC 19794-2 record, base64.
	Template    string `json:"template,omitempty"`
	ImageSHA256 string `json:"imageSha256,omitempty"`
}

// Captured reports whether the finger was captured.
func (f *Fingerprint) Captured() bool { return f.NotAvailable == "" }

// FingerprintCapture is one finger as the device port delivered it
// (template and image base64), or a not-available code.
type FingerprintCapture struct {
	Position     int
	NotAvailable string
	Template     string // base64 ISO/IEC 19794-2 record
	Image        string // base64 PNG, 8-bit grey
}

// Captures is what intake and correction take besides the clerk's data:
// the photo (base64 JPEG; "" keeps the stored one on a change) and the two
// fingers (nil keeps the stored ones on a change).
type Captures struct {
	Photo        string
	Fingerprints []FingerprintCapture
}

// MinistryData is what the Ministry said at intake, frozen with the case.
type MinistryData struct {
	Person          domain.MinistryPerson `json:"person"`
	HouseholdNumber string                `json:"householdNumber"`
	Division        string                `json:"division"`
	Address         string                `json:"address"`
	OfficeCode      string                `json:"officeCode"`
	Province        string                `json:"province"`
	ServiceOpen     bool                  `json:"serviceOpen"`
	Eligibility     domain.Eligibility    `json:"eligibility"`
	History         []domain.IDCardRecord `json:"history"`
}

// Lookup is what the look-ups of an intake returned (1.1.8): the person,
// the eligibility with its refusal reason, the history; nothing is saved.
type Lookup struct {
	Ministry MinistryData
	// Refusals are the reasons the application cannot be made (empty when
	// it can): the Ministry's eligibility and the history's rules, each
	// with its stable reason.
	Refusals []*domain.Error
	Checks   []domain.MinistryCheck
}

// Issue is the card's issue as R signed it (2.1.4) and A writes it back
// (1.1.11): the validity by the age on the application date, the issuing
// authority (R's county bureau) and the issue date. Dates are YYYY-MM-DD;
// ValidUntil is "" for a long-term card.
type Issue struct {
	AgeOnApplication int    `json:"ageOnApplication"`
	Years            int    `json:"years"` // 5, 10, 20, or 0 for long-term
	LongTerm         bool   `json:"longTerm"`
	ValidFrom        string `json:"validFrom"`
	ValidUntil       string `json:"validUntil"`
	IssuedOn         string `json:"issuedOn"`
	Authority        string `json:"authority"`
	AuthorityOffice  string `json:"authorityOffice"`
}

// Review is the county bureau's decision (2.1.4).
type Review struct {
	Approved bool      `json:"approved"`
	Reason   string    `json:"reason,omitempty"`
	Note     string    `json:"note,omitempty"`
	By       string    `json:"by"`
	Office   string    `json:"office"`
	At       time.Time `json:"at"`
}

// Feedback classes (质量回馈的错误类别).
const (
	ClassData        = "DATA"        // data quality
	ClassPhoto       = "PHOTO"       // photo quality
	ClassFingerprint = "FINGERPRINT" // fingerprint template and image inconsistent, or unusable
	ClassReview      = "REVIEW"      // rejected at review (2.1.4)
)

// Feedback sources.
const (
	SourceReview     = "REVIEW"     // R's rejection
	SourceProduction = "PRODUCTION" // the production centre
)

// Feedback is one quality feedback (质量回馈): from the production centre or
// the review's rejection, as A received and saved it (1.1.12) and R
// received it (1.3.9).
type Feedback struct {
	Seq         int        `json:"seq"`
	Source      string     `json:"source"`
	Class       string     `json:"class"`
	Code        string     `json:"code,omitempty"`
	Description string     `json:"description"`
	PackageID   string     `json:"packageId,omitempty"`
	ReceivedAt  time.Time  `json:"receivedAt"`
	SavedAt     *time.Time `json:"savedAt,omitempty"`
	SavedBy     string     `json:"savedBy,omitempty"`
	Note        string     `json:"note,omitempty"`
}

// PackageRecord is one upload of the application to the production centre
// (2.2.9).
type PackageRecord struct {
	ID         string          `json:"id"`
	UploadedAt time.Time       `json:"uploadedAt"`
	UploadedBy string          `json:"uploadedBy"`
	Digest     string          `json:"digest"` // SHA-256 of the manifest
	Manifest   []ManifestEntry `json:"manifest"`
}

// Production is the production centre's completion (制证回馈), as A
// received and saved it (1.1.13) and R received it (1.3.10).
type Production struct {
	PackageID  string     `json:"packageId"`
	CardNumber string     `json:"cardNumber"`
	ProducedAt time.Time  `json:"producedAt"`
	ReceivedAt time.Time  `json:"receivedAt"`
	SavedAt    *time.Time `json:"savedAt,omitempty"`
	SavedBy    string     `json:"savedBy,omitempty"`
}

// Licence is the e-ID licence record (电子身份证照) R generates when the
// card is produced (1.3.10, 4.1.1): the card's facts and a digest over them.
type Licence struct {
	LicenceID  string    `json:"licenceId"`
	IDNumber   string    `json:"idNumber"`
	Name       string    `json:"name"`
	CardNumber string    `json:"cardNumber"`
	ValidFrom  string    `json:"validFrom"`
	ValidUntil string    `json:"validUntil"`
	Authority  string    `json:"authority"`
	IssuedAt   time.Time `json:"issuedAt"`
	Digest     string    `json:"digest"`
	// MinistryLicenceID is the e-ID licence the Ministry's licence service
	// issued for the card (1.3.10, 4.1.1), kept in the licence store;
	// empty until the Ministry answered (a case job asks it).
	MinistryLicenceID string `json:"ministryLicenceId,omitempty"`
}

// Collection is the handover of the card (1.1.14): who took it, when, by
// proxy or not, and the on-site fingerprint verification.
type Collection struct {
	CollectedAt       time.Time `json:"collectedAt"`
	HandedOverBy      string    `json:"handedOverBy"`
	CollectorName     string    `json:"collectorName"`
	CollectorIDNumber string    `json:"collectorIdNumber"`
	Proxy             bool      `json:"proxy"`
	ProxyRelation     string    `json:"proxyRelation,omitempty"`
	// Verified: a live fingerprint matched the stored template at Position
	// with Score; otherwise Waived says why none was checked.
	Verified    bool   `json:"verified"`
	Position    int    `json:"position,omitempty"`
	Score       int    `json:"score,omitempty"`
	Waived      string `json:"waived,omitempty"`
	PhotoSHA256 string `json:"photoSha256,omitempty"`
	// TrackingNumber is the postal dispatch's, when the card goes by post.
	TrackingNumber string `json:"trackingNumber,omitempty"`
	Note           string `json:"note,omitempty"`
}

// Verification waivers.
const (
	WaivedProxy          = "PROXY"           // a proxy collected: their ID is recorded instead
	WaivedNoFingerprints = "NO_FINGERPRINTS" // no finger could be taken at intake
	WaivedPost           = "POST"            // the card went by post
)

// CollectionInput is what the clerk records at the handover.
type CollectionInput struct {
	// Fingerprint is the live finger the device captured (template base64),
	// required when the holder collects and a finger was captured at intake.
	FingerprintPosition int
	FingerprintTemplate string
	// Photo is the photo taken at the handover (base64 JPEG).
	Photo             string
	CollectorName     string
	CollectorIDNumber string
	Proxy             bool
	ProxyRelation     string
	// TrackingNumber is the postal dispatch's, when the card goes by post
	// (then nothing else is asked).
	TrackingNumber string
	Note           string
}

// CorrectionInput is what the clerk changes while correcting quality
// feedback: the contact and pick-up data, and the photo or fingerprints.
type CorrectionInput struct {
	Phone         string
	Pickup        string
	PostAddress   string
	PostRecipient string
	PostCode      string
	Captures      Captures
}

// OnlineCounter is what the clerk brings to an online application at the
// counter (3.1.4, 1.1.8): the captures, and the contact details confirmed
// with the person, which win over the portal's.
type OnlineCounter struct {
	Captures Captures
	Contact  ContactCorrection
}

// ContactCorrection is the contact part of the applicant's data as the
// clerk confirmed it at the counter (#18): each nil field keeps the
// portal's value. Whose application it is, its kind and its reason are
// the portal's and have no field here.
type ContactCorrection struct {
	Phone         *string
	Pickup        *string
	PostAddress   *string
	PostRecipient *string
	PostCode      *string
	ReasonNote    *string
}

// Outcome is what the offices decided and recorded, kept in the case's
// Result on both sides.
type Outcome struct {
	Review        *Review         `json:"review,omitempty"`
	Issue         *Issue          `json:"issue,omitempty"`
	WrittenBackAt *time.Time      `json:"writtenBackAt,omitempty"`
	Packages      []PackageRecord `json:"packages,omitempty"`
	Feedback      []Feedback      `json:"feedback,omitempty"`
	Production    *Production     `json:"production,omitempty"`
	Licence       *Licence        `json:"licence,omitempty"`
	Collection    *Collection     `json:"collection,omitempty"`
}

// lastFeedback returns the newest feedback, or nil.
func (o *Outcome) lastFeedback() *Feedback {
	if len(o.Feedback) == 0 {
		return nil
	}
	return &o.Feedback[len(o.Feedback)-1]
}

// lastPackage returns the newest package, or nil.
func (o *Outcome) lastPackage() *PackageRecord {
	if len(o.Packages) == 0 {
		return nil
	}
	return &o.Packages[len(o.Packages)-1]
}

// Details is an ID card case's own part as the API shows it.
type Details struct {
	Applicant       Applicant
	KindName        string
	ReasonName      string
	Person          domain.MinistryPerson
	HouseholdNumber string
	Address         string
	Eligibility     domain.Eligibility
	History         []domain.IDCardRecord
	Outcome         Outcome
	MinistryChecks  []domain.MinistryCheck
}

// data is an ID card case decoded.
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

// updateResult decodes c's outcome, lets f change it and stores it.
func updateResult(c *domain.Case, f func(*Outcome) error) error {
	d, err := decode(c)
	if err != nil {
		return err
	}
	if err := f(&d.Result); err != nil {
		return err
	}
	return c.SetResult(d.Result)
}

// DetailsOf returns c's ID card part for the API.
func DetailsOf(c *domain.Case) (*Details, error) {
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	out := &Details{Applicant: d.Applicant, Person: d.Ministry.Person, HouseholdNumber: d.Ministry.HouseholdNumber,
		Address: d.Ministry.Address, Eligibility: d.Ministry.Eligibility, History: d.Ministry.History, Outcome: d.Result,
		MinistryChecks: checks(d.Ministry, nil)}
	out.KindName = kindName(d.Applicant.ApplicationKind)
	if r, ok := reasonOf(d.Applicant.ApplicationKind, d.Applicant.Reason); ok {
		out.ReasonName = r.Name
	}
	if out.Applicant.Fingerprints == nil {
		out.Applicant.Fingerprints = []Fingerprint{}
	}
	if out.History == nil {
		out.History = []domain.IDCardRecord{}
	}
	return out, nil
}

// checks lists the intake checks of frozen or fresh Ministry data; refusals
// mark the history check failed. Each detail is the value checked: the
// province, the household number, the latest card's issue date.
func checks(m MinistryData, refusals []*domain.Error) []domain.MinistryCheck {
	historyOK := true
	for _, r := range refusals {
		historyOK = historyOK && !isHistoryReason(r.Reason)
	}
	last := ""
	for _, r := range m.History {
		if !r.IssuedOn.IsZero() {
			last = formatDay(r.IssuedOn)
		}
	}
	return []domain.MinistryCheck{
		{Check: "SERVICE", Passed: m.ServiceOpen, Detail: m.Province},
		{Check: "ID_CARD_PERSON", Passed: m.Person.IDNumber != "", Detail: m.HouseholdNumber},
		{Check: "OFFSITE_ELIGIBILITY", Passed: m.Eligibility.Eligible},
		{Check: "ID_CARD_HISTORY", Passed: historyOK, Detail: last},
	}
}

// Package is what the acceptance office uploads to the production centre
// (2.2.9): the card's data, the photo, the fingerprints (templates and
// images), the archives, and a manifest with the SHA-256 of each part.
type Package struct {
	ID               string
	CollabNo         string
	AcceptanceOffice string
	ApplicationKind  domain.IDCardApplicationKind
	Card             CardData
	Photo            []byte
	Fingerprints     []PackageFinger
	Archives         []domain.FileContent
	Manifest         []ManifestEntry
}

// CardData is what the card shows.
type CardData struct {
	IDNumber   string `json:"idNumber"`
	Name       string `json:"name"`
	Sex        string `json:"sex"`
	Ethnicity  string `json:"ethnicity"`
	BirthDate  string `json:"birthDate"`
	Address    string `json:"address"`
	Authority  string `json:"authority"`
	ValidFrom  string `json:"validFrom"`
	ValidUntil string `json:"validUntil"` // "" long-term
}

// PackageFinger is one finger of a package.
type PackageFinger struct {
	Position     int
	NotAvailable string
	Quality      int
	Template     []byte
	Image        []byte
}

// ManifestEntry is one part of a package with its checksum.
type ManifestEntry struct {
	Part   string `json:"part"`
	SHA256 string `json:"sha256"`
	Size   int    `json:"size"`
}

// Receipt is the production centre's answer to an upload.
type Receipt struct {
	PackageID  string
	ReceivedAt time.Time
}

// Production states of a package.
const (
	StateInProduction    = "IN_PRODUCTION"
	StateQualityFeedback = "QUALITY_FEEDBACK"
	StateCompleted       = "COMPLETED"
)

// ProductionStatus is where a package stands at the production centre.
type ProductionStatus struct {
	PackageID string
	State     string
	// Feedback, in QUALITY_FEEDBACK.
	Class       string
	Code        string
	Description string
	// Completion, in COMPLETED.
	CardNumber string
	ProducedAt time.Time
}

// Settings are what the SPA needs to capture for an intake: the device
// service, the photo standard, the fingerprint minimum, the codes.
type Settings struct {
	DeviceURL      string
	Photo          PhotoRules
	MinQuality     int
	MatchThreshold int
	FingerCodes    []Code
	Reasons        []Reason
}

// Code is an entry of a code list kept as data.
type Code struct {
	Code string
	Name string
}
