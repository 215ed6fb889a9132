package migration

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"hukou/domain"
)

// intakeActor checks that the caller may start a migration (the
// declaration's roles) at a police station counter.
func (s *Service) intakeActor(ctx context.Context) (*domain.Actor, error) {
	actor, err := s.Cases.Open(ctx, Kind, ActStart)
	if err != nil {
		return nil, err
	}
	if actor.Office == nil || actor.Office.Level != domain.OfficePoliceStation {
		return nil, domain.Errorf(domain.CodeForbidden, "migrations are accepted at a police station counter").WithReason("case.station_only")
	}
	return actor, nil
}

// Lookup makes the look-ups of a migration intake before anything is saved
// (1.1.3): the Ministry's household of the applicant (the movers must be
// its members), whether the home province has the service open, the
// urban/rural classes of the home address and of the destination checked
// against the destination's settlement policy, the relative registered
// here for the categories that need one, and the destination household
// (in this office's jurisdiction, its head's consent recorded) or the new
// address. It is audited as a READ. Errors: as Start.
func (s *Service) Lookup(ctx context.Context, in Applicant) (*Lookup, error) {
	actor, err := s.intakeActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.normalise(s.Cases.Now()); err != nil {
		return nil, err
	}
	l, err := s.lookup(ctx, actor, in, false)
	if err != nil {
		return nil, fmt.Errorf("migration lookup %s: %w", in.ApplicantIDNumber, err)
	}
	if err := s.Cases.Audit.Record(ctx, domain.NewAuditEntry(actor, s.Cases.Now(), domain.AuditRead, "migrationLookup", "Household",
		l.Ministry.Household.Number, "movers "+strings.Join(in.Movers, ","))); err != nil {
		return nil, err
	}
	return l, nil
}

// Household returns the Ministry's household of the applicant with the
// ID number (1.1.3): the members the clerk chooses the movers from. It is
// audited as a READ. Errors: CodeInvalid naming applicantIdNumber (a bad
// ID number, a person the Ministry does not know, or one whose hukou is in
// this province), CodeForbidden, CodeUnavailable.
func (s *Service) Household(ctx context.Context, applicantIDNumber string) (*domain.MinistryHousehold, error) {
	actor, err := s.intakeActor(ctx)
	if err != nil {
		return nil, err
	}
	id, err := domain.ValidateIDNumber("applicantIdNumber", strings.ToUpper(strings.TrimSpace(applicantIDNumber)), s.Cases.Now())
	if err != nil {
		return nil, err
	}
	h, err := s.ministryHousehold(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.Cases.Audit.Record(ctx, domain.NewAuditEntry(actor, s.Cases.Now(), domain.AuditRead, "migrationHousehold", "Household", h.Number, "applicant "+id)); err != nil {
		return nil, err
	}
	return h, nil
}

// ministryHousehold asks the Ministry for the applicant's household, which
// must be in another province than the office of actor.
func (s *Service) ministryHousehold(ctx context.Context, actor *domain.Actor, id string) (*domain.MinistryHousehold, error) {
	h, err := s.Ministry.HouseholdByIDNumber(ctx, id)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return nil, domain.FieldErrorf("applicantIdNumber", "the Ministry has no person with ID number %s", id).WithReason("migration.applicant_unknown")
	} else if err != nil {
		return nil, err
	}
	if len(h.OfficeCode) < 2 || h.OfficeCode[:2] == actor.OfficeCode[:2] {
		return nil, domain.FieldErrorf("applicantIdNumber", "the hukou of %s is in this province (office %s): a migration within the province is not cross-province business", id, h.OfficeCode).WithReason("migration.same_province")
	}
	return h, nil
}

