package birth

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"hukou/domain"
)

// intakeActor checks that the caller may start a birth registration (the
// declaration's roles) at a police station counter.
func (s *Service) intakeActor(ctx context.Context) (*domain.Actor, error) {
	actor, err := s.Cases.Open(ctx, Kind, ActStart)
	if err != nil {
		return nil, err
	}
	if actor.Office == nil || actor.Office.Level != domain.OfficePoliceStation {
		return nil, domain.Errorf(domain.CodeForbidden, "births are accepted at a police station counter").WithReason("case.station_only")
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
func (s *Service) Lookup(ctx context.Context, certificateNumber, settleWith string) (*Lookup, error) {
	actor, err := s.intakeActor(ctx)
	if err != nil {
		return nil, err
	}
	certNo, err := certificateNumberOf(certificateNumber)
	if err != nil {
		return nil, err
	}
	if err := validSettleWith(settleWith); err != nil {
		return nil, err
	}
	l, err := s.lookup(ctx, certNo, settleWith, actor.OfficeCode)
	if err != nil {
		return nil, fmt.Errorf("birth lookup %s: %w", certNo, err)
	}
	if err := s.Cases.Audit.Record(ctx, domain.NewAuditEntry(actor, s.Cases.Now(), domain.AuditRead, "birthLookup", "BirthCertificate", certNo,
		"household "+l.Ministry.Household.Number)); err != nil {
		return nil, err
	}
	return l, nil
}

// lookup runs the Ministry look-ups of Lookup and Start for a trimmed,
// non-empty certificate number at the acceptance office ownOffice: the
// Ministry's answers first (a used certificate is reported as such), then
// the province (a birth in this office's own province is local business)
// and this office's own cases (one open or completed case per certificate).
func (s *Service) lookup(ctx context.Context, certNo, settleWith, ownOffice string) (*Lookup, error) {
	cert, err := s.Ministry.BirthCertificate(ctx, certNo)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return nil, domain.FieldErrorf("certificateNumber", "the Ministry has no medical birth certificate %s; check the number", certNo).WithReason("birth.certificate_unknown")
	} else if err != nil {
		return nil, err
	}
	usage, err := s.Ministry.BirthCertificateUsage(ctx, certNo)
	if err != nil {
		return nil, err
	}
	if usage.Used {
		return nil, &domain.Error{Code: domain.CodeConflict, Field: "certificateNumber", Reason: "birth.certificate_used",
			Message: "birth certificate " + certNo + " was already used by office " + usage.OfficeCode + " on " + usage.UsedAt.Format(time.DateOnly)}
	}
	history, err := s.Ministry.BirthRegistrationHistory(ctx, certNo)
	if err != nil {
		return nil, err
	}
	if len(history) > 0 {
		return nil, &domain.Error{Code: domain.CodeConflict, Field: "certificateNumber", Reason: "birth.already_registered",
			Message: "the child of certificate " + certNo + " is already registered (ID number " + history[0].IDNumber + ")"}
	}
	parentID := cert.FatherIDNumber
	if settleWith == "MOTHER" || parentID == "" {
		parentID = cert.MotherIDNumber
	}
	household, err := s.Ministry.HouseholdByIDNumber(ctx, parentID)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return nil, domain.FieldErrorf("settleWith", "the Ministry has no household for the parent %s", parentID).WithReason("birth.parent_unknown")
	} else if err != nil {
		return nil, err
	}
	if err := sameProvince(ownOffice, household.OfficeCode); err != nil {
		return nil, err
	}
	province := household.OfficeCode[:2]
	open, err := s.Ministry.ServiceAvailability(ctx, province, Business)
	if err != nil {
		return nil, err
	}
	if !open {
		return nil, domain.Errorf(domain.CodeConflict, "cross-province birth registration is not open for province %s", province).WithReason("case.service_closed")
	}
	if err := s.Cases.KeyFree(ctx, Kind, domain.SideAcceptance, certNo); err != nil {
		return nil, err
	}
	m := MinistryData{Certificate: *cert, History: history, Usage: *usage, Household: household,
		ParentID: parentID, Province: province, ServiceOpen: open}
	return &Lookup{Ministry: m, Checks: checks(m)}, nil
}

