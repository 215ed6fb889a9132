package birth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"hukou/domain"
)

// Approve records the registration office's approval (2.1.1) and tells the
// acceptance office, whose copy shows the case approved.
func (s *Service) Approve(ctx context.Context, ref domain.CaseRef, note string) (*domain.Case, error) {
	d := Decision{Approved: true, Note: note}
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActApprove, Note: note, Data: d,
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			return setResult(c, result{Outcome: Outcome{Decision: d}})
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgApproved, Body: d})
			return err
		}})
}

// onApproved keeps the approval on the acceptance office's copy.
func onApproved(_ context.Context, _ domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var d Decision
	if err := decodeBody(env, &d); err != nil {
		return nil, err
	}
	if !d.Approved {
		return nil, domain.FieldErrorf("body", "the approval message does not approve").WithReason("birth.approval_body")
	}
	return d, setResult(c, result{Outcome: Outcome{Decision: d}})
}

// pdfBody is a document that travels inline in a message (base64), pinned
// by the envelope's attachment hash.
type pdfBody struct {
	Name string `json:"name"`
	PDF  string `json:"pdf"`
}

// attach returns the inline form of pdf and its attachment reference.
func attach(name string, pdf []byte) (*pdfBody, []domain.AttachmentRef) {
	return &pdfBody{Name: name, PDF: base64.StdEncoding.EncodeToString(pdf)},
		[]domain.AttachmentRef{domain.AttachmentFor(name, "application/pdf", pdf)}
}

// keepAttached keeps the document a message carries as the next revision
// of kind on c, after checking it against the hash the sender signed.
func (s *Service) keepAttached(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope, kind string, doc *pdfBody) error {
	pdf, err := base64.StdEncoding.DecodeString(doc.PDF)
	if err != nil || len(env.Attachments) != 1 || domain.AttachmentFor("", "", pdf).SHA256 != env.Attachments[0].SHA256 {
		return domain.FieldErrorf("attachments", "the %s does not match its signed hash", strings.ToLower(kind)).WithReason("birth.document_hash")
	}
	return s.Documents.KeepDocument(ctx, tx, c.ID, kind, doc.Name, "application/pdf", pdf)
}

// refusedBody is the REFUSED message: the decision with its reasons and the
// sealed refusal notice.
type refusedBody struct {
	Decision
	Notice *pdfBody `json:"notice,omitempty"`
}

// Case jobs of birth cases (domain.CaseJobArgs.Job): documents a step could
// not render (the server's fonts were missing) and the Ministry's usage
// record of a settled birth.
const (
	jobRefusalNotice = "REFUSAL_NOTICE"
	jobForm          = "REGISTRATION_FORM"
	jobCompletion    = "COMPLETION_CONFIRMATION"
	jobUsage         = "CERTIFICATE_USAGE"
	jobHukouBook     = "HUKOU_BOOK_LICENCE"
)

// renderLater reports whether a document could not be rendered because this
// server cannot render now (documents.font_missing): the step goes on
// without it, and a case job renders and sends it once the server can.
func renderLater(err error) bool { return domain.ErrorCode(err) == domain.CodeUnavailable }