// lookup runs the look-ups of Lookup and Start for normalised input at the
// acceptance office of actor: the Ministry first, then this office's
// register and its own cases (one live migration per mover; own: the
// movers are the case's own, which holds their keys).
func (s *Service) lookup(ctx context.Context, actor *domain.Actor, in Applicant, own bool) (*Lookup, error) {
	cat, _ := categoryOf(in.Category)
	h, err := s.ministryHousehold(ctx, actor, in.ApplicantIDNumber)
	if err != nil {
		return nil, err
	}
	if err := checkMovers(in.Movers, h); err != nil {
		return nil, err
	}
	province := h.OfficeCode[:2]
	open, err := s.Ministry.ServiceAvailability(ctx, province, Business)
	if err != nil {
		return nil, err
	}
	if !open {
		return nil, domain.Errorf(domain.CodeConflict, "cross-province migration is not open for province %s", province).WithReason("case.service_closed")
	}
	home := h.UrbanRural
	if home == "" {
		if home, err = s.Ministry.UrbanRuralClass(ctx, h.Division, h.Address); err != nil {
			return nil, err
		}
	}
	m := MinistryData{Household: h, HomeClass: home, Province: province, ServiceOpen: open}
	var destDivision, householdID string
	switch in.Way {
	case WayJoin:
		hh, addr, err := s.destination(ctx, s.Cases.DB, actor, in.HouseholdNumber, "migrationLookup")
		if err != nil {
			return nil, err
		}
		householdID, destDivision, m.DestClass, m.DestAddress = hh.ID, addr.Division, addr.UrbanRural, addr.Detail
	case WayEstablish:
		if !strings.HasPrefix(actor.OfficeCode, in.Division) {
			return nil, domain.FieldErrorf("division", "the new address must be in this office's county %s", actor.OfficeCode[:6]).WithReason("migration.division_outside")
		}
		if m.DestClass, err = s.Ministry.UrbanRuralClass(ctx, in.Division, in.Address); err != nil {
			return nil, err
		}
		destDivision, m.DestAddress = in.Division, in.Address
	}
	if cat.Kin != "" {
		kin, err := s.Cases.DB.Register().FindResidentByIDNumber(ctx, in.KinIDNumber)
		if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
			return nil, err
		}
		if err := checkKin(cat, kin, h.Person, in.Way, householdID); err != nil {
			return nil, err
		}
		m.KinName = kin.Name
	}
	m.DestDivision = destDivision
	if err := checkPolicy(in.Category, destDivision, m.HomeClass, m.DestClass); err != nil {
		return nil, err
	}
	for _, id := range in.Movers {
		if r, err := s.Cases.DB.Register().FindResidentByIDNumber(ctx, id); err == nil {
			return nil, &domain.Error{Code: domain.CodeConflict, Field: "movers", Reason: "migration.already_registered",
				Message: fmt.Sprintf("%s is already in this office's register (%s); a person is registered in one household only", id, r.Status)}
		} else if domain.ErrorCode(err) != domain.CodeNotFound {
			return nil, err
		}
		if own {
			continue
		}
		if err := s.Cases.KeyFree(ctx, Kind, domain.SideAcceptance, id); err != nil {
			return nil, err
		}
	}
	return &Lookup{Ministry: m, Checks: checks(in, m)}, nil
}

// destination finds the household number in this office's register with
// its address. A household outside the caller's jurisdiction answers as
// one that does not exist (the refusal audited as DENIED when repos is
// the pool); a closed one is refused.
func (s *Service) destination(ctx context.Context, repos domain.Repos, actor *domain.Actor, number, op string) (*domain.Household, *domain.Address, error) {
	unknown := &domain.Error{Code: domain.CodeNotFound, Field: "householdNumber", Reason: "migration.household_unknown",
		Message: "no household in your jurisdiction has the number " + number}
	h, err := repos.Register().FindHouseholdByNumber(ctx, number)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return nil, nil, unknown
	} else if err != nil {
		return nil, nil, err
	}
	if !actor.CanSee(h.StationCode) {
		if _, onPool := repos.(domain.Database); onPool {
			if err := s.Cases.Audit.Record(ctx, domain.NewAuditEntry(actor, s.Cases.Now(), domain.AuditDenied, op, "Household", h.ID, "outside jurisdiction")); err != nil {
				return nil, nil, err
			}
		}
		return nil, nil, unknown
	}
	if h.ClosedAt != nil {
		return nil, nil, domain.FieldErrorf("householdNumber", "household %s is closed", number).WithReason("migration.household_closed")
	}
	addrs, err := repos.Register().FindAddressesByIDs(ctx, []string{h.AddressID})
	if err != nil {
		return nil, nil, err
	}
	if len(addrs) != 1 {
		return nil, nil, domain.Errorf(domain.CodeInternal, "household %s has no address", number)
	}
	return h, addrs[0], nil
}

