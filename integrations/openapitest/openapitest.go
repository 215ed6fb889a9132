// Package openapitest checks that HTTP traffic follows an OpenAPI 3 contract:
// Transport is an http.RoundTripper for tests that validates every request
// and response pair with kin-openapi's openapi3filter, so a client suite run
// through it proves that each answer the clients use matches the spec.
package openapitest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Transport validates each exchange against a spec and reports violations
// with t.Errorf; the exchange itself passes through unchanged. Transport
// errors (a dropped connection, a timeout) are passed on unvalidated.
type Transport struct {
	t         testing.TB
	router    routers.Router
	base      http.RoundTripper
	requests  bool
	validated atomic.Int64
}

// New loads spec (YAML or JSON), checks that it is a valid OpenAPI 3
// document, and returns a Transport over http.DefaultTransport. The spec's
// servers are ignored: paths are matched against the request path as is.
func New(t testing.TB, spec []byte) *Transport {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		t.Fatalf("openapitest: load spec: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapitest: invalid spec: %v", err)
	}
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("openapitest: router: %v", err)
	}
	return &Transport{t: t, router: router, base: http.DefaultTransport, requests: true}
}

// WithoutRequestValidation makes tr check responses only, for tests that
// send malformed requests on purpose to see the service's error answer.
func (tr *Transport) WithoutRequestValidation() *Transport {
	tr.requests = false
	return tr
}

// Client returns an *http.Client that uses tr.
func (tr *Transport) Client() *http.Client { return &http.Client{Transport: tr} }

// Validated returns how many responses were validated so far.
func (tr *Transport) Validated() int { return int(tr.validated.Load()) }

// RoundTrip implements http.RoundTripper.
func (tr *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		var err error
		if reqBody, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
	}
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(reqBody))
	res, err := tr.base.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(data))

	vreq := req.Clone(context.Background())
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := tr.router.FindRoute(vreq)
	if err != nil {
		tr.t.Errorf("openapitest: %s %s is not in the spec: %v", req.Method, req.URL.Path, err)
		return res, nil
	}
	in := &openapi3filter.RequestValidationInput{
		Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true},
	}
	if tr.requests {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			tr.t.Errorf("openapitest: request %s %s violates the spec: %v", req.Method, req.URL.Path, err)
		}
	}
	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Body:                   io.NopCloser(bytes.NewReader(data)),
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), rin); err != nil {
		tr.t.Errorf("openapitest: response %d to %s %s violates the spec: %v\nbody: %s", res.StatusCode, req.Method, req.URL.Path, err, data)
	}
	tr.validated.Add(1)
	return res, nil
}
