// Package migration is the cross-province hukou migration module (户口迁移,
// features 1.1.3, 1.1.4, 1.2.2, 1.3.7, 1.3.8, 1.4.2, 2.1.2, 2.2.4–2.2.6,
// 6.1.3, and the e-migration certificate of 4.1.1/4.1.2): its one workflow
// declaration, its categories and settlement policy as data, its rules, the
// steps of both offices and how it applies the messages between them. A
// person applies at the move-in office (A); the move-out office (R) approves,
// moves them out of its register and obtains the e-migration certificate;
// A settles them into its register. The engine knows nothing of it.
package migration

import (
	"slices"
	"time"

	"hukou/domain"
)

// Kind is the migration kind.
const Kind domain.CaseKind = "MIGRATION"

// Business is the Ministry's name of the business (service availability,
// materials list).
const Business domain.BusinessKind = "MIGRATION"

// MovedOut is the status beside the engine's common ones: at R, the movers
// left its register and the feedback went to A, which waits to move them
// in; at A, that feedback arrived with the e-migration certificate (1.3.8).
const MovedOut domain.CaseStatus = "MOVED_OUT"

// Steps. A user step is named like its mutation; never rename one (they are
// stored in case histories).
const (
	ActStart           domain.Action = "START_MIGRATION"
	ActModify          domain.Action = "MODIFY_MIGRATION"
	ActSubmit          domain.Action = "SUBMIT_MIGRATION"
	ActExtracted       domain.Action = "MIGRATION_EXTRACTED"
	ActRefusalReceived domain.Action = "MIGRATION_REFUSAL_RECEIVED"
	ActCloseRefused    domain.Action = "CLOSE_REFUSED_MIGRATION"
	ActMovedOutNotice  domain.Action = "MIGRATION_MOVED_OUT"
	ActMoveIn          domain.Action = "MOVE_IN_MIGRATION"
	ActReceived        domain.Action = "MIGRATION_APPLICATION_RECEIVED"
	ActApprove         domain.Action = "APPROVE_MIGRATION"
	ActRefuse          domain.Action = "REFUSE_MIGRATION"
	ActRefusalClosed   domain.Action = "MIGRATION_REFUSAL_CLOSED"
	ActMovedIn         domain.Action = "MIGRATION_MOVED_IN"
)

// Messages between the two offices beside domain.MsgApplication (A → R).
const (
	MsgExtracted domain.MessageType = "EXTRACTED" // R → A: the case arrived at R
	MsgRefused   domain.MessageType = "REFUSED"   // R → A: move-out refused, with reasons
	MsgMovedOut  domain.MessageType = "MOVED_OUT" // R → A: move-out feedback with the movers and the e-migration certificate
	MsgClosed    domain.MessageType = "CLOSED"    // A → R: the refusal was handled and the case closed
	MsgMovedIn   domain.MessageType = "MOVED_IN"  // A → R: the movers are in A's register; both close
)

// Workflow is the one declaration of migration on both sides.
var Workflow = &domain.Workflow{
	Kind: Kind,
	States: []domain.StateSpec{
		// Archives are captured while the draft is open (1.4.2); a refused
		// or closed case frees its movers (Unique).
		{Status: domain.StatusDraft, Deadline: 7 * 24 * time.Hour, Capture: true},
		{Status: domain.StatusSubmitted, Deadline: 24 * time.Hour, AwaitsOtherSide: true},
		{Status: domain.StatusExtracted, Deadline: 5 * 24 * time.Hour, AwaitsOtherSide: true},
		{Status: domain.StatusRefused, Deadline: 3 * 24 * time.Hour, ReleasesKey: true},
		{Status: domain.StatusClosed, Terminal: true, ReleasesKey: true},
		{Status: domain.StatusCompleted, Terminal: true},
		{Status: domain.StatusReceived, Deadline: 5 * 24 * time.Hour},
		// At R: moved out, waits for A's move-in; at A: the feedback
		// arrived, the movers are to be moved in.
		{Status: MovedOut, Deadline: 10 * 24 * time.Hour},
	},
	Steps: []domain.Step{
		// Acceptance office (move-in).
		{Action: ActStart, To: domain.StatusDraft, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActModify, From: s(domain.StatusDraft), To: domain.StatusDraft, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActSubmit, From: s(domain.StatusDraft), To: domain.StatusSubmitted, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActExtracted, From: s(domain.StatusSubmitted), To: domain.StatusExtracted, Side: domain.SideAcceptance, OnMessage: MsgExtracted},
		{Action: ActRefusalReceived, From: s(domain.StatusSubmitted, domain.StatusExtracted), To: domain.StatusRefused, Side: domain.SideAcceptance, OnMessage: MsgRefused},
		{Action: ActCloseRefused, From: s(domain.StatusRefused), To: domain.StatusClosed, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActMovedOutNotice, From: s(domain.StatusSubmitted, domain.StatusExtracted), To: MovedOut, Side: domain.SideAcceptance, OnMessage: MsgMovedOut},
		{Action: ActMoveIn, From: s(MovedOut), To: domain.StatusCompleted, Side: domain.SideAcceptance, Roles: clerk},
		// Registration office (move-out).
		{Action: ActReceived, To: domain.StatusReceived, Side: domain.SideRegistration, OnMessage: domain.MsgApplication},
		{Action: ActApprove, From: s(domain.StatusReceived), To: MovedOut, Side: domain.SideRegistration, Roles: officer},
		{Action: ActRefuse, From: s(domain.StatusReceived), To: domain.StatusRefused, Side: domain.SideRegistration, Roles: officer},
		{Action: ActRefusalClosed, From: s(domain.StatusRefused), To: domain.StatusClosed, Side: domain.SideRegistration, OnMessage: MsgClosed},
		{Action: ActMovedIn, From: s(MovedOut), To: domain.StatusCompleted, Side: domain.SideRegistration, OnMessage: MsgMovedIn},
	},
	// One live migration per person on each side: every mover's citizen
	// ID number.
	Unique: &domain.UniqueKey{Field: "movers", All: moverKeys},
	People: people,
	// The acceptance receipt (issue 19) names the main mover.
	Title:     Title,
	Applicant: applicant,
	Promise:   20 * 24 * time.Hour,
}

