// Package production is hukou's client for the resident ID card production
// centre (制证中心): the upload of an approved application's package (2.2.9)
// and the centre's answer about it, quality feedback (1.1.12) or
// completion (1.1.13). The contract is openapi.yaml in this folder (served
// by the simulator, productionsim, at /openapi.yaml); nothing outside
// integrations/ sees the wire format. Client implements
// idcard.ProductionCentre.
package production

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"hukou/domain"
	"hukou/domain/idcard"
	"hukou/integrations/httpclient"
)

// OpenAPISpec is the contract, OpenAPI 3 in YAML.
//
//go:embed openapi.yaml
var OpenAPISpec []byte

// Endpoint names, for metrics and the simulator's fault rules.
const (
	EndpointUpload = "upload_package"
	EndpointStatus = "package_status"
)

// Package is the wire body of POST /v1/packages ([]byte fields are base64).
type Package struct {
	PackageID        string          `json:"packageId"`
	CollabNo         string          `json:"collabNo"`
	AcceptanceOffice string          `json:"acceptanceOffice"`
	ApplicationKind  string          `json:"applicationKind"`
	Card             idcard.CardData `json:"card"`
	Photo            []byte          `json:"photo"`
	Fingerprints     []Finger        `json:"fingerprints"`
	Archives         []Archive       `json:"archives"`
	Manifest         []ManifestEntry `json:"manifest"`
	Digest           string          `json:"digest"`
}

// Finger is one finger of a package.
type Finger struct {
	Position     int    `json:"position"`
	NotAvailable string `json:"notAvailable,omitempty"`
	Quality      int    `json:"quality"`
	Template     []byte `json:"template,omitempty"`
	Image        []byte `json:"image,omitempty"`
}

// Archive is one archive of a package.
type Archive struct {
	MaterialCode string `json:"materialCode"`
	Name         string `json:"name"`
	ContentType  string `json:"contentType"`
	Content      []byte `json:"content"`
}

// ManifestEntry is one part's checksum.
type ManifestEntry struct {
	Part   string `json:"part"`
	SHA256 string `json:"sha256"`
	Size   int    `json:"size"`
}

// Receipt is the wire answer of an upload.
type Receipt struct {
	PackageID  string    `json:"packageId"`
	ReceivedAt time.Time `json:"receivedAt"`
	State      string    `json:"state"`
}

// Feedback is the quality feedback of a package.
type Feedback struct {
	Class       string `json:"class"`
	Code        string `json:"code"`
	Description string `json:"description"`
}

// Status is the wire answer of GET /v1/packages/{packageId}.
type Status struct {
	PackageID  string     `json:"packageId"`
	State      string     `json:"state"`
	ReceivedAt time.Time  `json:"receivedAt"`
	Feedback   *Feedback  `json:"feedback,omitempty"`
	CardNumber string     `json:"cardNumber,omitempty"`
	ProducedAt *time.Time `json:"producedAt,omitempty"`
}

// FromDomain is the wire form of p with its manifest and digest.
func FromDomain(p *idcard.Package) Package {
	manifest, digest := idcard.Manifest(p)
	out := Package{PackageID: p.ID, CollabNo: p.CollabNo, AcceptanceOffice: p.AcceptanceOffice, ApplicationKind: string(p.ApplicationKind),
		Card: p.Card, Photo: p.Photo, Fingerprints: []Finger{}, Archives: []Archive{}, Digest: digest}
	for _, f := range p.Fingerprints {
		out.Fingerprints = append(out.Fingerprints, Finger{Position: f.Position, NotAvailable: f.NotAvailable, Quality: f.Quality, Template: f.Template, Image: f.Image})
	}
	for _, a := range p.Archives {
		out.Archives = append(out.Archives, Archive{MaterialCode: a.MaterialCode, Name: a.Name, ContentType: a.ContentType, Content: a.Content})
	}
	for _, e := range manifest {
		out.Manifest = append(out.Manifest, ManifestEntry(e))
	}
	return out
}

// ToDomain is the domain form of a wire package (its manifest as sent).
func (p *Package) ToDomain() *idcard.Package {
	out := &idcard.Package{ID: p.PackageID, CollabNo: p.CollabNo, AcceptanceOffice: p.AcceptanceOffice,
		ApplicationKind: domain.IDCardApplicationKind(p.ApplicationKind), Card: p.Card, Photo: p.Photo}
	for _, f := range p.Fingerprints {
		out.Fingerprints = append(out.Fingerprints, idcard.PackageFinger{Position: f.Position, NotAvailable: f.NotAvailable, Quality: f.Quality, Template: f.Template, Image: f.Image})
	}
	for _, a := range p.Archives {
		out.Archives = append(out.Archives, domain.FileContent{MaterialCode: a.MaterialCode, Name: a.Name, ContentType: a.ContentType, Content: a.Content})
	}
	for _, e := range p.Manifest {
		out.Manifest = append(out.Manifest, idcard.ManifestEntry(e))
	}
	return out
}

// Client calls the production centre; it implements idcard.ProductionCentre
// and is safe for concurrent use.
type Client struct {
	http *httpclient.Client
}

var _ idcard.ProductionCentre = (*Client)(nil)

// Service is the service name in errors' reasons and metrics.
const Service = "production"

// New returns a Client. cfg.BaseURL is the service root (e.g.
// http://127.0.0.1:9090/production), with or without /v1.
func New(cfg httpclient.Config) *Client {
	cfg.Service = Service
	if cfg.DisplayName == "" {
		cfg.DisplayName = "the ID card production centre"
	}
	cfg.BaseURL = httpclient.VersionedBase(cfg.BaseURL, "v1")
	return &Client{http: httpclient.New(cfg)}
}

// BreakerState reports the circuit breaker's state.
func (c *Client) BreakerState() string { return c.http.BreakerState() }

// Upload implements idcard.ProductionCentre: POST /packages with the
// package ID as Idempotency-Key, retried on timeouts, lost answers and 5xx.
func (c *Client) Upload(ctx context.Context, p *idcard.Package) (*idcard.Receipt, error) {
	in := FromDomain(p)
	var out Receipt
	if err := c.http.Call(ctx, EndpointUpload, http.MethodPost, "/packages", in, &out,
		httpclient.CallOptions{Idempotent: true, IdempotencyKey: p.ID}); err != nil {
		return nil, err
	}
	if out.PackageID != p.ID {
		return nil, fmt.Errorf("production centre: the receipt of %s names package %q", p.ID, out.PackageID)
	}
	return &idcard.Receipt{PackageID: out.PackageID, ReceivedAt: out.ReceivedAt}, nil
}

// Status implements idcard.ProductionCentre: GET /packages/{packageId}.
func (c *Client) Status(ctx context.Context, packageID string) (*idcard.ProductionStatus, error) {
	var out Status
	if err := c.http.Call(ctx, EndpointStatus, http.MethodGet, "/packages/"+url.PathEscape(packageID), nil, &out,
		httpclient.CallOptions{Idempotent: true}); err != nil {
		return nil, err
	}
	st := &idcard.ProductionStatus{PackageID: out.PackageID, State: out.State, CardNumber: out.CardNumber}
	if out.Feedback != nil {
		st.Class, st.Code, st.Description = out.Feedback.Class, out.Feedback.Code, out.Feedback.Description
	}
	if out.ProducedAt != nil {
		st.ProducedAt = *out.ProducedAt
	}
	return st, nil
}