// Refuse records the registration office's refusal with its reasons (each
// required), keeps the sealed refusal notice (rendered and stored before
// the transaction) and sends both to the acceptance office (2.1.1, 1.3.5).
// When the notice cannot be rendered now, the refusal is recorded all the
// same and the notice follows with the message when it can (RunJob).
func (s *Service) Refuse(ctx context.Context, ref domain.CaseRef, reasons []string) (*domain.Case, error) {
	clean := cleanReasons(reasons)
	d := Decision{Approved: false, Reasons: clean}
	var notice *domain.BlobRef
	var pdf []byte
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActRefuse, Note: strings.Join(clean, "; "), Data: d,
		Validate: func() error {
			if len(clean) == 0 {
				return domain.FieldErrorf("reasons", "give at least one reason for the refusal").WithReason("birth.reasons_required")
			}
			return nil
		},
		Prepare: func(ctx context.Context, c *domain.Case) error {
			var err error
			if pdf, err = s.renderRefusal(ctx, c, d); renderLater(err) {
				return nil
			} else if err != nil {
				return err
			}
			ref, err := s.Documents.StoreDocument(ctx, "application/pdf", pdf)
			notice = &ref
			return err
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			r := result{Outcome: Outcome{Decision: d}}
			if notice == nil {
				r.later(jobRefusalNotice)
			}
			return setResult(c, r)
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			if notice == nil {
				return s.Cases.EnqueueJob(ctx, tx, c, jobRefusalNotice)
			}
			return s.sendRefusal(ctx, tx, c, d, pdf, notice)
		}})
}

func refusalName(c *domain.Case) string { return "不予办理通知书-" + c.CollabNo + ".pdf" }

// renderRefusal renders the sealed refusal notice of c.
func (s *Service) renderRefusal(ctx context.Context, c *domain.Case, d Decision) ([]byte, error) {
	bd, err := decode(c)
	if err != nil {
		return nil, err
	}
	office := s.officeName(ctx, c.RegistrationOffice)
	pdf, err := s.Renderer.Render(ctx, &domain.RefusalNotice{Business: Title, SubjectRole: "新生儿", CollabNo: c.CollabNo,
		ApplicantName: bd.Applicant.DeclarantName, SubjectName: bd.Applicant.NewbornName, Reasons: d.Reasons, Office: office,
		Date: s.Cases.Now(), Seals: []domain.Seal{{Office: office, Name: "户口专用章", OfficeCode: c.RegistrationOffice}}})
	if err != nil {
		return nil, fmt.Errorf("render the refusal notice: %w", err)
	}
	return pdf, nil
}

// sendRefusal records the notice (stored already when stored is not nil)
// on c and sends the refusal with it to the acceptance office, on tx.
func (s *Service) sendRefusal(ctx context.Context, tx domain.Repos, c *domain.Case, d Decision, pdf []byte, stored *domain.BlobRef) error {
	var err error
	if stored != nil {
		err = s.Documents.RecordDocument(ctx, tx, c.ID, DocumentRefusalNotice, refusalName(c), *stored)
	} else {
		err = s.Documents.KeepDocument(ctx, tx, c.ID, DocumentRefusalNotice, refusalName(c), "application/pdf", pdf)
	}
	if err != nil {
		return err
	}
	doc, atts := attach(refusalName(c), pdf)
	_, err = s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgRefused, Body: refusedBody{Decision: d, Notice: doc}, Attachments: atts})
	return err
}

// onRefused keeps the refusal's reasons and its notice on the acceptance
// office's copy.
func (s *Service) onRefused(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body refusedBody
	if err := json.Unmarshal(env.Body, &body); err != nil || body.Approved || len(body.Reasons) == 0 {
		return nil, domain.FieldErrorf("body", "the refusal carries no reasons").WithReason("birth.refusal_body")
	}
	if body.Notice != nil {
		if err := s.keepAttached(ctx, tx, c, env, DocumentRefusalNotice, body.Notice); err != nil {
			return nil, err
		}
	}
	return body.Decision, setResult(c, result{Outcome: Outcome{Decision: body.Decision}})
}

// CloseRefused closes a refused case at the acceptance office (1.3.5) and
// tells the registration office, whose refused copy closes too.
func (s *Service) CloseRefused(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActCloseRefused,
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgClosed,
				Body: map[string]string{"status": string(domain.StatusClosed)}})
			return err
		}})
}

// officeName names an office of this deployment, or keeps its code.
func (s *Service) officeName(ctx context.Context, code string) string {
	if o, err := s.Cases.DB.Offices().FindOfficeByCode(ctx, code); err == nil {
		return o.Name
	}
	return code
}