// applicant is the main mover who applied at the counter (the receipt's
// applicant), named from the Ministry household.
func applicant(c *domain.Case) (domain.CasePerson, error) {
	d, err := decode(c)
	if err != nil {
		return domain.CasePerson{}, err
	}
	p := domain.CasePerson{IDNumber: d.Applicant.ApplicantIDNumber}
	if h := d.Ministry.Household; h != nil {
		for _, m := range h.Members {
			if m.IDNumber == p.IDNumber {
				p.Name = m.Name
			}
		}
	}
	return p, nil
}

// people are the persons a migration case is about, for the case list:
// each mover (named from the Ministry household) and the applicant.
func people(c *domain.Case) ([]domain.CasePerson, error) {
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	if h := d.Ministry.Household; h != nil {
		for _, m := range h.Members {
			names[m.IDNumber] = m.Name
		}
	}
	out := make([]domain.CasePerson, 0, len(d.Applicant.Movers)+1)
	for _, id := range d.Applicant.Movers {
		out = append(out, domain.CasePerson{Name: names[id], IDNumber: id})
	}
	if !slices.Contains(d.Applicant.Movers, d.Applicant.ApplicantIDNumber) {
		out = append(out, domain.CasePerson{Name: names[d.Applicant.ApplicantIDNumber], IDNumber: d.Applicant.ApplicantIDNumber})
	}
	return out, nil
}

// moverKeys are a migration case's unique keys: its movers' ID numbers.
func moverKeys(c *domain.Case) ([]string, error) {
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	return d.Applicant.Movers, nil
}

var (
	clerk   = []domain.Role{domain.RoleClerk}
	officer = []domain.Role{domain.RoleOfficer}
)

func s(statuses ...domain.CaseStatus) []domain.CaseStatus { return statuses }

// Service runs migration on both sides; it is the kind's domain.Module.
type Service struct {
	Cases     *domain.CaseService
	Ministry  Ministry
	Province  domain.Province
	Renderer  domain.DocumentRenderer
	Documents domain.DocumentKeeper
	// Licences issues, records and keeps e-licences (4.1.2): the e-move-in
	// permit at submission, the e-migration certificate at the move-out and
	// the move-in. Set at start-up; nil issues and records none (tests).
	Licences *domain.LicenceService
}

// New returns the migration module; register it with cases.Register. It
// panics on a nil dependency.
func New(cases *domain.CaseService, ministry Ministry, province domain.Province, renderer domain.DocumentRenderer, docs domain.DocumentKeeper) *Service {
	if cases == nil || ministry == nil || province == nil || renderer == nil || docs == nil {
		panic("migration: New needs cases, ministry, province, renderer and docs")
	}
	return &Service{Cases: cases, Ministry: ministry, Province: province, Renderer: renderer, Documents: docs}
}

// Workflow implements domain.Module.
func (*Service) Workflow() *domain.Workflow { return Workflow }

// Receivers implements domain.Module.
func (s *Service) Receivers() map[domain.MessageType]domain.ReceiveFunc {
	return map[domain.MessageType]domain.ReceiveFunc{
		domain.MsgApplication: s.onApplication,
		MsgRefused:            s.onRefused,
		MsgMovedOut:           s.onMovedOut,
		MsgMovedIn:            s.onMovedIn,
	}
}

// Details implements domain.Module.
func (*Service) Details(c *domain.Case) (domain.CaseDetails, error) { return DetailsOf(c) }

// Document kinds (case files of category DOCUMENT).
const (
	DocumentRefusalNotice    = "REFUSAL_NOTICE"    // 不予迁出通知书 (R, kept at A too)
	DocumentMoveInRecord     = "MOVE_IN_RECORD"    // 准予迁入证明 (A, kept at R too)
	DocumentRegistrationForm = "REGISTRATION_FORM" // the updated 常住人口登记表 of each mover (A)
	DocumentMoveOutArchive   = "MOVE_OUT_ARCHIVE"  // each mover's 常住人口登记表 as R held it: the feedback's archives (R, kept at A)
)

// Title is the business as printed on documents.
const Title = "户口迁移"
