// Package idcard is the off-site resident ID card module (居民身份证异地办理,
// features 1.1.8–1.1.14, 1.2.4, 1.3.9–1.3.11, 1.4.5, 1.5.4, 2.1.4, 2.2.9,
// the e-ID licence record of 4.1.1, and the Ministry clients 7.1.3 and
// 7.1.5): its one workflow declaration, its rules (the validity by age of
// the Resident Identity Card Law, the GA 461 photo rules, the fingerprint
// rules with ISO/IEC 19794-2 templates), the steps of both offices and how
// it applies the messages between them.
//
// A person applies at a station far from home (A) for a first card, a
// renewal (换领) or a replacement (补领). A checks with the Ministry that the
// person may apply off-site, takes the photo and two fingerprints, and
// submits; the county bureau of the registration office (R) reviews and
// signs the issue, or rejects it (the rejection comes back to A as quality
// feedback). A writes the validity and the issuing authority back and syncs
// it to R, packages the application for the production centre
// (ProductionCentre), receives its quality feedback (corrected and packaged
// again) or its production feedback, and hands the card over after checking
// a fingerprint on site. The feedback and collection records A saves go to R
// on a schedule (domain.CaseService.Forward); R records the e-ID licence when
// the card is produced and closes its copy. The engine knows nothing of it.
package idcard

import (
	"time"

	"hukou/domain"
)

// Kind is the off-site ID card kind.
const Kind domain.CaseKind = "ID_CARD"

// Business is the Ministry's name of the business (service availability,
// materials list, 7.1.6, 7.1.7).
const Business domain.BusinessKind = "ID_CARD"

// Statuses beside the engine's common ones. Where both sides use one, it
// means the same for both (the deadline is the same).
const (
	// Signed: the county bureau approved and signed the issue (2.1.4); A
	// writes it back, R waits for that write-back.
	Signed domain.CaseStatus = "SIGNED"
	// Issued: A wrote validity, authority and issue date back and synced
	// them to R (1.1.11); the application is to be packaged (2.2.9).
	Issued domain.CaseStatus = "ISSUED"
	// InProduction: the card is being made. A uploaded the package to the
	// production centre and waits for its feedback; R received A's
	// write-back and waits for what A forwards.
	InProduction domain.CaseStatus = "IN_PRODUCTION"
	// QualityFeedback: A received the production centre's quality feedback;
	// the clerk views and saves it (1.1.12).
	QualityFeedback domain.CaseStatus = "QUALITY_FEEDBACK"
	// Correction: A saved quality feedback; the application is corrected
	// and packaged again.
	Correction domain.CaseStatus = "CORRECTION"
	// Produced: the production centre reports the card produced; the
	// clerk at A views and saves it (1.1.13).
	Produced domain.CaseStatus = "PRODUCED"
	// Ready: the card waits for its holder at A (1.1.14): A saved the
	// production feedback; R received it and recorded the e-ID licence
	// (1.3.10).
	Ready domain.CaseStatus = "READY"
	// Collected: R received the collection record (1.3.11) and closes.
	Collected domain.CaseStatus = "COLLECTED"
)

