package birth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"hukou/domain"
)

// Print records that the acceptance office printed the received form for
// the applicant to check and sign (1.3.2); the form is among the case's documents.
func (s *Service) Print(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActPrint})
}

// errorReport is the ERROR_REPORT message body.
type errorReport struct {
	Items []ErrorItem `json:"items"`
}

// ReportErrors sends the errors the applicant found on the form, with the
// corrections wanted, to the registration office (1.3.2).
func (s *Service) ReportErrors(ctx context.Context, ref domain.CaseRef, items []ErrorItem) (*domain.Case, error) {
	body := errorReport{Items: items}
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActReportErrors, Data: body,
		Validate: func() error { return validateErrorItems(items) },
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgErrorReport, Body: body})
			return err
		}})
}

// onErrorReport records the reported errors on the registration office's
// copy (1.3.3).
func onErrorReport(_ context.Context, _ domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body errorReport
	if err := decodeBody(env, &body); err != nil {
		return nil, err
	}
	if err := validateErrorItems(body.Items); err != nil {
		return nil, domain.FieldErrorf("body", "the error report is not valid: %v", err).WithReason("birth.error_report_body")
	}
	return body, updateResult(c, func(r *result) { r.ErrorReport = body.Items })
}

// CorrectMinor applies minor-item corrections (former names, relation,
// birthplace) to the newborn's register entry directly (1.3.3).
func (s *Service) CorrectMinor(ctx context.Context, ref domain.CaseRef, changes map[string]string) (*domain.Case, error) {
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActCorrectMinor, Data: map[string]any{"changes": changes},
		Validate: func() error { return validateMinor(changes) },
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			return s.updateNewborn(ctx, tx, c, func(r *domain.Resident) error {
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
		}})
}

// RequestMajorChange asks an approver to change a major item (2.2.2).
func (s *Service) RequestMajorChange(ctx context.Context, ref domain.CaseRef, ch MajorChange) (*domain.Case, error) {
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActRequestMajorChange, Note: ch.Reason, Data: &ch,
		Validate: func() error { return validateMajor(ch, s.Cases.Now()) },
		Change: func(ctx context.Context, _ domain.Repos, c *domain.Case) error {
			ch.RequestedBy = domain.ActorFromContext(ctx).Shown()
			return updateResult(c, func(r *result) { r.PendingChange = &ch })
		}})
}

// ApproveMajorChange applies the pending major-item change to the newborn's
// register entry (APPROVER, 2.2.2). A new birth date or sex gets a new ID
// number to match; a new ID number must be free.
func (s *Service) ApproveMajorChange(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	var applied *MajorChange
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActApproveMajorChange,
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			bd, err := decode(c)
			if err != nil {
				return err
			}
			if applied = bd.Result.PendingChange; applied == nil {
				return domain.Errorf(domain.CodeInvalidTransition, "no major-item change is pending").WithReason("birth.no_change_pending")
			}
			return updateResult(c, func(r *result) { r.PendingChange = nil })
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			return s.updateNewborn(ctx, tx, c, func(r *domain.Resident) error { return s.applyMajor(ctx, tx, r, applied) })
		}})
}

// applyMajor changes r as the approved change ch says.
func (s *Service) applyMajor(ctx context.Context, tx domain.Repos, r *domain.Resident, ch *MajorChange) error {
	switch ch.Field {
	case "name":
		r.Name = ch.Value
	case "ethnicity":
		r.Ethnicity = ch.Value
	case "idNumber":
		number, err := domain.ValidateIDNumber("value", ch.Value, s.Cases.Now())
		if err != nil {
			return err
		}
		r.IDNumber = number
	case "birthDate", "sex":
		if ch.Field == "birthDate" {
			d, err := time.Parse(time.DateOnly, ch.Value)
			if err != nil {
				return domain.FieldErrorf("value", "give a past date as YYYY-MM-DD").WithReason("birth.birth_date")
			}
			r.BirthDate = d
		} else {
			r.Sex = ch.Value
		}
		number, err := nextIDNumber(ctx, tx, r.BirthplaceDivision, r.BirthDate, r.Sex == "1")
		if err != nil {
			return err
		}
		r.IDNumber = number
	}
	return nil
}

// RejectMajorChange drops the pending major-item change (APPROVER).
func (s *Service) RejectMajorChange(ctx context.Context, ref domain.CaseRef, reason string) (*domain.Case, error) {
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActRejectMajorChange, Note: reason,
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			return updateResult(c, func(r *result) { r.PendingChange = nil })
		}})
}

// updateNewborn loads the newborn settled by c, lets change edit it, and
// saves it and the outcome (ID number and name may change).
func (s *Service) updateNewborn(ctx context.Context, tx domain.Repos, c *domain.Case, change func(*domain.Resident) error) error {
	bd, err := decode(c)
	if err != nil {
		return err
	}
	r, err := tx.Register().FindResidentByID(ctx, bd.Result.ResidentID)
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
	if err := updateResult(c, func(res *result) { res.IDNumber, res.NewbornName = r.IDNumber, r.Name }); err != nil {
		return err
	}
	return tx.Cases().UpdateCase(ctx, c)
}

