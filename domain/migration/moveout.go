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

// Approve approves the move-out at the registration office (2.1.2, 2.2.4):
// it checks the officer's decision against the household left (a new head
// and every staying member re-coded when the head leaves; nothing when
// everyone leaves, and the household closes), has the Ministry issue the
// e-migration certificate (before the transaction: when the Ministry does
// not answer, CodeUnavailable and nothing changes; when it refuses,
// CodeConflict with its reason), then in one transaction marks the movers
// moved out (never deleted: status MOVED_OUT, with destination and date),
// re-codes the staying members (their hcybsh untouched), closes an empty
// household, keeps the certificate's licence ID with the case (and the
// certificate in the licence store, 4.1.2) and sends the
// move-out feedback with the movers and the certificate to the acceptance
// office.
func (s *Service) Approve(ctx context.Context, ref domain.CaseRef, mo MoveOut) (*domain.Case, error) {
	mo.NewHeadIDNumber = strings.ToUpper(strings.TrimSpace(mo.NewHeadIDNumber))
	mo.Note = strings.TrimSpace(mo.Note)
	var cert *Certificate
	var reg *registered
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActApprove, Note: mo.Note, Data: mo,
		Validate: func() error {
			for i := range mo.Recodes {
				mo.Recodes[i].IDNumber = strings.ToUpper(strings.TrimSpace(mo.Recodes[i].IDNumber))
				if err := validRelation("recodes", mo.Recodes[i].Relation); err != nil {
					return err
				}
			}
			return nil
		},
		Prepare: func(ctx context.Context, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			if _, _, err := s.leaving(ctx, s.Cases.DB, d.Applicant.Movers, mo); err != nil {
				return err
			}
			cert, err = s.Ministry.RequestMigrationCertificate(ctx, CertificateRequest{CollabNo: c.CollabNo, FromOffice: c.RegistrationOffice,
				ToOffice: c.AcceptanceOffice, ToDivision: d.Ministry.DestDivision, ToAddress: d.Ministry.DestAddress, Category: d.Applicant.Category,
				IDNumbers: d.Applicant.Movers, RequestedAt: s.Cases.Now().UTC()})
			if err != nil {
				return fmt.Errorf("request the e-migration certificate: %w", err)
			}
			// The certificate is an e-licence: kept in the licence store (4.1.2).
			if s.Licences != nil {
				if _, err := s.Licences.Record(ctx, cert.LicenceID, domain.LicenceMigrationCert); err != nil {
					return fmt.Errorf("record the e-migration certificate: %w", err)
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
			if out, reg, err = s.moveOut(ctx, tx, c, d, mo); err != nil {
				return err
			}
			out.Certificate = cert
			return setResult(c, *out)
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			archives, atts, err := s.moveOutArchives(ctx, tx, c, reg)
			if err != nil {
				return err
			}
			_, err = s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgMovedOut, Attachments: atts,
				Body: movedOutBody{Outcome: d.Result, Archives: archives}})
			return err
		}})
}

// leaving finds the household the movers leave in this register (all in
// the same household, within the caller's jurisdiction) and checks the
// officer's decision against it (planMoveOut).
func (s *Service) leaving(ctx context.Context, repos domain.Repos, movers []string, mo MoveOut) (*domain.Household, []*domain.Resident, error) {
	actor := domain.ActorFromContext(ctx)
	var householdID string
	for _, id := range movers {
		r, err := repos.Register().FindResidentByIDNumber(ctx, id)
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return nil, nil, domain.FieldErrorf("movers", "%s is not in this office's register", id).WithReason("migration.mover_not_in_household")
		} else if err != nil {
			return nil, nil, err
		}
		if householdID == "" {
			householdID = r.HouseholdID
		}
		if r.HouseholdID != householdID || !actor.CanSee(r.StationCode) {
			return nil, nil, domain.FieldErrorf("movers", "%s is not a member of the household the movers leave", id).WithReason("migration.mover_not_in_household")
		}
	}
	hs, err := repos.Register().FindHouseholdsByIDs(ctx, []string{householdID})
	if err != nil {
		return nil, nil, err
	}
	if len(hs) != 1 {
		return nil, nil, domain.Errorf(domain.CodeInternal, "household %s not found", householdID)
	}
	members, err := repos.Register().FindResidentsByHouseholdIDs(ctx, []string{householdID})
	if err != nil {
		return nil, nil, err
	}
	if _, _, err := planMoveOut(members, movers, mo); err != nil {
		return nil, nil, err
	}
	return hs[0], members, nil
}

