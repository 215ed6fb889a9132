package domain

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"hukou/domain/codes"
)

// Birth document kinds beside DocumentRegistrationForm.
const (
	DocumentSignedForm             = "SIGNED_FORM"
	DocumentCompletionConfirmation = "COMPLETION_CONFIRMATION"
	DocumentRefusalNotice          = "REFUSAL_NOTICE"
)

// majorItems are the resident fields whose change needs an approver
// (主项变更, 2.2.2): name, ID number, birth date and ethnicity per the
// requirement, and sex, because the ID number encodes it.
var majorItems = map[string]bool{"name": true, "idNumber": true, "birthDate": true, "ethnicity": true, "sex": true}

// minorItems are corrected directly by the registration office (1.3.3).
var minorItems = map[string]bool{"formerNames": true, "relation": true, "birthplaceDivision": true}

// BirthErrorItem is one error the applicant found on the printed form: the
// field, what it should say, and a note (1.3.2).
type BirthErrorItem struct {
	Field  string `json:"field"`
	Wanted string `json:"wanted"`
	Note   string `json:"note,omitempty"`
}

// MajorChange is a requested major-item change waiting for an approver.
type MajorChange struct {
	Field       string `json:"field"`
	Value       string `json:"value"`
	Reason      string `json:"reason"`
	RequestedBy string `json:"requestedBy"`
}

// birthCorrections is the correction state kept in a case's Result beside
// the outcome.
type birthCorrections struct {
	BirthOutcome
	ErrorReport   []BirthErrorItem `json:"errorReport,omitempty"`
	PendingChange *MajorChange     `json:"pendingChange,omitempty"`
}

// DecodeBirthCorrections returns the latest error report and the pending
// major-item change of a birth case.
func DecodeBirthCorrections(c *Case) ([]BirthErrorItem, *MajorChange) {
	var bc birthCorrections
	_ = json.Unmarshal(c.Result, &bc)
	return bc.ErrorReport, bc.PendingChange
}

func (s *BirthService) setCorrections(c *Case, f func(*birthCorrections)) {
	var bc birthCorrections
	_ = json.Unmarshal(c.Result, &bc)
	f(&bc)
	c.Result, _ = json.Marshal(bc)
}

func validItem(field string) bool { return majorItems[field] || minorItems[field] }

// Print records that the acceptance office printed the received form for
// the applicant to check and sign (1.3.2); the form is among the case's documents.
func (s *BirthService) Print(ctx context.Context, id string, version int) (*Case, error) {
	actor, err := Authorize(ctx, RoleClerk)
	if err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, "print", "", nil, nil, nil)
}

// ReportErrors sends the errors the applicant found on the form, with the
// corrections wanted, to the registration office (1.3.2).
func (s *BirthService) ReportErrors(ctx context.Context, id string, version int, items []BirthErrorItem) (*Case, error) {
	actor, err := Authorize(ctx, RoleClerk)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, FieldErrorf("items", "describe at least one error and the correction wanted").WithReason("birth.errors_required")
	}
	for i, it := range items {
		if !validItem(it.Field) {
			return nil, FieldErrorf(fmt.Sprintf("items[%d].field", i), "%q is not a field of the registration form", it.Field).WithReason("birth.error_field")
		}
		if strings.TrimSpace(it.Wanted) == "" {
			return nil, FieldErrorf(fmt.Sprintf("items[%d].wanted", i), "say what the field should read").WithReason("birth.error_wanted")
		}
	}
	return s.act(ctx, actor, id, version, "reportErrors", "", map[string]any{"items": items}, nil, func(ctx context.Context, tx Repos, c *Case) error {
		_, err := s.Collab.Send(ctx, tx, Outgoing{CollabNo: c.CollabNo, CaseKind: string(KindBirth), MessageType: MsgBirthErrorReport,
			SenderOffice: c.AcceptanceOffice, ReceiverOffice: deploymentOffice(c.RegistrationOffice), SenderUser: actor.Username,
			Body: map[string]any{"items": items}})
		return err
	})
}

