package migration

import (
	"context"
	"time"

	"hukou/domain"
)

// OnlineResult is what a portal reads of an online migration (3.1.2): the
// registration office's decision, the e-migration certificate's licence ID
// once the movers moved out, and the household they joined or established
// once they moved in.
type OnlineResult struct {
	Approved        *bool      `json:"approved,omitempty"`
	Reasons         []string   `json:"reasons,omitempty"`
	LicenceID       string     `json:"licenceId,omitempty"`
	HouseholdNumber string     `json:"householdNumber,omitempty"`
	MovedInOn       *time.Time `json:"movedInOn,omitempty"`
}

// Online implements domain.OnlineModule for migrations: the applicant's
// shape and the rules that need no look-up, normalised as the counter
// stores them; the counter's intake (start, with its look-ups) when the
// clerk completes it; the decision, certificate and household.
func (s *Service) Online() domain.OnlineIntake {
	return domain.OnlineKind[Applicant, OnlineResult]{
		What: "migration", Prefix: "data.applicant.",
		Check: func(a *Applicant) error { return a.normalise(s.Cases.Now()) },
		Start: func(ctx context.Context, _ *domain.OnlineApplication, a Applicant, counter any, link func(ctx context.Context, tx domain.Repos, c *domain.Case) error) (*domain.Case, error) {
			if err := domain.NoCounter(counter); err != nil {
				return nil, err
			}
			return s.start(ctx, Intake{Applicant: a}, link)
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
	out := OnlineResult{Reasons: o.Reasons, HouseholdNumber: o.HouseholdNumber}
	switch c.Status {
	case domain.StatusDraft, domain.StatusSubmitted, domain.StatusExtracted:
	default:
		approved := o.Approved || o.Certificate != nil
		out.Approved = &approved
	}
	if o.Certificate != nil {
		out.LicenceID = o.Certificate.LicenceID
	}
	if !o.MovedInOn.IsZero() {
		t := o.MovedInOn
		out.MovedInOn = &t
	}
	if out.Approved == nil && out.LicenceID == "" && out.HouseholdNumber == "" {
		return nil, nil
	}
	return &out, nil
}

var _ domain.OnlineModule = (*Service)(nil)
