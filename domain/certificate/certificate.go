// Package certificate is the household certificate module (户籍类证明,
// features 1.1.5–1.1.7, 1.2.3, 1.4.3, 1.4.4, 2.1.3, 2.2.7, 2.2.8, 7.1.2):
// the household information certificate (户籍信息证明, INFO_CERT), issued at
// the acceptance office at once from the Ministry's household-information
// verification, and the household matter certificate (户籍事项证明,
// MATTER_CERT), verified by the registration office before the acceptance
// office prints it or the refusal to certify. Each variant is one workflow
// declaration registered with the case engine; both issue certificates
// that anyone holding one can check (Verify).
package certificate

import (
	"time"

	"hukou/domain"
)

// The two kinds: a case of each is one certificate application.
const (
	InfoKind   domain.CaseKind = "INFO_CERT"
	MatterKind domain.CaseKind = "MATTER_CERT"
)

// The Ministry's names of the businesses (availability, materials list).
const (
	InfoBusiness   domain.BusinessKind = "INFO_CERT"
	MatterBusiness domain.BusinessKind = "MATTER_CERT"
)

// Statuses beside the engine's common ones. Acceptance office (A):
const (
	Verified domain.CaseStatus = "VERIFIED"  // R verified the matter as true; the certificate is to be printed (2.2.8)
	NoResult domain.CaseStatus = "NO_RESULT" // R could not establish the matter; to be closed
	Revoked  domain.CaseStatus = "REVOKED"   // the issued certificate was revoked: verification answers REVOKED
)

// Registration office (R):
const (
	Routed   domain.CaseStatus = "ROUTED"   // the third province answered through the province platform (2.2.7)
	Answered domain.CaseStatus = "ANSWERED" // the verdict was sent; waits for A to print and close
)

// Steps. A user step is named like its mutation; never rename one.
const (
	ActIssueInfo        domain.Action = "ISSUE_INFORMATION_CERTIFICATE"
	ActRevokeInfo       domain.Action = "REVOKE_INFORMATION_CERTIFICATE"
	ActStart            domain.Action = "START_MATTER_CERTIFICATE"
	ActModify           domain.Action = "MODIFY_MATTER_CERTIFICATE"
	ActSubmit           domain.Action = "SUBMIT_MATTER_CERTIFICATE"
	ActExtracted        domain.Action = "MATTER_CERTIFICATE_EXTRACTED"
	ActTrueReceived     domain.Action = "MATTER_VERIFIED_TRUE"
	ActNotTrueReceived  domain.Action = "MATTER_VERIFIED_NOT_TRUE"
	ActNoResultReceived domain.Action = "MATTER_VERIFIED_NO_RESULT"
	ActPrint            domain.Action = "PRINT_MATTER_CERTIFICATE"
	ActPrintRefusal     domain.Action = "PRINT_CERTIFICATE_REFUSAL"
	ActClose            domain.Action = "CLOSE_MATTER_CERTIFICATE"
	ActRevokeMatter     domain.Action = "REVOKE_MATTER_CERTIFICATE"
	ActReceived         domain.Action = "MATTER_CERTIFICATE_RECEIVED"
	ActRoute            domain.Action = "ROUTE_MATTER_CERTIFICATE"
	ActVerifyTrue       domain.Action = "VERIFY_MATTER_TRUE"
	ActVerifyNotTrue    domain.Action = "VERIFY_MATTER_NOT_TRUE"
	ActVerifyNoResult   domain.Action = "VERIFY_MATTER_NO_RESULT"
	ActClosed           domain.Action = "MATTER_CERTIFICATE_CLOSED"
)

// Messages between the two offices beside domain.MsgApplication (A → R).
const (
	MsgExtracted domain.MessageType = "EXTRACTED" // R → A: the application arrived at R
	MsgTrue      domain.MessageType = "TRUE"      // R → A: verified true, with the verification materials (2.1.3, 1.4.4)
	MsgNotTrue   domain.MessageType = "NOT_TRUE"  // R → A: verified not true, with the reasons
	MsgNoResult  domain.MessageType = "NO_RESULT" // R → A: no result, with the reasons
	MsgClosed    domain.MessageType = "CLOSED"    // A → R: printed or closed; both copies are done
)

