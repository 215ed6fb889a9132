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
// with all its look-ups (eligibility 7.1.5, history 7.1.3). The counter
// (OnlineCounter) may also carry the contact details the clerk confirmed
// with the person, which the case takes over the portal's (#18, Correct).
func (s *Service) Online() domain.OnlineIntake {
	return domain.OnlineKind[Applicant, OnlineResult]{
		What: "ID card", Prefix: "data.applicant.",
		Check: func(a *Applicant) error {
			// What the counter captures is never the portal's to say.
			a.Photo, a.Fingerprints, a.ApplicationDate = nil, nil, ""
			return a.normalise(s.Cases.Now())
		},
		Correct: func(a *Applicant, counter any) ([]domain.OnlineCorrection, error) {
			oc, ok := counter.(OnlineCounter)
			if !ok {
				return nil, nil
			}
			return oc.Contact.apply(a)
		},
		Start: func(ctx context.Context, _ *domain.OnlineApplication, a Applicant, counter any, link func(ctx context.Context, tx domain.Repos, c *domain.Case) error) (*domain.Case, error) {
			caps, ok := counter.(Captures)
			if oc, isCounter := counter.(OnlineCounter); isCounter {
				caps, ok = oc.Captures, true
			}
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

// apply puts the clerk's contact details over a, the portal's data, checked
// and normalised as the counter's intake checks them (1.1.8: normaliseContact,
// the note's length), and returns the fields that changed, in the order of
// the form. On an error a is unchanged. Errors: CodeInvalid naming the
// field (phone, pickup, postAddress, postRecipient, postCode, reasonNote).
func (in ContactCorrection) apply(a *Applicant) ([]domain.OnlineCorrection, error) {
	b := *a
	for _, f := range []struct {
		from *string
		to   *string
	}{{in.Phone, &b.Phone}, {in.Pickup, &b.Pickup}, {in.PostAddress, &b.PostAddress},
		{in.PostRecipient, &b.PostRecipient}, {in.PostCode, &b.PostCode}, {in.ReasonNote, &b.ReasonNote}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	if err := text("reasonNote", "note on the reason", &b.ReasonNote, false, 200); err != nil {
		return nil, err
	}
	if err := normaliseContact(&b.Phone, &b.Pickup, &b.PostAddress, &b.PostRecipient, &b.PostCode); err != nil {
		return nil, err
	}
	var out []domain.OnlineCorrection
	for _, f := range []struct{ field, portal, counter string }{{"phone", a.Phone, b.Phone}, {"pickup", a.Pickup, b.Pickup},
		{"postAddress", a.PostAddress, b.PostAddress}, {"postRecipient", a.PostRecipient, b.PostRecipient},
		{"postCode", a.PostCode, b.PostCode}, {"reasonNote", a.ReasonNote, b.ReasonNote}} {
		if f.portal != f.counter {
			out = append(out, domain.OnlineCorrection{Field: f.field, Portal: f.portal, Counter: f.counter})
		}
	}
	*a = b
	return out, nil
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
