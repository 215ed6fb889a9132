package ministry

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"

	"hukou/domain"
	"hukou/integrations/httpclient"
)

// E-licence endpoints (4.1.1).
const (
	EndpointLicences           = "/v1/licences"
	EndpointLicence            = "/v1/licences/{licenceId}"
	EndpointLicenceVerify      = "/v1/licences/{licenceId}/verification"
	EndpointLicenceRevocation  = "/v1/licences/{licenceId}/revocation"
	EndpointLicenceIssuer      = "/v1/licence-issuer"
	licenceDefaultValidityYear = 10
)

// LicenceRequest is the wire body of POST /licences.
type LicenceRequest struct {
	Type           string            `json:"type"`
	HolderIDNumber string            `json:"holderIdNumber"`
	HolderName     string            `json:"holderName"`
	Data           map[string]string `json:"data"`
	ValidUntil     *time.Time        `json:"validUntil,omitempty"`
}

// LicenceBody is what the issuer signs: a licence's fields in this order,
// marshalled by encoding/json (map keys sorted).
type LicenceBody struct {
	LicenceID      string            `json:"licenceId"`
	Type           string            `json:"type"`
	HolderIDNumber string            `json:"holderIdNumber"`
	HolderName     string            `json:"holderName"`
	Issuer         string            `json:"issuer"`
	IssuedAt       time.Time         `json:"issuedAt"`
	ValidUntil     time.Time         `json:"validUntil"`
	Data           map[string]string `json:"data"`
}

// Licence is the wire form of an e-licence.
type Licence struct {
	LicenceBody
	RevokedAt         *time.Time `json:"revokedAt,omitempty"`
	RevokeReason      string     `json:"revokeReason,omitempty"`
	Signature         []byte     `json:"signature"`
	IssuerCertificate []byte     `json:"issuerCertificate"`
}

// Canonical returns the bytes the issuer signs.
func (b LicenceBody) Canonical() []byte {
	b.IssuedAt, b.ValidUntil = b.IssuedAt.UTC(), b.ValidUntil.UTC()
	out, _ := json.Marshal(b)
	return out
}

// LicenceVerification is the wire answer of POST /licences/{id}/verification.
type LicenceVerification struct {
	LicenceID string    `json:"licenceId"`
	Valid     bool      `json:"valid"`
	Status    string    `json:"status"`
	Reason    string    `json:"reason,omitempty"`
	CheckedAt time.Time `json:"checkedAt"`
}

// LicenceIssuer is the wire answer of GET /licence-issuer.
type LicenceIssuer struct {
	Certificate []byte `json:"certificate"`
}

var _ domain.LicenceAuthority = (*Client)(nil)

// IssueLicence implements domain.LicenceAuthority: POST /licences with
// req.Key as the Idempotency-Key header, so it is retried on timeouts, lost
// answers and 5xx like any idempotent call: the Ministry answers a key it
// has issued for by that licence again (header Idempotent-Replayed), and
// the same key with another request by 409 ministry.licence_key_reused,
// which becomes CodeConflict with reason licence.key_reused. A request
// without a key is CodeInternal and never sent.
func (c *Client) IssueLicence(ctx context.Context, req domain.LicenceRequest) (*domain.Licence, error) {
	if req.Key == "" {
		return nil, domain.Errorf(domain.CodeInternal, "a %s licence is issued only with an idempotency key", req.Type)
	}
	in := LicenceRequest{Type: string(req.Type), HolderIDNumber: req.HolderIDNumber, HolderName: req.HolderName, Data: req.Data}
	if in.Data == nil {
		in.Data = map[string]string{}
	}
	if !req.ValidUntil.IsZero() {
		t := req.ValidUntil.UTC()
		in.ValidUntil = &t
	}
	var out Licence
	if err := c.http.Call(ctx, EndpointLicences, "POST", "/licences", in, &out, httpclient.CallOptions{IdempotencyKey: req.Key}); err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Code == domain.CodeConflict && de.Reason == ReasonLicenceKeyReused {
			return nil, domain.Errorf(domain.CodeConflict, "the Ministry issued a licence under this idempotency key for another request; "+
				"it issues no second one for the same business").WithReason("licence.key_reused")
		}
		return nil, err
	}
	return c.checked(ctx, &out)
}

