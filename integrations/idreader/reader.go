// Package idreader is the second-generation ID card reader port (二代居民身份证
// 阅读器, issue 19 item 5 读卡): the contract of the reader service on the
// clerk's workstation (openapi.yaml, served by the simulator idreadersim at
// /openapi.yaml) and a Go client of it (Reader). The SPA calls the service
// itself to fill an intake's person fields; Go callers such as tests use
// Reader.
package idreader

import (
	"context"
	_ "embed"
	"net/http"
	"time"

	"hukou/integrations/httpclient"
)

// OpenAPISpec is the reader's contract, OpenAPI 3 in YAML.
//
//go:embed openapi.yaml
var OpenAPISpec []byte

// Endpoint names, for metrics and the simulator's fault rules.
const (
	EndpointReader = "reader"
	EndpointRead   = "read"
)

// Reasons of the reader's error answers.
const (
	ReasonNoCard      = "reader.no_card"
	ReasonBusy        = "reader.busy"
	ReasonReadFailed  = "reader.read_failed"
	ReasonUnavailable = "reader.unavailable"
)

// LongTerm is validTo of a card valid without end (长期).
const LongTerm = "长期"

// Info is the wire answer of GET /v1/reader.
type Info struct {
	Model  string `json:"model"`
	Serial string `json:"serial"`
	Status string `json:"status"`
}

// Card is the wire answer of POST /v1/read: what the card's chip holds.
type Card struct {
	Name      string    `json:"name"`
	Sex       string    `json:"sex"`       // GB/T 2261.1
	Ethnicity string    `json:"ethnicity"` // GB/T 3304
	BirthDate string    `json:"birthDate"` // YYYY-MM-DD
	Address   string    `json:"address"`
	IDNumber  string    `json:"idNumber"`
	Authority string    `json:"authority"`
	ValidFrom string    `json:"validFrom"`
	ValidTo   string    `json:"validTo"` // YYYY-MM-DD or LongTerm
	Photo     []byte    `json:"photo"`   // PNG, base64 on the wire
	ReadAt    time.Time `json:"readAt"`
}

// Reader is a client of the reader service.
type Reader struct {
	http *httpclient.Client
}

// NewReader returns a client of the reader service at cfg.BaseURL (its
// root, with or without /v1).
func NewReader(cfg httpclient.Config) *Reader {
	cfg.Service = "idreader"
	if cfg.DisplayName == "" {
		cfg.DisplayName = "the ID card reader"
	}
	cfg.BaseURL = httpclient.VersionedBase(cfg.BaseURL, "v1")
	return &Reader{http: httpclient.New(cfg)}
}

// Info returns the reader's identity and state.
func (r *Reader) Info(ctx context.Context) (*Info, error) {
	var out Info
	return &out, r.http.Call(ctx, EndpointReader, http.MethodGet, "/reader", nil, &out, httpclient.CallOptions{Idempotent: true})
}

// Read reads the card on the reader. Errors carry the answer's reason
// (Reason*) as the client reports them.
func (r *Reader) Read(ctx context.Context) (*Card, error) {
	var out Card
	if err := r.http.Call(ctx, EndpointRead, http.MethodPost, "/read", nil, &out, httpclient.CallOptions{}); err != nil {
		return nil, err
	}
	return &out, nil
}
