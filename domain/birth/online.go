package birth

import (
	"bytes"
	"context"
	"encoding/json"
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

// dataField names a field of the online data in errors ("data.applicant.x").
func dataField(err error, prefix string) error {
	var de *domain.Error
	if errors.As(err, &de) && de.Field != "" {
		de.Field = prefix + de.Field
	}
	return err
}

// CheckOnline implements domain.OnlineIntake: the data's shape (unknown
// fields refused), the certificate number's form and the applicant's
// rules that need no look-up, normalised as the counter stores them.
func (s *Service) CheckOnline(raw json.RawMessage) (json.RawMessage, error) {
	var d OnlineData
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, domain.FieldErrorf("data", "the birth application data is malformed: %v", err).WithReason("online.data")
	}
	certNo, err := certificateNumberOf(d.CertificateNumber)
	if err != nil {
		return nil, dataField(err, "data.")
	}
	d.CertificateNumber = certNo
	if err := d.Applicant.normalise(s.Cases.Now()); err != nil {
		return nil, dataField(err, "data.applicant.")
	}
	return json.Marshal(d)
}

// StartOnline implements domain.OnlineIntake: the counter's intake (Start)
// of the portal's data by the calling clerk, with link in its transaction.
func (s *Service) StartOnline(ctx context.Context, app *domain.OnlineApplication, link func(ctx context.Context, tx domain.Repos, c *domain.Case) error) (*domain.Case, error) {
	var d OnlineData
	if err := json.Unmarshal(app.Data, &d); err != nil {
		return nil, err
	}
	return s.start(ctx, Intake(d), link)
}

// OnlineResult implements domain.OnlineIntake.
func (s *Service) OnlineResult(c *domain.Case) (json.RawMessage, error) {
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
	return json.Marshal(out)
}

var _ domain.OnlineIntake = (*Service)(nil)

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
