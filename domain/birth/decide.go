package birth

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"hukou/domain"
)

// Approve records the registration office's approval (2.1.1).
func (s *Service) Approve(ctx context.Context, ref domain.CaseRef, note string) (*domain.Case, error) {
	d := Decision{Approved: true, Note: note}
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActApprove, Note: note, Data: d,
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			return setResult(c, result{Outcome: Outcome{Decision: d}})
		}})
}

// Refuse records the registration office's refusal with its reasons, keeps
// the sealed refusal notice (rendered and stored before the transaction)
// and sends the refusal to the acceptance office (2.1.1, 1.3.5).
func (s *Service) Refuse(ctx context.Context, ref domain.CaseRef, reasons []string) (*domain.Case, error) {
	clean := cleanReasons(reasons)
	d := Decision{Approved: false, Reasons: clean}
	var notice domain.BlobRef
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActRefuse, Note: strings.Join(clean, "; "), Data: d,
		Validate: func() error {
			if len(clean) == 0 {
				return domain.FieldErrorf("reasons", "give at least one reason for the refusal").WithReason("birth.reasons_required")
			}
			return nil
		},
		Prepare: func(ctx context.Context, c *domain.Case) error {
			bd, err := decode(c)
			if err != nil {
				return err
			}
			office := s.officeName(ctx, c.RegistrationOffice)
			pdf, err := s.Renderer.Render(ctx, &domain.RefusalNotice{Business: Title, SubjectRole: "新生儿", CollabNo: c.CollabNo,
				ApplicantName: bd.Applicant.DeclarantName, SubjectName: bd.Applicant.NewbornName, Reasons: clean, Office: office,
				Date: s.Cases.Now(), Seals: []domain.Seal{{Office: office, Name: "户口专用章"}}})
			if err != nil {
				return fmt.Errorf("render the refusal notice: %w", err)
			}
			notice, err = s.Documents.StoreDocument(ctx, "application/pdf", pdf)
			return err
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			return setResult(c, result{Outcome: Outcome{Decision: d}})
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			if err := s.Documents.RecordDocument(ctx, tx, c.ID, DocumentRefusalNotice, "不予办理通知书-"+c.CollabNo+".pdf", notice); err != nil {
				return err
			}
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgRefused, Body: d})
			return err
		}})
}

// onRefused keeps the refusal's reasons on the acceptance office's copy.
func onRefused(_ context.Context, _ domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var d Decision
	if err := json.Unmarshal(env.Body, &d); err != nil || d.Approved || len(d.Reasons) == 0 {
		return nil, domain.FieldErrorf("body", "the refusal carries no reasons").WithReason("birth.refusal_body")
	}
	return d, setResult(c, result{Outcome: Outcome{Decision: d}})
}

// CloseRefused closes a refused case at the acceptance office (1.3.5).
func (s *Service) CloseRefused(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActCloseRefused})
}

// officeName names an office of this deployment, or keeps its code.
func (s *Service) officeName(ctx context.Context, code string) string {
	if o, err := s.Cases.DB.Offices().FindOfficeByCode(ctx, code); err == nil {
		return o.Name
	}
	return code
}
