package documents_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
	"github.com/stretchr/testify/require"

	"hukou/documents"
	"hukou/documents/pdfsig"
	"hukou/domain"
	"hukou/integrations/httpclient"
	"hukou/integrations/province"
	"hukou/integrations/province/provincesim"
	"hukou/storage/sealkeys"
)

// memSeals is an in-memory seal store (the SQL one is tested in storage).
type memSeals struct {
	mu sync.Mutex
	m  map[string]*domain.ElectronicSeal
}

func (r *memSeals) CreateSeal(_ context.Context, s *domain.ElectronicSeal) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := *s
	r.m[s.ID] = &c
	return nil
}

func (r *memSeals) FindSeal(_ context.Context, id string) (*domain.ElectronicSeal, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.m[id]
	if !ok {
		return nil, domain.Errorf(domain.CodeNotFound, "no seal %s", id)
	}
	c := *s
	return &c, nil
}

func (r *memSeals) ListSeals(_ context.Context, office string) ([]*domain.ElectronicSeal, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*domain.ElectronicSeal
	for _, s := range r.m {
		if office == "" || s.OfficeCode == office {
			c := *s
			out = append(out, &c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}

func (r *memSeals) UserSeals(ctx context.Context, userID string) ([]*domain.ElectronicSeal, error) {
	all, _ := r.ListSeals(ctx, "")
	var out []*domain.ElectronicSeal
	for _, s := range all {
		if s.Kind == domain.SealPersonal && s.UserID == userID {
			out = append(out, s)
		}
	}
	return out, nil
}

func (r *memSeals) RevokeSeal(_ context.Context, id string, at time.Time, reason string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[id].RevokedAt, r.m[id].RevokeReason, r.m[id].Status = &at, reason, domain.SealRevoked
	return nil
}

func (r *memSeals) ChooseSeal(_ context.Context, id string, at time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[id].ChosenAt = &at
	return nil
}

type offices struct{ domain.OfficeRepository }

func (offices) FindOfficeByCode(_ context.Context, code string) (*domain.Office, error) {
	return &domain.Office{Code: code, Name: "石家庄市公安局长安分局建北派出所", Level: "POLICE_STATION", Division: code[:6]}, nil
}

type users struct{ domain.UserRepository }

func (users) FindUserByID(_ context.Context, id string) (*domain.User, error) {
	return &domain.User{ID: id, Username: id, DisplayName: "李强", OfficeCode: stationCode}, nil
}

type noAudit struct{}

func (noAudit) Record(context.Context, *domain.AuditEntry) error { return nil }

const stationCode = "130102000100"

type sealFixture struct {
	svc      *domain.SealService
	renderer *documents.Renderer
	verifier *documents.Verifier
	client   *province.Client
	officer  context.Context
	now      *time.Time
}

func sealSetup(t testing.TB) *sealFixture {
	t.Helper()
	if tt, ok := t.(*testing.T); ok {
		renderer(tt) // skips without the font (fails under CI)
	} else if _, err := shared(); err != nil {
		t.Skip(err)
	}
	now := time.Now()
	f := &sealFixture{now: &now}
	sim := httptest.NewServer(provincesim.New(provincesim.Config{Now: func() time.Time { return *f.now }}))
	t.Cleanup(sim.Close)
	f.client = province.New(httpclient.Config{BaseURL: sim.URL})
	repo := &memSeals{m: map[string]*domain.ElectronicSeal{}}
	keys := &sealkeys.FileStore{Dir: filepath.Join(t.TempDir(), "keys")}
	f.verifier = &documents.Verifier{Authority: f.client, Seals: repo}
	f.svc = &domain.SealService{Repo: repo, Keys: keys, Authority: f.client, Offices: offices{}, Users: users{}, Audit: noAudit{},
		Verifier: f.verifier, Now: func() time.Time { return *f.now }}
	r, err := documents.New(documents.Config{Stamper: &documents.Stamper{Seals: f.svc, Keys: keys, Required: true, Now: func() time.Time { return *f.now }}})
	require.NoError(t, err)
	f.renderer = r
	office := &domain.Office{Code: stationCode, Name: "建北派出所", Level: "POLICE_STATION", Division: "130102"}
	admin := domain.WithActor(context.Background(), &domain.Actor{UserID: "admin", OfficeCode: stationCode, Office: office, Roles: []domain.Role{domain.RoleAdmin}})
	f.officer = domain.WithActor(context.Background(), &domain.Actor{UserID: "officer-1", OfficeCode: stationCode, Office: office, Roles: []domain.Role{domain.RoleOfficer}})
	_, err = f.svc.RequestSeal(admin, domain.SealHousehold, "", "")
	require.NoError(t, err)
	_, err = f.svc.RequestSeal(admin, domain.SealPersonal, "", "officer-1")
	require.NoError(t, err)
	return f
}

// TestStampedDocumentVerifies signs a registration form with the station's
// household seal and the officer's personal seal (5.1.2) and verifies it; a
// changed byte fails with its reason.
func TestStampedDocumentVerifies(t *testing.T) {
	t.Parallel()
	f := sealSetup(t)
	pdf, err := f.renderer.Render(f.officer, registrationForm())
	require.NoError(t, err)
	keep(t, "registration-form-sealed.pdf", pdf)
	text := pdfText(t, pdf)
	requireContains(t, text, "常住人口登记表", "张𠮷祥")

	v, err := f.svc.VerifyDocument(f.officer, "form.pdf", pdf)
	require.NoError(t, err)
	require.True(t, v.Valid, "%+v", v)
	require.True(t, v.Unchanged)
	require.Len(t, v.Seals, 2)
	require.Equal(t, "石家庄市公安局长安分局建北派出所户口专用章", v.Seals[0].SealName)
	require.Equal(t, "李强", v.Seals[1].SealName)
	for _, s := range v.Seals {
		require.True(t, s.SignatureValid)
		require.True(t, s.Trusted)
		require.Equal(t, domain.SealValid, s.StatusAtSigning)
		require.NotEmpty(t, s.SealID)
	}

	// One changed byte inside the first revision (the page content).
	bad := append([]byte(nil), pdf...)
	i := bytes.Index(bad, []byte("stream\n")) + 20
	bad[i] ^= 0x01
	v, err = f.verifier.VerifyDocument(context.Background(), bad)
	require.NoError(t, err)
	require.False(t, v.Valid)
	require.Equal(t, "document.changed", v.Reason)
	require.False(t, v.Unchanged)

	// Something appended after the last seal.
	v, err = f.verifier.VerifyDocument(context.Background(), append(append([]byte(nil), pdf...), "1 0 obj\n<<>>\nendobj\n"...))
	require.NoError(t, err)
	require.False(t, v.Valid)
	require.Equal(t, "document.changed", v.Reason)

	// Not a PDF, and an unsealed PDF.
	v, err = f.verifier.VerifyDocument(context.Background(), []byte("hello"))
	require.NoError(t, err)
	require.Equal(t, "document.unreadable", v.Reason)
	plain, err := renderer(t).Render(context.Background(), registrationForm())
	require.NoError(t, err)
	v, err = f.verifier.VerifyDocument(context.Background(), plain)
	require.NoError(t, err)
	require.Equal(t, "document.unsigned", v.Reason)

	// A seal revoked after it was used: the document stays valid.
	seals, err := f.svc.StampingSeals(f.officer, stationCode, "")
	require.NoError(t, err)
	*f.now = f.now.Add(2 * time.Second)
	require.NoError(t, f.client.RevokeSeal(context.Background(), seals[1].ID, "调离"))
	remote := &documents.Verifier{Authority: f.client} // another office: asks the service
	v, err = remote.VerifyDocument(context.Background(), pdf)
	require.NoError(t, err)
	require.True(t, v.Valid, "revoked after use: %+v", v)
}

// TestStampingRefusesExpiredAndRevokedSeals: a document is not printed with
// an expired or revoked seal, and says why.
func TestStampingRefusesExpiredAndRevokedSeals(t *testing.T) {
	t.Parallel()
	f := sealSetup(t)
	later := f.now.Add(provincesim.SealValidity + time.Hour)
	saved := *f.now
	*f.now = later
	_, err := f.renderer.Render(f.officer, registrationForm())
	require.Equal(t, "seal.expired", reasonOf(err))
	*f.now = saved

	seals, err := f.svc.StampingSeals(f.officer, stationCode, "")
	require.NoError(t, err)
	admin := domain.WithActor(context.Background(), &domain.Actor{UserID: "admin", OfficeCode: stationCode,
		Office: &domain.Office{Code: stationCode, Level: "POLICE_STATION", Division: "130102"}, Roles: []domain.Role{domain.RoleAdmin}})
	_, err = f.svc.RevokeSeal(admin, seals[0].ID, "印章遗失")
	require.NoError(t, err)
	_, err = f.renderer.Render(f.officer, registrationForm())
	require.Equal(t, "seal.revoked", reasonOf(err))
	require.Contains(t, err.Error(), "印章遗失")
}

// TestVerifyRevokedAtSigning: a document signed with a seal the service had
// already revoked (this office's store not yet knowing) fails at a verifier.
func TestVerifyRevokedAtSigning(t *testing.T) {
	t.Parallel()
	f := sealSetup(t)
	seals, err := f.svc.StampingSeals(f.officer, stationCode, "")
	require.NoError(t, err)
	require.NoError(t, f.client.RevokeSeal(context.Background(), seals[0].ID, "印章遗失"))
	*f.now = f.now.Add(2 * time.Second)
	pdf, err := f.renderer.Render(f.officer, registrationForm())
	require.NoError(t, err)
	v, err := (&documents.Verifier{Authority: f.client}).VerifyDocument(context.Background(), pdf)
	require.NoError(t, err)
	require.False(t, v.Valid)
	require.Equal(t, "seal.revoked", v.Reason)
	require.Equal(t, domain.SealRevoked, v.Seals[0].StatusAtSigning)
}

func reasonOf(err error) string {
	var de *domain.Error
	if err != nil && errors.As(err, &de) {
		return de.Reason
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// BenchmarkStampedRender renders a registration form and signs it with two
// seals (household and personal), as every business document is; and
// verifies it.
func BenchmarkStampedRender(b *testing.B) {
	f := sealSetup(b)
	pdf, err := f.renderer.Render(f.officer, registrationForm())
	if err != nil {
		b.Fatal(err)
	}
	plain, _ := shared()
	b.Run("render, drawn seal", func(b *testing.B) {
		for b.Loop() {
			if _, err := plain.Render(context.Background(), registrationForm()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("render+2 seals", func(b *testing.B) {
		for b.Loop() {
			if _, err := f.renderer.Render(f.officer, registrationForm()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			if _, err := f.verifier.VerifyDocument(context.Background(), pdf); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestVerifyUnknownAndUntrustedSeals: a seal the e-seal service does not know
// is not valid (seal.unknown), nor is a signature whose certificate another
// CA issued (seal.untrusted).
func TestVerifyUnknownAndUntrustedSeals(t *testing.T) {
	t.Parallel()
	f := sealSetup(t)
	pdf, err := f.renderer.Render(f.officer, registrationForm())
	require.NoError(t, err)
	// Another simulator: the same CA (derived from a fixed seed), but it never issued these seals.
	other := httptest.NewServer(provincesim.New(provincesim.Config{}))
	t.Cleanup(other.Close)
	v, err := (&documents.Verifier{Authority: province.New(httpclient.Config{BaseURL: other.URL, MaxAttempts: 1})}).VerifyDocument(context.Background(), pdf)
	require.NoError(t, err)
	require.False(t, v.Valid)
	require.Equal(t, "seal.unknown", v.Reason)
	require.True(t, v.Unchanged, "the document itself is intact")
	require.Equal(t, domain.SealUnknown, v.Seals[0].StatusAtSigning)

	// A key and certificate of a CA of our own making, signing the same form.
	key, err := sm2.GenerateKey(rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "伪造章", SerialNumber: "ES-FAKE"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	cert, err := smx509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	plain, err := renderer(t).Render(context.Background(), registrationForm())
	require.NoError(t, err)
	forged, err := pdfsig.Sign(plain, pdfsig.Signer{Key: key, Certificate: cert, Field: "seal-fake", Name: "伪造章", Time: time.Now()})
	require.NoError(t, err)
	v, err = f.verifier.VerifyDocument(context.Background(), forged)
	require.NoError(t, err)
	require.False(t, v.Valid)
	require.Equal(t, "seal.untrusted", v.Reason)
	require.True(t, v.Seals[0].SignatureValid, "the signature itself verifies; its certificate is the problem")
	require.False(t, v.Seals[0].Trusted)
}
