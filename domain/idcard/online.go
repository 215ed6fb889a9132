package idcard

import (
	"context"
	"time"

	"hukou/domain"
)

// OnlineResult is what a portal reads of an online ID card application
// (3.1.4 with the ID card kind): the county bureau's decision, the issued
// card's validity and authority, whether the card was produced and when
// it was collected. The card itself is handed over at the counter.
type OnlineResult struct {
	Approved    *bool      `json:"approved,omitempty"`
	Reasons     []string   `json:"reasons,omitempty"`
	ValidFrom   string     `json:"validFrom,omitempty"`
	ValidUntil  string     `json:"validUntil,omitempty"`
	LongTerm    bool       `json:"longTerm,omitempty"`
	Authority   string     `json:"authority,omitempty"`
	Produced    bool       `json:"produced,omitempty"`
	CollectedAt *time.Time `json:"collectedAt,omitempty"`
}

// Online implements domain.OnlineModule for ID cards: the portal submits
// the applicant's data (first card, renewal or replacement, reason,
// contact and pick-up) checked by the rules that need no look-up; the
// clerk completes it when the person comes in for the photo and the
// fingerprints, which the counter's intake (start) takes as its Captures,
// with all its look-ups (eligibility 7.1.5, history 7.1.3).
func (s *Service) Online() domain.OnlineIntake {
	return domain.OnlineKind[Applicant, OnlineResult]{
		What: "ID card", Prefix: "data.applicant.",
		Check: func(a *Applicant) error {
			// What the counter captures is never the portal's to say.
			a.Photo, a.Fingerprints, a.ApplicationDate = nil, nil, ""
			return a.normalise(s.Cases.Now())
		},
		Start: func(ctx context.Context, _ *domain.OnlineApplication, a Applicant, counter any, link func(ctx context.Context, tx domain.Repos, c *domain.Case) error) (*domain.Case, error) {
			caps, ok := counter.(Captures)
			if !ok {
				return nil, domain.FieldErrorf("photo", "an ID card application is completed at the counter with the photo and the two fingers (acceptOnlineIdCardApplication)").
					WithReason("id_card.photo_required")
			}
			return s.start(ctx, a, caps, link)
		},
		Result: s.onlineResult,
		Fill: func(r *OnlineResult) {
			if r.Reasons == nil {
				r.Reasons = []string{}
			}
		},
	}
}

func (s *Service) onlineResult(c *domain.Case) (*OnlineResult, error) {
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	o := d.Result
	var out OnlineResult
	if o.Review != nil {
		approved := o.Review.Approved
		out.Approved = &approved
		if !approved && o.Review.Reason != "" {
			out.Reasons = []string{o.Review.Reason}
		}
	}
	if o.Issue != nil {
		out.ValidFrom, out.ValidUntil, out.LongTerm, out.Authority = o.Issue.ValidFrom, o.Issue.ValidUntil, o.Issue.LongTerm, o.Issue.Authority
	}
	out.Produced = o.Production != nil
	if o.Collection != nil {
		t := o.Collection.CollectedAt
		out.CollectedAt = &t
	}
	if out.Approved == nil && !out.Produced && out.CollectedAt == nil {
		return nil, nil
	}
	return &out, nil
}

var _ domain.OnlineModule = (*Service)(nil)
