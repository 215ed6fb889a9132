package province_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/certificate"
	"hukou/integrations/fault"
	"hukou/integrations/openapitest"
	"hukou/integrations/province"
	"hukou/integrations/province/provincesim"
)

func routeReq(first string) certificate.RouteRequest {
	return certificate.RouteRequest{CollabNo: "XT2111032026112900000001", RequestingOffice: "130102000100", Province: "51",
		MatterType: "KINSHIP", Statement: "证明二人为母子关系", Persons: []certificate.Person{{IDNumber: first, Name: "王芳"}}}
}

// TestClient_RouteVerification checks the third province's scripted answers
// over real HTTP, every call validated against the contract (2.2.7).
func TestClient_RouteVerification(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, tc := range map[string]struct {
		first     string
		verdict   certificate.Verdict
		materials int
	}{
		"True":     {"130602198706200268", certificate.VerdictTrue, 1},
		"NotTrue":  {provincesim.RoutedNotTrueIDNumber, certificate.VerdictNotTrue, 0},
		"NoResult": {provincesim.RoutedNoResultIDNumber, certificate.VerdictNoResult, 0},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			a, err := b.client.RouteVerification(ctx, routeReq(tc.first))
			require.NoError(t, err)
			require.Equal(t, tc.verdict, a.Verdict)
			require.Equal(t, "51", a.Province)
			require.NotEmpty(t, a.Findings)
			require.Len(t, a.Materials, tc.materials)
			for _, m := range a.Materials {
				require.Equal(t, "application/pdf", http.DetectContentType(m.Content))
			}
			require.Equal(t, 1, b.spec.Validated())
		})
	}
	t.Run("ErrUnavailable", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.sim.Faults().Set("certificate_verification", fault.Rule{FailNext: 10})
		_, err := b.client.RouteVerification(ctx, routeReq("130602198706200268"))
		require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err))
	})
	t.Run("ErrInvalidFromService", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		hc := openapitest.New(t, province.OpenAPISpec).WithoutRequestValidation().Client()
		res, err := hc.Post(b.srv.URL+"/v1/certificate-verifications", "application/json",
			bytes.NewBufferString(`{"collabNo":"XT2111032026112900000001","requestingOffice":"130102000100","province":"X","matterType":"KINSHIP","statement":"s","persons":[{"idNumber":"130602198706200268","name":"王芳"}]}`))
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusBadRequest, res.StatusCode)
		require.Contains(t, string(body), `"field":"province"`)
	})
}
