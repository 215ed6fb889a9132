// Package fingerprint is the fingerprint capture device port (指纹采集仪):
// the contract of the device service on the clerk's workstation
// (openapi.yaml, served by the simulator fingerprintsim at /openapi.yaml),
// a Go client of it (Device, implementing idcard.FingerprintDevice: the SPA
// calls the service itself; Go callers such as the end-to-end tests use
// Device), and the verification algorithm (Matcher, implementing
// idcard.Matcher) the server checks a finger with at collection.
package fingerprint

import (
	"context"
	_ "embed"
	"encoding/base64"
	"net/http"
	"time"

	"hukou/domain/idcard"
	"hukou/integrations/httpclient"
)

// OpenAPISpec is the device's contract, OpenAPI 3 in YAML.
//
//go:embed openapi.yaml
var OpenAPISpec []byte

// Endpoint names, for metrics and the simulator's fault rules.
const (
	EndpointDevice  = "device"
	EndpointCapture = "capture"
)

// Info is the wire answer of GET /v1/device.
type Info struct {
	Model      string `json:"model"`
	Serial     string `json:"serial"`
	Status     string `json:"status"`
	Standard   string `json:"standard"`
	Resolution int    `json:"resolution"`
}

// CaptureRequest is the wire body of POST /v1/capture.
type CaptureRequest struct {
	Position int    `json:"position"`
	Subject  string `json:"subject,omitempty"`
}

// Capture is the wire answer of POST /v1/capture (template and image
// base64).
type Capture struct {
	Position   int       `json:"position"`
	Quality    int       `json:"quality"`
	Minutiae   int       `json:"minutiae"`
	Template   []byte    `json:"template"`
	Image      []byte    `json:"image"`
	Width      int       `json:"width"`
	Height     int       `json:"height"`
	CapturedAt time.Time `json:"capturedAt"`
}

// Device is a client of the device service; it implements
// idcard.FingerprintDevice.
type Device struct {
	http *httpclient.Client
}

var _ idcard.FingerprintDevice = (*Device)(nil)

// NewDevice returns a client of the device service at cfg.BaseURL (its
// root, with or without /v1).
func NewDevice(cfg httpclient.Config) *Device {
	cfg.Service = "fingerprint"
	if cfg.DisplayName == "" {
		cfg.DisplayName = "the fingerprint device"
	}
	cfg.BaseURL = httpclient.VersionedBase(cfg.BaseURL, "v1")
	return &Device{http: httpclient.New(cfg)}
}

// Info returns the device's identity and state.
func (d *Device) Info(ctx context.Context) (*Info, error) {
	var out Info
	return &out, d.http.Call(ctx, EndpointDevice, http.MethodGet, "/device", nil, &out, httpclient.CallOptions{Idempotent: true})
}

// Capture implements idcard.FingerprintDevice: one finger at position
// (subject: the simulator's hint of whose finger it is).
func (d *Device) Capture(ctx context.Context, position int, subject string) (*idcard.FingerprintCapture, error) {
	var out Capture
	if err := d.http.Call(ctx, EndpointCapture, http.MethodPost, "/capture", CaptureRequest{Position: position, Subject: subject}, &out, httpclient.CallOptions{}); err != nil {
		return nil, err
	}
	return &idcard.FingerprintCapture{Position: out.Position, Template: base64.StdEncoding.EncodeToString(out.Template),
		Image: base64.StdEncoding.EncodeToString(out.Image)}, nil
}
