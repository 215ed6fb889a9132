package domain

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"hukou/domain/codes"
	"hukou/domain/idnumber"
)

// BirthSettlement is the newborn as the registration office settles it into
// the household register (2.2.1): the details are prefilled from the
// certificate and editable.
type BirthSettlement struct {
	HouseholdNumber string
	Name            string
	Sex             string // GB/T 2261.1
	Ethnicity       string // GB/T 3304
	BirthDate       time.Time
	Relation        string // GB/T 4761
}

// BirthOutcome is what the registration office produced, kept in the case's
// Result on both sides.
type BirthOutcome struct {
	BirthDecision
	ResidentID      string `json:"residentId,omitempty"`
	IDNumber        string `json:"idNumber,omitempty"`
	Hcybsh          string `json:"hcybsh,omitempty"`
	HouseholdNumber string `json:"householdNumber,omitempty"`
	NewbornName     string `json:"newbornName,omitempty"`
	FormRevision    int    `json:"formRevision,omitempty"`
	FormSHA256      string `json:"formSha256,omitempty"`
}

// formBody is the FORM message: the registration form PDF travels inline
// (base64) and is pinned by the envelope's attachment hash.
type formBody struct {
	Outcome BirthOutcome `json:"outcome"`
	PDF     string       `json:"pdf"`
}

// DecodeBirthOutcome returns a birth case's outcome.
func DecodeBirthOutcome(c *Case) BirthOutcome {
	var o BirthOutcome
	_ = json.Unmarshal(c.Result, &o)
	return o
}

func (in *BirthSettlement) validate(now time.Time) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(in.Name)); {
	case n == 0:
		return FieldErrorf("name", "enter the newborn's name").WithReason("birth.name_required")
	case n > 20:
		return FieldErrorf("name", "a name has at most 20 characters").WithReason("birth.name_length")
	}
	if _, ok := codes.Sex(in.Sex); !ok || (in.Sex != "1" && in.Sex != "2") {
		return FieldErrorf("sex", "choose 1 (male) or 2 (female)").WithReason("birth.sex")
	}
	if _, ok := codes.Ethnicity(in.Ethnicity); !ok {
		return FieldErrorf("ethnicity", "choose an ethnicity from the GB/T 3304 list (got %q)", in.Ethnicity).WithReason("birth.ethnicity")
	}
	if _, ok := codes.Relation(in.Relation); !ok {
		return FieldErrorf("relation", "choose the relation to the head from the GB/T 4761 list (got %q)", in.Relation).WithReason("birth.relation")
	}
	if in.BirthDate.IsZero() || in.BirthDate.After(now) {
		return FieldErrorf("birthDate", "the birth date must be a past date").WithReason("birth.birth_date")
	}
	if strings.TrimSpace(in.HouseholdNumber) == "" {
		return FieldErrorf("householdNumber", "choose the household the newborn joins").WithReason("birth.household_required")
	}
	return nil
}