// ResendForm regenerates the registration form from the corrected register
// entry (next revision) and sends it to the acceptance office (2.2.3, 1.3.3).
func (s *Service) ResendForm(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActResendForm,
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			bd, err := decode(c)
			if err != nil {
				return err
			}
			if bd.Result.PendingChange != nil {
				return domain.Errorf(domain.CodeInvalidTransition, "a major-item change still waits for an approver").WithReason("birth.change_pending")
			}
			r, err := tx.Register().FindResidentByID(ctx, bd.Result.ResidentID)
			if err != nil {
				return err
			}
			h, err := tx.Register().FindHouseholdsByIDs(ctx, []string{r.HouseholdID})
			if err != nil {
				return err
			} else if len(h) != 1 {
				return domain.Errorf(domain.CodeInternal, "the newborn's household %s is missing", r.HouseholdID)
			}
			res := bd.Result
			res.FormRevision++
			res.ErrorReport = nil
			return s.sendForm(ctx, tx, c, res, r, h[0])
		}})
}

// signedForm is the SIGNED_FORM message body.
type signedForm struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Content     string `json:"content"` // base64
}

// maxSignedForm is the largest signed-form image accepted (bytes).
const maxSignedForm = 20 << 20

// ReturnSigned sends the image of the form the applicant signed to the
// registration office (1.3.4); it is kept among the case's documents,
// stored before the transaction that records it.
func (s *Service) ReturnSigned(ctx context.Context, ref domain.CaseRef, name, contentType string, content io.Reader) (*domain.Case, error) {
	var img []byte
	var blob domain.BlobRef
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActReturnSigned,
		Validate: func() error {
			if contentType != "image/jpeg" && contentType != "image/png" && contentType != "application/pdf" {
				return domain.FieldErrorf("file", "the signed form must be a JPEG, PNG or PDF image (got %s)", contentType).WithReason("birth.signed_type")
			}
			var err error
			if img, err = io.ReadAll(io.LimitReader(content, maxSignedForm+1)); err != nil {
				return fmt.Errorf("read the signed form: %w", err)
			}
			if len(img) == 0 || len(img) > maxSignedForm {
				return domain.FieldErrorf("file", "the signed form image must be between 1 byte and 20 MiB").WithReason("birth.signed_size")
			}
			return nil
		},
		Prepare: func(ctx context.Context, _ *domain.Case) error {
			var err error
			blob, err = s.Documents.StoreDocument(ctx, contentType, img)
			return err
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			if err := s.Documents.RecordDocument(ctx, tx, c.ID, DocumentSignedForm, name, blob); err != nil {
				return err
			}
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgSignedForm,
				Body:        signedForm{Name: name, ContentType: contentType, Content: base64.StdEncoding.EncodeToString(img)},
				Attachments: []domain.AttachmentRef{domain.AttachmentFor(name, contentType, img)}})
			return err
		}})
}

// onSignedForm keeps the signed form at the registration office (1.3.6).
func (s *Service) onSignedForm(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body signedForm
	if err := decodeBody(env, &body); err != nil {
		return nil, err
	}
	img, err := base64.StdEncoding.DecodeString(body.Content)
	if err != nil || len(env.Attachments) != 1 || domain.AttachmentFor("", "", img).SHA256 != env.Attachments[0].SHA256 {
		return nil, domain.FieldErrorf("attachments", "the signed form does not match its signed hash").WithReason("birth.signed_hash")
	}
	return nil, s.Documents.KeepDocument(ctx, tx, c.ID, DocumentSignedForm, body.Name, body.ContentType, img)
}

// File seals and files the signed form, closes the case at the registration
// office with a completion confirmation (rendered and stored before the
// transaction) and tells the acceptance office (1.3.6).
func (s *Service) File(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	var confirmation domain.BlobRef
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActFile,
		Prepare: func(ctx context.Context, c *domain.Case) error {
			bd, err := decode(c)
			if err != nil {
				return err
			}
			o := bd.Result.Outcome
			office := s.officeName(ctx, c.RegistrationOffice)
			pdf, err := s.Renderer.Render(ctx, &domain.CompletionConfirmation{Business: Title, CollabNo: c.CollabNo, NewbornName: o.NewbornName,
				IDNumber: o.IDNumber, HouseholdNumber: o.HouseholdNumber, Office: office, Date: s.Cases.Now(),
				Seals: []domain.Seal{{Office: office, Name: "户口专用章"}}})
			if err != nil {
				return fmt.Errorf("render the completion confirmation: %w", err)
			}
			confirmation, err = s.Documents.StoreDocument(ctx, "application/pdf", pdf)
			return err
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			if err := s.Documents.RecordDocument(ctx, tx, c.ID, DocumentCompletionConfirmation,
				fmt.Sprintf("办结确认-%s.pdf", c.CollabNo), confirmation); err != nil {
				return err
			}
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgFiled,
				Body: map[string]string{"status": string(domain.StatusCompleted)}})
			return err
		}})
}

// decodeBody decodes env's body into v; a malformed body makes the message
// a dead letter with reason birth.message_body.
func decodeBody(env *domain.Envelope, v any) error {
	if err := json.Unmarshal(env.Body, v); err != nil {
		return domain.FieldErrorf("body", "the %s message is malformed: %v", env.MessageType, err).WithReason("birth.message_body")
	}
	return nil
}
