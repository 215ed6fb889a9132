package production_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/idcard"
	"hukou/domain/idcard/idcardtest"
	"hukou/integrations/fault"
	"hukou/integrations/fingerprint/fingerprintsim"
	"hukou/integrations/httpclient"
	"hukou/integrations/openapitest"
	"hukou/integrations/production"
	"hukou/integrations/production/productionsim"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type bundle struct {
	sim    *productionsim.Simulator
	srv    *httptest.Server
	client *production.Client
	spec   *openapitest.Transport
	clock  *clock
	calls  *atomic.Int64
}

func setup(t *testing.T) *bundle {
	t.Helper()
	b := &bundle{clock: &clock{t: time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)}, calls: new(atomic.Int64)}
	b.sim = productionsim.New(productionsim.Config{Faults: fault.New(1), Now: b.clock.now, Delay: time.Minute})
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.calls.Add(1)
		b.sim.ServeHTTP(w, r)
	}))
	t.Cleanup(b.srv.Close)
	b.spec = openapitest.New(t, production.OpenAPISpec)
	b.client = production.New(httpclient.Config{BaseURL: b.srv.URL, HTTP: b.spec.Client(), Timeout: 2 * time.Second, MaxAttempts: 3,
		BaseBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, BreakerFailures: 1000})
	return b
}

const wife = "130602198706200268"

// pkg is a good package: a GA 461 photo and two fingers from the device.
func pkg(t *testing.T, n int) *idcard.Package {
	t.Helper()
	p := &idcard.Package{ID: "XT2111032026120100000001-P0" + string(rune('0'+n)), CollabNo: "XT2111032026120100000001", AcceptanceOffice: "211103000100",
		ApplicationKind: domain.IDCardRenewal,
		Card: idcard.CardData{IDNumber: wife, Name: "李秀英", Sex: "2", Ethnicity: "01", BirthDate: "1987-06-20", Address: "河北省石家庄市长安区建设北大街1号",
			Authority: "石家庄市公安局长安分局", ValidFrom: "2026-12-02", ValidUntil: "2046-12-02"},
		Photo:    idcardtest.Photo(idcardtest.GoodPhoto()),
		Archives: []domain.FileContent{{MaterialCode: "PHOTO_RECEIPT", Name: "r.png", ContentType: "image/png", Content: idcardtest.FingerImage(200, 200)}}}
	for _, pos := range []int{2, 7} {
		tpl := fingerprintsim.Take(wife, pos, uint64(n*10+pos))
		p.Fingerprints = append(p.Fingerprints, idcard.PackageFinger{Position: pos, Quality: int(tpl.Quality), Template: tpl.Encode(), Image: fingerprintsim.Image(tpl)})
	}
	return p
}

// TestClient_UploadAndFeedback: a good package is produced after the delay;
// a package whose finger image is another capture's gets template/image
// feedback; the photo rules and the card data are checked; a scripted
// anomaly comes back as scripted.
func TestClient_UploadAndFeedback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)

	good := pkg(t, 1)
	r, err := b.client.Upload(ctx, good)
	require.NoError(t, err)
	require.Equal(t, good.ID, r.PackageID)
	st, err := b.client.Status(ctx, good.ID)
	require.NoError(t, err)
	require.Equal(t, idcard.StateInProduction, st.State, "in production until the delay is over")

	mismatch := pkg(t, 2)
	mismatch.Fingerprints[1].Image = fingerprintsim.Image(fingerprintsim.Take(wife, 7, 999)) // another capture's image
	_, err = b.client.Upload(ctx, mismatch)
	require.NoError(t, err)

	badPhoto := pkg(t, 3)
	spec := idcardtest.GoodPhoto()
	spec.Width = 400
	badPhoto.Photo = idcardtest.Photo(spec)
	_, err = b.client.Upload(ctx, badPhoto)
	require.NoError(t, err)

	longAddress := pkg(t, 4)
	longAddress.Card.Address = string(bytes.Repeat([]byte("长"), 71))
	_, err = b.client.Upload(ctx, longAddress)
	require.NoError(t, err)

	b.sim.Script(productionsim.Script{IDNumber: wife, Class: idcard.ClassData, Code: "ministry_mismatch", Description: "姓名与部库不一致"})
	scripted := pkg(t, 5)
	_, err = b.client.Upload(ctx, scripted)
	require.NoError(t, err)

	b.clock.advance(time.Minute)
	st, err = b.client.Status(ctx, good.ID)
	require.NoError(t, err)
	require.Equal(t, idcard.StateCompleted, st.State)
	require.Regexp(t, `^211103\d{8}\d{6}$`, st.CardNumber)
	require.False(t, st.ProducedAt.IsZero())
	for id, want := range map[string][2]string{
		mismatch.ID:    {idcard.ClassFingerprint, "template_image_mismatch"},
		badPhoto.ID:    {idcard.ClassPhoto, "photo_dimensions"},
		longAddress.ID: {idcard.ClassData, "address_too_long"},
		scripted.ID:    {idcard.ClassData, "ministry_mismatch"},
	} {
		st, err := b.client.Status(ctx, id)
		require.NoError(t, err)
		require.Equal(t, idcard.StateQualityFeedback, st.State, id)
		require.Equal(t, want[0], st.Class, id)
		require.Equal(t, want[1], st.Code, id)
		require.NotEmpty(t, st.Description)
	}
	require.Equal(t, 5, b.sim.Packages())
}