// Steps. A user step is named like its mutation; never rename one (they are
// stored in case histories).
const (
	// Acceptance office (A).
	ActStart                  domain.Action = "START_ID_CARD_APPLICATION"
	ActModify                 domain.Action = "MODIFY_ID_CARD_APPLICATION"
	ActSubmit                 domain.Action = "SUBMIT_ID_CARD_APPLICATION"
	ActExtracted              domain.Action = "ID_CARD_EXTRACTED"
	ActApproved               domain.Action = "ID_CARD_APPROVED"
	ActRejected               domain.Action = "ID_CARD_REJECTED"
	ActSaveReviewFeedback     domain.Action = "SAVE_ID_CARD_REVIEW_FEEDBACK"
	ActWriteBack              domain.Action = "WRITE_BACK_ID_CARD_ISSUE"
	ActPackage                domain.Action = "PACKAGE_ID_CARD_APPLICATION"
	ActQualityFeedback        domain.Action = "ID_CARD_QUALITY_FEEDBACK_RECEIVED"
	ActProductionCompleted    domain.Action = "ID_CARD_PRODUCTION_COMPLETED"
	ActSaveQualityFeedback    domain.Action = "SAVE_ID_CARD_QUALITY_FEEDBACK"
	ActCorrect                domain.Action = "CORRECT_ID_CARD_APPLICATION"
	ActSaveProductionFeedback domain.Action = "SAVE_ID_CARD_PRODUCTION_FEEDBACK"
	ActCollect                domain.Action = "COLLECT_ID_CARD"
	// Registration office (R).
	ActReceived                 domain.Action = "ID_CARD_APPLICATION_RECEIVED"
	ActApprove                  domain.Action = "APPROVE_ID_CARD_APPLICATION"
	ActReject                   domain.Action = "REJECT_ID_CARD_APPLICATION"
	ActIssueWrittenBack         domain.Action = "ID_CARD_ISSUE_WRITTEN_BACK"
	ActQualityFeedbackForwarded domain.Action = "ID_CARD_QUALITY_FEEDBACK_FORWARDED"
	ActProductionForwarded      domain.Action = "ID_CARD_PRODUCTION_FEEDBACK_FORWARDED"
	ActCollectionForwarded      domain.Action = "ID_CARD_COLLECTION_FORWARDED"
	ActReviewFeedbackForwarded  domain.Action = "ID_CARD_REVIEW_FEEDBACK_FORWARDED"
	ActClose                    domain.Action = "CLOSE_ID_CARD_APPLICATION"
	// ActModified applies A's modification of an application R already
	// holds but has not reviewed (1.2.4, "modify until extracted").
	ActModified domain.Action = "ID_CARD_APPLICATION_MODIFIED"
)

// Messages between the two offices beside domain.MsgApplication (A → R).
const (
	MsgExtracted       domain.MessageType = "EXTRACTED"        // R → A: the application arrived at R
	MsgApproved        domain.MessageType = "APPROVED"         // R → A: approved, signed and issued, with the validity (2.1.4)
	MsgRejected        domain.MessageType = "REJECTED"         // R → A: rejected, with the reason (2.1.4)
	MsgIssueWritten    domain.MessageType = "ISSUE_WRITTEN"    // A → R: validity, authority and issue date written back (1.1.11)
	MsgQualityFeedback domain.MessageType = "QUALITY_FEEDBACK" // A → R, forwarded: the production centre's quality feedback (1.1.12, 1.3.9)
	MsgProduced        domain.MessageType = "PRODUCED"         // A → R, forwarded: the production feedback (1.1.13, 1.3.10)
	MsgCollected       domain.MessageType = "COLLECTED"        // A → R, forwarded: the collection record (1.1.14, 1.3.11)
	MsgReviewFeedback  domain.MessageType = "REVIEW_FEEDBACK"  // A → R, forwarded: the rejection saved as quality feedback; R closes (1.3.9)
	MsgModified        domain.MessageType = "MODIFIED"         // A → R: the submitted application modified before extraction (1.2.4)
)

var (
	clerk    = []domain.Role{domain.RoleClerk}
	approver = []domain.Role{domain.RoleApprover}
	closer   = []domain.Role{domain.RoleOfficer, domain.RoleApprover}
	// bureau: the review is the county bureau's (or the city bureau's),
	// never a police station's (2.1.4).
	bureau = []domain.OfficeLevel{domain.OfficeCountyBureau, domain.OfficeCityBureau}
)

func s(statuses ...domain.CaseStatus) []domain.CaseStatus { return statuses }

