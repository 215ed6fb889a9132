// Package ministry is hukou's client for the Ministry of Public Security
// registry (部库): the look-ups of features 7.1.x over our own JSON-over-HTTP
// contract, versioned under /v1 and documented by openapi.yaml (OpenAPI 3.0,
// embedded as OpenAPI and served by the simulator at /openapi.yaml).
//
// Client implements domain.Ministry on top of httpclient: a timeout per
// attempt, retries with backoff (every look-up is idempotent), a circuit
// breaker, CodeUnavailable naming "the Ministry service" when it cannot be
// reached, and metrics per endpoint. The wire types in wire.go never leave
// this package and its simulator, ministrysim.
//
// See README.md for the endpoints and the simulator's documented test data.
package ministry

import (
	"context"
	_ "embed"
	"net/url"
	"strings"

	"hukou/domain"
	"hukou/domain/birth"
	"hukou/domain/migration"
	"hukou/integrations/httpclient"
)

// OpenAPI is the contract, openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte

// Endpoint names, used for metrics by the client and for fault injection
// rules by the simulator: the path template under /v1.
const (
	EndpointServiceAvailability      = "/v1/service-availability"
	EndpointHousehold                = "/v1/households/query"
	EndpointUrbanRuralClass          = "/v1/urban-rural-class"
	EndpointBirthCertificate         = "/v1/birth-certificates/{certNo}"
	EndpointBirthRegistrationHistory = "/v1/birth-certificates/{certNo}/registrations"
	EndpointBirthCertificateUsage    = "/v1/birth-certificates/{certNo}/usage"
	EndpointOffsiteIDEligibility     = "/v1/id-cards/eligibility"
	EndpointIDCardHistory            = "/v1/id-cards/history"
	EndpointMaterials                = "/v1/materials"
	EndpointVerifyHouseholdInfo      = "/v1/household-info/verify"
	EndpointMigrationCertificates    = "/v1/migration-certificates"
	EndpointMigrationCertificate     = "/v1/migration-certificates/{licenceId}"
)

// Service is the service name in errors' reasons and in metrics.
const Service = "ministry"

// DisplayName names the Ministry in messages clerks read.
const DisplayName = "the Ministry service"

// Client calls the Ministry; it implements domain.Ministry and is safe for
// concurrent use.
type Client struct {
	http *httpclient.Client
}

var (
	_ domain.Ministry    = (*Client)(nil)
	_ birth.Ministry     = (*Client)(nil)
	_ migration.Ministry = (*Client)(nil)
)

// New returns a Client for cfg. cfg.BaseURL is the service root, with or
// without /v1 (e.g. http://127.0.0.1:9090/ministry), like the province and
// platform clients; Service and DisplayName default to the Ministry's.
func New(cfg httpclient.Config) *Client {
	cfg.BaseURL = httpclient.VersionedBase(cfg.BaseURL, "v1")
	if cfg.Service == "" {
		cfg.Service = Service
	}
	if cfg.DisplayName == "" {
		cfg.DisplayName = DisplayName
	}
	return &Client{http: httpclient.New(cfg)}
}

// BreakerState reports the circuit breaker's state: "closed", "half-open" or
// "open".
func (c *Client) BreakerState() string { return c.http.BreakerState() }

var lookup = httpclient.CallOptions{Idempotent: true}

func (c *Client) get(ctx context.Context, endpoint, path string, q url.Values, out any) error {
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return c.http.Call(ctx, endpoint, "GET", path, nil, out, lookup)
}

func (c *Client) post(ctx context.Context, endpoint, path string, in, out any) error {
	return c.http.Call(ctx, endpoint, "POST", path, in, out, lookup)
}

func required(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return domain.FieldErrorf(field, "is required").WithReason("ministry.required")
	}
	return nil
}

// ServiceAvailability implements domain.Ministry.
func (c *Client) ServiceAvailability(ctx context.Context, provinceCode string, kind domain.BusinessKind) (bool, error) {
	var out Availability
	err := c.get(ctx, EndpointServiceAvailability, "/service-availability",
		url.Values{"province": {provinceCode}, "kind": {string(kind)}}, &out)
	return out.Open, err
}

// HouseholdByIDNumber implements domain.Ministry.
func (c *Client) HouseholdByIDNumber(ctx context.Context, idNumber string) (*domain.MinistryHousehold, error) {
	var out Household
	if err := c.post(ctx, EndpointHousehold, "/households/query", PersonQuery{IDNumber: idNumber}, &out); err != nil {
		return nil, err
	}
	return out.toDomain(), nil
}

