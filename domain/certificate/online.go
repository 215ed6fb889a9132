package certificate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"hukou/domain"
)

// OnlineResult is what a portal reads of an online household matter
// certificate (3.1.3): the verdict and, once issued, the certificate's
// number and verification code (the citizen verifies it with
// verifyCertificate), or the refusal's number and the reasons.
type OnlineResult struct {
	Verdict           string   `json:"verdict,omitempty"`
	Reasons           []string `json:"reasons,omitempty"`
	CertificateNumber string   `json:"certificateNumber,omitempty"`
	VerificationCode  string   `json:"verificationCode,omitempty"`
	RefusalNumber     string   `json:"refusalNumber,omitempty"`
}

// CheckOnline implements domain.OnlineIntake for MATTER_CERT: the matter's
// shape (unknown fields refused) and its rules that need no look-up,
// normalised as the counter stores them.
func (s *Service) CheckOnline(raw json.RawMessage) (json.RawMessage, error) {
	var m Matter
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, domain.FieldErrorf("data", "the certificate application data is malformed: %v", err).WithReason("online.data")
	}
	if err := m.normalise(s.Cases.Now()); err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Field != "" {
			de.Field = "data.matter." + de.Field
		}
		return nil, err
	}
	return json.Marshal(m)
}

// StartOnline implements domain.OnlineIntake: the counter's intake (Start)
// of the portal's matter by the calling clerk, with link in its transaction.
func (s *Service) StartOnline(ctx context.Context, app *domain.OnlineApplication, link func(ctx context.Context, tx domain.Repos, c *domain.Case) error) (*domain.Case, error) {
	var m Matter
	if err := json.Unmarshal(app.Data, &m); err != nil {
		return nil, err
	}
	return s.start(ctx, m, link)
}

// OnlineResult implements domain.OnlineIntake.
func (s *Service) OnlineResult(c *domain.Case) (json.RawMessage, error) {
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	var out OnlineResult
	if r := d.Result.Decision; r != nil {
		out.Verdict, out.Reasons = string(r.Verdict), r.Reasons
	}
	if r := d.Result.Certificate; r != nil {
		out.CertificateNumber, out.VerificationCode = r.Number, r.Code
	}
	if r := d.Result.Refusal; r != nil {
		out.RefusalNumber = r.Number
	}
	if out.Verdict == "" && out.CertificateNumber == "" && out.RefusalNumber == "" {
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
