package domain

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"hukou/domain/codes"
)

// BirthApplicant is what the acceptance clerk enters for a birth
// registration (1.1.1); it stays editable until submission (1.2.1).
type BirthApplicant struct {
	NewbornName       string `json:"newbornName"`
	Ethnicity         string `json:"ethnicity"`     // GB/T 3304
	Relation          string `json:"relation"`      // GB/T 4761, to the head of the household joined
	SettleWith        string `json:"settleWith"`    // FATHER or MOTHER: whose household the newborn joins
	DeclarantName     string `json:"declarantName"` // who applies at the counter
	DeclarantIDNumber string `json:"declarantIdNumber"`
	DeclarantPhone    string `json:"declarantPhone"`
}

// BirthMinistryData is what the Ministry said at intake, frozen with the case.
type BirthMinistryData struct {
	Certificate BirthCertificate          `json:"certificate"`
	History     []BirthRegistrationRecord `json:"history"`
	Usage       CertificateUsage          `json:"usage"`
	Household   *MinistryHousehold        `json:"household"` // the household the newborn joins
	ParentID    string                    `json:"parentIdNumber"`
	Province    string                    `json:"province"`    // the home province asked for availability
	ServiceOpen bool                      `json:"serviceOpen"` // its answer (a case exists only when open)
}

// MinistryCheck is the result of one Ministry look-up made at intake, shown
// with the case so the clerk sees what was verified (1.1.1).
type MinistryCheck struct {
	Check  string // SERVICE, CERTIFICATE, USAGE, HISTORY, HOUSEHOLD
	Passed bool
	Detail string // the value checked: province, certificate or household number
}

// BirthChecks lists the intake checks of a birth case from its frozen
// Ministry data.
func BirthChecks(c *Case) []MinistryCheck {
	_, m, _ := DecodeBirth(c)
	return birthChecks(m)
}

// BirthIntake is the input of StartBirthRegistration.
type BirthIntake struct {
	CertificateNumber string
	Applicant         BirthApplicant
}

// BirthDecision is what the registration office decided (in Case.Result).
type BirthDecision struct {
	Approved bool     `json:"approved"`
	Reasons  []string `json:"reasons,omitempty"`
	Note     string   `json:"note,omitempty"`
}

// BirthService runs cross-province birth registration on both sides.
type BirthService struct {
	Cases     *CaseService
	Collab    *CollabService
	Ministry  Ministry
	Province  Province
	Renderer  DocumentRenderer
	Documents DocumentKeeper
}

// NewBirthService wires a BirthService and registers its message handlers
// with collab; it panics on a nil dependency.
func NewBirthService(cases *CaseService, collab *CollabService, ministry Ministry, province Province, renderer DocumentRenderer, docs DocumentKeeper) *BirthService {
	if cases == nil || collab == nil || ministry == nil || province == nil || renderer == nil || docs == nil {
		panic("domain: NewBirthService needs cases, collab, ministry, province, renderer and docs")
	}
	s := &BirthService{Cases: cases, Collab: collab, Ministry: ministry, Province: province, Renderer: renderer, Documents: docs}
	collab.Handle(string(KindBirth), MsgBirthApplication, s.onApplication)
	collab.Handle(string(KindBirth), MsgBirthForm, s.onForm)
	for _, m := range []struct{ msg, action string }{
		{MsgBirthExtracted, "extracted"}, {MsgBirthRefused, "refusalReceived"}, {MsgBirthFiled, "filed"},
	} {
		collab.Handle(string(KindBirth), m.msg, s.onStep(SideAcceptance, m.action))
	}
	collab.Handle(string(KindBirth), MsgBirthErrorReport, s.onErrorReport)
	collab.Handle(string(KindBirth), MsgBirthSignedForm, s.onSignedForm)
	return s
}

// BirthLookup is what the Ministry look-ups of a birth intake returned
// (1.1.1): the certificate, the household the newborn joins, the home
// province and the checks made. Nothing is saved.
type BirthLookup struct {
	Ministry BirthMinistryData
	Checks   []MinistryCheck
}

// birthChecks lists the intake checks of frozen or fresh Ministry data.
func birthChecks(m BirthMinistryData) []MinistryCheck {
	household := ""
	if m.Household != nil {
		household = m.Household.Number
	}
	return []MinistryCheck{
		{Check: "SERVICE", Passed: m.ServiceOpen, Detail: m.Province},
		{Check: "CERTIFICATE", Passed: m.Certificate.Number != "", Detail: m.Certificate.Number},
		{Check: "USAGE", Passed: !m.Usage.Used, Detail: m.Certificate.Number},
		{Check: "HISTORY", Passed: len(m.History) == 0, Detail: m.Certificate.Number},
		{Check: "HOUSEHOLD", Passed: household != "", Detail: household},
	}
}

