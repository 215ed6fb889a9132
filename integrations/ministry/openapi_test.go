package ministry_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"hukou/integrations/ministry"
)

// validated records the operations whose 2xx answers were validated, so
// that TestMain can check that the suite covered every operation.
var validated = struct {
	sync.Mutex
	ops map[string]int
}{ops: map[string]int{}}

// validatingTransport checks every request and response that crosses it
// against openapi.yaml: what the simulator answers must follow the
// contract, and a request outside it must be answered 400.
type validatingTransport struct {
	t      testing.TB
	router routers.Router
	next   http.RoundTripper
}

// newValidatingTransport returns a transport validating against the
// embedded contract, whose server is baseURL (including /v1).
func newValidatingTransport(t testing.TB, baseURL string) *validatingTransport {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(ministry.OpenAPI)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not valid OpenAPI 3: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: baseURL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	return &validatingTransport{t: t, router: router, next: http.DefaultTransport}
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		if reqBody, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	check := req.Clone(req.Context())
	check.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := v.router.FindRoute(check)
	if err != nil {
		v.t.Errorf("openapi: %s %s: no route: %v", req.Method, req.URL, err)
		return v.next.RoundTrip(req)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: check, PathParams: params, Route: route,
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	// The invalid-input tests send requests the contract refuses on
	// purpose: those must be refused with a 400, never served.
	reqErr := openapi3filter.ValidateRequest(req.Context(), in)
	res, err := v.next.RoundTrip(req)
	if err != nil {
		return res, err // nothing answered: nothing to validate
	}
	if reqErr != nil && res.StatusCode != http.StatusBadRequest {
		v.t.Errorf("openapi: request %s %s breaks the contract (%v) but was answered %d", req.Method, req.URL, reqErr, res.StatusCode)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: in.Options,
	}
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		v.t.Errorf("openapi: response %d to %s %s: %v\n%s", res.StatusCode, req.Method, req.URL, err, body)
	} else {
		validated.Lock()
		validated.ops[fmt.Sprintf("%s %d", route.Operation.OperationID, res.StatusCode)]++
		validated.Unlock()
	}
	return res, nil
}