// Settle registers the approved newborn in the chosen household (2.2.1):
// a new resident with a new valid ID number (birthplace division, birth
// date, the next free sequence of the right parity) and a household member
// identifier from the database; it renders the resident registration form
// (常表) and sends it to the acceptance office (1.3.1), all in one
// transaction. Errors: CodeInvalid naming the field, CodeNotFound for an
// unknown household (field householdNumber), CodeForbidden for a household
// outside the caller's jurisdiction, the engine's errors.
func (s *BirthService) Settle(ctx context.Context, id string, version int, in BirthSettlement) (*Case, error) {
	actor, err := Authorize(ctx, RoleOfficer)
	if err != nil {
		return nil, err
	}
	now := s.Cases.Now()
	if err := in.validate(now); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, "settle", "", nil, nil, func(ctx context.Context, tx Repos, c *Case) error {
		_, m, _ := DecodeBirth(c)
		h, err := tx.Register().FindHouseholdByNumber(ctx, strings.TrimSpace(in.HouseholdNumber))
		if ErrorCode(err) == CodeNotFound {
			return &Error{Code: CodeNotFound, Field: "householdNumber", Reason: "birth.household_unknown",
				Message: "no household has the number " + in.HouseholdNumber}
		} else if err != nil {
			return err
		}
		if !actor.CanSee(h.StationCode) {
			return Errorf(CodeForbidden, "household %s is kept by office %s, outside your jurisdiction", h.Number, h.StationCode).WithReason("auth.jurisdiction")
		}
		birthplace := m.Certificate.BirthplaceDivision
		if birthplace == "" {
			birthplace = h.StationCode[:6]
		}
		number, err := s.nextIDNumber(ctx, tx, birthplace, in.BirthDate, in.Sex == "1")
		if err != nil {
			return err
		}
		r := &Resident{ID: s.Cases.NewID(), HouseholdID: h.ID, StationCode: h.StationCode, Name: strings.TrimSpace(in.Name),
			Sex: in.Sex, Ethnicity: in.Ethnicity, BirthDate: in.BirthDate, BirthplaceDivision: birthplace, IDNumber: number,
			Relation: in.Relation, Status: ResidentActive, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.Register().CreateResident(ctx, r); err != nil {
			return err
		}
		if r, err = tx.Register().FindResidentByID(ctx, r.ID); err != nil {
			return err
		}
		out := BirthOutcome{BirthDecision: BirthDecision{Approved: true}, ResidentID: r.ID, IDNumber: r.IDNumber,
			HouseholdNumber: h.Number, NewbornName: r.Name, FormRevision: 1}
		if r.Hcybsh != nil {
			out.Hcybsh = *r.Hcybsh
		}
		c.Result, _ = json.Marshal(out)
		if err := tx.Cases().UpdateCase(ctx, c); err != nil {
			return err
		}
		return s.sendForm(ctx, tx, c, actor, r, h, &out)
	})
}

// nextIDNumber returns the first free ID number for a person born on birth
// in division: the lowest unused sequence of the right parity (odd for men).
// The unique constraint on residents stays the last line of defence.
func (s *BirthService) nextIDNumber(ctx context.Context, tx Repos, division string, birth time.Time, male bool) (string, error) {
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
	return "", Errorf(CodeConflict, "no ID number is free for %s born %s", division, birth.Format(time.DateOnly)).WithReason("birth.id_exhausted")
}

// sendForm renders the registration form of r and sends it to the
// acceptance office inside tx; out.FormSHA256 is set.
func (s *BirthService) sendForm(ctx context.Context, tx Repos, c *Case, actor *Actor, r *Resident, h *Household, out *BirthOutcome) error {
	form, err := s.registrationForm(ctx, tx, c, r, h, out.FormRevision-1)
	if err != nil {
		return err
	}
	pdf, err := s.Renderer.Render(ctx, form)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(pdf)
	out.FormSHA256 = hex.EncodeToString(sum[:])
	c.Result, _ = json.Marshal(out)
	if err := tx.Cases().UpdateCase(ctx, c); err != nil {
		return err
	}
	if err := s.Documents.KeepDocument(ctx, tx, c.ID, DocumentRegistrationForm, formName(c, out.FormRevision), "application/pdf", pdf); err != nil {
		return err
	}
	_, err = s.Collab.Send(ctx, tx, Outgoing{CollabNo: c.CollabNo, CaseKind: string(KindBirth), MessageType: MsgBirthForm,
		SenderOffice: c.RegistrationOffice, ReceiverOffice: deploymentOffice(c.AcceptanceOffice), SenderUser: actor.Username,
		Body:        formBody{Outcome: *out, PDF: base64.StdEncoding.EncodeToString(pdf)},
		Attachments: []AttachmentRef{{Name: "registration-form.pdf", SHA256: out.FormSHA256, Size: int64(len(pdf)), ContentType: "application/pdf"}}})
	return err
}