// people are whom an ID card case is about (Workflow.People): the
// applicant and, once the card is collected by proxy, the proxy.
func people(c *domain.Case) ([]domain.CasePerson, error) {
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	name := d.Ministry.Person.Name
	out := []domain.CasePerson{{Name: name, IDNumber: d.Applicant.IDNumber}}
	if col := d.Result.Collection; col != nil && col.Proxy {
		out = append(out, domain.CasePerson{Name: col.CollectorName, IDNumber: col.CollectorIDNumber})
	}
	return out, nil
}

// Workflow is the one declaration of the off-site ID card on both sides.
var Workflow = &domain.Workflow{
	Kind:   Kind,
	People: people,
	// The acceptance receipt (issue 19; the slip the card is collected
	// with, 1.1.14) names the person applying; the card within 60 days.
	Title: Title,
	Applicant: func(c *domain.Case) (domain.CasePerson, error) {
		p, err := people(c)
		if err != nil || len(p) == 0 {
			return domain.CasePerson{}, err
		}
		return p[0], nil
	},
	Promise: 60 * 24 * time.Hour,
	States: []domain.StateSpec{
		// Acceptance office. Archives are captured in the draft (1.4.5) and
		// while a quality feedback is corrected.
		{Status: domain.StatusDraft, Deadline: 7 * 24 * time.Hour, Capture: true},
		{Status: domain.StatusSubmitted, Deadline: 24 * time.Hour, AwaitsOtherSide: true},
		{Status: domain.StatusExtracted, Deadline: 5 * 24 * time.Hour, AwaitsOtherSide: true},
		// Signed at R: A writes the issue back; R waits for it.
		{Status: Signed, Deadline: 2 * 24 * time.Hour},
		// Rejected at R: A saves the rejection as quality feedback; R
		// waits for it.
		{Status: domain.StatusRefused, Deadline: 3 * 24 * time.Hour},
		{Status: Issued, Deadline: 2 * 24 * time.Hour},
		{Status: InProduction, Deadline: 15 * 24 * time.Hour},
		{Status: QualityFeedback, Deadline: 24 * time.Hour},
		{Status: Correction, Deadline: 5 * 24 * time.Hour, Capture: true},
		{Status: Produced, Deadline: 24 * time.Hour},
		{Status: Ready, Deadline: 90 * 24 * time.Hour},
		// Both sides: a rejected application closes; a collected card
		// completes.
		{Status: domain.StatusClosed, Terminal: true, ReleasesKey: true},
		{Status: domain.StatusCompleted, Terminal: true, ReleasesKey: true},
		// Registration office: the county bureau's review queue, then what
		// A forwards.
		{Status: domain.StatusReceived, Deadline: 5 * 24 * time.Hour},
		{Status: Collected, Deadline: 3 * 24 * time.Hour},
	},
	Steps: []domain.Step{
		// Acceptance office.
		{Action: ActStart, To: domain.StatusDraft, Side: domain.SideAcceptance, Roles: clerk},
		// Modify until extracted (1.2.4): in the draft, and once submitted
		// until the registration office reports it has the application
		// (EXTRACTED); a submitted modification is sent to R.
		{Action: ActModify, From: s(domain.StatusDraft, domain.StatusSubmitted), Stays: true, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActSubmit, From: s(domain.StatusDraft), To: domain.StatusSubmitted, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActExtracted, From: s(domain.StatusSubmitted), To: domain.StatusExtracted, Side: domain.SideAcceptance, OnMessage: MsgExtracted},
		{Action: ActApproved, From: s(domain.StatusSubmitted, domain.StatusExtracted), To: Signed, Side: domain.SideAcceptance, OnMessage: MsgApproved},
		{Action: ActRejected, From: s(domain.StatusSubmitted, domain.StatusExtracted), To: domain.StatusRefused, Side: domain.SideAcceptance, OnMessage: MsgRejected},
		{Action: ActSaveReviewFeedback, From: s(domain.StatusRefused), To: domain.StatusClosed, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActWriteBack, From: s(Signed), To: Issued, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActPackage, From: s(Issued, Correction), To: InProduction, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActQualityFeedback, From: s(InProduction), To: QualityFeedback, Side: domain.SideAcceptance, System: true},
		{Action: ActProductionCompleted, From: s(InProduction), To: Produced, Side: domain.SideAcceptance, System: true},
		{Action: ActSaveQualityFeedback, From: s(QualityFeedback), To: Correction, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActCorrect, From: s(Correction), To: Correction, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActSaveProductionFeedback, From: s(Produced), To: Ready, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActCollect, From: s(Ready), To: domain.StatusCompleted, Side: domain.SideAcceptance, Roles: clerk},
		// Registration office.
		{Action: ActReceived, To: domain.StatusReceived, Side: domain.SideRegistration, OnMessage: domain.MsgApplication},
		{Action: ActApprove, From: s(domain.StatusReceived), To: Signed, Side: domain.SideRegistration, Roles: approver, Levels: bureau},
		{Action: ActReject, From: s(domain.StatusReceived), To: domain.StatusRefused, Side: domain.SideRegistration, Roles: approver, Levels: bureau},
		{Action: ActModified, From: s(domain.StatusReceived), Stays: true, Side: domain.SideRegistration, OnMessage: MsgModified},
		{Action: ActIssueWrittenBack, From: s(Signed), To: InProduction, Side: domain.SideRegistration, OnMessage: MsgIssueWritten},
		{Action: ActQualityFeedbackForwarded, From: s(InProduction), To: InProduction, Side: domain.SideRegistration, OnMessage: MsgQualityFeedback},
		{Action: ActProductionForwarded, From: s(InProduction), To: Ready, Side: domain.SideRegistration, OnMessage: MsgProduced},
		{Action: ActCollectionForwarded, From: s(Ready), To: Collected, Side: domain.SideRegistration, OnMessage: MsgCollected},
		{Action: ActReviewFeedbackForwarded, From: s(domain.StatusRefused), To: domain.StatusClosed, Side: domain.SideRegistration, OnMessage: MsgReviewFeedback},
		{Action: ActClose, From: s(Collected), To: domain.StatusCompleted, Side: domain.SideRegistration, Roles: closer},
	},
	// One live application per person on each side.
	Unique: &domain.UniqueKey{Field: "idNumber", Of: personKey},
}

