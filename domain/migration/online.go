package migration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

// CheckOnline implements domain.OnlineIntake for migrations: the
// applicant's shape (unknown fields refused) and the rules that need no
// look-up, normalised as the counter stores them.
func (s *Service) CheckOnline(raw json.RawMessage) (json.RawMessage, error) {
	var a Applicant
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return nil, domain.FieldErrorf("data", "the migration application data is malformed: %v", err).WithReason("online.data")
	}
	if err := a.normalise(s.Cases.Now()); err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Field != "" {
			de.Field = "data.applicant." + de.Field
		}
		return nil, err
	}
	return json.Marshal(a)
}

// StartOnline implements domain.OnlineIntake: the counter's intake (Start,
// with its look-ups) of the portal's applicant by the calling clerk, with
// link in its transaction.
func (s *Service) StartOnline(ctx context.Context, app *domain.OnlineApplication, link func(ctx context.Context, tx domain.Repos, c *domain.Case) error) (*domain.Case, error) {
	var a Applicant
	if err := json.Unmarshal(app.Data, &a); err != nil {
		return nil, err
	}
	return s.start(ctx, Intake{Applicant: a}, link)
}

// OnlineResult implements domain.OnlineIntake.
func (s *Service) OnlineResult(c *domain.Case) (json.RawMessage, error) {
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
	return json.Marshal(out)
}

// DecodeOnlineResult implements domain.OnlineIntake.
func (s *Service) DecodeOnlineResult(raw json.RawMessage) (domain.OnlineResultDetails, error) {
	var r OnlineResult
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	if r.Reasons == nil {
		r.Reasons = []string{}
	}
	return &r, nil
}

var _ domain.OnlineIntake = (*Service)(nil)