func (s *BirthService) registrationForm(ctx context.Context, tx Repos, c *Case, r *Resident, h *Household, revision int) (*RegistrationForm, error) {
	members, err := tx.Register().FindResidentsByHouseholdIDs(ctx, []string{h.ID})
	if err != nil {
		return nil, err
	}
	head := ""
	for _, m := range members {
		if m.Relation == "02" || m.Relation == "01" {
			head = m.Name
			break
		}
	}
	addrs, err := tx.Register().FindAddressesByIDs(ctx, []string{h.AddressID})
	if err != nil {
		return nil, err
	}
	f := &RegistrationForm{CollabNo: c.CollabNo, Revision: revision, Name: r.Name, FormerNames: r.FormerNames, Sex: r.Sex,
		Ethnicity: r.Ethnicity, BirthDate: r.BirthDate, BirthplaceDivision: r.BirthplaceDivision, IDNumber: r.IDNumber,
		Relation: r.Relation, HeadName: head, HouseholdNumber: h.Number, Date: s.Cases.Now()}
	if r.Hcybsh != nil {
		f.Hcybsh = *r.Hcybsh
	}
	if len(addrs) == 1 {
		f.AddressDivision, f.AddressDetail = addrs[0].Division, addrs[0].Detail
	}
	if st, err := tx.Offices().FindOfficeByCode(ctx, h.StationCode); err == nil {
		f.Station = st.Name
		f.Office = st.Name
		f.Seals = []Seal{{Office: st.Name, Name: "户口专用章"}}
	}
	return f, nil
}

// onForm stores the registration form that arrived with a FORM message and
// moves the acceptance office's copy to FORM_RECEIVED (1.3.1, 1.3.3). The
// PDF must match the hash the sender signed.
func (s *BirthService) onForm(ctx context.Context, tx Repos, env *Envelope) (string, error) {
	var body formBody
	if err := json.Unmarshal(env.Body, &body); err != nil {
		return "", FieldErrorf("body", "the form message is malformed").WithReason("birth.form_body")
	}
	pdf, err := base64.StdEncoding.DecodeString(body.PDF)
	if err != nil || len(env.Attachments) != 1 {
		return "", FieldErrorf("body", "the form message carries no form").WithReason("birth.form_body")
	}
	sum := sha256.Sum256(pdf)
	if hex.EncodeToString(sum[:]) != env.Attachments[0].SHA256 {
		return "", FieldErrorf("attachments", "the form does not match its signed hash").WithReason("birth.form_hash")
	}
	c, err := tx.Cases().FindCaseByCollabNo(ctx, env.CollabNo, SideAcceptance)
	if err != nil {
		return "", err
	}
	c.Result, _ = json.Marshal(body.Outcome)
	if err := s.Documents.KeepDocument(ctx, tx, c.ID, DocumentRegistrationForm, formName(c, body.Outcome.FormRevision), "application/pdf", pdf); err != nil {
		return "", err
	}
	return c.Office, s.Cases.fire(ctx, tx, c, "formReceived", systemActor, "", map[string]any{"formRevision": body.Outcome.FormRevision}, env.MessageID)
}

// DocumentRegistrationForm is the kind of case document holding a resident
// registration form (常表).
const DocumentRegistrationForm = "REGISTRATION_FORM"

// DocumentKeeper keeps the files of a case that travel between offices:
// generated or received documents (revisions numbered per kind) and the
// captured archives that go with an application. Content is stored first
// (blob store), then recorded on tx.
type DocumentKeeper interface {
	KeepDocument(ctx context.Context, tx Repos, caseID, kind, name, contentType string, content []byte) error
	KeepArchive(ctx context.Context, tx Repos, caseID, materialCode, name, contentType string, content []byte) error
	// ArchiveContents returns the valid archives of a case with their content.
	ArchiveContents(ctx context.Context, caseID string) ([]FileContent, error)
}

// FileContent is a case file with its bytes, as it travels in a message.
type FileContent struct {
	MaterialCode string `json:"materialCode"`
	Name         string `json:"name"`
	ContentType  string `json:"contentType"`
	Content      []byte `json:"content"` // base64 in JSON
}

// ref pins f for an envelope's attachment list.
func (f *FileContent) ref() AttachmentRef {
	sum := sha256.Sum256(f.Content)
	return AttachmentRef{Name: f.Name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(f.Content)), ContentType: f.ContentType}
}

func formName(c *Case, revision int) string {
	return fmt.Sprintf("常住人口登记表-%s-%d.pdf", c.CollabNo, revision)
}
