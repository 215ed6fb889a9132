package ministrysim_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/population"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
	"hukou/integrations/ministry/ministrysim"
)

func TestNew_DocumentedTestData(t *testing.T) {
	t.Parallel()
	for _, id := range []string{ministrysim.NotEligibleIDNumber, ministrysim.ScriptedSpouseIDNumber,
		ministrysim.ScriptedChildIDNumber, ministrysim.NoResultIDNumber} {
		_, err := domain.ValidateIDNumber("idNumber", id, time.Now())
		require.NoError(t, err, id)
	}
	require.Len(t, ministrysim.DefaultPopulations(), 4)
	for _, p := range ministrysim.DefaultPopulations() {
		require.Equal(t, int64(1), p.Seed)
		require.Equal(t, 5000, p.Residents)
	}
}

func TestNew_Deterministic(t *testing.T) {
	t.Parallel()
	cfg := ministrysim.Config{Populations: []population.Config{{Seed: 3, Division: "130100", Residents: 2000}}}
	get := func() string {
		sim, err := ministrysim.New(cfg)
		require.NoError(t, err)
		var b strings.Builder
		for _, no := range []string{ministrysim.FreeBirthCertificateNumber, ministrysim.UsedBirthCertificateNumber} {
			for _, suffix := range []string{"", "/registrations", "/usage"} {
				rec := httptest.NewRecorder()
				sim.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/birth-certificates/"+no+suffix, nil))
				require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
				b.WriteString(rec.Body.String())
			}
		}
		return b.String()
	}
	require.Equal(t, get(), get())
}

func TestNew_ErrInvalidPopulation(t *testing.T) {
	t.Parallel()
	bad := ministrysim.Config{Populations: []population.Config{{Division: "999900", Residents: 1}}}
	_, err := ministrysim.New(bad)
	require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
	require.Panics(t, func() { ministrysim.MustNew(bad) })
}

// TestSimulator_FaultsPerEndpoint checks that every /v1 endpoint is wrapped
// by the injector under its own name, and nothing else is.
func TestSimulator_FaultsPerEndpoint(t *testing.T) {
	t.Parallel()
	inj := fault.New(1)
	sim, err := ministrysim.New(ministrysim.Config{
		Populations: []population.Config{{Seed: 1, Division: "211100", Residents: 50}},
		Faults:      inj,
	})
	require.NoError(t, err)
	require.Same(t, inj, sim.Faults())
	requests := map[string]func() *http.Request{
		ministry.EndpointServiceAvailability: func() *http.Request {
			return httptest.NewRequest("GET", "/v1/service-availability?province=21&kind=BIRTH", nil)
		},
		ministry.EndpointHousehold: func() *http.Request {
			return httptest.NewRequest("POST", "/v1/households/query", strings.NewReader(`{"idNumber":"`+ministrysim.NotEligibleIDNumber+`"}`))
		},
		ministry.EndpointUrbanRuralClass:  func() *http.Request { return httptest.NewRequest("GET", "/v1/urban-rural-class?division=211102", nil) },
		ministry.EndpointBirthCertificate: func() *http.Request { return httptest.NewRequest("GET", "/v1/birth-certificates/M210000001", nil) },
		ministry.EndpointBirthRegistrationHistory: func() *http.Request {
			return httptest.NewRequest("GET", "/v1/birth-certificates/M210000001/registrations", nil)
		},
		ministry.EndpointBirthCertificateUsage: func() *http.Request {
			return httptest.NewRequest("GET", "/v1/birth-certificates/M210000001/usage", nil)
		},
		ministry.EndpointOffsiteIDEligibility: func() *http.Request {
			return httptest.NewRequest("POST", "/v1/id-cards/eligibility", strings.NewReader(`{"idNumber":"`+ministrysim.NotEligibleIDNumber+`","kind":"FIRST"}`))
		},
		ministry.EndpointIDCardHistory: func() *http.Request {
			return httptest.NewRequest("POST", "/v1/id-cards/history", strings.NewReader(`{"idNumber":"`+ministrysim.NotEligibleIDNumber+`"}`))
		},
		ministry.EndpointMaterials: func() *http.Request { return httptest.NewRequest("GET", "/v1/materials?kind=BIRTH&province=21", nil) },
		ministry.EndpointVerifyHouseholdInfo: func() *http.Request {
			return httptest.NewRequest("POST", "/v1/household-info/verify", strings.NewReader(`{"idNumber":"`+ministrysim.NotEligibleIDNumber+`","purpose":"x"}`))
		},
	}
	for endpoint, req := range requests {
		inj.Reset()
		inj.Set(endpoint, fault.Rule{FailNext: 1})
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, req())
		require.Equal(t, http.StatusServiceUnavailable, rec.Code, endpoint)
		rec = httptest.NewRecorder()
		sim.ServeHTTP(rec, req())
		require.Equal(t, http.StatusOK, rec.Code, "%s: %s", endpoint, rec.Body)
	}
	// The admin endpoint and the contract are never failed.
	inj.Set("*", fault.Rule{ErrorRate: 1})
	for _, path := range []string{"/admin/faults", "/openapi.yaml", "/healthz"} {
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		require.Equal(t, http.StatusOK, rec.Code, path)
	}
}

// TestCertificateStation checks that the station a certificate settles at
// is the one the Ministry's household query names for its father.
func TestCertificateStation(t *testing.T) {
	t.Parallel()
	sim := ministrysim.MustNew(ministrysim.Config{})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	mc := ministry.New(httpclient.Config{BaseURL: srv.URL})
	for _, division := range []string{"130100", "211100"} {
		no := ministrysim.FirstBirthCertificateNumber(division)
		station, ok := sim.CertificateStation(no)
		require.True(t, ok, no)
		cert, err := mc.BirthCertificate(context.Background(), no)
		require.NoError(t, err)
		h, err := mc.HouseholdByIDNumber(context.Background(), cert.FatherIDNumber)
		require.NoError(t, err)
		require.Equal(t, h.OfficeCode, station, no)
		require.Equal(t, division[:2], station[:2])
	}
	_, ok := sim.CertificateStation(ministrysim.UnknownBirthCertificateNumber)
	require.False(t, ok)
}
