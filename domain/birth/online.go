package birth

import (
	"context"
	"errors"

	"hukou/domain"
)

// OnlineData is what a portal submits for an online birth registration
// (3.1.1): the medical birth certificate number and the applicant's data a
// clerk would enter at the counter. The clerk's intake makes the Ministry
// look-ups when the person comes in (3.1.4).
type OnlineData struct {
	CertificateNumber string    `json:"certificateNumber"`
	Applicant         Applicant `json:"applicant"`
}

// OnlineResult is what the portal reads of a birth case: the decision and,
// once the newborn is settled, the new ID number, household and name.
type OnlineResult struct {
	Approved        *bool    `json:"approved,omitempty"`
	Reasons         []string `json:"reasons,omitempty"`
	IDNumber        string   `json:"idNumber,omitempty"`
	HouseholdNumber string   `json:"householdNumber,omitempty"`
	NewbornName     string   `json:"newbornName,omitempty"`
}

// Online implements domain.OnlineModule: the data's shape, the
// certificate number's form and the applicant's rules that need no
// look-up, normalised as the counter stores them; the counter's intake
// (start) when the clerk completes it; the decision and settlement.
func (s *Service) Online() domain.OnlineIntake {
	return domain.OnlineKind[OnlineData, OnlineResult]{
		What: "birth", Prefix: "data.",
		Check: func(d *OnlineData) error {
			certNo, err := certificateNumberOf(d.CertificateNumber)
			if err != nil {
				return err
			}
			d.CertificateNumber = certNo
			if err := d.Applicant.normalise(s.Cases.Now()); err != nil {
				return prefix(err, "applicant.")
			}
			return nil
		},
		Start: func(ctx context.Context, _ *domain.OnlineApplication, d OnlineData, counter any, link func(ctx context.Context, tx domain.Repos, c *domain.Case) error) (*domain.Case, error) {
			if err := domain.NoCounter(counter); err != nil {
				return nil, err
			}
			return s.start(ctx, Intake(d), link)
		},
		Result: s.onlineResult,
		Fill: func(r *OnlineResult) {
			if r.Reasons == nil {
				r.Reasons = []string{}
			}
		},
	}
}

// prefix names a field of the online data in errors ("applicant.x").
func prefix(err error, p string) error {
	var de *domain.Error
	if errors.As(err, &de) && de.Field != "" {
		de.Field = p + de.Field
	}
	return err
}

func (s *Service) onlineResult(c *domain.Case) (*OnlineResult, error) {
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	r := d.Result
	out := OnlineResult{IDNumber: r.IDNumber, HouseholdNumber: r.HouseholdNumber, NewbornName: r.NewbornName, Reasons: r.Reasons}
	switch c.Status {
	case domain.StatusDraft, domain.StatusSubmitted, domain.StatusExtracted:
	default:
		approved := r.Approved || r.IDNumber != ""
		out.Approved = &approved
	}
	if out.Approved == nil && out.IDNumber == "" && len(out.Reasons) == 0 {
		return nil, nil
	}
	return &out, nil
}

var _ domain.OnlineModule = (*Service)(nil)
