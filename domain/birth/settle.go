package birth

import (
	"context"
	"encoding/base64"
	"fmt"
	"reflect"
	"strings"
	"time"

	"hukou/domain"
	"hukou/domain/idnumber"
)

// formBody is the FORM message: the registration form PDF travels inline
// (base64) and is pinned by the envelope's attachment hash.
type formBody struct {
	Outcome Outcome `json:"outcome"`
	PDF     string  `json:"pdf"`
}

// Settle registers the approved newborn in the chosen household (2.2.1):
// a new resident with a new valid ID number (the address code of the
// county of the household's address, the permanent residence being
// registered, per GB 11643; the birth date; the next free sequence of the
// right parity) and a household member identifier from the database; it
// renders the resident registration form (常表) and sends it to the
// acceptance office (1.3.1), all in one transaction, and has the Ministry
// record the certificate as used (a case job, retried until it succeeds).
// The newborn must match the medical birth certificate (sex, birth date),
// join with a child's relation that fits the parent's place in the
// household, and never as a second head. Errors: CodeInvalid naming the
// field, CodeNotFound for an unknown household (field householdNumber) and
// the same for one outside the caller's jurisdiction (audited as DENIED),
// the engine's errors. The registration form follows from a case job
// (formLater): it is rendered after the commit, outside any transaction.
func (s *Service) Settle(ctx context.Context, ref domain.CaseRef, in Settlement) (*domain.Case, error) {
	now := s.Cases.Now()
	// A household outside the jurisdiction answers as one that does not
	// exist; the refusal is audited before the transaction.
	unknown := &domain.Error{Code: domain.CodeNotFound, Field: "householdNumber", Reason: "birth.household_unknown",
		Message: "no household has the number " + in.HouseholdNumber}
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActSettle,
		Validate: func() error { return in.validate(now) },
		Prepare: func(ctx context.Context, _ *domain.Case) error {
			h, err := s.Cases.DB.Register().FindHouseholdByNumber(ctx, strings.TrimSpace(in.HouseholdNumber))
			if err != nil || domain.ActorFromContext(ctx).CanSee(h.StationCode) {
				return nil // the transaction finds (or misses) it again
			}
			if err := s.Cases.Audit.Record(ctx, domain.NewAuditEntry(domain.ActorFromContext(ctx), now, domain.AuditDenied,
				"settleBirthRegistration", "Household", h.ID, "outside jurisdiction")); err != nil {
				return err
			}
			return unknown
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			actor := domain.ActorFromContext(ctx)
			bd, err := decode(c)
			if err != nil {
				return err
			}
			cert := bd.Ministry.Certificate
			if err := in.matchCertificate(cert); err != nil {
				return err
			}
			h, err := tx.Register().FindHouseholdByNumber(ctx, strings.TrimSpace(in.HouseholdNumber))
			if domain.ErrorCode(err) == domain.CodeNotFound {
				return unknown
			} else if err != nil {
				return err
			}
			if !actor.CanSee(h.StationCode) {
				return unknown // audited in Prepare
			}
			members, err := tx.Register().FindResidentsByHouseholdIDs(ctx, []string{h.ID})
			if err != nil {
				return err
			}
			if err := joinHousehold("relation", in.Relation, in.Sex, members, cert, ""); err != nil {
				return err
			}
			residence, err := residenceDivision(ctx, tx, h)
			if err != nil {
				return err
			}
			birthplace := cert.BirthplaceDivision
			if birthplace == "" {
				birthplace = residence
			}
			number, err := nextIDNumber(ctx, tx, residence, in.BirthDate, in.Sex == "1")
			if err != nil {
				return err
			}
			r := &domain.Resident{ID: s.Cases.NewID(), HouseholdID: h.ID, StationCode: h.StationCode, Name: strings.TrimSpace(in.Name),
				Sex: in.Sex, Ethnicity: in.Ethnicity, BirthDate: in.BirthDate, BirthplaceDivision: birthplace, IDNumber: number,
				Relation: in.Relation, Status: domain.ResidentActive, CreatedAt: now, UpdatedAt: now, Version: 1}
			if err := tx.Register().CreateResident(ctx, r); err != nil {
				return err
			}
			if r, err = tx.Register().FindResidentByID(ctx, r.ID); err != nil {
				return err
			}
			out := Outcome{Decision: Decision{Approved: true}, ResidentID: r.ID, IDNumber: r.IDNumber,
				HouseholdNumber: h.Number, NewbornName: r.Name, FormRevision: 1}
			if r.Hcybsh != nil {
				out.Hcybsh = *r.Hcybsh
			}
			if err := s.Cases.EnqueueJob(ctx, tx, c, jobUsage); err != nil {
				return err
			}
			if s.Licences != nil { // the household's e-hukou book, updated with the newborn (4.1.2)
				if err := s.Cases.EnqueueJob(ctx, tx, c, jobHukouBook); err != nil {
					return err
				}
			}
			return s.formLater(ctx, tx, c, result{Outcome: out, Clerk: actor.Shown(), ClerkID: actor.UserID, RegisteredOn: now})
		}})
}