// intakeActor authorizes a birth intake: a clerk at a police station.
func intakeActor(ctx context.Context) (*Actor, error) {
	actor, err := Authorize(ctx, RoleClerk)
	if err != nil {
		return nil, err
	}
	if actor.Office == nil || actor.Office.Level != OfficePoliceStation {
		return nil, Errorf(CodeForbidden, "births are accepted at a police station counter").WithReason("case.station_only")
	}
	return actor, nil
}

// Lookup makes the Ministry look-ups of a birth intake before anything is
// entered or saved (1.1.1): the medical birth certificate, its usage record
// and registration history, the household of the parent the newborn joins
// (settleWith FATHER or MOTHER), and whether the home province has the
// service open. It is audited as a READ. Errors: as Start (CodeInvalid
// naming certificateNumber or settleWith, CodeConflict for a used or
// registered certificate or a closed service, CodeForbidden,
// CodeUnavailable).
func (s *BirthService) Lookup(ctx context.Context, certificateNumber, settleWith string) (*BirthLookup, error) {
	actor, err := intakeActor(ctx)
	if err != nil {
		return nil, err
	}
	certNo := strings.TrimSpace(certificateNumber)
	if certNo == "" {
		return nil, FieldErrorf("certificateNumber", "enter the medical birth certificate number").WithReason("birth.certificate_required")
	}
	if settleWith != "FATHER" && settleWith != "MOTHER" {
		return nil, FieldErrorf("settleWith", "choose the father's or the mother's household").WithReason("birth.settle_with")
	}
	l, err := s.lookup(ctx, certNo, settleWith)
	if err != nil {
		return nil, err
	}
	s.Cases.Audit.Record(ctx, NewAuditEntry(actor, s.Cases.Now(), AuditRead, "birthLookup", "BirthCertificate", certNo,
		"household "+l.Ministry.Household.Number))
	return l, nil
}

// lookup runs the Ministry look-ups of Lookup and Start for a trimmed,
// non-empty certificate number.
func (s *BirthService) lookup(ctx context.Context, certNo, settleWith string) (*BirthLookup, error) {
	cert, err := s.Ministry.BirthCertificate(ctx, certNo)
	if ErrorCode(err) == CodeNotFound {
		return nil, FieldErrorf("certificateNumber", "the Ministry has no medical birth certificate %s; check the number", certNo).WithReason("birth.certificate_unknown")
	} else if err != nil {
		return nil, err
	}
	usage, err := s.Ministry.BirthCertificateUsage(ctx, certNo)
	if err != nil {
		return nil, err
	}
	if usage.Used {
		return nil, &Error{Code: CodeConflict, Field: "certificateNumber", Reason: "birth.certificate_used",
			Message: "birth certificate " + certNo + " was already used by office " + usage.OfficeCode + " on " + usage.UsedAt.Format(time.DateOnly)}
	}
	history, err := s.Ministry.BirthRegistrationHistory(ctx, certNo)
	if err != nil {
		return nil, err
	}
	if len(history) > 0 {
		return nil, &Error{Code: CodeConflict, Field: "certificateNumber", Reason: "birth.already_registered",
			Message: "the child of certificate " + certNo + " is already registered (ID number " + history[0].IDNumber + ")"}
	}
	parentID := cert.FatherIDNumber
	if settleWith == "MOTHER" || parentID == "" {
		parentID = cert.MotherIDNumber
	}
	household, err := s.Ministry.HouseholdByIDNumber(ctx, parentID)
	if ErrorCode(err) == CodeNotFound {
		return nil, FieldErrorf("settleWith", "the Ministry has no household for the parent %s", parentID).WithReason("birth.parent_unknown")
	} else if err != nil {
		return nil, err
	}
	province := household.OfficeCode[:2]
	open, err := s.Ministry.ServiceAvailability(ctx, province, BusinessBirth)
	if err != nil {
		return nil, err
	}
	if !open {
		return nil, Errorf(CodeConflict, "cross-province birth registration is not open for province %s", province).WithReason("case.service_closed")
	}
	m := BirthMinistryData{Certificate: *cert, History: history, Usage: *usage, Household: household,
		ParentID: parentID, Province: province, ServiceOpen: open}
	return &BirthLookup{Ministry: m, Checks: birthChecks(m)}, nil
}