var (
	clerk    = []domain.Role{domain.RoleClerk}
	officer  = []domain.Role{domain.RoleOfficer}
	approver = []domain.Role{domain.RoleApprover}
)

func s(statuses ...domain.CaseStatus) []domain.CaseStatus { return statuses }

// people are the persons a certificate case is about, for the case list:
// the person (or persons) certified and the applicant at the counter.
func people(c *domain.Case) ([]domain.CasePerson, error) {
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	switch {
	case d.Info != nil:
		return []domain.CasePerson{{Name: d.Info.Name, IDNumber: d.Info.IDNumber}, {Name: d.Info.ApplicantName}}, nil
	case d.Matter != nil:
		out := make([]domain.CasePerson, 0, len(d.Matter.Persons)+1)
		for _, p := range d.Matter.Persons {
			out = append(out, domain.CasePerson{Name: p.Name, IDNumber: p.IDNumber})
		}
		return append(out, domain.CasePerson{Name: d.Matter.ApplicantName, IDNumber: d.Matter.ApplicantIDNumber}), nil
	}
	return nil, nil
}

// applicant is who applied at the counter (the receipt's applicant).
func applicant(c *domain.Case) (domain.CasePerson, error) {
	d, err := decode(c)
	if err != nil {
		return domain.CasePerson{}, err
	}
	switch {
	case d.Info != nil:
		return domain.CasePerson{Name: d.Info.ApplicantName}, nil
	case d.Matter != nil:
		return domain.CasePerson{Name: d.Matter.ApplicantName, IDNumber: d.Matter.ApplicantIDNumber}, nil
	}
	return domain.CasePerson{}, nil
}

// InfoWorkflow is the declaration of the household information certificate:
// issued at once at the acceptance office (1.1.5); an approver may revoke it.
var InfoWorkflow = &domain.Workflow{
	Kind:   InfoKind,
	People: people,
	// The acceptance receipt (issue 19); issued at once, so no promise.
	Title:     InfoTitle,
	Applicant: applicant,
	States: []domain.StateSpec{
		{Status: domain.StatusCompleted},
		{Status: Revoked, Terminal: true},
	},
	Steps: []domain.Step{
		{Action: ActIssueInfo, To: domain.StatusCompleted, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActRevokeInfo, From: s(domain.StatusCompleted), To: Revoked, Side: domain.SideAcceptance, Roles: approver},
	},
}