// onErrorReport records the reported errors on the registration office's
// copy and moves it to CORRECTING (1.3.3).
func (s *BirthService) onErrorReport(ctx context.Context, tx Repos, env *Envelope) (string, error) {
	var body struct {
		Items []BirthErrorItem `json:"items"`
	}
	if err := json.Unmarshal(env.Body, &body); err != nil || len(body.Items) == 0 {
		return "", FieldErrorf("body", "the error report lists no errors").WithReason("birth.error_report_body")
	}
	c, err := tx.Cases().FindCaseByCollabNo(ctx, env.CollabNo, SideRegistration)
	if err != nil {
		return "", err
	}
	s.setCorrections(c, func(bc *birthCorrections) { bc.ErrorReport = body.Items })
	return c.Office, s.Cases.fire(ctx, tx, c, "errorsReported", systemActor, "", map[string]any{"items": body.Items}, env.MessageID)
}

// CorrectMinor applies minor-item corrections (former names, relation,
// birthplace) to the newborn's register entry directly (1.3.3).
func (s *BirthService) CorrectMinor(ctx context.Context, id string, version int, changes map[string]string) (*Case, error) {
	actor, err := Authorize(ctx, RoleOfficer)
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return nil, FieldErrorf("changes", "give at least one correction").WithReason("birth.changes_required")
	}
	for field, v := range changes {
		switch {
		case majorItems[field]:
			return nil, FieldErrorf("changes", "%s is a major item: request a major-item change for an approver", field).WithReason("birth.major_item")
		case !minorItems[field]:
			return nil, FieldErrorf("changes", "%q is not a correctable field", field).WithReason("birth.error_field")
		case field == "relation":
			if _, ok := codes.Relation(v); !ok {
				return nil, FieldErrorf("changes", "relation %q is not in the GB/T 4761 list", v).WithReason("birth.relation")
			}
		case field == "birthplaceDivision":
			if _, ok := codes.LookupDivision(v); !ok {
				return nil, FieldErrorf("changes", "birthplace %q is not a GB/T 2260 division", v).WithReason("birth.birthplace")
			}
		}
	}
	return s.act(ctx, actor, id, version, "correctMinor", "", map[string]any{"changes": changes}, nil, func(ctx context.Context, tx Repos, c *Case) error {
		return s.updateNewborn(ctx, tx, c, func(r *Resident) error {
			for field, v := range changes {
				switch field {
				case "formerNames":
					r.FormerNames = v
				case "relation":
					r.Relation = v
				case "birthplaceDivision":
					r.BirthplaceDivision = v
				}
			}
			return nil
		})
	})
}

// RequestMajorChange asks an approver to change a major item (2.2.2).
func (s *BirthService) RequestMajorChange(ctx context.Context, id string, version int, ch MajorChange) (*Case, error) {
	actor, err := Authorize(ctx, RoleOfficer)
	if err != nil {
		return nil, err
	}
	if !majorItems[ch.Field] {
		return nil, FieldErrorf("field", "%q is not a major item (name, idNumber, birthDate, ethnicity, sex)", ch.Field).WithReason("birth.not_major")
	}
	if strings.TrimSpace(ch.Value) == "" {
		return nil, FieldErrorf("value", "give the new value").WithReason("birth.change_value")
	}
	if strings.TrimSpace(ch.Reason) == "" {
		return nil, FieldErrorf("reason", "give the reason for the change").WithReason("birth.change_reason")
	}
	if err := validateMajor(ch, s.Cases.Now()); err != nil {
		return nil, err
	}
	ch.RequestedBy = actor.Shown()
	return s.act(ctx, actor, id, version, "requestMajorChange", ch.Reason, ch, func(c *Case) error {
		s.setCorrections(c, func(bc *birthCorrections) { bc.PendingChange = &ch })
		return nil
	}, nil)
}

func validateMajor(ch MajorChange, now time.Time) error {
	switch ch.Field {
	case "ethnicity":
		if _, ok := codes.Ethnicity(ch.Value); !ok {
			return FieldErrorf("value", "ethnicity %q is not in the GB/T 3304 list", ch.Value).WithReason("birth.ethnicity")
		}
	case "sex":
		if ch.Value != "1" && ch.Value != "2" {
			return FieldErrorf("value", "sex is 1 (male) or 2 (female)").WithReason("birth.sex")
		}
	case "birthDate":
		d, err := time.Parse(time.DateOnly, ch.Value)
		if err != nil || d.After(now) {
			return FieldErrorf("value", "give a past date as YYYY-MM-DD").WithReason("birth.birth_date")
		}
	case "idNumber":
		if _, err := ValidateIDNumber("value", ch.Value, now); err != nil {
			return err
		}
	}
	return nil
}