// Start records a birth registration at the acceptance office (1.1.1): it
// makes the Ministry look-ups of Lookup; gets a collaboration number from
// the province; and saves the case as DRAFT with the Ministry data frozen.
// All look-ups happen before the one transaction, so a failure saves
// nothing. Errors: CodeInvalid naming the field (unknown certificate, bad
// applicant data), CodeConflict (certificate already used or registered),
// CodeForbidden, CodeUnavailable naming the service that did not answer.
func (s *BirthService) Start(ctx context.Context, in BirthIntake) (*Case, error) {
	actor, err := intakeActor(ctx)
	if err != nil {
		return nil, err
	}
	certNo := strings.TrimSpace(in.CertificateNumber)
	if certNo == "" {
		return nil, FieldErrorf("certificateNumber", "enter the medical birth certificate number").WithReason("birth.certificate_required")
	}
	if err := in.Applicant.validate(s.Cases.Now()); err != nil {
		return nil, err
	}
	l, err := s.lookup(ctx, certNo, in.Applicant.SettleWith)
	if err != nil {
		return nil, err
	}
	household, province := l.Ministry.Household, l.Ministry.Province
	id := s.Cases.NewID()
	collabNo, err := s.Province.CollaborationNumber(ctx, CollabNumberRequest{CaseID: id, Kind: string(KindBirth),
		AcceptanceOffice: actor.OfficeCode, RegistrationProvince: province})
	if err != nil {
		return nil, err
	}
	applicant, _ := json.Marshal(in.Applicant)
	ministry, _ := json.Marshal(l.Ministry)
	c := &Case{ID: id, Kind: KindBirth, Side: SideAcceptance, CollabNo: collabNo, Status: BirthDraft,
		AcceptanceOffice: actor.OfficeCode, RegistrationOffice: household.OfficeCode, RegistrationProvince: province,
		Office: actor.OfficeCode, Applicant: applicant, Ministry: ministry, Result: json.RawMessage("{}"), CreatedBy: actor.Username}
	err = s.Cases.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		return s.Cases.create(ctx, tx, c, actor, "intake", "")
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Modify replaces the clerk-entered data of a DRAFT case (1.2.1). Ministry
// data cannot be changed (it is not part of the input). Errors: as
// Workflow.Allowed (CONFLICT once submitted), CodeInvalid naming a field,
// CodeConflict for a stale version.
func (s *BirthService) Modify(ctx context.Context, id string, version int, in BirthApplicant) (*Case, error) {
	actor, err := Authorize(ctx, RoleClerk)
	if err != nil {
		return nil, err
	}
	if err := in.validate(s.Cases.Now()); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, "modify", "", nil, func(c *Case) error {
		c.Applicant, _ = json.Marshal(in)
		return nil
	}, nil)
}

// Submit locks the case and sends it to the registration office through the
// platform (1.1.2), in one transaction.
func (s *BirthService) Submit(ctx context.Context, id string, version int) (*Case, error) {
	actor, err := Authorize(ctx, RoleClerk)
	if err != nil {
		return nil, err
	}
	// The captured archives go with the application (read before the transaction).
	archives, err := s.Documents.ArchiveContents(ctx, id)
	if err != nil {
		return nil, err
	}
	refs := make([]AttachmentRef, len(archives))
	for i := range archives {
		refs[i] = archives[i].ref()
	}
	return s.act(ctx, actor, id, version, "submit", "", map[string]int{"archives": len(archives)}, nil, func(ctx context.Context, tx Repos, c *Case) error {
		_, err := s.Collab.Send(ctx, tx, Outgoing{CollabNo: c.CollabNo, CaseKind: string(KindBirth), MessageType: MsgBirthApplication,
			SenderOffice: c.AcceptanceOffice, ReceiverOffice: deploymentOffice(c.RegistrationOffice), SenderUser: actor.Username,
			Body: birthApplicationBody{Case: caseWire(c), Archives: archives}, Attachments: refs})
		return err
	})
}

// Approve records the registration office's approval (2.1.1).
func (s *BirthService) Approve(ctx context.Context, id string, version int, note string) (*Case, error) {
	actor, err := Authorize(ctx, RoleOfficer)
	if err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, "approve", note, BirthDecision{Approved: true, Note: note}, func(c *Case) error {
		c.Result, _ = json.Marshal(BirthDecision{Approved: true, Note: note})
		return nil
	}, nil)
}