// UrbanRuralClass implements domain.Ministry.
func (c *Client) UrbanRuralClass(ctx context.Context, division, address string) (string, error) {
	q := url.Values{"division": {division}}
	if address != "" {
		q.Set("address", address)
	}
	var out UrbanRuralClass
	if err := c.get(ctx, EndpointUrbanRuralClass, "/urban-rural-class", q, &out); err != nil {
		return "", err
	}
	return out.Class, nil
}

func certPath(certNo, suffix string) string {
	return "/birth-certificates/" + url.PathEscape(certNo) + suffix
}

// BirthCertificate implements birth.Ministry.
func (c *Client) BirthCertificate(ctx context.Context, certNo string) (*birth.Certificate, error) {
	if err := required("certNo", certNo); err != nil {
		return nil, err
	}
	var out BirthCertificate
	if err := c.get(ctx, EndpointBirthCertificate, certPath(certNo, ""), nil, &out); err != nil {
		return nil, err
	}
	return &birth.Certificate{
		Number: out.Number, Name: out.Name, Sex: out.Sex, BirthTime: out.BirthTime,
		BirthplaceDivision: out.BirthplaceDivision, BirthPlace: out.BirthPlace, Hospital: out.Hospital,
		MotherName: out.MotherName, MotherIDNumber: out.MotherIDNumber,
		FatherName: out.FatherName, FatherIDNumber: out.FatherIDNumber,
		IssuedOn: parseDate(out.IssuedOn),
	}, nil
}

// BirthRegistrationHistory implements birth.Ministry.
func (c *Client) BirthRegistrationHistory(ctx context.Context, certNo string) ([]birth.RegistrationRecord, error) {
	if err := required("certNo", certNo); err != nil {
		return nil, err
	}
	var out BirthRegistrations
	if err := c.get(ctx, EndpointBirthRegistrationHistory, certPath(certNo, "/registrations"), nil, &out); err != nil {
		return nil, err
	}
	recs := make([]birth.RegistrationRecord, len(out.Records))
	for i, r := range out.Records {
		recs[i] = birth.RegistrationRecord{
			CertificateNumber: r.CertificateNumber, IDNumber: r.IDNumber, Name: r.Name,
			OfficeCode: r.OfficeCode, RegisteredAt: r.RegisteredAt,
		}
	}
	return recs, nil
}

// BirthCertificateUsage implements birth.Ministry.
func (c *Client) BirthCertificateUsage(ctx context.Context, certNo string) (*birth.CertificateUsage, error) {
	if err := required("certNo", certNo); err != nil {
		return nil, err
	}
	var out CertificateUsage
	if err := c.get(ctx, EndpointBirthCertificateUsage, certPath(certNo, "/usage"), nil, &out); err != nil {
		return nil, err
	}
	u := &birth.CertificateUsage{
		CertificateNumber: out.CertificateNumber, Used: out.Used,
		OfficeCode: out.OfficeCode, IDNumber: out.IDNumber, Name: out.Name,
	}
	if out.UsedAt != nil {
		u.UsedAt = *out.UsedAt
	}
	return u, nil
}

// RecordBirthCertificateUsage implements birth.Ministry: POST
// /birth-certificates/{certNo}/usage. Recording the same birth twice is
// answered like the first time, so the call is retried like a look-up.
func (c *Client) RecordBirthCertificateUsage(ctx context.Context, certNo string, u birth.CertificateUsage) error {
	if err := required("certNo", certNo); err != nil {
		return err
	}
	return c.post(ctx, EndpointBirthCertificateUsage, certPath(certNo, "/usage"),
		UsageRecord{OfficeCode: u.OfficeCode, IDNumber: u.IDNumber, Name: u.Name, UsedAt: u.UsedAt.UTC()}, nil)
}

// OffsiteIDEligibility implements domain.Ministry.
func (c *Client) OffsiteIDEligibility(ctx context.Context, idNumber string, kind domain.IDCardApplicationKind) (*domain.Eligibility, error) {
	var out Eligibility
	if err := c.post(ctx, EndpointOffsiteIDEligibility, "/id-cards/eligibility",
		EligibilityQuery{IDNumber: idNumber, Kind: string(kind)}, &out); err != nil {
		return nil, err
	}
	return &domain.Eligibility{Eligible: out.Eligible, Reason: out.Reason, Message: out.Message}, nil
}