// ApproveMajorChange applies the pending major-item change to the newborn's
// register entry (APPROVER, 2.2.2). A new birth date or sex gets a new ID
// number to match; a new ID number must be free.
func (s *BirthService) ApproveMajorChange(ctx context.Context, id string, version int) (*Case, error) {
	actor, err := Authorize(ctx, RoleApprover)
	if err != nil {
		return nil, err
	}
	var applied *MajorChange
	return s.act(ctx, actor, id, version, "approveMajorChange", "", nil, func(c *Case) error {
		_, applied = DecodeBirthCorrections(c)
		if applied == nil {
			return Errorf(CodeInvalidTransition, "no major-item change is pending").WithReason("birth.no_change_pending")
		}
		s.setCorrections(c, func(bc *birthCorrections) { bc.PendingChange = nil })
		return nil
	}, func(ctx context.Context, tx Repos, c *Case) error {
		return s.updateNewborn(ctx, tx, c, func(r *Resident) error {
			switch applied.Field {
			case "name":
				r.Name = applied.Value
			case "ethnicity":
				r.Ethnicity = applied.Value
			case "idNumber":
				number, err := ValidateIDNumber("value", applied.Value, s.Cases.Now())
				if err != nil {
					return err
				}
				r.IDNumber = number
			case "birthDate", "sex":
				if applied.Field == "birthDate" {
					r.BirthDate, _ = time.Parse(time.DateOnly, applied.Value)
				} else {
					r.Sex = applied.Value
				}
				number, err := s.nextIDNumber(ctx, tx, r.BirthplaceDivision, r.BirthDate, r.Sex == "1")
				if err != nil {
					return err
				}
				r.IDNumber = number
			}
			return nil
		})
	})
}

// RejectMajorChange drops the pending major-item change (APPROVER).
func (s *BirthService) RejectMajorChange(ctx context.Context, id string, version int, reason string) (*Case, error) {
	actor, err := Authorize(ctx, RoleApprover)
	if err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, "rejectMajorChange", reason, nil, func(c *Case) error {
		s.setCorrections(c, func(bc *birthCorrections) { bc.PendingChange = nil })
		return nil
	}, nil)
}

// updateNewborn loads the newborn settled by c, lets change edit it, and
// saves it and the outcome (ID number and name may change).
func (s *BirthService) updateNewborn(ctx context.Context, tx Repos, c *Case, change func(*Resident) error) error {
	o := DecodeBirthOutcome(c)
	r, err := tx.Register().FindResidentByID(ctx, o.ResidentID)
	if err != nil {
		return err
	}
	if err := change(r); err != nil {
		return err
	}
	r.UpdatedAt = s.Cases.Now()
	if err := tx.Register().UpdateResident(ctx, r); err != nil {
		return err
	}
	s.setCorrections(c, func(bc *birthCorrections) { bc.IDNumber, bc.NewbornName = r.IDNumber, r.Name })
	return tx.Cases().UpdateCase(ctx, c)
}

// ResendForm regenerates the registration form from the corrected register
// entry (next revision) and sends it to the acceptance office (2.2.3, 1.3.3).
func (s *BirthService) ResendForm(ctx context.Context, id string, version int) (*Case, error) {
	actor, err := Authorize(ctx, RoleOfficer)
	if err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, "resendForm", "", nil, func(c *Case) error {
		if _, pending := DecodeBirthCorrections(c); pending != nil {
			return Errorf(CodeInvalidTransition, "a major-item change still waits for an approver").WithReason("birth.change_pending")
		}
		return nil
	}, func(ctx context.Context, tx Repos, c *Case) error {
		var bc birthCorrections
		_ = json.Unmarshal(c.Result, &bc)
		r, err := tx.Register().FindResidentByID(ctx, bc.ResidentID)
		if err != nil {
			return err
		}
		h, err := tx.Register().FindHouseholdsByIDs(ctx, []string{r.HouseholdID})
		if err != nil || len(h) != 1 {
			return Errorf(CodeInternal, "the newborn's household is missing")
		}
		out := bc.BirthOutcome
		out.FormRevision++
		bc.BirthOutcome, bc.ErrorReport = out, nil
		c.Result, _ = json.Marshal(bc)
		return s.sendForm(ctx, tx, c, actor, r, h[0], &out)
	})
}