// Refuse records the registration office's refusal with its reasons and
// sends it to the acceptance office (2.1.1, 1.3.5).
func (s *BirthService) Refuse(ctx context.Context, id string, version int, reasons []string) (*Case, error) {
	actor, err := Authorize(ctx, RoleOfficer)
	if err != nil {
		return nil, err
	}
	clean := reasons[:0:0]
	for _, r := range reasons {
		if r = strings.TrimSpace(r); r != "" {
			clean = append(clean, r)
		}
	}
	if len(clean) == 0 {
		return nil, FieldErrorf("reasons", "give at least one reason for the refusal").WithReason("birth.reasons_required")
	}
	d := BirthDecision{Approved: false, Reasons: clean}
	return s.act(ctx, actor, id, version, "refuse", strings.Join(clean, "; "), d, func(c *Case) error {
		c.Result, _ = json.Marshal(d)
		return nil
	}, func(ctx context.Context, tx Repos, c *Case) error {
		a, _, _ := DecodeBirth(c)
		office := c.RegistrationOffice
		if st, err := tx.Offices().FindOfficeByCode(ctx, c.RegistrationOffice); err == nil {
			office = st.Name
		}
		pdf, err := s.Renderer.Render(ctx, &RefusalNotice{CaseKind: KindBirth, CollabNo: c.CollabNo, ApplicantName: a.DeclarantName,
			SubjectName: a.NewbornName, Reasons: clean, Office: office, Date: s.Cases.Now(), Seals: []Seal{{Office: office, Name: "户口专用章"}}})
		if err != nil {
			return err
		}
		if err := s.Documents.KeepDocument(ctx, tx, c.ID, DocumentRefusalNotice, "不予办理通知书-"+c.CollabNo+".pdf", "application/pdf", pdf); err != nil {
			return err
		}
		_, err = s.Collab.Send(ctx, tx, Outgoing{CollabNo: c.CollabNo, CaseKind: string(KindBirth), MessageType: MsgBirthRefused,
			SenderOffice: c.RegistrationOffice, ReceiverOffice: deploymentOffice(c.AcceptanceOffice), SenderUser: actor.Username, Body: d})
		return err
	})
}

// CloseRefused closes a refused case at the acceptance office (1.3.5).
func (s *BirthService) CloseRefused(ctx context.Context, id string, version int) (*Case, error) {
	actor, err := Authorize(ctx, RoleClerk)
	if err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, "closeRefused", "", nil, nil, nil)
}