// joinHousehold checks the relation a newborn of sex joins a household
// with (members, the newborn itself excepted by its ID number self): no
// second head, and a child's relation that fits the place of the parent
// (named by the certificate) in the household; when no parent is a member,
// any child's relation of the newborn's sex.
func joinHousehold(field, relation, sex string, members []*domain.Resident, cert Certificate, self string) error {
	var relations []string
	parent := ""
	for _, m := range members {
		if m.Status != domain.ResidentActive || (self != "" && m.IDNumber == self) {
			continue
		}
		relations = append(relations, m.Relation)
		if parent == "" && m.IDNumber != "" && (m.IDNumber == cert.FatherIDNumber || m.IDNumber == cert.MotherIDNumber) {
			parent = m.Relation
		}
	}
	if err := oneHead(field, relation, relations); err != nil {
		return err
	}
	return newbornRelation(field, relation, sex, parent)
}

// residenceDivision is the county of the household's address: the
// permanent residence whose address code a new ID number carries.
func residenceDivision(ctx context.Context, tx domain.Repos, h *domain.Household) (string, error) {
	addrs, err := tx.Register().FindAddressesByIDs(ctx, []string{h.AddressID})
	if err != nil {
		return "", err
	}
	if len(addrs) == 1 && len(addrs[0].Division) == 6 {
		return addrs[0].Division, nil
	}
	return h.StationCode[:6], nil
}

// nextIDNumber returns the first free ID number for a person born on birth
// in division: the lowest unused sequence of the right parity (odd for men).
// The unique constraint on residents stays the last line of defence.
func nextIDNumber(ctx context.Context, tx domain.Repos, division string, birth time.Time, male bool) (string, error) {
	prefix := division + birth.Format("20060102")
	used, err := tx.Register().IDNumbersWithPrefix(ctx, prefix)
	if err != nil {
		return "", err
	}
	taken := map[string]bool{}
	for _, n := range used {
		if len(n) == 18 {
			taken[n[14:17]] = true
		}
	}
	start := 2
	if male {
		start = 1
	}
	for seq := start; seq <= 999; seq += 2 {
		if !taken[fmt.Sprintf("%03d", seq)] {
			return idnumber.Generate(division, birth, seq), nil
		}
	}
	return "", domain.Errorf(domain.CodeConflict, "no ID number is free for %s born %s", division, birth.Format(time.DateOnly)).WithReason("birth.id_exhausted")
}

// formLater stores res as c's result with the registration form pending
// and enqueues the job that renders and sends it (RunJob, sendPendingForm),
// on tx. The form prints what the step's transaction assigns (the hcybsh
// the database gives on insert), so it is rendered after that commit and
// outside any transaction: a render (about 20 ms, BenchmarkRender_*) never
// holds a write lock.
func (s *Service) formLater(ctx context.Context, tx domain.Repos, c *domain.Case, res result) error {
	res.later(jobForm)
	if err := setResult(c, res); err != nil {
		return err
	}
	if err := tx.Cases().UpdateCase(ctx, c); err != nil {
		return err
	}
	return s.Cases.EnqueueJob(ctx, tx, c, jobForm)
}

