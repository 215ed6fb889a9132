package migration

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"hukou/domain"
)

// MoveIn settles the movers into the acceptance office's register (2.2.5,
// 2.2.6, 6.1.3): joining the household chosen at intake, or establishing a
// new household at the address entered at intake with a new household
// number allocated by the station's rule (domain.NextHouseholdNumber). The
// movers keep their citizen ID numbers; their household member
// identifiers come from the database. Before the transaction the
// e-migration certificate is fetched from the Ministry by its licence ID
// and must name the movers and this office (4.1.2); the register, the
// case and the message that tells the registration office (both copies
// then close) change in one transaction. Errors: CodeInvalid naming
// "members" (a mover missing or twice, a bad relation, no head or two),
// CodeNotFound for a household no longer in the caller's jurisdiction,
// CodeConflict for a mover already in this register, CodeUnavailable when
// the Ministry does not answer, and the engine's.
func (s *Service) MoveIn(ctx context.Context, ref domain.CaseRef, in MoveIn) (*domain.Case, error) {
	for i := range in.Members {
		in.Members[i].IDNumber = strings.ToUpper(strings.TrimSpace(in.Members[i].IDNumber))
	}
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActMoveIn, Data: in,
		Validate: func() error {
			if len(in.Members) == 0 {
				return domain.FieldErrorf("members", "give every arriving mover a relation").WithReason("migration.members_mismatch")
			}
			return nil
		},
		Prepare: func(ctx context.Context, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			if d.Result.Certificate == nil {
				return domain.Errorf(domain.CodeInternal, "case %s has no e-migration certificate", c.ID)
			}
			cert, err := s.Ministry.MigrationCertificate(ctx, d.Result.Certificate.LicenceID)
			if domain.ErrorCode(err) == domain.CodeNotFound {
				return domain.Errorf(domain.CodeConflict, "the Ministry has no e-migration certificate %s", d.Result.Certificate.LicenceID).WithReason("migration.certificate_unknown")
			} else if err != nil {
				return fmt.Errorf("fetch the e-migration certificate: %w", err)
			}
			if cert.CollabNo != c.CollabNo || cert.ToOffice != c.AcceptanceOffice || !slices.Equal(sorted(cert.IDNumbers), sorted(d.Applicant.Movers)) {
				return domain.Errorf(domain.CodeConflict, "the Ministry's e-migration certificate %s is not this migration's", cert.LicenceID).WithReason("migration.certificate_mismatch")
			}
			return nil
		},
		Change: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			out, err := s.moveIn(ctx, tx, c, d, in)
			if err != nil {
				return err
			}
			return setResult(c, *out)
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			_, err = s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgMovedIn,
				Body: movedInBody{HouseholdNumber: d.Result.HouseholdNumber, Settled: d.Result.Settled, MovedInOn: d.Result.MovedInOn}})
			return err
		}})
}

// movedInBody is the MOVED_IN message.
type movedInBody struct {
	HouseholdNumber string    `json:"householdNumber"`
	Settled         []Settled `json:"settled"`
	MovedInOn       time.Time `json:"movedInOn"`
}

// moveIn applies the move-in to the register on tx and returns the
// outcome.
func (s *Service) moveIn(ctx context.Context, tx domain.Repos, c *domain.Case, d *data, in MoveIn) (*Outcome, error) {
	actor := domain.ActorFromContext(ctx)
	now := s.Cases.Now().UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var h *domain.Household
	var existing []*domain.Resident
	switch d.Applicant.Way {
	case WayJoin:
		var err error
		if h, _, err = s.destination(ctx, tx, actor, d.Applicant.HouseholdNumber, "moveInMigration"); err != nil {
			return nil, err
		}
		if existing, err = tx.Register().FindResidentsByHouseholdIDs(ctx, []string{h.ID}); err != nil {
			return nil, err
		}
	case WayEstablish:
		station := c.AcceptanceOffice
		prefix, err := domain.HouseholdNumberPrefix(station)
		if err != nil {
			return nil, err
		}
		used, err := tx.Register().HouseholdNumbersWithPrefix(ctx, prefix)
		if err != nil {
			return nil, err
		}
		number, err := domain.NextHouseholdNumber(station, used)
		if err != nil {
			return nil, err
		}
		addr := &domain.Address{ID: s.Cases.NewID(), Division: d.Applicant.Division, Detail: d.Applicant.Address,
			UrbanRural: d.Ministry.DestClass, StationCode: station, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.Register().CreateAddress(ctx, addr); err != nil {
			return nil, err
		}
		h = &domain.Household{ID: s.Cases.NewID(), Number: number, Type: domain.HouseholdFamily, AddressID: addr.ID,
			StationCode: station, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.Register().CreateHousehold(ctx, h); err != nil {
			return nil, err
		}
	}
	relations, err := planMoveIn(d.Result.Movers, existing, in)
	if err != nil {
		return nil, err
	}
	out := d.Result
	out.HouseholdNumber, out.MovedInOn, out.Settled = h.Number, day, nil
	origin := ""
	if d.Ministry.Household != nil {
		origin = d.Ministry.Household.Address
	}
	for _, m := range d.Result.Movers {
		if r, err := tx.Register().FindResidentByIDNumber(ctx, m.IDNumber); err == nil {
			return nil, &domain.Error{Code: domain.CodeConflict, Field: "members", Reason: "migration.already_registered",
				Message: fmt.Sprintf("%s is already in this office's register (%s); a person is registered in one household only", m.IDNumber, r.Status)}
		} else if domain.ErrorCode(err) != domain.CodeNotFound {
			return nil, err
		}
		r := &domain.Resident{ID: s.Cases.NewID(), HouseholdID: h.ID, StationCode: h.StationCode, Name: m.Name, FormerNames: m.FormerNames,
			Sex: m.Sex, Ethnicity: m.Ethnicity, BirthDate: m.BirthDate, BirthplaceDivision: m.BirthplaceDivision, IDNumber: m.IDNumber,
			Relation: relations[m.IDNumber], Status: domain.ResidentActive, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.Register().CreateResident(ctx, r); err != nil {
			return nil, err
		}
		if r, err = tx.Register().FindResidentByID(ctx, r.ID); err != nil {
			return nil, err
		}
		if err := tx.Register().RecordMove(ctx, &domain.ResidentMove{ID: s.Cases.NewID(), ResidentID: r.ID, Direction: domain.MoveIn,
			CollabNo: c.CollabNo, Office: c.RegistrationOffice, Place: origin, MovedOn: day, CreatedAt: now}); err != nil {
			return nil, err
		}
		st := Settled{IDNumber: r.IDNumber, Name: r.Name, Relation: r.Relation}
		if r.Hcybsh != nil {
			st.Hcybsh = *r.Hcybsh
		}
		out.Settled = append(out.Settled, st)
	}
	return &out, nil
}

// onMovedIn keeps the move-in on the registration office's copy, which
// then completes.
func onMovedIn(_ context.Context, _ domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var b movedInBody
	if err := json.Unmarshal(env.Body, &b); err != nil || b.HouseholdNumber == "" || len(b.Settled) == 0 {
		return nil, domain.FieldErrorf("body", "the move-in message names no household or movers").WithReason("migration.moved_in_body")
	}
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	out := d.Result
	out.HouseholdNumber, out.Settled, out.MovedInOn = b.HouseholdNumber, b.Settled, b.MovedInOn
	return map[string]string{"householdNumber": b.HouseholdNumber}, setResult(c, out)
}