// moveOut applies the move-out to the register on tx and returns the
// outcome (without the certificate).
func (s *Service) moveOut(ctx context.Context, tx domain.Repos, c *domain.Case, d *data, mo MoveOut) (*Outcome, *registered, error) {
	h, members, err := s.leaving(ctx, tx, d.Applicant.Movers, mo)
	if err != nil {
		return nil, nil, err
	}
	relations, closes, err := planMoveOut(members, d.Applicant.Movers, mo)
	if err != nil {
		return nil, nil, err
	}
	now := s.Cases.Now().UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	place := d.Ministry.DestAddress
	reg := &registered{household: h}
	out := &Outcome{Decision: Decision{Approved: true, Note: mo.Note}, NewHead: mo.NewHeadIDNumber, HouseholdClosed: closes, MovedOutOn: day}
	for _, m := range members {
		switch {
		case slices.Contains(d.Applicant.Movers, m.IDNumber):
			out.Movers = append(out.Movers, Mover{IDNumber: m.IDNumber, Name: m.Name, FormerNames: m.FormerNames, Sex: m.Sex,
				Ethnicity: m.Ethnicity, BirthDate: m.BirthDate, BirthplaceDivision: m.BirthplaceDivision, Relation: m.Relation})
			m.Status, m.UpdatedAt = domain.ResidentMovedOut, now
			if err := tx.Register().UpdateResident(ctx, m); err != nil {
				return nil, nil, err
			}
			reg.residents = append(reg.residents, m)
			if err := tx.Register().RecordMove(ctx, &domain.ResidentMove{ID: s.Cases.NewID(), ResidentID: m.ID, Direction: domain.MoveOut,
				CollabNo: c.CollabNo, Office: c.AcceptanceOffice, Place: place, MovedOn: day, CreatedAt: now}); err != nil {
				return nil, nil, err
			}
		case relations[m.IDNumber] != "" && relations[m.IDNumber] != m.Relation:
			m.Relation, m.UpdatedAt = relations[m.IDNumber], now
			if err := tx.Register().UpdateResident(ctx, m); err != nil {
				return nil, nil, err
			}
		}
	}
	if closes {
		if err := tx.Register().CloseHousehold(ctx, h.ID, now); err != nil {
			return nil, nil, err
		}
	}
	// Movers in the order the applicant listed them.
	slices.SortFunc(out.Movers, func(a, b Mover) int {
		return slices.Index(d.Applicant.Movers, a.IDNumber) - slices.Index(d.Applicant.Movers, b.IDNumber)
	})
	return out, reg, nil
}

// movedOutBody is the MOVED_OUT feedback: the outcome with the movers and
// the certificate, and the movers' archives (their 常住人口登记表 as the
// registration office held them), each pinned by its attachment hash.
type movedOutBody struct {
	Outcome
	Archives []domain.InlinePDF `json:"archives,omitempty"`
}

func moveOutArchiveName(c *domain.Case, idNumber string) string {
	return fmt.Sprintf("迁出档案-常住人口登记表-%s-%s.pdf", c.CollabNo, idNumber)
}

// moveOutArchives renders, keeps on tx and returns inline the archives of
// the feedback: each mover's 常住人口登记表 as this register holds it (status
// moved out; rendered inside the transaction like the move-in's forms, one
// page per mover). When this server cannot render (documents.font_missing)
// the approval fails with CodeUnavailable and nothing changes.
func (s *Service) moveOutArchives(ctx context.Context, tx domain.Repos, c *domain.Case, reg *registered) ([]domain.InlinePDF, []domain.AttachmentRef, error) {
	h := reg.household
	addrs, err := tx.Register().FindAddressesByIDs(ctx, []string{h.AddressID})
	if err != nil {
		return nil, nil, err
	}
	office := h.StationCode
	if o, err := tx.Offices().FindOfficeByCode(ctx, h.StationCode); err == nil { // on tx: the pool may wait for it
		office = o.Name
	}
	var out []domain.InlinePDF
	var atts []domain.AttachmentRef
	for i, r := range reg.residents {
		form := &domain.RegistrationForm{CollabNo: c.CollabNo, Name: r.Name, FormerNames: r.FormerNames, Sex: r.Sex, Ethnicity: r.Ethnicity,
			BirthDate: r.BirthDate, BirthplaceDivision: r.BirthplaceDivision, IDNumber: r.IDNumber, Relation: r.Relation,
			HouseholdNumber: h.Number, Station: office, Office: office, Date: s.Cases.Now(), Seals: []domain.Seal{{Office: office, Name: "户口专用章", OfficeCode: h.StationCode}}}
		if r.Hcybsh != nil {
			form.Hcybsh = *r.Hcybsh
		}
		if len(addrs) == 1 {
			form.AddressDivision, form.AddressDetail = addrs[0].Division, addrs[0].Detail
		}
		pdf, err := s.Renderer.Render(ctx, form)
		if err != nil {
			return nil, nil, fmt.Errorf("render the archive of %s: %w", r.IDNumber, err)
		}
		name := moveOutArchiveName(c, r.IDNumber)
		if err := s.Documents.KeepDocument(ctx, tx, c.ID, DocumentMoveOutArchive, name, "application/pdf", pdf); err != nil {
			return nil, nil, err
		}
		doc, att := domain.Inline(name, pdf, i)
		out, atts = append(out, doc), append(atts, att)
	}
	return out, atts, nil
}

// onMovedOut keeps the move-out feedback on the acceptance office's copy
// (1.3.8) with its archives (each checked against its signed hash): the
// movers must be the case's, and the certificate must name them.
func (s *Service) onMovedOut(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body movedOutBody
	err := json.Unmarshal(env.Body, &body)
	o := body.Outcome
	if err != nil || !o.Approved || o.Certificate == nil || o.Certificate.LicenceID == "" {
		return nil, domain.FieldErrorf("body", "the move-out feedback carries no e-migration certificate").WithReason("migration.feedback_body")
	}
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(o.Movers))
	for i, m := range o.Movers {
		ids[i] = m.IDNumber
	}
	if !slices.Equal(sorted(ids), sorted(d.Applicant.Movers)) || !slices.Equal(sorted(o.Certificate.IDNumbers), sorted(d.Applicant.Movers)) {
		return nil, domain.FieldErrorf("body", "the move-out feedback names other movers than the application").WithReason("migration.feedback_movers")
	}
	if len(body.Archives) != len(env.Attachments) {
		return nil, domain.FieldErrorf("attachments", "the feedback's archives do not match its attachment list").WithReason("migration.feedback_archives")
	}
	for _, a := range body.Archives {
		pdf, err := a.Content(env)
		if err != nil {
			return nil, err
		}
		if err := s.Documents.KeepDocument(ctx, tx, c.ID, DocumentMoveOutArchive, a.Name, "application/pdf", pdf); err != nil {
			return nil, err
		}
	}
	return map[string]string{"licenceId": o.Certificate.LicenceID}, setResult(c, o)
}
