package idreader_test

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/idnumber"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/idreader"
	"hukou/integrations/idreader/idreadersim"
	"hukou/integrations/openapitest"
)

func setup(t *testing.T) (*idreadersim.Simulator, *httptest.Server, *idreader.Reader, *openapitest.Transport) {
	t.Helper()
	sim := idreadersim.New(idreadersim.Config{})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	spec := openapitest.New(t, idreader.OpenAPISpec)
	r := idreader.NewReader(httpclient.Config{BaseURL: srv.URL, HTTP: spec.Client(), Timeout: 2 * time.Second, MaxAttempts: 1, BaseBackoff: time.Millisecond})
	return sim, srv, r, spec
}

// TestReader_ReadsEveryField (issue 19 item 5, 读卡): the simulated card
// carries every field of a second-generation card, valid by the national
// standards, and follows the contract.
func TestReader_ReadsEveryField(t *testing.T) {
	t.Parallel()
	_, _, r, spec := setup(t)
	ctx := context.Background()
	info, err := r.Info(ctx)
	require.NoError(t, err)
	require.Equal(t, "READY", info.Status)
	c, err := r.Read(ctx)
	require.NoError(t, err)
	require.Equal(t, "陈东", c.Name)
	require.Equal(t, "1", c.Sex)
	require.Equal(t, "01", c.Ethnicity)
	require.Equal(t, "1980-10-05", c.BirthDate)
	require.Contains(t, c.Address, "盘锦市")
	require.Equal(t, "盘锦市公安局双台子分局", c.Authority)
	require.Equal(t, "2015-03-01", c.ValidFrom)
	require.Equal(t, "2035-03-01", c.ValidTo)
	id, err := idnumber.Validate(c.IDNumber, time.Now())
	require.NoError(t, err, "the card's ID number is valid (GB 11643)")
	require.Equal(t, c.BirthDate, id.Birth.Format(time.DateOnly))
	img, err := png.Decode(bytes.NewReader(c.Photo))
	require.NoError(t, err)
	require.Equal(t, 102, img.Bounds().Dx())
	require.False(t, c.ReadAt.IsZero())
	require.Equal(t, 2, spec.Validated())
}

// TestReader_Failures: no card, a failed read, an unreachable reader and a
// fault each come back as an error with its reason; scripts place another
// card; an invalid scripted card is refused.
func TestReader_Failures(t *testing.T) {
	t.Parallel()
	sim, srv, r, _ := setup(t)
	ctx := context.Background()
	other := idreadersim.DemoCard
	other.Name, other.Sex, other.IDNumber = "李秀英", "2", "130602198706200268"
	sim.Script(idreadersim.Script{NoCard: true}, idreadersim.Script{Fail: true}, idreadersim.Script{Card: &other})

	_, err := r.Read(ctx)
	require.Equal(t, idreader.ReasonNoCard, reason(err))
	require.Equal(t, domain.CodeConflict, domain.ErrorCode(err))
	_, err = r.Read(ctx)
	require.Equal(t, idreader.ReasonReadFailed, reason(err))
	c, err := r.Read(ctx)
	require.NoError(t, err)
	require.Equal(t, "李秀英", c.Name)
	c, err = r.Read(ctx)
	require.NoError(t, err)
	require.Equal(t, "陈东", c.Name, "the card on the reader again")

	sim.Faults().Set(idreader.EndpointRead, fault.Rule{ErrorRate: 1})
	_, err = r.Read(ctx)
	require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err))
	sim.Faults().Reset()

	bad := `[{"card": {"name": "x", "idNumber": "130602198706200260"}}]`
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/admin/script", strings.NewReader(bad))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)

	// The browser's preflight is answered (CORS).
	req, _ = http.NewRequest(http.MethodOptions, srv.URL+"/v1/read", nil)
	req.Header.Set("Origin", "http://127.0.0.1:8080")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))

	gone := idreader.NewReader(httpclient.Config{BaseURL: "http://127.0.0.1:1", Timeout: time.Second, MaxAttempts: 1})
	_, err = gone.Read(ctx)
	require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err))
}

func reason(err error) string {
	if e, ok := err.(*domain.Error); ok { //nolint:errorlint // the client returns *domain.Error as is
		return e.Reason
	}
	return ""
}