// personKey is an ID card case's unique key: the applicant's ID number.
func personKey(c *domain.Case) (string, error) {
	d, err := decode(c)
	if err != nil {
		return "", err
	}
	return d.Applicant.IDNumber, nil
}

// Document kinds of an ID card case (case files of category DOCUMENT at A;
// the photo also travels to R as an archive of material PhotoMaterial).
const (
	DocumentPhoto           = "ID_PHOTO"          // the GA 461 photo of the card
	DocumentFinger1         = "FINGERPRINT_1"     // the image of the first finger
	DocumentFinger2         = "FINGERPRINT_2"     // the image of the second finger
	DocumentCollectionPhoto = "COLLECTION_PHOTO"  // the photo taken at the handover
	PhotoMaterial           = "ID_PHOTO"          // the photo among R's archives (1.4.10)
	documentFingerPrefix    = "FINGERPRINT_"      // + slot (1, 2)
	packagePrefix           = "P"                 // package IDs: collabNo + "-P" + attempt
	licencePrefix           = "EID"               // e-ID licence IDs: EID + the collaboration number's digits
	defaultForwardDue       = 2 * time.Hour       // a saved record is overdue when not delivered by then
	defaultPollEvery        = 30 * time.Second    // how often the production centre is asked
	defaultMatchThreshold   = 40                  // the lowest matching score accepted at collection
	defaultMinQuality       = 60                  // the lowest fingerprint quality accepted at intake
	defaultExpiringWindow   = 90 * 24 * time.Hour // a card may be renewed this long before it expires
)

// Title is the business as shown.
const Title = "居民身份证异地办理"