// ReasonLicenceKeyReused is the Ministry's reason for a 409 to POST
// /licences whose Idempotency-Key it issued a licence under for another
// request.
const ReasonLicenceKeyReused = "ministry.licence_key_reused"

// IdempotentReplayedHeader is set to "true" on an answer the Ministry
// replays for an Idempotency-Key it had answered.
const IdempotentReplayedHeader = "Idempotent-Replayed"

// Licence implements domain.LicenceAuthority: GET /licences/{id}, the
// issuer's signature checked against the Ministry's licence issuer
// certificate (fetched once).
func (c *Client) Licence(ctx context.Context, id string) (*domain.Licence, error) {
	if err := required("licenceId", id); err != nil {
		return nil, err
	}
	var out Licence
	if err := c.get(ctx, EndpointLicence, "/licences/"+url.PathEscape(id), nil, &out); err != nil {
		return nil, err
	}
	return c.checked(ctx, &out)
}

// VerifyLicence asks the Ministry whether a licence is valid now.
func (c *Client) VerifyLicence(ctx context.Context, id string) (*LicenceVerification, error) {
	var out LicenceVerification
	if err := c.post(ctx, EndpointLicenceVerify, "/licences/"+url.PathEscape(id)+"/verification", struct{}{}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RevokeLicence implements domain.LicenceAuthority; revoking twice is harmless.
func (c *Client) RevokeLicence(ctx context.Context, id, reason string) error {
	var out Licence
	return c.post(ctx, EndpointLicenceRevocation, "/licences/"+url.PathEscape(id)+"/revocation", map[string]string{"reason": reason}, &out)
}

var issuerCache sync.Map // *Client → *smx509.Certificate (the issuer is fetched once per client)

func (c *Client) issuer(ctx context.Context) (*smx509.Certificate, error) {
	if v, ok := issuerCache.Load(c); ok {
		return v.(*smx509.Certificate), nil
	}
	var out LicenceIssuer
	if err := c.get(ctx, EndpointLicenceIssuer, "/licence-issuer", nil, &out); err != nil {
		return nil, err
	}
	cert, err := smx509.ParseCertificate(out.Certificate)
	if err != nil {
		return nil, fmt.Errorf("the Ministry's licence issuer certificate: %w", err)
	}
	issuerCache.Store(c, cert)
	return cert, nil
}

// ErrLicenceSignature is returned for a licence whose issuer signature does not verify.
var ErrLicenceSignature = errors.New("the licence's issuer signature does not verify")

func (c *Client) checked(ctx context.Context, l *Licence) (*domain.Licence, error) {
	anchor, err := c.issuer(ctx)
	if err != nil {
		return nil, err
	}
	pub, ok := anchor.PublicKey.(*ecdsa.PublicKey)
	if !ok || !bytes.Equal(l.IssuerCertificate, anchor.Raw) || !sm2.VerifyASN1WithSM2(pub, nil, l.Canonical(), l.Signature) {
		return nil, fmt.Errorf("licence %s: %w", l.LicenceID, ErrLicenceSignature)
	}
	out := &domain.Licence{ID: l.LicenceID, Type: domain.LicenceType(l.Type), HolderIDNumber: l.HolderIDNumber, HolderName: l.HolderName,
		Issuer: l.Issuer, IssuedAt: l.IssuedAt, ValidUntil: l.ValidUntil, Data: l.Data, RevokedAt: l.RevokedAt, RevokeReason: l.RevokeReason,
		Signature: l.Signature, IssuerCertificate: l.IssuerCertificate}
	return out, nil
}
