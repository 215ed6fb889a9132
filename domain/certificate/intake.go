package certificate

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"hukou/domain"
	"hukou/domain/codes"
)

// intakeActor checks that the caller may take the creating step action (its
// declared roles) at a police station counter.
func (s *Service) intakeActor(ctx context.Context, kind domain.CaseKind, action domain.Action) (*domain.Actor, error) {
	actor, err := s.Cases.Open(ctx, kind, action)
	if err != nil {
		return nil, err
	}
	if actor.Office == nil || actor.Office.Level != domain.OfficePoliceStation {
		return nil, domain.Errorf(domain.CodeForbidden, "certificates are applied for at a police station counter").WithReason("case.station_only")
	}
	return actor, nil
}

// serviceOpen refuses a province where the business is closed (7.1.7).
func (s *Service) serviceOpen(ctx context.Context, province string, business domain.BusinessKind) error {
	open, err := s.Ministry.ServiceAvailability(ctx, province, business)
	if err != nil {
		return err
	}
	if !open {
		return domain.Errorf(domain.CodeConflict, "cross-province %s is not open for province %s", business, province).WithReason("case.service_closed")
	}
	return nil
}

// InfoOutcome is the answer of IssueInfo: the issued certificate's case
// when the Ministry answered; otherwise Draft, the matter certificate of
// the assisted flow with what the clerk entered (nothing is saved).
type InfoOutcome struct {
	Case  *domain.Case
	Draft *Matter
}

// IssueInfo issues a household information certificate at once (1.1.5):
// the Ministry's household-information verification (7.1.2) for the person
// and purpose; when it answers, the person's name must match, the home
// province must be another one with the business open, and the certificate
// is issued with its number and verification code as a completed case.
// When the Ministry finds nothing, nothing is saved and the outcome's Draft
// starts the assisted flow (a HOUSEHOLD_INFO matter certificate). Errors:
// CodeInvalid naming a field, CodeConflict (service closed), CodeForbidden,
// CodeUnavailable (the Ministry or the province did not answer: nothing is
// saved).
func (s *Service) IssueInfo(ctx context.Context, in InfoRequest) (*InfoOutcome, error) {
	actor, err := s.intakeActor(ctx, InfoKind, ActIssueInfo)
	if err != nil {
		return nil, err
	}
	now := s.Cases.Now()
	if err := in.normalise(now); err != nil {
		return nil, err
	}
	v, err := s.Ministry.VerifyHouseholdInfo(ctx, in.IDNumber, in.Purpose)
	if err != nil {
		return nil, fmt.Errorf("household information of %s: %w", in.IDNumber, err)
	}
	detail := "not found"
	if v.Found && v.Household != nil {
		detail = "household " + v.Household.Number
	}
	if err := s.Cases.Audit.Record(ctx, domain.NewAuditEntry(actor, now, domain.AuditRead, "verifyHouseholdInfo", "Resident", in.IDNumber, detail)); err != nil {
		return nil, err
	}
	if !v.Found || v.Household == nil {
		return &InfoOutcome{Draft: &Matter{MatterType: "HOUSEHOLD_INFO", Persons: []Person{{IDNumber: in.IDNumber, Name: in.Name}},
			Statement: "核实" + in.Name + "的户籍信息", Purpose: in.Purpose, ApplicantName: in.ApplicantName}}, nil
	}
	h := v.Household
	if h.Person.Name != in.Name {
		return nil, domain.FieldErrorf("name", "the register records %s under another name; check the name on the ID card", in.IDNumber).WithReason("certificate.name_mismatch")
	}
	if err := crossProvince("idNumber", actor.OfficeCode, h.OfficeCode); err != nil {
		return nil, err
	}
	province := h.OfficeCode[:2]
	if err := s.serviceOpen(ctx, province, InfoBusiness); err != nil {
		return nil, err
	}
	id := s.Cases.NewID()
	collabNo, err := s.Province.CollaborationNumber(ctx, domain.CollabNumberRequest{CaseID: id, Kind: string(InfoKind),
		AcceptanceOffice: actor.OfficeCode, RegistrationProvince: province})
	if err != nil {
		return nil, fmt.Errorf("issue information certificate: %w", err)
	}
	cert, err := issue(collabNo, InfoTitle, in.Name, infoFacts(h), actor.OfficeCode, s.officeName(ctx, actor.OfficeCode), now)
	if err != nil {
		return nil, err
	}
	pdf, err := s.render(ctx, cert)
	if err != nil {
		return nil, err
	}
	c := &domain.Case{ID: id, Kind: InfoKind, CollabNo: collabNo, AcceptanceOffice: actor.OfficeCode, RegistrationOffice: h.OfficeCode,
		RegistrationProvince: province, Office: actor.OfficeCode, CreatedBy: actor.Username}
	if err := marshalInto(c, in, MinistryData{Info: v, Province: province, ServiceOpen: true}, result{Certificate: cert}); err != nil {
		return nil, err
	}
	if err := s.Cases.Create(ctx, c, ActIssueInfo, func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
		return s.Documents.RecordDocument(ctx, tx, c.ID, DocumentCertificate, documentName(cert), *pdf)
	}); err != nil {
		return nil, err
	}
	return &InfoOutcome{Case: c}, nil
}

