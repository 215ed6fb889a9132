// Package province is hukou's client for the provincial department's service
// (省厅): collaboration numbers (7.1.4) now; e-seals and the ID card
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
