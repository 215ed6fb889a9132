// Package birth is the cross-province newborn birth registration module
// (新生儿出生登记, features 1.1.1, 1.1.2, 1.2.1, 1.3.1–1.3.6, 2.1.1,
// 2.2.1–2.2.3): its one workflow declaration, its data and rules, the steps
// of both offices and how it applies the messages between them. It plugs
// into the case engine (domain.CaseService) with Register; the engine
// knows nothing of it.
package birth

import (
	"cmp"
	"time"

	"hukou/domain"
)

// Kind is the birth registration kind.
const Kind domain.CaseKind = "BIRTH"

// Business is the Ministry's name of the business (service availability,
// materials list).
const Business domain.BusinessKind = "BIRTH"

// Statuses beside the engine's common ones (DRAFT, SUBMITTED, EXTRACTED,
// REFUSED, CLOSED, COMPLETED at A; RECEIVED, APPROVED, REFUSED, COMPLETED
// at R). Acceptance office (A):
const (
	FormReceived        domain.CaseStatus = "FORM_RECEIVED"        // registered; the form arrived (1.3.1)
	Printed             domain.CaseStatus = "PRINTED"              // printed for the applicant to check and sign (1.3.2)
	CorrectionRequested domain.CaseStatus = "CORRECTION_REQUESTED" // errors reported; waits for the corrected form (1.3.3)
	SignedReturned      domain.CaseStatus = "SIGNED_RETURNED"      // signed form sent back; waits for filing (1.3.4)
)

// Registration office (R):
const (
	Settled        domain.CaseStatus = "SETTLED"         // in the register; form sent, waits for A
	Correcting     domain.CaseStatus = "CORRECTING"      // A reported errors (1.3.3)
	ChangePending  domain.CaseStatus = "CHANGE_PENDING"  // a major-item change waits for an approver (2.2.2)
	SignedReceived domain.CaseStatus = "SIGNED_RECEIVED" // the signed form arrived; to be filed (1.3.6)
)

// Steps. A user step is named like its mutation; never rename one (they
// are stored in case histories).
const (
	ActStart              domain.Action = "START_BIRTH_REGISTRATION"
	ActModify             domain.Action = "MODIFY_BIRTH_REGISTRATION"
	ActSubmit             domain.Action = "SUBMIT_BIRTH_REGISTRATION"
	ActExtracted          domain.Action = "BIRTH_EXTRACTED"
	ActRefusalReceived    domain.Action = "BIRTH_REFUSAL_RECEIVED"
	ActFormReceived       domain.Action = "BIRTH_FORM_RECEIVED"
	ActPrint              domain.Action = "PRINT_BIRTH_FORM"
	ActReportErrors       domain.Action = "REPORT_BIRTH_ERRORS"
	ActReturnSigned       domain.Action = "RETURN_SIGNED_BIRTH_FORM"
	ActFiled              domain.Action = "BIRTH_FILED"
	ActCloseRefused       domain.Action = "CLOSE_REFUSED_BIRTH_REGISTRATION"
	ActApprovalReceived   domain.Action = "BIRTH_APPROVAL_RECEIVED"
	ActRefusalClosed      domain.Action = "BIRTH_REFUSAL_CLOSED"
	ActReceived           domain.Action = "BIRTH_APPLICATION_RECEIVED"
	ActApprove            domain.Action = "APPROVE_BIRTH_REGISTRATION"
	ActRefuse             domain.Action = "REFUSE_BIRTH_REGISTRATION"
	ActSettle             domain.Action = "SETTLE_BIRTH_REGISTRATION"
	ActErrorsReported     domain.Action = "BIRTH_ERRORS_REPORTED"
	ActCorrectMinor       domain.Action = "CORRECT_BIRTH_MINOR"
	ActRequestMajorChange domain.Action = "REQUEST_BIRTH_MAJOR_CHANGE"
	ActApproveMajorChange domain.Action = "APPROVE_BIRTH_MAJOR_CHANGE"
	ActRejectMajorChange  domain.Action = "REJECT_BIRTH_MAJOR_CHANGE"
	ActResendForm         domain.Action = "RESEND_BIRTH_FORM"
	ActSignedReceived     domain.Action = "BIRTH_SIGNED_RECEIVED"
	ActFile               domain.Action = "FILE_BIRTH_REGISTRATION"
)

// Messages between the two offices beside domain.MsgApplication (A → R).
const (
	MsgExtracted   domain.MessageType = "EXTRACTED"    // R → A: the case arrived at R
	MsgRefused     domain.MessageType = "REFUSED"      // R → A: refusal with reasons
	MsgForm        domain.MessageType = "FORM"         // R → A: the registration form (first or corrected)
	MsgErrorReport domain.MessageType = "ERROR_REPORT" // A → R: errors the applicant found
	MsgSignedForm  domain.MessageType = "SIGNED_FORM"  // A → R: the signed form's image
	MsgFiled       domain.MessageType = "FILED"        // R → A: filed and closed, with the completion confirmation
	MsgApproved    domain.MessageType = "APPROVED"     // R → A: approved; the newborn will be settled
	MsgClosed      domain.MessageType = "CLOSED"       // A → R: the refusal was handled and the case closed
)

