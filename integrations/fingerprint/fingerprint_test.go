package fingerprint_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/idcard"
	"hukou/domain/idcard/idcardtest"
	"hukou/integrations/fault"
	"hukou/integrations/fingerprint"
	"hukou/integrations/fingerprint/fingerprintsim"
	"hukou/integrations/httpclient"
	"hukou/integrations/openapitest"
)

func setup(t *testing.T) (*fingerprintsim.Simulator, *httptest.Server, *fingerprint.Device, *openapitest.Transport) {
	t.Helper()
	sim := fingerprintsim.New(fingerprintsim.Config{})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	spec := openapitest.New(t, fingerprint.OpenAPISpec)
	dev := fingerprint.NewDevice(httpclient.Config{BaseURL: srv.URL, HTTP: spec.Client(), Timeout: 2 * time.Second, MaxAttempts: 2, BaseBackoff: time.Millisecond})
	return sim, srv, dev, spec
}

func raw(t *testing.T, b64 string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(b64)
	require.NoError(t, err)
	return b
}

// TestDevice_CapturesWhatTheIntakeTakes: the device's captures pass the
// intake's fingerprint rules, carry the template's digest in the image, and
// follow the contract.
func TestDevice_CapturesWhatTheIntakeTakes(t *testing.T) {
	t.Parallel()
	_, _, dev, spec := setup(t)
	ctx := context.Background()
	info, err := dev.Info(ctx)
	require.NoError(t, err)
	require.Equal(t, "ISO/IEC 19794-2:2005", info.Standard)
	a, err := dev.Capture(ctx, 2, "130602198706200268")
	require.NoError(t, err)
	b, err := dev.Capture(ctx, 7, "130602198706200268")
	require.NoError(t, err)
	fingers, images, err := idcard.CheckFingerprints([]idcard.FingerprintCapture{*a, *b}, 60)
	require.NoError(t, err)
	require.Len(t, images, 2)
	for i, f := range []*idcard.FingerprintCapture{a, b} {
		d, ok := fingerprint.DigestOf(raw(t, f.Image))
		require.True(t, ok)
		require.Equal(t, fingerprint.TemplateDigest(raw(t, f.Template)), d)
		require.GreaterOrEqual(t, fingers[i].Quality, 60)
	}
	require.Equal(t, 3, spec.Validated())
}

// TestMatcher_SameFingerMatchesOthersDoNot: two placements of one finger
// score well above the collection threshold; another finger of the same
// person, and the same finger of another person, well below it.
func TestMatcher_SameFingerMatchesOthersDoNot(t *testing.T) {
	t.Parallel()
	m := fingerprint.Matcher{}
	const threshold = 40
	var same, others []int
	for i := range 20 {
		subject := "1306021987062002" + string(rune('0'+i%10)) + "8"
		a := fingerprintsim.Take(subject, 2, uint64(1000+i)).Encode()
		b := fingerprintsim.Take(subject, 2, uint64(5000+i)).Encode()
		s, err := m.Match(a, b)
		require.NoError(t, err)
		same = append(same, s)
		otherFinger := fingerprintsim.Take(subject, 2, 1)
		otherFinger.Minutiae = fingerprintsim.Take(subject+"x", 2, 1).Minutiae // another person's finger
		s, err = m.Match(a, otherFinger.Encode())
		require.NoError(t, err)
		others = append(others, s)
	}
	for i := range same {
		require.Greater(t, same[i], threshold+15, "same finger: %v", same)
		require.Less(t, others[i], threshold-10, "other fingers: %v", others)
	}
	s, err := m.Match(fingerprintsim.Take("x", 2, 1).Encode(), fingerprintsim.Take("x", 2, 1).Encode())
	require.NoError(t, err)
	require.Equal(t, 100, s, "one placement against itself")
	_, err = m.Match([]byte("not a record"), fingerprintsim.Take("x", 2, 1).Encode())
	require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
	_, err = m.Match(fingerprintsim.Take("x", 2, 1).Encode(), fingerprintsim.Take("x", 7, 1).Encode())
	require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err), "different finger positions")
}

// TestSimulator_ScriptedAnomalies: low quality (refused by the intake's
// rule), a template/image mismatch (the image carries another template's
// digest), no finger placed (409 device.no_finger), an outage.
func TestSimulator_ScriptedAnomalies(t *testing.T) {
	t.Parallel()
	sim, srv, dev, _ := setup(t)
	ctx := context.Background()
	sim.Script(fingerprintsim.Script{Quality: 35}, fingerprintsim.Script{Mismatch: true}, fingerprintsim.Script{NoFinger: true})
	low, err := dev.Capture(ctx, 2, "s")
	require.NoError(t, err)
	ok, err := dev.Capture(ctx, 7, "s")
	require.NoError(t, err)
	_, _, err = idcard.CheckFingerprints([]idcard.FingerprintCapture{*low, *ok}, 60)
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Equal(t, "id_card.fingerprint_quality", de.Reason)
	d, _ := fingerprint.DigestOf(raw(t, ok.Image))
	require.NotEqual(t, fingerprint.TemplateDigest(raw(t, ok.Template)), d, "the mismatched image carries another template's digest")
	_, err = dev.Capture(ctx, 2, "s")
	require.ErrorAs(t, err, &de)
	require.Equal(t, "device.no_finger", de.Reason)
	loose := fingerprint.NewDevice(httpclient.Config{BaseURL: srv.URL, HTTP: openapitest.New(t, fingerprint.OpenAPISpec).WithoutRequestValidation().Client()})
	_, err = loose.Capture(ctx, 11, "s") // outside the contract: answered 400
	require.ErrorAs(t, err, &de)
	require.Equal(t, "device.position", de.Reason)
	// Through the admin endpoint, as the browser tests script it; CORS lets a page call the device.
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/admin/script", strings.NewReader(`[{"noFinger": true}]`))
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusNoContent, res.StatusCode)
	_, err = dev.Capture(ctx, 2, "s")
	require.ErrorAs(t, err, &de)
	require.Equal(t, "device.no_finger", de.Reason)
	req, _ = http.NewRequest(http.MethodOptions, srv.URL+"/v1/capture", nil)
	req.Header.Set("Origin", "http://127.0.0.1:8080")
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, "*", res.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, res.Header.Get("Access-Control-Allow-Headers"), "Content-Type")
	sim.Faults().Set(fingerprint.EndpointCapture, faultAlways())
	_, err = dev.Capture(ctx, 2, "s")
	require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err))
	require.Contains(t, domain.ErrorMessage(err), "fingerprint device")
}

// TestDigest_EmbeddedInTheImage: the digest chunk survives as PNG.
func TestDigest_EmbeddedInTheImage(t *testing.T) {
	t.Parallel()
	img := idcardtest.FingerImage(200, 300)
	_, ok := fingerprint.DigestOf(img)
	require.False(t, ok)
	with := fingerprint.EmbedDigest(img, []byte("template"))
	d, ok := fingerprint.DigestOf(with)
	require.True(t, ok)
	require.Equal(t, fingerprint.TemplateDigest([]byte("template")), d)
	_, _, err := idcard.CheckFingerprints([]idcard.FingerprintCapture{
		{Position: 2, Template: idcardtest.Finger(2, 80, 30, 1).Template, Image: base64.StdEncoding.EncodeToString(fingerprint.EmbedDigest(idcardtest.FingerImage(256, 360), []byte("x")))},
		{Position: 7, NotAvailable: "MISSING"}}, 60)
	require.NoError(t, err, "a PNG with the chunk is still a grey PNG")
}

func faultAlways() fault.Rule { return fault.Rule{ErrorRate: 1} }
