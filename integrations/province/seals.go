package province

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"hukou/domain"
	"hukou/integrations/httpclient"
)

// SealRequest is the wire body of POST /v1/seals.
type SealRequest struct {
	Type       string `json:"type"`
	OfficeCode string `json:"officeCode"`
	OfficeName string `json:"officeName"`
	UserID     string `json:"userId,omitempty"`
	PersonName string `json:"personName,omitempty"`
	PublicKey  []byte `json:"publicKey"`
}

// SealImage is a seal's picture on the wire.
type SealImage struct {
	Type     string `json:"type"`
	Data     []byte `json:"data"`
	WidthMM  int    `json:"widthMm"`
	HeightMM int    `json:"heightMm"`
}

// Seal is the wire form of an e-seal (GB/T 38540 seal data and status).
type Seal struct {
	SealID        string     `json:"sealId"`
	Type          string     `json:"type"`
	Name          string     `json:"name"`
	OfficeCode    string     `json:"officeCode"`
	UserID        string     `json:"userId,omitempty"`
	Image         SealImage  `json:"image"`
	Certificate   []byte     `json:"certificate"`
	CACertificate []byte     `json:"caCertificate"`
	SealData      []byte     `json:"sealData"`
	ValidFrom     time.Time  `json:"validFrom"`
	ValidTo       time.Time  `json:"validTo"`
	RevokedAt     *time.Time `json:"revokedAt,omitempty"`
	RevokeReason  string     `json:"revokeReason,omitempty"`
}

// SealCA is the wire answer of GET /v1/seal-ca.
type SealCA struct {
	Certificates [][]byte `json:"certificates"`
}

var _ domain.SealAuthority = (*Client)(nil)

// IssueSeal implements domain.SealAuthority (5.1.1). Not retried: a lost
// answer leaves an unused seal at the province, and asking again makes
// another key anyway.
func (c *Client) IssueSeal(ctx context.Context, req domain.SealRequest) (*domain.IssuedSeal, error) {
	in := SealRequest{Type: string(req.Kind), OfficeCode: req.OfficeCode, OfficeName: req.OfficeName, UserID: req.UserID,
		PersonName: req.PersonName, PublicKey: req.PublicKey}
	var out Seal
	if err := c.http.Call(ctx, "seal_issue", http.MethodPost, "/seals", in, &out, httpclient.CallOptions{}); err != nil {
		return nil, fmt.Errorf("issue a %s seal for office %s: %w", req.Kind, req.OfficeCode, err)
	}
	if out.SealID == "" || len(out.Certificate) == 0 || len(out.Image.Data) == 0 || !out.ValidTo.After(out.ValidFrom) {
		return nil, fmt.Errorf("issue a seal for office %s: malformed answer", req.OfficeCode)
	}
	return &domain.IssuedSeal{ID: out.SealID, Name: out.Name, Image: out.Image.Data, Certificate: out.Certificate,
		CACertificate: out.CACertificate, SealData: out.SealData, ValidFrom: out.ValidFrom, ValidTo: out.ValidTo}, nil
}

// RevokeSeal implements domain.SealAuthority; revoking twice is harmless, so it is retried.
func (c *Client) RevokeSeal(ctx context.Context, id, reason string) error {
	var out Seal
	if err := c.http.Call(ctx, "seal_revoke", http.MethodPost, "/seals/"+url.PathEscape(id)+"/revocation",
		map[string]string{"reason": reason}, &out, httpclient.CallOptions{Idempotent: true}); err != nil {
		return fmt.Errorf("revoke seal %s: %w", id, err)
	}
	return nil
}

// SealState implements domain.SealAuthority.
func (c *Client) SealState(ctx context.Context, id string) (*domain.SealState, error) {
	var out Seal
	if err := c.http.Call(ctx, "seal_get", http.MethodGet, "/seals/"+url.PathEscape(id), nil, &out, httpclient.CallOptions{Idempotent: true}); err != nil {
		return nil, fmt.Errorf("seal %s: %w", id, err)
	}
	return &domain.SealState{ID: out.SealID, Name: out.Name, OfficeCode: out.OfficeCode, ValidFrom: out.ValidFrom, ValidTo: out.ValidTo,
		RevokedAt: out.RevokedAt, RevokeReason: out.RevokeReason}, nil
}

// TrustAnchors implements domain.SealAuthority.
func (c *Client) TrustAnchors(ctx context.Context) ([][]byte, error) {
	var out SealCA
	if err := c.http.Call(ctx, "seal_ca", http.MethodGet, "/seal-ca", nil, &out, httpclient.CallOptions{Idempotent: true}); err != nil {
		return nil, fmt.Errorf("the e-seal CA: %w", err)
	}
	return out.Certificates, nil
}
