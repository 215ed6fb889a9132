package ministrysim

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"

	"hukou/domain"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
	"hukou/internal/seedrand"
)

// The e-licence service (4.1.1): licences issued in memory, signed with an
// SM2 issuer key derived from a fixed seed (the same in every simulator).

type licenceIssuer struct {
	key *sm2.PrivateKey
	der []byte
}

var issuer = sync.OnceValues(func() (*licenceIssuer, error) {
	key, err := sm2.GenerateKey(seedrand.New("hukou simulated Ministry e-licence issuer v1"))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1),
		Subject:   pkix.Name{Country: []string{"CN"}, Organization: []string{"公安部(模拟)"}, CommonName: "Simulated Ministry e-licence issuer (SM2)"},
		NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true}
	der, err := smx509.CreateCertificate(seedrand.New("hukou simulated Ministry e-licence issuer certificate v1"), tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	return &licenceIssuer{key: key, der: der}, nil
})

type licenceStore struct {
	mu   sync.Mutex
	byID map[string]*ministry.Licence
	seq  int
}

var reLicenceID = regexp.MustCompile(`^[A-Za-z0-9-]{1,40}$`)
var reIDNumber = regexp.MustCompile(`^[0-9]{17}[0-9X]$`)

func (s *Simulator) licenceStore() *licenceStore {
	s.licOnce.Do(func() { s.lic = &licenceStore{byID: map[string]*ministry.Licence{}} })
	return s.lic
}

// IssueLicence issues a licence directly (for tests and the demo).
func (s *Simulator) IssueLicence(in ministry.LicenceRequest) (*ministry.Licence, error) {
	return s.issueLicenceAs(in, "")
}

// issueLicenceAs issues a licence under id, or a new number when id is
// empty (the e-migration certificate keeps the number its service gave it).
func (s *Simulator) issueLicenceAs(in ministry.LicenceRequest, id string) (*ministry.Licence, error) {
	if !domain.LicenceType(in.Type).Valid() {
		return nil, domain.FieldErrorf("type", "unknown licence type %q", in.Type)
	}
	if !reIDNumber.MatchString(in.HolderIDNumber) || strings.TrimSpace(in.HolderName) == "" {
		return nil, domain.FieldErrorf("holderIdNumber", "a licence needs its holder's ID number and name")
	}
	iss, err := issuer()
	if err != nil {
		return nil, err
	}
	st := s.licenceStore()
	now := s.cfg.Now().UTC().Truncate(time.Second)
	st.mu.Lock()
	if id == "" {
		st.seq++
		prefix := map[string]string{"HUKOU_BOOK": "HKB", "ID_CARD": "EID", "MIGRATION_CERTIFICATE": "EMC", "MOVE_IN_PERMIT": "EMP"}[in.Type]
		id = fmt.Sprintf("%s%s%08d", prefix, now.Format("20060102"), st.seq)
	}
	st.mu.Unlock()
	until := now.AddDate(10, 0, 0)
	if in.ValidUntil != nil {
		until = in.ValidUntil.UTC()
	}
	data := in.Data
	if data == nil {
		data = map[string]string{}
	}
	l := &ministry.Licence{LicenceBody: ministry.LicenceBody{LicenceID: id, Type: in.Type, HolderIDNumber: in.HolderIDNumber,
		HolderName: in.HolderName, Issuer: "中华人民共和国公安部", IssuedAt: now, ValidUntil: until, Data: data}, IssuerCertificate: iss.der}
	if l.Signature, err = iss.key.Sign(rand.Reader, l.Canonical(), sm2.NewSM2SignerOption(true, nil)); err != nil {
		return nil, err
	}
	st.mu.Lock()
	st.byID[id] = l
	st.mu.Unlock()
	return l, nil
}

func (s *Simulator) issueLicence(w http.ResponseWriter, r *http.Request) {
	var in ministry.LicenceRequest
	if !decode(w, r, &in) {
		return
	}
	l, err := s.IssueLicence(in)
	if err != nil {
		invalid(w, "type", "ministry.licence_request", "%v", err)
		return
	}
	httpclient.WriteJSON(w, l)
}

func (s *Simulator) findLicence(w http.ResponseWriter, r *http.Request) (*ministry.Licence, bool) {
	id := r.PathValue("licenceId")
	st := s.licenceStore()
	st.mu.Lock()
	l, ok := st.byID[id]
	var c ministry.Licence
	if ok {
		c = *l
	}
	st.mu.Unlock()
	if !reLicenceID.MatchString(id) || !ok {
		notFound(w, "ministry.licence_not_found", "the Ministry issued no licence %s", id)
		return nil, false
	}
	return &c, true
}

func (s *Simulator) licence(w http.ResponseWriter, r *http.Request) {
	if l, ok := s.findLicence(w, r); ok {
		httpclient.WriteJSON(w, l)
	}
}

func (s *Simulator) verifyLicence(w http.ResponseWriter, r *http.Request) {
	l, ok := s.findLicence(w, r)
	if !ok {
		return
	}
	now := s.cfg.Now().UTC()
	v := ministry.LicenceVerification{LicenceID: l.LicenceID, Valid: true, Status: "VALID", CheckedAt: now}
	switch {
	case l.RevokedAt != nil:
		v.Valid, v.Status, v.Reason = false, "REVOKED", l.RevokeReason
	case !now.Before(l.ValidUntil):
		v.Valid, v.Status = false, "EXPIRED"
	}
	httpclient.WriteJSON(w, v)
}

func (s *Simulator) revokeLicence(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Reason string `json:"reason"`
	}
	if !decode(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.Reason) == "" {
		invalid(w, "reason", "ministry.reason", "say why the licence is revoked")
		return
	}
	if _, ok := s.findLicence(w, r); !ok {
		return
	}
	st := s.licenceStore()
	st.mu.Lock()
	l := st.byID[r.PathValue("licenceId")]
	if l.RevokedAt == nil {
		now := s.cfg.Now().UTC()
		l.RevokedAt, l.RevokeReason = &now, in.Reason
	}
	c := *l
	st.mu.Unlock()
	httpclient.WriteJSON(w, c)
}

func (s *Simulator) licenceIssuer(w http.ResponseWriter, _ *http.Request) {
	iss, err := issuer()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	httpclient.WriteJSON(w, ministry.LicenceIssuer{Certificate: iss.der})
}
