// Package province is hukou's client for the provincial department's service
// (省厅): collaboration numbers (7.1.4) and routed certificate
// verifications (2.2.7) now; e-seals and the ID card
// production centre later. The wire contract is openapi.yaml in this folder
// (served by the simulator, provincesim, at /openapi.yaml); nothing outside
// integrations/ sees it.
package province

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"time"

	"hukou/domain"
	"hukou/domain/certificate"
	"hukou/integrations/httpclient"
)

// OpenAPISpec is the contract of the province service, OpenAPI 3 in YAML.
//
//go:embed openapi.yaml
var OpenAPISpec []byte

// CollabNumberRequest is the wire body of POST /v1/collaboration-numbers.
type CollabNumberRequest struct {
	CaseID               string `json:"caseId"`
	Kind                 string `json:"kind"`
	AcceptanceOffice     string `json:"acceptanceOffice"`
	RegistrationProvince string `json:"registrationProvince"`
}

// CollabNumber is the wire answer of POST /v1/collaboration-numbers.
type CollabNumber struct {
	CaseID   string    `json:"caseId"`
	CollabNo string    `json:"collabNo"`
	IssuedAt time.Time `json:"issuedAt"`
	Issued   bool      `json:"issued"` // true when this call issued it
}

// Client implements domain.Province over HTTP. It is safe for concurrent use.
type Client struct {
	http *httpclient.Client
}

var _ domain.Province = (*Client)(nil)

// New returns a Client. cfg.BaseURL is the service root, where /openapi.yaml
// is served (e.g. http://127.0.0.1:9091); the client appends /v1 unless the
// URL already ends with it. cfg.Service is always "province"; the other
// fields keep httpclient's defaults when zero.
func New(cfg httpclient.Config) *Client {
	cfg.Service = "province"
	if cfg.DisplayName == "" {
		cfg.DisplayName = "the provincial department service"
	}
	cfg.BaseURL = httpclient.VersionedBase(cfg.BaseURL, "v1")
	return &Client{http: httpclient.New(cfg)}
}

// BreakerState reports the circuit breaker's state: "closed", "half-open" or "open".
func (c *Client) BreakerState() string { return c.http.BreakerState() }

// CollaborationNumber implements domain.Province. It validates req locally
// (CodeInvalid), then asks the province with CaseID as Idempotency-Key; the
// call is retried on timeouts, lost answers and 5xx because the province
// issues one number per CaseID. The answer is checked with
// domain.ValidCollabNo.
func (c *Client) CollaborationNumber(ctx context.Context, req domain.CollabNumberRequest) (string, error) {
	if err := req.Validate(); err != nil {
		return "", err
	}
	in := CollabNumberRequest{
		CaseID:               req.CaseID,
		Kind:                 req.Kind,
		AcceptanceOffice:     req.AcceptanceOffice,
		RegistrationProvince: req.RegistrationProvince,
	}
	var out CollabNumber
	if err := c.http.Call(ctx, "collaboration_number", http.MethodPost, "/collaboration-numbers", in, &out,
		httpclient.CallOptions{Idempotent: true, IdempotencyKey: req.CaseID}); err != nil {
		return "", fmt.Errorf("collaboration number for case %s: %w", req.CaseID, err)
	}
	if !domain.ValidCollabNo(out.CollabNo) || out.CaseID != req.CaseID {
		return "", fmt.Errorf("collaboration number for case %s: malformed answer %q for case %q", req.CaseID, out.CollabNo, out.CaseID)
	}
	return out.CollabNo, nil
}

// VerificationPerson is a person of a routed verification request.
type VerificationPerson struct {
	IDNumber string `json:"idNumber"`
	Name     string `json:"name"`
}

// VerificationRequest is the wire body of POST /v1/certificate-verifications.
type VerificationRequest struct {
	CollabNo         string               `json:"collabNo"`
	RequestingOffice string               `json:"requestingOffice"`
	Province         string               `json:"province"`
	MatterType       string               `json:"matterType"`
	Statement        string               `json:"statement"`
	Persons          []VerificationPerson `json:"persons"`
}

// VerificationMaterial is one material of an answer (content base64 on the wire).
type VerificationMaterial struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Content     []byte `json:"content"`
}

// VerificationAnswer is the wire answer of POST /v1/certificate-verifications.
type VerificationAnswer struct {
	Province   string                 `json:"province"`
	Office     string                 `json:"office"`
	Verdict    string                 `json:"verdict"`
	Findings   string                 `json:"findings"`
	AnsweredAt time.Time              `json:"answeredAt"`
	Materials  []VerificationMaterial `json:"materials"`
}

var _ certificate.ProvincePlatform = (*Client)(nil)

// RouteVerification implements certificate.ProvincePlatform (2.2.7): the
// request goes through the province platform to the third province, whose
// answer comes back. Asking again is harmless, so the call is retried.
func (c *Client) RouteVerification(ctx context.Context, req certificate.RouteRequest) (*certificate.RouteAnswer, error) {
	in := VerificationRequest{CollabNo: req.CollabNo, RequestingOffice: req.RequestingOffice, Province: req.Province,
		MatterType: req.MatterType, Statement: req.Statement, Persons: make([]VerificationPerson, len(req.Persons))}
	for i, p := range req.Persons {
		in.Persons[i] = VerificationPerson(p)
	}
	var out VerificationAnswer
	if err := c.http.Call(ctx, "certificate_verification", http.MethodPost, "/certificate-verifications", in, &out,
		httpclient.CallOptions{Idempotent: true, IdempotencyKey: req.CollabNo + "-" + req.Province}); err != nil {
		return nil, fmt.Errorf("route the verification of %s to province %s: %w", req.CollabNo, req.Province, err)
	}
	a := &certificate.RouteAnswer{Province: out.Province, Office: out.Office, Verdict: certificate.Verdict(out.Verdict),
		Findings: out.Findings, AnsweredAt: out.AnsweredAt}
	for _, m := range out.Materials {
		a.Materials = append(a.Materials, certificate.RoutedFile(m))
	}
	return a, nil
}