// TestClient_IdempotentAndRefusals: the same package again is answered like
// the first time (a lost answer is retried); other content under a used ID
// is a conflict; a package whose checksums do not match is refused; an
// unknown package is not found; an outage is CodeUnavailable.
func TestClient_IdempotentAndRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	p := pkg(t, 1)
	first, err := b.client.Upload(ctx, p)
	require.NoError(t, err)
	// The answer to the repeat is lost once; the retry gets it.
	b.sim.Faults().Set(production.EndpointUpload, fault.Rule{LoseNext: 1})
	calls := b.calls.Load()
	again, err := b.client.Upload(ctx, p)
	require.NoError(t, err)
	require.Equal(t, int64(2), b.calls.Load()-calls, "the lost answer was retried")
	require.Equal(t, first.ReceivedAt, again.ReceivedAt, "answered like the first time")
	require.Equal(t, 1, b.sim.Packages())

	changed := pkg(t, 1)
	changed.Card.Name = "李秀"
	_, err = b.client.Upload(ctx, changed)
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Equal(t, domain.CodeConflict, de.Code)
	require.Equal(t, "production.package_changed", de.Reason)

	// A part changed after the manifest was made: sent raw, outside the client.
	wire := production.FromDomain(pkg(t, 6))
	wire.Photo = append(wire.Photo, 0)
	body, err := json.Marshal(wire)
	require.NoError(t, err)
	res, err := b.spec.Client().Post(b.srv.URL+"/v1/packages", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	var eb httpclient.ErrorBody
	require.NoError(t, json.NewDecoder(res.Body).Decode(&eb))
	res.Body.Close()
	require.Equal(t, http.StatusBadRequest, res.StatusCode)
	require.Equal(t, "production.checksum", eb.Reason)

	_, err = b.client.Status(ctx, "XT2111032026120100000009-P01")
	require.ErrorAs(t, err, &de)
	require.Equal(t, domain.CodeNotFound, de.Code)

	b.sim.Faults().Set(production.EndpointStatus, fault.Rule{ErrorRate: 1})
	calls = b.calls.Load()
	_, err = b.client.Status(ctx, p.ID)
	require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err))
	require.Contains(t, domain.ErrorMessage(err), "production centre")
	require.Equal(t, int64(3), b.calls.Load()-calls, "retried")
}

// TestSimulator_AdminScript: anomalies are scripted over HTTP too.
func TestSimulator_AdminScript(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for body, status := range map[string]int{
		`[{"idNumber": "` + wife + `", "class": "PHOTO", "description": "相片模糊"}]`: http.StatusNoContent,
		`[{"idNumber": "` + wife + `", "class": "NOPE", "description": "x"}]`:     http.StatusBadRequest,
		`nope`: http.StatusBadRequest,
	} {
		req, _ := http.NewRequest(http.MethodPut, b.srv.URL+"/admin/script", bytes.NewBufferString(body))
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, status, res.StatusCode, body)
	}
	p := pkg(t, 1)
	_, err := b.client.Upload(context.Background(), p)
	require.NoError(t, err)
	b.clock.advance(time.Hour)
	st, err := b.client.Status(context.Background(), p.ID)
	require.NoError(t, err)
	require.Equal(t, idcard.ClassPhoto, st.Class)
	require.Equal(t, "相片模糊", st.Description)
}