// marshalInto stores the applicant, Ministry and result data in c.
func marshalInto(c *domain.Case, applicant, ministry, res any) error {
	for _, f := range []struct {
		into *json.RawMessage
		v    any
	}{{&c.Applicant, applicant}, {&c.Ministry, ministry}, {&c.Result, res}} {
		raw, err := json.Marshal(f.v)
		if err != nil {
			return fmt.Errorf("encode certificate case %s: %w", c.ID, err)
		}
		*f.into = raw
	}
	return nil
}

// issue makes a certificate of a case: its number and a fresh
// verification code.
func issue(collabNo, title, holder string, facts []string, office, officeName string, at time.Time) (*Issued, error) {
	code, err := newCode()
	if err != nil {
		return nil, err
	}
	return &Issued{Number: numberOf(collabNo), Code: code, Title: title, HolderName: holder, Facts: facts,
		Office: office, OfficeName: officeName, IssuedAt: at.UTC()}, nil
}

// newCode returns a random verification code (crypto/rand, no modulo bias
// worth a forger's time: 31 symbols from one byte each, rejection-sampled).
func newCode() (string, error) {
	out := make([]byte, 0, CodeLength)
	buf := make([]byte, 32)
	for len(out) < CodeLength {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("verification code: %w", err)
		}
		for _, b := range buf {
			if int(b) < 256-256%len(codeAlphabet) && len(out) < CodeLength {
				out = append(out, codeAlphabet[int(b)%len(codeAlphabet)])
			}
		}
	}
	return string(out), nil
}

// infoFacts are the printed facts of an information certificate: what the
// register says of the person and their household.
func infoFacts(h *domain.MinistryHousehold) []string {
	p := h.Person
	facts := []string{"姓名：" + p.Name, "公民身份号码：" + p.IDNumber, "性别：" + entryName(codes.Sex, p.Sex), "民族：" + entryName(codes.Ethnicity, p.Ethnicity),
		"出生日期：" + p.BirthDate.Format("2006年01月02日"), "与户主关系：" + entryName(codes.Relation, p.Relation),
		"户号：" + h.Number, "住址：" + codes.FullName(h.Division) + h.Address}
	switch p.Status {
	case domain.ResidentMovedOut:
		facts = append(facts, "户口状态：已迁出")
	case domain.ResidentDeceased:
		facts = append(facts, "户口状态：死亡注销")
	default:
		facts = append(facts, "户口状态：正常")
	}
	for _, m := range h.Members {
		if m.IDNumber != p.IDNumber {
			facts = append(facts, "同户成员："+m.Name+"（"+entryName(codes.Relation, m.Relation)+"）")
		}
	}
	return facts
}

func entryName(lookup func(string) (codes.Entry, bool), code string) string {
	if e, ok := lookup(code); ok {
		return e.Name
	}
	return code
}

// officeName names an office of this deployment, or keeps its code; it
// reads the pool, so never call it inside a transaction.
func (s *Service) officeName(ctx context.Context, code string) string {
	if o, err := s.Cases.DB.Offices().FindOfficeByCode(ctx, code); err == nil {
		return o.Name
	}
	return code
}

// lookupPersons asks the Ministry about each person (1.1.6): found or not,
// both are answers; any other failure is returned.
func (s *Service) lookupPersons(ctx context.Context, persons []Person) ([]PersonCheck, error) {
	out := make([]PersonCheck, len(persons))
	for i, p := range persons {
		out[i] = PersonCheck{IDNumber: p.IDNumber}
		h, err := s.Ministry.HouseholdByIDNumber(ctx, p.IDNumber)
		switch {
		case domain.ErrorCode(err) == domain.CodeNotFound:
			continue
		case err != nil:
			return nil, fmt.Errorf("household of %s: %w", p.IDNumber, err)
		}
		person := h.Person
		out[i] = PersonCheck{IDNumber: p.IDNumber, Found: true, Person: &person, HouseholdNumber: h.Number, OfficeCode: h.OfficeCode}
	}
	return out, nil
}

// Start records a household matter certificate application at the
// acceptance office (1.1.6): the Ministry look-ups of the persons (audited
// as a READ of their ID numbers), the
// registration office (the first person's household office, or the one
// the applicant names when the Ministry knows none), the province's
// availability, a collaboration number, and the case saved as DRAFT. All
// look-ups happen before the one transaction: a failure saves nothing.
// Errors: CodeInvalid naming the field, CodeConflict (service closed),
// CodeForbidden, CodeUnavailable.
func (s *Service) Start(ctx context.Context, in Matter) (*domain.Case, error) {
	return s.start(ctx, in)
}

