package migration

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"hukou/domain"
	"hukou/domain/codes"
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
	var reg *registered
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
			// The move-in takes the e-migration certificate instead of the
			// paper one: it must be current as a licence too (4.1.2).
			if s.Licences != nil {
				l, err := s.Licences.Record(ctx, cert.LicenceID, domain.LicenceMigrationCert)
				if err != nil {
					return fmt.Errorf("the e-migration certificate as a licence: %w", err)
				}
				if st := l.StatusAt(s.Cases.Now()); st != domain.SealValid {
					return domain.Errorf(domain.CodeConflict, "the e-migration certificate %s is %s at the Ministry; the movers cannot move in on it", l.ID, st).
						WithReason("licence." + strings.ToLower(string(st)))
				}
			}
			return nil
		},
		Change: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			var out *Outcome
			if out, reg, err = s.moveIn(ctx, tx, c, d, in); err != nil {
				return err
			}
			return setResult(c, *out)
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			record, err := s.keepMoveInDocuments(ctx, tx, c, d, reg)
			if err != nil {
				return err
			}
			inline, att := domain.Inline(moveInRecordName(c), record, 0)
			_, err = s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgMovedIn, Attachments: []domain.AttachmentRef{att},
				Body: movedInBody{HouseholdNumber: d.Result.HouseholdNumber, Settled: d.Result.Settled, MovedInOn: d.Result.MovedInOn, Record: &inline}})
			return err
		}})
}

// movedInBody is the MOVED_IN message, with the 准予迁入证明.
type movedInBody struct {
	HouseholdNumber string            `json:"householdNumber"`
	Settled         []Settled         `json:"settled"`
	MovedInOn       time.Time         `json:"movedInOn"`
	Record          *domain.InlinePDF `json:"record,omitempty"`
}

// registered is what a move-in wrote to the register: the household, its
// address and the movers' new rows (with their hcybsh).
type registered struct {
	household *domain.Household
	address   *domain.Address
	residents []*domain.Resident
}

