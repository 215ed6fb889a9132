package birth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
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
// birthplace) to the newborn's register entry directly (1.3.3): only items
// the applicant reported, each under the rules of the settlement (a
// relation fits the newborn and its household, a birthplace stays in the
// certificate's province). The next form lists each change.
func (s *Service) CorrectMinor(ctx context.Context, ref domain.CaseRef, changes map[string]string) (*domain.Case, error) {
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActCorrectMinor, Data: map[string]any{"changes": changes},
		Validate: func() error { return validateMinor(changes) },
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			bd, err := decode(c)
			if err != nil {
				return err
			}
			return reportedOnly(changes, bd.Result.ErrorReport)
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			bd, err := decode(c)
			if err != nil {
				return err
			}
			cert := bd.Ministry.Certificate
			return s.updateNewborn(ctx, tx, c, func(r *domain.Resident) ([]domain.FormCorrection, error) {
				var done []domain.FormCorrection
				for _, field := range sortedKeys(changes) {
					v := changes[field]
					var old string
					switch field {
					case "formerNames":
						old, r.FormerNames = r.FormerNames, v
					case "relation":
						members, err := tx.Register().FindResidentsByHouseholdIDs(ctx, []string{r.HouseholdID})
						if err != nil {
							return nil, err
						}
						if err := joinHousehold("changes", v, r.Sex, members, cert, r.IDNumber); err != nil {
							return nil, err
						}
						old, r.Relation = r.Relation, v
					case "birthplaceDivision":
						if err := birthplaceCorrection("changes", v, cert); err != nil {
							return nil, err
						}
						old, r.BirthplaceDivision = r.BirthplaceDivision, v
					}
					if old != v {
						done = append(done, domain.FormCorrection{Item: field, From: old, To: v})
					}
				}
				return done, nil
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
			return s.updateNewborn(ctx, tx, c, func(r *domain.Resident) ([]domain.FormCorrection, error) {
				before := *r
				if err := s.applyMajor(ctx, tx, r, applied); err != nil {
					return nil, err
				}
				return corrections(&before, r), nil
			})
		}})
}

// corrections lists the form items that differ between before and after.
func corrections(before, after *domain.Resident) []domain.FormCorrection {
	var out []domain.FormCorrection
	for _, it := range []struct{ item, from, to string }{
		{"name", before.Name, after.Name},
		{"sex", before.Sex, after.Sex},
		{"ethnicity", before.Ethnicity, after.Ethnicity},
		{"birthDate", before.BirthDate.Format(time.DateOnly), after.BirthDate.Format(time.DateOnly)},
		{"idNumber", before.IDNumber, after.IDNumber},
	} {
		if it.from != it.to {
			out = append(out, domain.FormCorrection{Item: it.item, From: it.from, To: it.to})
		}
	}
	return out
}

// applyMajor changes r as the approved change ch says. A new birth date or
// sex keeps the ID number's address code (the residence's county).
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
		division := r.BirthplaceDivision
		if len(r.IDNumber) == 18 {
			division = r.IDNumber[:6]
		}
		number, err := nextIDNumber(ctx, tx, division, r.BirthDate, r.Sex == "1")
		if err != nil {
			return err
		}
		r.IDNumber = number
	}
	return nil
}

// RejectMajorChange drops the pending major-item change (APPROVER), for
// the reason given (required: CodeInvalid naming "reason").
func (s *Service) RejectMajorChange(ctx context.Context, ref domain.CaseRef, reason string) (*domain.Case, error) {
	reason = strings.TrimSpace(reason)
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActRejectMajorChange, Note: reason,
		Validate: func() error { return reasonRequired("reason", reason) },
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			return updateResult(c, func(r *result) { r.PendingChange = nil })
		}})
}

// updateNewborn loads the newborn settled by c, lets change edit it, and
// saves it and the outcome (ID number and name may change), with the
// changes the next form lists.
func (s *Service) updateNewborn(ctx context.Context, tx domain.Repos, c *domain.Case, change func(*domain.Resident) ([]domain.FormCorrection, error)) error {
	bd, err := decode(c)
	if err != nil {
		return err
	}
	r, err := tx.Register().FindResidentByID(ctx, bd.Result.ResidentID)
	if err != nil {
		return err
	}
	done, err := change(r)
	if err != nil {
		return err
	}
	r.UpdatedAt = s.Cases.Now()
	if err := tx.Register().UpdateResident(ctx, r); err != nil {
		return err
	}
	err = updateResult(c, func(res *result) {
		res.IDNumber, res.NewbornName = r.IDNumber, r.Name
		res.Corrections = append(res.Corrections, done...)
	})
	if err != nil {
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
			res := bd.Result
			res.FormRevision++
			res.ErrorReport = nil
			return s.formLater(ctx, tx, c, res)
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
			// The bytes decide the type and the name's extension, not the client.
			name, contentType, err = s.Documents.CheckDocument(name, contentType, img)
			return err
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

// filedBody is the FILED message: the case is completed at the
// registration office, and the sealed completion confirmation travels with
// it.
type filedBody struct {
	Status       string   `json:"status"`
	Confirmation *pdfBody `json:"confirmation,omitempty"`
}

// File seals and files the signed form, closes the case at the registration
// office with a completion confirmation (rendered and stored before the
// transaction) and sends it to the acceptance office (1.3.6, 2.1.1). When
// the confirmation cannot be rendered now, the filing is recorded and the
// message follows with the confirmation when it can (RunJob).
func (s *Service) File(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	var confirmation *domain.BlobRef
	var pdf []byte
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActFile,
		Prepare: func(ctx context.Context, c *domain.Case) error {
			var err error
			if pdf, err = s.renderCompletion(ctx, c); renderLater(err) {
				return nil
			} else if err != nil {
				return err
			}
			ref, err := s.Documents.StoreDocument(ctx, "application/pdf", pdf)
			confirmation = &ref
			return err
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			if confirmation != nil {
				return nil
			}
			return updateResult(c, func(r *result) { r.later(jobCompletion) })
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			if confirmation == nil {
				return s.Cases.EnqueueJob(ctx, tx, c, jobCompletion)
			}
			return s.sendFiled(ctx, tx, c, pdf, confirmation)
		}})
}