// start is Start with effects run in the creating transaction (an online
// application's link, StartOnline).
func (s *Service) start(ctx context.Context, in Matter, effects ...func(ctx context.Context, tx domain.Repos, c *domain.Case) error) (*domain.Case, error) {
	actor, err := s.intakeActor(ctx, MatterKind, ActStart)
	if err != nil {
		return nil, err
	}
	if err := in.normalise(s.Cases.Now()); err != nil {
		return nil, err
	}
	checks, err := s.lookupPersons(ctx, in.Persons)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(checks))
	for i, k := range checks {
		ids[i] = k.IDNumber
	}
	if err := s.Cases.Audit.Record(ctx, domain.NewAuditEntry(actor, s.Cases.Now(), domain.AuditRead, "householdByIdNumber", "Resident",
		ids[0], strings.Join(ids, ","))); err != nil {
		return nil, err
	}
	office, err := registrationOffice(&in, checks[0])
	if err != nil {
		return nil, err
	}
	if err := crossProvince("registrationOffice", actor.OfficeCode, office); err != nil {
		return nil, err
	}
	province := office[:2]
	if err := s.serviceOpen(ctx, province, MatterBusiness); err != nil {
		return nil, err
	}
	in.RegistrationOffice = office
	id := s.Cases.NewID()
	collabNo, err := s.Province.CollaborationNumber(ctx, domain.CollabNumberRequest{CaseID: id, Kind: string(MatterKind),
		AcceptanceOffice: actor.OfficeCode, RegistrationProvince: province})
	if err != nil {
		return nil, fmt.Errorf("start matter certificate: %w", err)
	}
	c := &domain.Case{ID: id, Kind: MatterKind, CollabNo: collabNo, AcceptanceOffice: actor.OfficeCode, RegistrationOffice: office,
		RegistrationProvince: province, Office: actor.OfficeCode, CreatedBy: actor.Username}
	if err := marshalInto(c, in, MinistryData{Persons: checks, Province: province, ServiceOpen: true}, result{}); err != nil {
		return nil, err
	}
	if err := s.Cases.Create(ctx, c, ActStart, effects...); err != nil {
		return nil, err
	}
	return c, nil
}

// Modify replaces the clerk-entered matter of a DRAFT case (1.2.3) under
// the intake's rules. The persons' ID numbers and the registration office
// were looked up for the case and stay: start a new application for other
// persons. Errors: the engine's (CONFLICT once submitted, stale version),
// CodeInvalid naming a field.
func (s *Service) Modify(ctx context.Context, ref domain.CaseRef, in Matter) (*domain.Case, error) {
	return s.Cases.Act(ctx, MatterKind, domain.StepRequest{Ref: ref, Action: ActModify,
		Validate: func() error { return in.normalise(s.Cases.Now()) },
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			if !slices.EqualFunc(in.Persons, d.Matter.Persons, func(a, b Person) bool { return a.IDNumber == b.IDNumber }) {
				return domain.FieldErrorf("persons", "the persons were looked up for this application; start a new one for other persons").WithReason("certificate.persons_fixed")
			}
			if in.RegistrationOffice != "" && in.RegistrationOffice != c.RegistrationOffice {
				return domain.FieldErrorf("registrationOffice", "the registration office was decided at intake (%s)", c.RegistrationOffice).WithReason("certificate.registration_office_fixed")
			}
			in.RegistrationOffice = c.RegistrationOffice
			raw, err := json.Marshal(in)
			c.Applicant = raw
			return err
		}})
}

// Submit sends the application with its captured archives to the
// registration office (1.1.7, 1.4.3), in one transaction; every material
// the Ministry's list marks required must have been captured.
func (s *Service) Submit(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	var archives []domain.FileContent
	sent := &struct {
		Archives int `json:"archives"`
	}{}
	return s.Cases.Act(ctx, MatterKind, domain.StepRequest{Ref: ref, Action: ActSubmit, Data: sent,
		Prepare: func(ctx context.Context, c *domain.Case) error {
			if err := s.Documents.RequireMaterials(ctx, c); err != nil {
				return err
			}
			var err error
			archives, err = s.Documents.ArchiveContents(ctx, c.ID)
			sent.Archives = len(archives)
			return err
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			return s.Cases.SendApplication(ctx, tx, c, archives)
		}})
}

// onApplication checks the matter that arrived (a hostile peer's data is
// checked like a clerk's) and answers EXTRACTED.
func (s *Service) onApplication(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	d, err := decode(c)
	if err != nil || d.Matter == nil {
		return nil, domain.FieldErrorf("body", "the application carries no matter").WithReason("certificate.application_body")
	}
	if err := d.Matter.normalise(s.Cases.Now()); err != nil {
		return nil, domain.FieldErrorf("body", "the application's matter is invalid: %v", err).WithReason("certificate.application_body")
	}
	_, err = s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgExtracted,
		Body: map[string]string{"status": string(domain.StatusReceived)}, ReplyToHash: env.Hash()})
	return nil, err
}