// sendPendingForm renders and stores the pending registration form of case
// id (revision Result.FormRevision, listing Result.Corrections) from the
// register outside any transaction, then in one short transaction records it,
// stores its hash and sends it to the acceptance office. When what the form
// prints changed between the two (a correction meanwhile), nothing is sent
// and the job runs again. Nothing to do when the form was sent meanwhile.
func (s *Service) sendPendingForm(ctx context.Context, id string) error {
	c, bd, err := pendingIn(ctx, s.Cases.DB, id, jobForm)
	if c == nil || err != nil {
		return err
	}
	form, err := s.pendingForm(ctx, s.Cases.DB, c, bd.Result)
	if err != nil {
		return err
	}
	pdf, err := s.Renderer.Render(ctx, form)
	if err != nil {
		return fmt.Errorf("render the registration form: %w", err)
	}
	stored, err := s.Documents.StoreDocument(ctx, "application/pdf", pdf)
	if err != nil {
		return err
	}
	return s.Cases.DB.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
		c, bd, err := pendingIn(ctx, tx, id, jobForm)
		if c == nil || err != nil {
			return err
		}
		now, err := s.pendingForm(ctx, tx, c, bd.Result)
		if err != nil {
			return err
		}
		if now.Date = form.Date; !reflect.DeepEqual(now, form) {
			return domain.Errorf(domain.CodeConflict, "the register changed while the registration form of %s was rendered; it is rendered again", c.CollabNo).
				WithReason("birth.form_stale")
		}
		res := bd.Result
		att := domain.AttachmentFor("registration-form.pdf", "application/pdf", pdf)
		res.FormSHA256 = att.SHA256
		res.Corrections = nil // listed on this form
		res.done(jobForm)
		if err := setResult(c, res); err != nil {
			return err
		}
		if err := tx.Cases().UpdateCase(ctx, c); err != nil {
			return err
		}
		if err := s.Documents.RecordDocument(ctx, tx, c.ID, DocumentRegistrationForm, formName(c, res.FormRevision), stored); err != nil {
			return err
		}
		_, err = s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgForm, Attachments: []domain.AttachmentRef{att},
			Body: formBody{Outcome: res.Outcome, PDF: base64.StdEncoding.EncodeToString(pdf)}})
		return err
	})
}

// pendingForm reads the newborn and its household of res from repos and
// fills the registration form.
func (s *Service) pendingForm(ctx context.Context, repos domain.Repos, c *domain.Case, res result) (*domain.RegistrationForm, error) {
	r, err := repos.Register().FindResidentByID(ctx, res.ResidentID)
	if err != nil {
		return nil, err
	}
	hs, err := repos.Register().FindHouseholdsByIDs(ctx, []string{r.HouseholdID})
	if err != nil {
		return nil, err
	} else if len(hs) != 1 {
		return nil, domain.Errorf(domain.CodeInternal, "the newborn's household %s is missing", r.HouseholdID)
	}
	return s.registrationForm(ctx, repos, c, r, hs[0], res)
}

// registrationForm fills the form of r in h from the register; the items
// the register does not keep for a newborn stay blank.
func (s *Service) registrationForm(ctx context.Context, tx domain.Repos, c *domain.Case, r *domain.Resident, h *domain.Household, res result) (*domain.RegistrationForm, error) {
	members, err := tx.Register().FindResidentsByHouseholdIDs(ctx, []string{h.ID})
	if err != nil {
		return nil, err
	}
	head := ""
	for _, m := range members {
		if isHead(m.Relation) && m.Status == domain.ResidentActive {
			head = m.Name
			break
		}
	}
	addrs, err := tx.Register().FindAddressesByIDs(ctx, []string{h.AddressID})
	if err != nil {
		return nil, err
	}
	f := &domain.RegistrationForm{CollabNo: c.CollabNo, Revision: res.FormRevision - 1, Name: r.Name, FormerNames: r.FormerNames, Sex: r.Sex,
		Ethnicity: r.Ethnicity, BirthDate: r.BirthDate, BirthplaceDivision: r.BirthplaceDivision, IDNumber: r.IDNumber,
		Relation: r.Relation, HeadName: head, HouseholdNumber: h.Number, Clerk: res.Clerk, RegisteredOn: res.RegisteredOn,
		Corrections: res.Corrections, Date: s.Cases.Now()}
	if r.Hcybsh != nil {
		f.Hcybsh = *r.Hcybsh
	}
	if len(addrs) == 1 {
		f.AddressDivision, f.AddressDetail = addrs[0].Division, addrs[0].Detail
	}
	if st, err := tx.Offices().FindOfficeByCode(ctx, h.StationCode); err == nil {
		f.Station = st.Name
		f.Office = st.Name
		f.Seals = []domain.Seal{{Office: st.Name, Name: "户口专用章", OfficeCode: st.Code, OperatorID: res.ClerkID}}
	}
	return f, nil
}