func completionName(c *domain.Case) string { return fmt.Sprintf("办结确认-%s.pdf", c.CollabNo) }

// renderCompletion renders the sealed completion confirmation of c.
func (s *Service) renderCompletion(ctx context.Context, c *domain.Case) ([]byte, error) {
	bd, err := decode(c)
	if err != nil {
		return nil, err
	}
	o := bd.Result.Outcome
	office := s.officeName(ctx, c.RegistrationOffice)
	pdf, err := s.Renderer.Render(ctx, &domain.CompletionConfirmation{Business: Title, CollabNo: c.CollabNo, NewbornName: o.NewbornName,
		IDNumber: o.IDNumber, HouseholdNumber: o.HouseholdNumber, Office: office, Date: s.Cases.Now(),
		Seals: []domain.Seal{{Office: office, Name: "户口专用章", OfficeCode: c.RegistrationOffice}}})
	if err != nil {
		return nil, fmt.Errorf("render the completion confirmation: %w", err)
	}
	return pdf, nil
}

// sendFiled records the confirmation (stored already when stored is not
// nil) on c and tells the acceptance office, with the confirmation, on tx.
func (s *Service) sendFiled(ctx context.Context, tx domain.Repos, c *domain.Case, pdf []byte, stored *domain.BlobRef) error {
	var err error
	if stored != nil {
		err = s.Documents.RecordDocument(ctx, tx, c.ID, DocumentCompletionConfirmation, completionName(c), *stored)
	} else {
		err = s.Documents.KeepDocument(ctx, tx, c.ID, DocumentCompletionConfirmation, completionName(c), "application/pdf", pdf)
	}
	if err != nil {
		return err
	}
	doc, atts := attach(completionName(c), pdf)
	_, err = s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgFiled, Attachments: atts,
		Body: filedBody{Status: string(domain.StatusCompleted), Confirmation: doc}})
	return err
}

// onFiled keeps the completion confirmation at the acceptance office.
func (s *Service) onFiled(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body filedBody
	if err := decodeBody(env, &body); err != nil {
		return nil, err
	}
	if body.Confirmation != nil {
		if err := s.keepAttached(ctx, tx, c, env, DocumentCompletionConfirmation, body.Confirmation); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// RunJob implements domain.JobRunner: it has the Ministry record a settled
// birth's certificate as used, and renders and sends the documents a step
// could not render. Each job is idempotent: a document is sent once (the
// pending mark is cleared in the transaction that sends it), and the
// Ministry ignores a usage it already holds.
func (s *Service) RunJob(ctx context.Context, c *domain.Case, job string) error {
	bd, err := decode(c)
	if err != nil {
		return err
	}
	switch job {
	case jobUsage:
		o := bd.Result
		at := o.RegisteredOn
		if at.IsZero() {
			at = s.Cases.Now()
		}
		return s.Ministry.RecordBirthCertificateUsage(ctx, bd.Ministry.Certificate.Number, CertificateUsage{
			CertificateNumber: bd.Ministry.Certificate.Number, Used: true, OfficeCode: c.RegistrationOffice,
			UsedAt: at.UTC(), IDNumber: o.IDNumber, Name: o.NewbornName})
	case jobForm:
		return s.sendPendingForm(ctx, c.ID)
	case jobHukouBook:
		if s.Licences == nil {
			return nil
		}
		return s.requestHukouBook(ctx, c.ID)
	case jobRefusalNotice, jobCompletion:
		if !bd.Result.pending(job) {
			return nil
		}
		var pdf []byte
		if job == jobRefusalNotice {
			pdf, err = s.renderRefusal(ctx, c, bd.Result.Decision)
		} else {
			pdf, err = s.renderCompletion(ctx, c)
		}
		if err != nil {
			return err
		}
		return s.Cases.DB.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
			c, bd, err := pendingIn(ctx, tx, c.ID, job)
			if c == nil || err != nil {
				return err
			}
			bd.Result.done(job)
			if err := setResult(c, bd.Result); err != nil {
				return err
			}
			if err := tx.Cases().UpdateCase(ctx, c); err != nil {
				return err
			}
			if job == jobRefusalNotice {
				return s.sendRefusal(ctx, tx, c, bd.Result.Decision, pdf, nil)
			}
			return s.sendFiled(ctx, tx, c, pdf, nil)
		})
	}
	return domain.Errorf(domain.CodeInternal, "birth cases have no job %q", job)
}

// pendingIn loads case id on tx and returns it when job is still pending
// on it (nil when it was done meanwhile).
func pendingIn(ctx context.Context, tx domain.Repos, id, job string) (*domain.Case, *data, error) {
	c, err := tx.Cases().FindCaseByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	bd, err := decode(c)
	if err != nil || !bd.Result.pending(job) {
		return nil, nil, err
	}
	return c, bd, nil
}

// decodeBody decodes env's body into v; a malformed body makes the message
// a dead letter with reason birth.message_body.
func decodeBody(env *domain.Envelope, v any) error {
	if err := json.Unmarshal(env.Body, v); err != nil {
		return domain.FieldErrorf("body", "the %s message is malformed: %v", env.MessageType, err).WithReason("birth.message_body")
	}
	return nil
}