// Start records a birth registration at the acceptance office (1.1.1): it
// makes the Ministry look-ups of Lookup; gets a collaboration number from
// the province; and saves the case as DRAFT with the Ministry data frozen.
// All look-ups happen before the one transaction, so a failure saves
// nothing. Errors: CodeInvalid naming the field (unknown certificate, bad
// applicant data), CodeConflict (certificate already used or registered),
// CodeForbidden, CodeUnavailable naming the service that did not answer.
func (s *Service) Start(ctx context.Context, in Intake) (*domain.Case, error) {
	return s.start(ctx, in)
}

// start is Start with effects run in the creating transaction (an online
// application's link, StartOnline).
func (s *Service) start(ctx context.Context, in Intake, effects ...func(ctx context.Context, tx domain.Repos, c *domain.Case) error) (*domain.Case, error) {
	actor, err := s.intakeActor(ctx)
	if err != nil {
		return nil, err
	}
	certNo, err := certificateNumberOf(in.CertificateNumber)
	if err != nil {
		return nil, err
	}
	if err := in.Applicant.normalise(s.Cases.Now()); err != nil {
		return nil, err
	}
	l, err := s.lookup(ctx, certNo, in.Applicant.SettleWith, actor.OfficeCode)
	if err != nil {
		return nil, fmt.Errorf("start birth registration %s: %w", certNo, err)
	}
	if err := in.Applicant.checkIntake(l.Ministry); err != nil {
		return nil, err
	}
	household, province := l.Ministry.Household, l.Ministry.Province
	id := s.Cases.NewID()
	collabNo, err := s.Province.CollaborationNumber(ctx, domain.CollabNumberRequest{CaseID: id, Kind: string(Kind),
		AcceptanceOffice: actor.OfficeCode, RegistrationProvince: province})
	if err != nil {
		return nil, fmt.Errorf("start birth registration %s: %w", certNo, err)
	}
	applicant, err := json.Marshal(in.Applicant)
	if err != nil {
		return nil, err
	}
	ministry, err := json.Marshal(l.Ministry)
	if err != nil {
		return nil, err
	}
	c := &domain.Case{ID: id, Kind: Kind, CollabNo: collabNo, AcceptanceOffice: actor.OfficeCode,
		RegistrationOffice: household.OfficeCode, RegistrationProvince: province, Office: actor.OfficeCode,
		Applicant: applicant, Ministry: ministry, CreatedBy: actor.Username}
	if err := s.Cases.Create(ctx, c, ActStart, effects...); err != nil {
		return nil, err
	}
	return c, nil
}

// Modify replaces the clerk-entered data of a DRAFT case (1.2.1) under the
// intake's rules. Ministry data cannot be changed (it is not part of the
// input), nor whose household the newborn joins (the household was looked
// up for it). Errors: the engine's (CONFLICT once submitted, stale
// version), CodeInvalid naming a field.
func (s *Service) Modify(ctx context.Context, ref domain.CaseRef, in Applicant) (*domain.Case, error) {
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActModify,
		Validate: func() error { return in.normalise(s.Cases.Now()) },
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			if in.SettleWith != d.Applicant.SettleWith {
				return domain.FieldErrorf("settleWith", "the household was looked up for the %s's; start a new registration to settle with the other parent",
					strings.ToLower(d.Applicant.SettleWith)).WithReason("birth.settle_with_fixed")
			}
			if err := in.checkIntake(d.Ministry); err != nil {
				return err
			}
			raw, err := json.Marshal(in)
			c.Applicant = raw
			return err
		}})
}

// Submit locks the case and sends it with its captured archives to the
// registration office through the platform (1.1.2, 1.4.10), in one
// transaction; the archives are read before it. Every material the
// Ministry's list marks required must have been captured (CodeInvalid
// naming "materials", reason archive.materials_missing); afterwards the
// archives are frozen (the workflow opens capture in DRAFT only).
func (s *Service) Submit(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	var archives []domain.FileContent
	sent := &struct {
		Archives int `json:"archives"`
	}{}
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActSubmit, Data: sent,
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

// onApplication answers EXTRACTED once the engine created the registration
// office's copy (status RECEIVED, in the approval queue).
func (s *Service) onApplication(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgExtracted,
		Body: map[string]string{"status": string(domain.StatusReceived)}, ReplyToHash: env.Hash()})
	return nil, err
}