// Start records a migration at the acceptance office (1.1.3): it makes the
// look-ups of Lookup; gets a collaboration number from the province; and
// saves the case as DRAFT with the Ministry data frozen. All look-ups
// happen before the one transaction, so a failure saves nothing. Errors:
// CodeInvalid naming the field (bad input, a mover not in the Ministry
// household, a relative who does not qualify, an urban/rural class the
// policy refuses), CodeNotFound for a destination household not in the
// caller's jurisdiction, CodeConflict (a mover in another live migration
// or in this register, a closed service), CodeForbidden, CodeUnavailable.
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
	a := in.Applicant
	if err := a.normalise(s.Cases.Now()); err != nil {
		return nil, err
	}
	l, err := s.lookup(ctx, actor, a, false)
	if err != nil {
		return nil, fmt.Errorf("start migration %s: %w", a.ApplicantIDNumber, err)
	}
	h, province := l.Ministry.Household, l.Ministry.Province
	id := s.Cases.NewID()
	collabNo, err := s.Province.CollaborationNumber(ctx, domain.CollabNumberRequest{CaseID: id, Kind: string(Kind),
		AcceptanceOffice: actor.OfficeCode, RegistrationProvince: province})
	if err != nil {
		return nil, fmt.Errorf("start migration %s: %w", a.ApplicantIDNumber, err)
	}
	applicant, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	ministry, err := json.Marshal(l.Ministry)
	if err != nil {
		return nil, err
	}
	c := &domain.Case{ID: id, Kind: Kind, CollabNo: collabNo, AcceptanceOffice: actor.OfficeCode,
		RegistrationOffice: h.OfficeCode, RegistrationProvince: province, Office: actor.OfficeCode,
		Applicant: applicant, Ministry: ministry, CreatedBy: actor.Username}
	if err := s.Cases.Create(ctx, c, ActStart, effects...); err != nil {
		return nil, err
	}
	return c, nil
}

// Modify replaces the clerk-entered data of a DRAFT case (1.2.2) after the
// look-ups of the intake again (the destination, the relative and the
// policy may have changed); the applicant, whose household was looked up,
// cannot change. Errors: as Start, and the engine's.
func (s *Service) Modify(ctx context.Context, ref domain.CaseRef, in Applicant) (*domain.Case, error) {
	var l *Lookup
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActModify,
		Validate: func() error { return in.normalise(s.Cases.Now()) },
		Prepare: func(ctx context.Context, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			if in.ApplicantIDNumber != d.Applicant.ApplicantIDNumber {
				return domain.FieldErrorf("applicantIdNumber", "the household was looked up for %s; start a new migration for another applicant", d.Applicant.ApplicantIDNumber).WithReason("migration.applicant_fixed")
			}
			if !slices.Equal(sorted(in.Movers), sorted(d.Applicant.Movers)) {
				return domain.FieldErrorf("movers", "the movers are fixed at intake; start a new migration to change who moves").WithReason("migration.movers_fixed")
			}
			l, err = s.lookup(ctx, domain.ActorFromContext(ctx), in, true)
			return err
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			applicant, err := json.Marshal(in)
			if err != nil {
				return err
			}
			ministry, err := json.Marshal(l.Ministry)
			if err != nil {
				return err
			}
			c.Applicant, c.Ministry = applicant, ministry
			return nil
		}})
}

func sorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}