// moveIn applies the move-in to the register on tx and returns the
// outcome and what it registered.
func (s *Service) moveIn(ctx context.Context, tx domain.Repos, c *domain.Case, d *data, in MoveIn) (*Outcome, *registered, error) {
	actor := domain.ActorFromContext(ctx)
	now := s.Cases.Now().UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var h *domain.Household
	var addr *domain.Address
	var existing []*domain.Resident
	switch d.Applicant.Way {
	case WayJoin:
		var err error
		if h, addr, err = s.destination(ctx, tx, actor, d.Applicant.HouseholdNumber, "moveInMigration"); err != nil {
			return nil, nil, err
		}
		if existing, err = tx.Register().FindResidentsByHouseholdIDs(ctx, []string{h.ID}); err != nil {
			return nil, nil, err
		}
	case WayEstablish:
		station := c.AcceptanceOffice
		prefix, err := domain.HouseholdNumberPrefix(station)
		if err != nil {
			return nil, nil, err
		}
		last, err := tx.Register().LastHouseholdNumber(ctx, prefix)
		if err != nil {
			return nil, nil, err
		}
		number, err := domain.NextHouseholdNumber(station, last)
		if err != nil {
			return nil, nil, err
		}
		addr = &domain.Address{ID: s.Cases.NewID(), Division: d.Applicant.Division, Detail: d.Applicant.Address,
			UrbanRural: d.Ministry.DestClass, StationCode: station, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.Register().CreateAddress(ctx, addr); err != nil {
			return nil, nil, err
		}
		h = &domain.Household{ID: s.Cases.NewID(), Number: number, Type: domain.HouseholdFamily, AddressID: addr.ID,
			StationCode: station, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.Register().CreateHousehold(ctx, h); err != nil {
			return nil, nil, err
		}
	}
	relations, err := planMoveIn(d.Result.Movers, existing, in)
	if err != nil {
		return nil, nil, err
	}
	out := d.Result
	out.HouseholdNumber, out.MovedInOn, out.Settled = h.Number, day, nil
	origin := ""
	if d.Ministry.Household != nil {
		origin = d.Ministry.Household.Address
	}
	reg := &registered{household: h, address: addr}
	for _, m := range d.Result.Movers {
		if r, err := tx.Register().FindResidentByIDNumber(ctx, m.IDNumber); err == nil {
			return nil, nil, &domain.Error{Code: domain.CodeConflict, Field: "members", Reason: "migration.already_registered",
				Message: fmt.Sprintf("%s is already in this office's register (%s); a person is registered in one household only", m.IDNumber, r.Status)}
		} else if domain.ErrorCode(err) != domain.CodeNotFound {
			return nil, nil, err
		}
		r := &domain.Resident{ID: s.Cases.NewID(), HouseholdID: h.ID, StationCode: h.StationCode, Name: m.Name, FormerNames: m.FormerNames,
			Sex: m.Sex, Ethnicity: m.Ethnicity, BirthDate: m.BirthDate, BirthplaceDivision: m.BirthplaceDivision, IDNumber: m.IDNumber,
			Relation: relations[m.IDNumber], Status: domain.ResidentActive, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.Register().CreateResident(ctx, r); err != nil {
			return nil, nil, err
		}
		if r, err = tx.Register().FindResidentByID(ctx, r.ID); err != nil {
			return nil, nil, err
		}
		if err := tx.Register().RecordMove(ctx, &domain.ResidentMove{ID: s.Cases.NewID(), ResidentID: r.ID, Direction: domain.MoveIn,
			CollabNo: c.CollabNo, Office: c.RegistrationOffice, Place: origin, MovedOn: day, CreatedAt: now}); err != nil {
			return nil, nil, err
		}
		st := Settled{IDNumber: r.IDNumber, Name: r.Name, Relation: r.Relation}
		if r.Hcybsh != nil {
			st.Hcybsh = *r.Hcybsh
		}
		out.Settled = append(out.Settled, st)
		reg.residents = append(reg.residents, r)
	}
	return &out, reg, nil
}

// onMovedIn keeps the move-in on the registration office's copy, which
// then completes, with the 准予迁入证明 (checked against its signed hash).
func (s *Service) onMovedIn(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var b movedInBody
	if err := json.Unmarshal(env.Body, &b); err != nil || b.HouseholdNumber == "" || len(b.Settled) == 0 {
		return nil, domain.FieldErrorf("body", "the move-in message names no household or movers").WithReason("migration.moved_in_body")
	}
	if b.Record != nil {
		pdf, err := b.Record.Content(env)
		if err != nil {
			return nil, err
		}
		if err := s.Documents.KeepDocument(ctx, tx, c.ID, DocumentMoveInRecord, moveInRecordName(c), "application/pdf", pdf); err != nil {
			return nil, err
		}
	}
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	out := d.Result
	out.HouseholdNumber, out.Settled, out.MovedInOn = b.HouseholdNumber, b.Settled, b.MovedInOn
	return map[string]string{"householdNumber": b.HouseholdNumber}, setResult(c, out)
}

func moveInRecordName(c *domain.Case) string { return "准予迁入证明-" + c.CollabNo + ".pdf" }

func formName(c *domain.Case, idNumber string) string {
	return fmt.Sprintf("常住人口登记表-%s-%s.pdf", c.CollabNo, idNumber)
}

// keepMoveInDocuments renders and keeps, on tx, the 准予迁入证明 of the
// move-in and the updated 常住人口登记表 of each mover (they print the
// hcybsh the database assigned, so they are rendered inside the
// transaction; a move-in has at most a household's movers, one page each).
// It returns the record's PDF. When this server cannot render
// (documents.font_missing) the move-in fails with CodeUnavailable and
// nothing changes.
func (s *Service) keepMoveInDocuments(ctx context.Context, tx domain.Repos, c *domain.Case, d *data, reg *registered) ([]byte, error) {
	actor := domain.ActorFromContext(ctx)
	now := s.Cases.Now()
	h, addr := reg.household, reg.address
	station := h.StationCode
	office := station
	if o, err := tx.Offices().FindOfficeByCode(ctx, station); err == nil {
		office = o.Name
	}
	seals := []domain.Seal{{Office: office, Name: "户口专用章", OfficeCode: station}}
	members, err := tx.Register().FindResidentsByHouseholdIDs(ctx, []string{h.ID})
	if err != nil {
		return nil, err
	}
	head := ""
	for _, m := range members {
		if m.Status == domain.ResidentActive && isHead(m.Relation) {
			head = m.Name
		}
	}
	from, fromOffice := "", c.RegistrationOffice
	if d.Ministry.Household != nil {
		from = d.Ministry.Household.Address
	}
	cat, _ := categoryOf(d.Applicant.Category)
	licence := ""
	if d.Result.Certificate != nil {
		licence = d.Result.Certificate.LicenceID
	}
	record := &domain.MoveInRecord{Business: Title, Category: cat.Name, CollabNo: c.CollabNo, LicenceID: licence, FromOffice: fromOffice,
		FromAddress: from, HouseholdNumber: h.Number, ToAddress: addr.Detail, Established: d.Applicant.Way == WayEstablish,
		Office: office, Date: now, Seals: seals}
	came := d.Result.MovedInOn.Format("2006年1月2日") + "由" + from + "迁来"
	for _, r := range reg.residents {
		hcybsh := ""
		if r.Hcybsh != nil {
			hcybsh = *r.Hcybsh
		}
		relation := r.Relation
		if e, ok := codes.Relation(r.Relation); ok {
			relation = e.Name
		}
		record.Persons = append(record.Persons, domain.MovedPerson{Name: r.Name, IDNumber: r.IDNumber, Sex: r.Sex, Relation: relation, Hcybsh: hcybsh})
		form := &domain.RegistrationForm{CollabNo: c.CollabNo, Name: r.Name, FormerNames: r.FormerNames, Sex: r.Sex, Ethnicity: r.Ethnicity,
			BirthDate: r.BirthDate, BirthplaceDivision: r.BirthplaceDivision, IDNumber: r.IDNumber, Relation: r.Relation, HeadName: head,
			HouseholdNumber: h.Number, AddressDivision: addr.Division, AddressDetail: addr.Detail, Station: office, Hcybsh: hcybsh,
			CameToCity: came, CameToAddress: came, Clerk: actor.Shown(), RegisteredOn: now, Office: office, Date: now, Seals: seals}
		pdf, err := s.Renderer.Render(ctx, form)
		if err != nil {
			return nil, fmt.Errorf("render the registration form of %s: %w", r.IDNumber, err)
		}
		if err := s.Documents.KeepDocument(ctx, tx, c.ID, DocumentRegistrationForm, formName(c, r.IDNumber), "application/pdf", pdf); err != nil {
			return nil, err
		}
	}
	pdf, err := s.Renderer.Render(ctx, record)
	if err != nil {
		return nil, fmt.Errorf("render the move-in record: %w", err)
	}
	if err := s.Documents.KeepDocument(ctx, tx, c.ID, DocumentMoveInRecord, moveInRecordName(c), "application/pdf", pdf); err != nil {
		return nil, err
	}
	return pdf, nil
}