// MatterWorkflow is the one declaration of the household matter certificate
// on both sides (1.1.6, 1.1.7, 1.2.3, 2.1.3, 2.2.7, 2.2.8). Archives are
// captured in the draft at A (1.4.3) and, at R, while the matter is being
// verified (the verification materials, 1.4.4).
var MatterWorkflow = &domain.Workflow{
	Kind:   MatterKind,
	People: people,
	// The acceptance receipt (issue 19).
	Title:     MatterTitle,
	Applicant: applicant,
	Promise:   15 * 24 * time.Hour,
	States: []domain.StateSpec{
		{Status: domain.StatusDraft, Deadline: 7 * 24 * time.Hour, Capture: true},
		{Status: domain.StatusSubmitted, Deadline: 24 * time.Hour, AwaitsOtherSide: true},
		{Status: domain.StatusExtracted, Deadline: 10 * 24 * time.Hour, AwaitsOtherSide: true},
		{Status: Verified, Deadline: 3 * 24 * time.Hour},
		{Status: domain.StatusRefused, Deadline: 3 * 24 * time.Hour},
		{Status: NoResult, Deadline: 3 * 24 * time.Hour},
		{Status: domain.StatusCompleted},
		{Status: domain.StatusClosed, Terminal: true},
		{Status: Revoked, Terminal: true},
		{Status: domain.StatusReceived, Deadline: 10 * 24 * time.Hour, Capture: true},
		{Status: Routed, Deadline: 5 * 24 * time.Hour, Capture: true},
		{Status: Answered, Deadline: 5 * 24 * time.Hour, AwaitsOtherSide: true},
	},
	Steps: []domain.Step{
		// Acceptance office.
		{Action: ActStart, To: domain.StatusDraft, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActModify, From: s(domain.StatusDraft), To: domain.StatusDraft, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActSubmit, From: s(domain.StatusDraft), To: domain.StatusSubmitted, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActExtracted, From: s(domain.StatusSubmitted), To: domain.StatusExtracted, Side: domain.SideAcceptance, OnMessage: MsgExtracted},
		{Action: ActTrueReceived, From: s(domain.StatusSubmitted, domain.StatusExtracted), To: Verified, Side: domain.SideAcceptance, OnMessage: MsgTrue},
		{Action: ActNotTrueReceived, From: s(domain.StatusSubmitted, domain.StatusExtracted), To: domain.StatusRefused, Side: domain.SideAcceptance, OnMessage: MsgNotTrue},
		{Action: ActNoResultReceived, From: s(domain.StatusSubmitted, domain.StatusExtracted), To: NoResult, Side: domain.SideAcceptance, OnMessage: MsgNoResult},
		{Action: ActPrint, From: s(Verified), To: domain.StatusCompleted, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActPrintRefusal, From: s(domain.StatusRefused), To: domain.StatusClosed, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActClose, From: s(NoResult), To: domain.StatusClosed, Side: domain.SideAcceptance, Roles: clerk},
		{Action: ActRevokeMatter, From: s(domain.StatusCompleted), To: Revoked, Side: domain.SideAcceptance, Roles: approver},
		// Registration office.
		{Action: ActReceived, To: domain.StatusReceived, Side: domain.SideRegistration, OnMessage: domain.MsgApplication},
		{Action: ActRoute, From: s(domain.StatusReceived), To: Routed, Side: domain.SideRegistration, Roles: officer},
		{Action: ActVerifyTrue, From: s(domain.StatusReceived, Routed), To: Answered, Side: domain.SideRegistration, Roles: officer},
		{Action: ActVerifyNotTrue, From: s(domain.StatusReceived, Routed), To: Answered, Side: domain.SideRegistration, Roles: officer},
		{Action: ActVerifyNoResult, From: s(domain.StatusReceived, Routed), To: Answered, Side: domain.SideRegistration, Roles: officer},
		{Action: ActClosed, From: s(Answered), To: domain.StatusCompleted, Side: domain.SideRegistration, OnMessage: MsgClosed},
	},
}

// Service runs both certificate kinds; it is the MATTER_CERT kind's
// domain.Module, and Info returns the INFO_CERT kind's.
type Service struct {
	Cases     *domain.CaseService
	Ministry  Ministry
	Province  domain.Province
	Platform  ProvincePlatform
	Renderer  domain.DocumentRenderer
	Documents domain.DocumentKeeper
	// Throttle bounds failed certificate verifications per client address.
	Throttle Throttle
}

// New returns the certificate module; register both kinds with
// cases.Register(s) and cases.Register(s.Info()). It panics on a nil
// dependency.
func New(cases *domain.CaseService, ministry Ministry, province domain.Province, platform ProvincePlatform, renderer domain.DocumentRenderer, docs domain.DocumentKeeper) *Service {
	if cases == nil || ministry == nil || province == nil || platform == nil || renderer == nil || docs == nil {
		panic("certificate: New needs cases, ministry, province, platform, renderer and docs")
	}
	return &Service{Cases: cases, Ministry: ministry, Province: province, Platform: platform, Renderer: renderer, Documents: docs, Throttle: DefaultThrottle}
}

// Workflow implements domain.Module.
func (*Service) Workflow() *domain.Workflow { return MatterWorkflow }

// Receivers implements domain.Module.
func (s *Service) Receivers() map[domain.MessageType]domain.ReceiveFunc {
	return map[domain.MessageType]domain.ReceiveFunc{
		domain.MsgApplication: s.onApplication,
		MsgTrue:               s.onVerdict,
		MsgNotTrue:            s.onVerdict,
		MsgNoResult:           s.onVerdict,
	}
}

// Details implements domain.Module.
func (*Service) Details(c *domain.Case) (domain.CaseDetails, error) { return DetailsOf(c) }

// Info returns the INFO_CERT kind's domain.Module.
func (s *Service) Info() domain.Module { return infoModule{} }

type infoModule struct{}

func (infoModule) Workflow() *domain.Workflow                           { return InfoWorkflow }
func (infoModule) Receivers() map[domain.MessageType]domain.ReceiveFunc { return nil }
func (infoModule) Details(c *domain.Case) (domain.CaseDetails, error)   { return InfoDetailsOf(c) }
