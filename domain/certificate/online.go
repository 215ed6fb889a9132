package certificate

import (
	"context"

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

// Online implements domain.OnlineModule for MATTER_CERT: the matter's
// shape and its rules that need no look-up, normalised as the counter
// stores them; the counter's intake (start) when the clerk completes it;
// the verdict and the certificate or refusal.
func (s *Service) Online() domain.OnlineIntake {
	return domain.OnlineKind[Matter, OnlineResult]{
		What: "certificate", Prefix: "data.matter.",
		Check: func(m *Matter) error { return m.normalise(s.Cases.Now()) },
		Start: func(ctx context.Context, _ *domain.OnlineApplication, m Matter, counter any, link func(ctx context.Context, tx domain.Repos, c *domain.Case) error) (*domain.Case, error) {
			if err := domain.NoCounter(counter); err != nil {
				return nil, err
			}
			return s.start(ctx, m, link)
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
	return &out, nil
}

var _ domain.OnlineModule = (*Service)(nil)