// act runs one user step on a birth case in one transaction: load, check the
// version the user saw, change (optional), fire, then effects (optional).
func (s *BirthService) act(ctx context.Context, actor *Actor, id string, version int, action, note string, data any,
	change func(*Case) error, effects func(context.Context, Repos, *Case) error) (*Case, error) {
	var c *Case
	err := s.Cases.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		var err error
		if c, err = s.Cases.loadForUpdate(ctx, tx, id, KindBirth); err != nil {
			return err
		}
		if err := BirthWorkflow.Allowed(c, action, actor); err != nil {
			return err
		}
		if version != 0 && version != c.Version {
			return Errorf(CodeConflict, "the case was changed by someone else meanwhile (version %d, you saw %d); reload it", c.Version, version).WithReason("case.stale")
		}
		if change != nil {
			if err := change(c); err != nil {
				return err
			}
		}
		if err := s.Cases.fire(ctx, tx, c, action, actor, note, data, ""); err != nil {
			return err
		}
		if effects != nil {
			return effects(ctx, tx, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// birthApplicationBody is the APPLICATION message: the acceptance side's case.
type birthApplicationBody struct {
	Case     caseWireForm  `json:"case"`
	Archives []FileContent `json:"archives,omitempty"`
}

// caseWireForm is a case as it travels between offices.
type caseWireForm struct {
	CollabNo             string          `json:"collabNo"`
	AcceptanceOffice     string          `json:"acceptanceOffice"`
	RegistrationOffice   string          `json:"registrationOffice"`
	RegistrationProvince string          `json:"registrationProvince"`
	Applicant            json.RawMessage `json:"applicant"`
	Ministry             json.RawMessage `json:"ministry"`
}

func caseWire(c *Case) caseWireForm {
	return caseWireForm{CollabNo: c.CollabNo, AcceptanceOffice: c.AcceptanceOffice, RegistrationOffice: c.RegistrationOffice,
		RegistrationProvince: c.RegistrationProvince, Applicant: c.Applicant, Ministry: c.Ministry}
}

// onApplication creates the registration office's copy of a submitted case
// (status RECEIVED, in the approval queue) and answers EXTRACTED.
func (s *BirthService) onApplication(ctx context.Context, tx Repos, env *Envelope) (string, error) {
	var body birthApplicationBody
	if err := json.Unmarshal(env.Body, &body); err != nil || body.Case.CollabNo != env.CollabNo {
		return "", FieldErrorf("body", "the application does not carry its case").WithReason("birth.application_body")
	}
	w := body.Case
	c := &Case{ID: s.Cases.NewID(), Kind: KindBirth, Side: SideRegistration, CollabNo: env.CollabNo, Status: BirthReceived,
		AcceptanceOffice: w.AcceptanceOffice, RegistrationOffice: w.RegistrationOffice, RegistrationProvince: w.RegistrationProvince,
		Office: w.RegistrationOffice, Applicant: w.Applicant, Ministry: w.Ministry, Result: json.RawMessage("{}"), CreatedBy: env.SenderUser}
	if err := s.Cases.create(ctx, tx, c, systemActor, "received", env.MessageID); err != nil {
		return "", err
	}
	if len(body.Archives) != len(env.Attachments) {
		return "", FieldErrorf("attachments", "the application's archives do not match its attachment list").WithReason("birth.archives")
	}
	for i := range body.Archives {
		a := &body.Archives[i]
		if a.ref().SHA256 != env.Attachments[i].SHA256 {
			return "", FieldErrorf("attachments", "archive %q does not match its signed hash", a.Name).WithReason("birth.archive_hash")
		}
		if err := s.Documents.KeepArchive(ctx, tx, c.ID, a.MaterialCode, a.Name, a.ContentType, a.Content); err != nil {
			return "", err
		}
	}
	_, err := s.Collab.Send(ctx, tx, Outgoing{CollabNo: c.CollabNo, CaseKind: string(KindBirth), MessageType: MsgBirthExtracted,
		SenderOffice: c.RegistrationOffice, ReceiverOffice: deploymentOffice(c.AcceptanceOffice), SenderUser: "collaboration",
		Body: map[string]string{"status": string(BirthReceived)}, ReplyToHash: env.Hash()})
	return c.Office, err
}

// onStep fires action on side's copy of the envelope's case.
func (s *BirthService) onStep(side Side, action string) MessageHandler {
	return func(ctx context.Context, tx Repos, env *Envelope) (string, error) {
		c, err := tx.Cases().FindCaseByCollabNo(ctx, env.CollabNo, side)
		if err != nil {
			return "", err
		}
		var data any
		if action == "refusalReceived" {
			var d BirthDecision
			if err := json.Unmarshal(env.Body, &d); err == nil {
				c.Result = env.Body
				data = d
			}
		}
		return c.Office, s.Cases.fire(ctx, tx, c, action, systemActor, "", data, env.MessageID)
	}
}

func (a *BirthApplicant) validate(now time.Time) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(a.NewbornName)); {
	case n == 0:
		return FieldErrorf("newbornName", "enter the newborn's name").WithReason("birth.name_required")
	case n > 20:
		return FieldErrorf("newbornName", "a name has at most 20 characters").WithReason("birth.name_length")
	}
	if _, ok := codes.Ethnicity(a.Ethnicity); !ok {
		return FieldErrorf("ethnicity", "choose an ethnicity from the GB/T 3304 list (got %q)", a.Ethnicity).WithReason("birth.ethnicity")
	}
	if _, ok := codes.Relation(a.Relation); !ok {
		return FieldErrorf("relation", "choose the relation to the head of household from the GB/T 4761 list (got %q)", a.Relation).WithReason("birth.relation")
	}
	if a.SettleWith != "FATHER" && a.SettleWith != "MOTHER" {
		return FieldErrorf("settleWith", "choose the father's or the mother's household").WithReason("birth.settle_with")
	}
	if strings.TrimSpace(a.DeclarantName) == "" {
		return FieldErrorf("declarantName", "enter the declarant's name").WithReason("birth.declarant_name")
	}
	if _, err := ValidateIDNumber("declarantIdNumber", a.DeclarantIDNumber, now); err != nil {
		return err
	}
	return nil
}

// DecodeBirth returns a birth case's clerk-entered data, its frozen
// Ministry data and the registration office's decision.
func DecodeBirth(c *Case) (BirthApplicant, BirthMinistryData, BirthDecision) {
	var a BirthApplicant
	var m BirthMinistryData
	var d BirthDecision
	_ = json.Unmarshal(c.Applicant, &a)
	_ = json.Unmarshal(c.Ministry, &m)
	_ = json.Unmarshal(c.Result, &d)
	return a, m, d
}

// Overdue reports whether c is past its deadline at now.
func (c *Case) Overdue(now time.Time) bool { return c.DeadlineAt != nil && now.After(*c.DeadlineAt) }

// AwaitingOtherSide reports whether c waits for the other office's answer.
func (s *CaseService) AwaitingOtherSide(c *Case) bool {
	if w := s.Workflows[c.Kind]; w != nil {
		spec, _ := w.State(c.Status)
		return spec.AwaitsOtherSide
	}
	return false
}