// Workflow is the one declaration of birth registration on both sides.
var Workflow = &domain.Workflow{
	Kind: Kind,
	States: []domain.StateSpec{
		// Archives are captured while the draft is open (1.4.1) and, at the
		// registration office, when the sealed refusal notice is scanned
		// (2.1.1); otherwise they are frozen. A refused or closed case frees
		// its certificate number (Unique).
		{Status: domain.StatusDraft, Deadline: 7 * 24 * time.Hour, Capture: true},
		{Status: domain.StatusSubmitted, Deadline: 24 * time.Hour, AwaitsOtherSide: true},
		{Status: domain.StatusExtracted, Deadline: 5 * 24 * time.Hour, AwaitsOtherSide: true},
		{Status: domain.StatusRefused, Deadline: 3 * 24 * time.Hour, ReleasesKey: true, Capture: true},
		{Status: FormReceived, Deadline: 3 * 24 * time.Hour},
		{Status: Printed, Deadline: 15 * 24 * time.Hour},
		{Status: CorrectionRequested, Deadline: 5 * 24 * time.Hour, AwaitsOtherSide: true},
		{Status: SignedReturned, Deadline: 5 * 24 * time.Hour, AwaitsOtherSide: true},
		{Status: domain.StatusClosed, Terminal: true, ReleasesKey: true},
		{Status: domain.StatusCompleted, Terminal: true},
		{Status: domain.StatusReceived, Deadline: 5 * 24 * time.Hour},
		{Status: domain.StatusApproved, Deadline: 24 * time.Hour},
		{Status: Settled, Deadline: 20 * 24 * time.Hour, AwaitsOtherSide: true},
		{Status: Correcting, Deadline: 5 * 24 * time.Hour},
		{Status: ChangePending, Deadline: 3 * 24 * time.Hour},
		{Status: SignedReceived, Deadline: 3 * 24 * time.Hour},
	},
	Steps: []domain.Step{
		// Acceptance office.
		{Action: ActStart, To: domain.StatusDraft, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActModify, From: s(domain.StatusDraft), To: domain.StatusDraft, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActSubmit, From: s(domain.StatusDraft), To: domain.StatusSubmitted, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActExtracted, From: s(domain.StatusSubmitted), To: domain.StatusExtracted, Side: domain.SideAcceptance, OnMessage: MsgExtracted},
		{Action: ActApprovalReceived, From: s(domain.StatusSubmitted, domain.StatusExtracted), To: domain.StatusApproved, Side: domain.SideAcceptance, OnMessage: MsgApproved},
		{Action: ActRefusalReceived, From: s(domain.StatusSubmitted, domain.StatusExtracted), To: domain.StatusRefused, Side: domain.SideAcceptance, OnMessage: MsgRefused},
		{Action: ActFormReceived, From: s(domain.StatusSubmitted, domain.StatusExtracted, domain.StatusApproved, CorrectionRequested), To: FormReceived, Side: domain.SideAcceptance, OnMessage: MsgForm},
		{Action: ActPrint, From: s(FormReceived, Printed), To: Printed, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActReportErrors, From: s(Printed), To: CorrectionRequested, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActReturnSigned, From: s(Printed), To: SignedReturned, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActFiled, From: s(SignedReturned), To: domain.StatusCompleted, Side: domain.SideAcceptance, OnMessage: MsgFiled},
		{Action: ActCloseRefused, From: s(domain.StatusRefused), To: domain.StatusClosed, Side: domain.SideAcceptance, Roles: clerk},
		// Registration office.
		{Action: ActReceived, To: domain.StatusReceived, Side: domain.SideRegistration, OnMessage: domain.MsgApplication},
		{Action: ActApprove, From: s(domain.StatusReceived), To: domain.StatusApproved, Side: domain.SideRegistration, Roles: officer},
		{Action: ActRefuse, From: s(domain.StatusReceived), To: domain.StatusRefused, Side: domain.SideRegistration, Roles: officer},
		{Action: ActRefusalClosed, From: s(domain.StatusRefused), To: domain.StatusClosed, Side: domain.SideRegistration, OnMessage: MsgClosed},
		{Action: ActSettle, From: s(domain.StatusApproved), To: Settled, Side: domain.SideRegistration, Roles: officer},
		{Action: ActErrorsReported, From: s(Settled), To: Correcting, Side: domain.SideRegistration, OnMessage: MsgErrorReport},
		{Action: ActCorrectMinor, From: s(Correcting), To: Correcting, Side: domain.SideRegistration, Roles: officer},
		{Action: ActRequestMajorChange, From: s(Correcting), To: ChangePending, Side: domain.SideRegistration, Roles: officer},
		{Action: ActApproveMajorChange, From: s(ChangePending), To: Correcting, Side: domain.SideRegistration, Roles: approver},
		{Action: ActRejectMajorChange, From: s(ChangePending), To: Correcting, Side: domain.SideRegistration, Roles: approver},
		{Action: ActResendForm, From: s(Correcting), To: Settled, Side: domain.SideRegistration, Roles: officer},
		{Action: ActSignedReceived, From: s(Settled), To: SignedReceived, Side: domain.SideRegistration, OnMessage: MsgSignedForm},
		{Action: ActFile, From: s(SignedReceived), To: domain.StatusCompleted, Side: domain.SideRegistration, Roles: officer},
	},
	// One open or completed case per medical birth certificate number on
	// each side.
	Unique: &domain.UniqueKey{Field: "certificateNumber", Of: certificateKey},
	People: people,
	// The acceptance receipt (issue 19) names the declarant.
	Title:     Title,
	Applicant: declarant,
	Promise:   15 * 24 * time.Hour,
}