// Config tunes the module; zero fields take the defaults.
type Config struct {
	// Photo is the photo standard (DefaultPhotoRules).
	Photo PhotoRules
	// MinQuality is the lowest fingerprint quality (0–100) accepted.
	MinQuality int
	// MatchThreshold is the lowest matching score (0–100) that verifies a
	// fingerprint at collection.
	MatchThreshold int
	// PollEvery is how often the production centre is asked for the
	// feedback of the packages in production.
	PollEvery time.Duration
	// ForwardDue is how long a saved record may take to reach R before it
	// shows as overdue.
	ForwardDue time.Duration
	// DeviceURL is the fingerprint device service the SPA talks to (its
	// loopback address on the clerk's workstation), shown in Settings.
	DeviceURL string
}

func (c Config) withDefaults() Config {
	if c.Photo == (PhotoRules{}) {
		c.Photo = DefaultPhotoRules
	}
	if c.MinQuality <= 0 {
		c.MinQuality = defaultMinQuality
	}
	if c.MatchThreshold <= 0 {
		c.MatchThreshold = defaultMatchThreshold
	}
	if c.PollEvery <= 0 {
		c.PollEvery = defaultPollEvery
	}
	if c.ForwardDue <= 0 {
		c.ForwardDue = defaultForwardDue
	}
	return c
}

// Service runs the off-site ID card on both sides; it is the kind's
// domain.Module, domain.Scheduled (the production centre's feedback),
// domain.JobRunner (the e-ID licence) and domain.Queryable.
type Service struct {
	Cases      *domain.CaseService
	Ministry   Ministry
	Province   domain.Province
	Production ProductionCentre
	Matcher    Matcher
	Documents  domain.DocumentKeeper
	Config     Config
	// Licences issues and keeps e-licences: a produced card's e-ID at the
	// registration office (1.3.10, 4.1.1). Set at start-up; nil issues none
	// at the Ministry (the case keeps its local record only; tests).
	Licences *domain.LicenceService
}

// New returns the ID card module; register it with cases.Register. It
// panics on a nil dependency.
func New(cases *domain.CaseService, ministry Ministry, province domain.Province, production ProductionCentre, matcher Matcher, docs domain.DocumentKeeper, cfg Config) *Service {
	if cases == nil || ministry == nil || province == nil || production == nil || matcher == nil || docs == nil {
		panic("idcard: New needs cases, ministry, province, production, matcher and docs")
	}
	return &Service{Cases: cases, Ministry: ministry, Province: province, Production: production, Matcher: matcher, Documents: docs, Config: cfg.withDefaults()}
}

// Workflow implements domain.Module.
func (*Service) Workflow() *domain.Workflow { return Workflow }

// Receivers implements domain.Module.
func (s *Service) Receivers() map[domain.MessageType]domain.ReceiveFunc {
	return map[domain.MessageType]domain.ReceiveFunc{
		domain.MsgApplication: s.onApplication,
		MsgApproved:           s.onApproved,
		MsgRejected:           s.onRejected,
		MsgIssueWritten:       s.onIssueWritten,
		MsgQualityFeedback:    s.onQualityFeedback,
		MsgProduced:           s.onProduced,
		MsgCollected:          s.onCollected,
		MsgReviewFeedback:     s.onReviewFeedback,
		MsgModified:           s.onModified,
	}
}

// Details implements domain.Module.
func (*Service) Details(c *domain.Case) (domain.CaseDetails, error) { return DetailsOf(c) }

// MaterialsVariant implements domain.MaterialsVariant: the Ministry lists
// the materials of the application type (1.4.5).
func (*Service) MaterialsVariant(c *domain.Case) string {
	d, err := decode(c)
	if err != nil {
		return ""
	}
	return string(d.Applicant.ApplicationKind)
}

// Schedules implements domain.Scheduled: the poll of the production centre
// for the feedback of the packages in production (1.1.12, 1.1.13).
func (s *Service) Schedules() []domain.Schedule {
	return []domain.Schedule{{Name: "production_feedback", Every: s.Config.PollEvery, Run: s.PollProduction}}
}