// IDCardHistory implements domain.Ministry.
func (c *Client) IDCardHistory(ctx context.Context, idNumber string) ([]domain.IDCardRecord, error) {
	var out IDCardHistory
	if err := c.post(ctx, EndpointIDCardHistory, "/id-cards/history", PersonQuery{IDNumber: idNumber}, &out); err != nil {
		return nil, err
	}
	recs := make([]domain.IDCardRecord, len(out.Records))
	for i, r := range out.Records {
		recs[i] = domain.IDCardRecord{
			Kind: domain.IDCardApplicationKind(r.Kind), OfficeCode: r.OfficeCode,
			AppliedOn: parseDate(r.AppliedOn), IssuedOn: parseDate(r.IssuedOn),
			ValidFrom: parseDate(r.ValidFrom), ValidUntil: parseDate(r.ValidUntil), Status: r.Status,
		}
	}
	return recs, nil
}

// MaterialsList implements domain.Ministry.
func (c *Client) MaterialsList(ctx context.Context, kind domain.BusinessKind, provinceCode, variant string) ([]domain.Material, error) {
	var out Materials
	q := url.Values{"kind": {string(kind)}, "province": {provinceCode}}
	if variant != "" {
		q.Set("type", variant)
	}
	if err := c.get(ctx, EndpointMaterials, "/materials", q, &out); err != nil {
		return nil, err
	}
	ms := make([]domain.Material, len(out.Materials))
	for i, m := range out.Materials {
		ms[i] = domain.Material{Code: m.Code, Name: m.Name, Required: m.Required, Description: m.Description}
	}
	return ms, nil
}

// VerifyHouseholdInfo implements domain.Ministry.
func (c *Client) VerifyHouseholdInfo(ctx context.Context, idNumber, purpose string) (*domain.HouseholdInfoVerification, error) {
	var out Verification
	if err := c.post(ctx, EndpointVerifyHouseholdInfo, "/household-info/verify",
		VerifyQuery{IDNumber: idNumber, Purpose: purpose}, &out); err != nil {
		return nil, err
	}
	v := &domain.HouseholdInfoVerification{Found: out.Found, Purpose: out.Purpose, VerifiedAt: out.VerifiedAt}
	if out.Household != nil {
		v.Household = out.Household.toDomain()
	}
	return v, nil
}

// RequestMigrationCertificate implements migration.Ministry: POST
// /migration-certificates. The request is keyed by its collaboration
// number and answered the same way again, so it is retried like a look-up.
func (c *Client) RequestMigrationCertificate(ctx context.Context, req migration.CertificateRequest) (*migration.Certificate, error) {
	if err := required("collabNo", req.CollabNo); err != nil {
		return nil, err
	}
	var out MigrationCertificate
	if err := c.post(ctx, EndpointMigrationCertificates, "/migration-certificates", MigrationCertificateRequest{
		CollabNo: req.CollabNo, FromOffice: req.FromOffice, ToOffice: req.ToOffice, ToDivision: req.ToDivision,
		ToAddress: req.ToAddress, Category: req.Category, IDNumbers: req.IDNumbers, RequestedAt: req.RequestedAt.UTC(),
	}, &out); err != nil {
		return nil, err
	}
	return out.toDomain(), nil
}

// MigrationCertificate implements migration.Ministry: GET
// /migration-certificates/{licenceId}.
func (c *Client) MigrationCertificate(ctx context.Context, licenceID string) (*migration.Certificate, error) {
	if err := required("licenceId", licenceID); err != nil {
		return nil, err
	}
	var out MigrationCertificate
	if err := c.get(ctx, EndpointMigrationCertificate, "/migration-certificates/"+url.PathEscape(licenceID), nil, &out); err != nil {
		return nil, err
	}
	return out.toDomain(), nil
}

func (m *MigrationCertificate) toDomain() *migration.Certificate {
	return &migration.Certificate{LicenceID: m.LicenceID, CollabNo: m.CollabNo, FromOffice: m.FromOffice, ToOffice: m.ToOffice,
		ToDivision: m.ToDivision, ToAddress: m.ToAddress, Category: m.Category, IDNumbers: m.IDNumbers,
		IssuedAt: m.IssuedAt, ValidUntil: m.ValidUntil}
}