// declarant is who declared the birth at the counter (the receipt's applicant).
func declarant(c *domain.Case) (domain.CasePerson, error) {
	d, err := decode(c)
	if err != nil {
		return domain.CasePerson{}, err
	}
	return domain.CasePerson{Name: d.Applicant.DeclarantName, IDNumber: d.Applicant.DeclarantIDNumber}, nil
}

// people are the persons a birth case is about, for the case list: the
// newborn (with the new ID number once settled), the parents on the
// certificate, and the declarant.
func people(c *domain.Case) ([]domain.CasePerson, error) {
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	cert := d.Ministry.Certificate
	return []domain.CasePerson{
		{Name: cmp.Or(d.Result.NewbornName, d.Applicant.NewbornName, cert.Name), IDNumber: d.Result.IDNumber},
		{Name: cert.MotherName, IDNumber: cert.MotherIDNumber},
		{Name: cert.FatherName, IDNumber: cert.FatherIDNumber},
		{Name: d.Applicant.DeclarantName, IDNumber: d.Applicant.DeclarantIDNumber},
	}, nil
}

// certificateKey is a birth case's unique key: its certificate number.
func certificateKey(c *domain.Case) (string, error) {
	d, err := decode(c)
	if err != nil {
		return "", err
	}
	return d.Ministry.Certificate.Number, nil
}

var (
	clerk    = []domain.Role{domain.RoleClerk}
	officer  = []domain.Role{domain.RoleOfficer}
	approver = []domain.Role{domain.RoleApprover}
)

func s(statuses ...domain.CaseStatus) []domain.CaseStatus { return statuses }

// Service runs birth registration on both sides; it is the kind's
// domain.Module.
type Service struct {
	Cases     *domain.CaseService
	Ministry  Ministry
	Province  domain.Province
	Renderer  domain.DocumentRenderer
	Documents domain.DocumentKeeper
	// Licences issues and keeps e-licences (4.1.2): the settlement has the
	// household's e-hukou book updated. Set at start-up; nil requests none
	// (a module built without the Ministry's licence service, in tests).
	Licences *domain.LicenceService
}

// New returns the birth module; register it with cases.Register. It panics
// on a nil dependency.
func New(cases *domain.CaseService, ministry Ministry, province domain.Province, renderer domain.DocumentRenderer, docs domain.DocumentKeeper) *Service {
	if cases == nil || ministry == nil || province == nil || renderer == nil || docs == nil {
		panic("birth: New needs cases, ministry, province, renderer and docs")
	}
	return &Service{Cases: cases, Ministry: ministry, Province: province, Renderer: renderer, Documents: docs}
}

// Workflow implements domain.Module.
func (*Service) Workflow() *domain.Workflow { return Workflow }

// Receivers implements domain.Module: how each incoming message changes the
// case before the engine fires its step.
func (s *Service) Receivers() map[domain.MessageType]domain.ReceiveFunc {
	return map[domain.MessageType]domain.ReceiveFunc{
		domain.MsgApplication: s.onApplication,
		MsgRefused:            s.onRefused,
		MsgForm:               s.onForm,
		MsgErrorReport:        onErrorReport,
		MsgSignedForm:         s.onSignedForm,
		MsgApproved:           onApproved,
		MsgFiled:              s.onFiled,
	}
}

// Details implements domain.Module.
func (*Service) Details(c *domain.Case) (domain.CaseDetails, error) { return DetailsOf(c) }
