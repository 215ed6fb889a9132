package idcard

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"hukou/domain"
)

// reviewBody is the APPROVED and REJECTED messages: the review and, when
// approved, the issue.
type reviewBody struct {
	Review Review `json:"review"`
	Issue  *Issue `json:"issue,omitempty"`
}

// Approve approves the application at the registration office's county
// bureau and signs the issue (2.1.4): the validity by the applicant's age
// on the application date (ComputeIssue), from today, the issuing authority
// (the county bureau of the registration office, by name). It sends both to
// the acceptance office. Only a county (or city) bureau reviews: the
// declaration's Levels (CodeForbidden, auth.office_level). Errors: the
// engine's.
func (s *Service) Approve(ctx context.Context, ref domain.CaseRef, note string) (*domain.Case, error) {
	note = strings.TrimSpace(note)
	var review Review
	var issue *Issue
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActApprove, Note: note,
		Validate: func() error {
			return text("note", "note", &note, false, 500)
		},
		Prepare: func(ctx context.Context, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			county := countyOf(c.RegistrationOffice)
			now := s.Cases.Now()
			if issue, err = ComputeIssue(d.Ministry.Person.BirthDate, d.Applicant.ApplicationDate, now, s.officeName(ctx, county), county); err != nil {
				return err
			}
			a := domain.ActorFromContext(ctx)
			review = Review{Approved: true, Note: note, By: a.Shown(), Office: a.OfficeCode, At: now.UTC()}
			return nil
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			return updateResult(c, func(o *Outcome) error { o.Review, o.Issue = &review, issue; return nil })
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgApproved, Body: reviewBody{Review: review, Issue: issue}})
			return err
		}})
}

// Reject rejects the application at the county bureau with its reason
// (2.1.4), which the acceptance office receives as quality feedback.
// Errors: CodeInvalid (id_card.reason_required), CodeForbidden, the
// engine's.
func (s *Service) Reject(ctx context.Context, ref domain.CaseRef, reason, note string) (*domain.Case, error) {
	var review Review
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActReject, Note: reason,
		Validate: func() error {
			var err error
			if reason, err = reasonRequired(reason); err != nil {
				return err
			}
			return text("note", "note", &note, false, 500)
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			a := domain.ActorFromContext(ctx)
			review = Review{Approved: false, Reason: reason, Note: note, By: a.Shown(), Office: a.OfficeCode, At: s.Cases.Now().UTC()}
			return updateResult(c, func(o *Outcome) error { o.Review = &review; return nil })
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgRejected, Body: reviewBody{Review: review}})
			return err
		}})
}

// countyOf is the county bureau of an office: its division and zeros.
func countyOf(office string) string {
	if len(office) < 6 {
		return office
	}
	return office[:6] + "000000"
}

// officeName names an office of this deployment, or keeps its code.
func (s *Service) officeName(ctx context.Context, code string) string {
	if o, err := s.Cases.DB.Offices().FindOfficeByCode(ctx, code); err == nil {
		return o.Name
	}
	return code
}

// onApproved keeps the review and the issue on the acceptance office's
// copy; an issue that contradicts the validity rule is refused.
func (s *Service) onApproved(_ context.Context, _ domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body reviewBody
	if err := json.Unmarshal(env.Body, &body); err != nil || !body.Review.Approved {
		return nil, domain.FieldErrorf("body", "the approval is malformed").WithReason("id_card.approval_body")
	}
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	if err := checkIssue(body.Issue, d.Ministry.Person.BirthDate, d.Applicant.ApplicationDate); err != nil {
		return nil, err
	}
	return body.Issue, updateResult(c, func(o *Outcome) error { o.Review, o.Issue = &body.Review, body.Issue; return nil })
}

// onRejected keeps the rejection at the acceptance office as quality
// feedback of class REVIEW (2.1.4), to be viewed and saved.
func (s *Service) onRejected(_ context.Context, _ domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body reviewBody
	if err := json.Unmarshal(env.Body, &body); err != nil || body.Review.Approved || strings.TrimSpace(body.Review.Reason) == "" {
		return nil, domain.FieldErrorf("body", "the rejection carries no reason").WithReason("id_card.rejection_body")
	}
	var fb Feedback
	err := updateResult(c, func(o *Outcome) error {
		o.Review = &body.Review
		fb = Feedback{Seq: len(o.Feedback) + 1, Source: SourceReview, Class: ClassReview, Description: body.Review.Reason, ReceivedAt: s.Cases.Now().UTC()}
		o.Feedback = append(o.Feedback, fb)
		return nil
	})
	return fb, err
}

// feedbackBody is the forwarded QUALITY_FEEDBACK and REVIEW_FEEDBACK.
type feedbackBody struct {
	Feedback Feedback `json:"feedback"`
}

// saveFeedback marks c's newest feedback saved by the caller with note and
// returns it.
func (s *Service) saveFeedback(ctx context.Context, c *domain.Case, note string) (Feedback, error) {
	var fb Feedback
	err := updateResult(c, func(o *Outcome) error {
		last := o.lastFeedback()
		if last == nil || last.SavedAt != nil {
			return domain.Errorf(domain.CodeInvalidTransition, "there is no unsaved feedback").WithReason("case.out_of_order")
		}
		at := s.Cases.Now().UTC()
		last.SavedAt, last.SavedBy, last.Note = &at, domain.ActorFromContext(ctx).Shown(), note
		fb = *last
		return nil
	})
	return fb, err
}

// SaveReviewFeedback saves the rejection the clerk viewed as quality
// feedback (1.1.12) and closes the acceptance office's copy; the feedback
// goes to the registration office on the forwarding schedule, where it
// closes that copy (1.3.9).
func (s *Service) SaveReviewFeedback(ctx context.Context, ref domain.CaseRef, note string) (*domain.Case, error) {
	var fb Feedback
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActSaveReviewFeedback, Note: note,
		Validate: func() error { return text("note", "note", &note, false, 500) },
		Change: func(ctx context.Context, _ domain.Repos, c *domain.Case) error {
			var err error
			fb, err = s.saveFeedback(ctx, c, note)
			return err
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			_, err := s.Cases.Forward(ctx, tx, c, domain.Message{Type: MsgReviewFeedback, Body: feedbackBody{Feedback: fb}}, s.Config.ForwardDue)
			return err
		}})
}

// receivedFeedback checks a forwarded feedback and keeps it on R's copy.
func receivedFeedback(c *domain.Case, env *domain.Envelope, source string) (any, error) {
	var body feedbackBody
	if err := json.Unmarshal(env.Body, &body); err != nil || body.Feedback.Source != source || strings.TrimSpace(body.Feedback.Description) == "" || body.Feedback.SavedAt == nil {
		return nil, domain.FieldErrorf("body", "the forwarded feedback is malformed").WithReason("id_card.feedback_body")
	}
	fb := body.Feedback
	return fb, updateResult(c, func(o *Outcome) error {
		fb.Seq = len(o.Feedback) + 1
		o.Feedback = append(o.Feedback, fb)
		return nil
	})
}

// onReviewFeedback keeps the acceptance office's saved rejection feedback
// at the registration office, whose copy closes (1.3.9).
func (s *Service) onReviewFeedback(_ context.Context, _ domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	return receivedFeedback(c, env, SourceReview)
}

// now is the service's clock in UTC.
func (s *Service) now() time.Time { return s.Cases.Now().UTC() }