// onForm keeps the registration form that arrived with a FORM message on
// the acceptance office's copy (1.3.1, 1.3.3). The PDF must match the hash
// the sender signed.
func (s *Service) onForm(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body formBody
	if err := decodeBody(env, &body); err != nil {
		return nil, err
	}
	pdf, err := base64.StdEncoding.DecodeString(body.PDF)
	if err != nil || len(env.Attachments) != 1 {
		return nil, domain.FieldErrorf("body", "the form message carries no form").WithReason("birth.form_body")
	}
	if domain.AttachmentFor("", "", pdf).SHA256 != env.Attachments[0].SHA256 {
		return nil, domain.FieldErrorf("attachments", "the form does not match its signed hash").WithReason("birth.form_hash")
	}
	if err := setResult(c, result{Outcome: body.Outcome}); err != nil {
		return nil, err
	}
	if err := s.Documents.KeepDocument(ctx, tx, c.ID, DocumentRegistrationForm, formName(c, body.Outcome.FormRevision), "application/pdf", pdf); err != nil {
		return nil, err
	}
	return map[string]any{"formRevision": body.Outcome.FormRevision}, nil
}

func formName(c *domain.Case, revision int) string {
	return fmt.Sprintf("常住人口登记表-%s-%d.pdf", c.CollabNo, revision)
}

// requestHukouBook has the Ministry update the e-hukou book of the household
// the newborn of case id joined (4.1.2, birth settlement): a licence of the
// household's head listing the newborn, kept in the licence store, its
// number recorded on the case (Outcome.HukouBookLicenceID). Nothing to do
// when the case has it already (a job run again); the Ministry is asked
// outside any transaction, with the idempotency key of this case's
// settlement (domain.CaseLicenceKey): a crash or a lost answer between the
// Ministry's issue and the record asks again with the same key and records
// the same licence, so the Ministry holds one (4.1.1).
func (s *Service) requestHukouBook(ctx context.Context, id string) error {
	c, err := s.Cases.DB.Cases().FindCaseByID(ctx, id)
	if err != nil {
		return err
	}
	bd, err := decode(c)
	if err != nil || bd.Result.HukouBookLicenceID != "" || bd.Result.HouseholdNumber == "" {
		return err
	}
	h, err := s.Cases.DB.Register().FindHouseholdByNumber(ctx, bd.Result.HouseholdNumber)
	if err != nil {
		return err
	}
	members, err := s.Cases.DB.Register().FindResidentsByHouseholdIDs(ctx, []string{h.ID})
	if err != nil {
		return err
	}
	var head *domain.Resident
	for _, m := range members {
		if m.Status == domain.ResidentActive && isHead(m.Relation) {
			head = m
			break
		}
	}
	if head == nil {
		return domain.Errorf(domain.CodeConflict, "household %s has no head to hold its e-hukou book", h.Number).WithReason("birth.no_head")
	}
	l, err := s.Licences.Issue(ctx, domain.LicenceRequest{Type: domain.LicenceHukouBook, HolderIDNumber: head.IDNumber, HolderName: head.Name,
		Data: map[string]string{"householdNumber": h.Number, "change": "出生登记", "newbornName": bd.Result.NewbornName,
			"newbornIdNumber": bd.Result.IDNumber, "collabNo": c.CollabNo},
		Key: domain.CaseLicenceKey(c, domain.LicenceHukouBook, "birth.settle", head.IDNumber, 1)})
	if err != nil {
		return err
	}
	return s.Cases.DB.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
		c, err := tx.Cases().FindCaseByID(ctx, id)
		if err != nil {
			return err
		}
		bd, err := decode(c)
		if err != nil {
			return err
		}
		res := bd.Result
		res.HukouBookLicenceID = l.ID
		if err := setResult(c, res); err != nil {
			return err
		}
		return tx.Cases().UpdateCase(ctx, c)
	})
}