// ReturnSigned sends the image of the form the applicant signed to the
// registration office (1.3.4); it is kept among the case's documents.
func (s *BirthService) ReturnSigned(ctx context.Context, id string, version int, name, contentType string, content io.Reader) (*Case, error) {
	actor, err := Authorize(ctx, RoleClerk)
	if err != nil {
		return nil, err
	}
	if contentType != "image/jpeg" && contentType != "image/png" && contentType != "application/pdf" {
		return nil, FieldErrorf("file", "the signed form must be a JPEG, PNG or PDF image (got %s)", contentType).WithReason("birth.signed_type")
	}
	img, err := io.ReadAll(io.LimitReader(content, 20<<20+1))
	if err != nil {
		return nil, err
	}
	if len(img) == 0 || len(img) > 20<<20 {
		return nil, FieldErrorf("file", "the signed form image must be between 1 byte and 20 MiB").WithReason("birth.signed_size")
	}
	sum := sha256.Sum256(img)
	return s.act(ctx, actor, id, version, "returnSigned", "", nil, nil, func(ctx context.Context, tx Repos, c *Case) error {
		if err := s.Documents.KeepDocument(ctx, tx, c.ID, DocumentSignedForm, name, contentType, img); err != nil {
			return err
		}
		_, err := s.Collab.Send(ctx, tx, Outgoing{CollabNo: c.CollabNo, CaseKind: string(KindBirth), MessageType: MsgBirthSignedForm,
			SenderOffice: c.AcceptanceOffice, ReceiverOffice: deploymentOffice(c.RegistrationOffice), SenderUser: actor.Username,
			Body:        map[string]string{"name": name, "contentType": contentType, "content": base64.StdEncoding.EncodeToString(img)},
			Attachments: []AttachmentRef{{Name: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(img)), ContentType: contentType}}})
		return err
	})
}

// onSignedForm keeps the signed form at the registration office (1.3.6).
func (s *BirthService) onSignedForm(ctx context.Context, tx Repos, env *Envelope) (string, error) {
	var body struct{ Name, ContentType, Content string }
	if err := json.Unmarshal(env.Body, &body); err != nil || len(env.Attachments) != 1 {
		return "", FieldErrorf("body", "the signed-form message carries no image").WithReason("birth.signed_body")
	}
	img, err := base64.StdEncoding.DecodeString(body.Content)
	sum := sha256.Sum256(img)
	if err != nil || hex.EncodeToString(sum[:]) != env.Attachments[0].SHA256 {
		return "", FieldErrorf("attachments", "the signed form does not match its signed hash").WithReason("birth.signed_hash")
	}
	c, err := tx.Cases().FindCaseByCollabNo(ctx, env.CollabNo, SideRegistration)
	if err != nil {
		return "", err
	}
	if err := s.Documents.KeepDocument(ctx, tx, c.ID, DocumentSignedForm, body.Name, body.ContentType, img); err != nil {
		return "", err
	}
	return c.Office, s.Cases.fire(ctx, tx, c, "signedReceived", systemActor, "", nil, env.MessageID)
}

// File seals and files the signed form, closes the case at the registration
// office with a completion confirmation (2.1.1) and tells the acceptance
// office (1.3.6).
func (s *BirthService) File(ctx context.Context, id string, version int) (*Case, error) {
	actor, err := Authorize(ctx, RoleOfficer)
	if err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, "file", "", nil, nil, func(ctx context.Context, tx Repos, c *Case) error {
		o := DecodeBirthOutcome(c)
		office := c.RegistrationOffice
		if st, err := tx.Offices().FindOfficeByCode(ctx, c.RegistrationOffice); err == nil {
			office = st.Name
		}
		pdf, err := s.Renderer.Render(ctx, &CompletionConfirmation{CaseKind: KindBirth, CollabNo: c.CollabNo, NewbornName: o.NewbornName,
			IDNumber: o.IDNumber, HouseholdNumber: o.HouseholdNumber, Office: office, Date: s.Cases.Now(),
			Seals: []Seal{{Office: office, Name: "户口专用章"}}})
		if err != nil {
			return err
		}
		if err := s.Documents.KeepDocument(ctx, tx, c.ID, DocumentCompletionConfirmation,
			fmt.Sprintf("办结确认-%s.pdf", c.CollabNo), "application/pdf", pdf); err != nil {
			return err
		}
		_, err = s.Collab.Send(ctx, tx, Outgoing{CollabNo: c.CollabNo, CaseKind: string(KindBirth), MessageType: MsgBirthFiled,
			SenderOffice: c.RegistrationOffice, ReceiverOffice: deploymentOffice(c.AcceptanceOffice), SenderUser: actor.Username,
			Body: map[string]string{"status": string(BirthCompleted)}})
		return err
	})
}
