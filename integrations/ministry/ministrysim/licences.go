package ministrysim

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"slices"
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

// licenceStore holds the issued licences and the idempotency keys they
// were issued under, for the simulator's lifetime (like the licences: a
// real service keeps a key at least as long as a caller may retry, which
// for a River job is days).
type licenceStore struct {
	mu    sync.Mutex
	byID  map[string]*ministry.Licence
	byKey map[string]keyedIssue
	seq   int
}

// keyedIssue is what an Idempotency-Key was used for: the SHA-256 of the
// request (requestDigest) and the licence issued.
type keyedIssue struct {
	digest [sha256.Size]byte
	id     string
}

var reLicenceID = regexp.MustCompile(`^[A-Za-z0-9-]{1,40}$`)
var reIDNumber = regexp.MustCompile(`^[0-9]{17}[0-9X]$`)
var reIdempotencyKey = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

func (s *Simulator) licenceStore() *licenceStore {
	s.licOnce.Do(func() { s.lic = &licenceStore{byID: map[string]*ministry.Licence{}, byKey: map[string]keyedIssue{}} })
	return s.lic
}

// IssueLicence issues a licence directly (for tests and the demo), under
// no idempotency key.
func (s *Simulator) IssueLicence(in ministry.LicenceRequest) (*ministry.Licence, error) {
	l, _, err := s.issueLicenceAs(in, "", "")
	return l, err
}

// Licences returns a copy of every licence the simulator has issued, by
// licence ID: what tests count to see that one business got one licence.
func (s *Simulator) Licences() []ministry.Licence {
	st := s.licenceStore()
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]ministry.Licence, 0, len(st.byID))
	for _, l := range st.byID {
		out = append(out, *l)
	}
	slices.SortFunc(out, func(a, b ministry.Licence) int { return strings.Compare(a.LicenceID, b.LicenceID) })
	return out
}

// requestDigest is the SHA-256 of what a request asks to be issued (data
// keys sorted, the validity in UTC), which a key's later uses must repeat.
func requestDigest(in ministry.LicenceRequest) [sha256.Size]byte {
	if in.ValidUntil != nil {
		t := in.ValidUntil.UTC()
		in.ValidUntil = &t
	}
	if in.Data == nil {
		in.Data = map[string]string{}
	}
	b, _ := json.Marshal(in)
	return sha256.Sum256(b)
}

// issueLicenceAs issues a licence under id, or a new number when id is
// empty (the e-migration certificate keeps the number its service gave it).
// With a key, it issues once per key: the key's licence again (replayed,
// with its status now: revoked if it was) for the same request, and a
// conflict (ministry.licence_key_reused) for another one. The store is
// locked from the key's look-up to the licence's record, so concurrent
// uses of one key issue one licence.
func (s *Simulator) issueLicenceAs(in ministry.LicenceRequest, id, key string) (l *ministry.Licence, replayed bool, err error) {
	if !domain.LicenceType(in.Type).Valid() {
		return nil, false, domain.FieldErrorf("type", "unknown licence type %q", in.Type).WithReason("ministry.licence_request")
	}
	if !reIDNumber.MatchString(in.HolderIDNumber) || strings.TrimSpace(in.HolderName) == "" {
		return nil, false, domain.FieldErrorf("holderIdNumber", "a licence needs its holder's ID number and name").WithReason("ministry.licence_request")
	}
	iss, err := issuer()
	if err != nil {
		return nil, false, err
	}
	st := s.licenceStore()
	digest := requestDigest(in)
	st.mu.Lock()
	defer st.mu.Unlock()
	if key != "" {
		if k, ok := st.byKey[key]; ok {
			if k.digest != digest {
				return nil, false, domain.Errorf(domain.CodeConflict, "Idempotency-Key %s was used to issue licence %s for another request", key, k.id).
					WithField("Idempotency-Key").WithReason(ministry.ReasonLicenceKeyReused)
			}
			c := *st.byID[k.id]
			return &c, true, nil
		}
	}
	now := s.cfg.Now().UTC().Truncate(time.Second)
	if id == "" {
		st.seq++
		prefix := map[string]string{"HUKOU_BOOK": "HKB", "ID_CARD": "EID", "MIGRATION_CERTIFICATE": "EMC", "MOVE_IN_PERMIT": "EMP"}[in.Type]
		id = fmt.Sprintf("%s%s%08d", prefix, now.Format("20060102"), st.seq)
	}
	until := now.AddDate(10, 0, 0)
	if in.ValidUntil != nil {
		until = in.ValidUntil.UTC()
	}
	data := in.Data
	if data == nil {
		data = map[string]string{}
	}
	l = &ministry.Licence{LicenceBody: ministry.LicenceBody{LicenceID: id, Type: in.Type, HolderIDNumber: in.HolderIDNumber,
		HolderName: in.HolderName, Issuer: "中华人民共和国公安部", IssuedAt: now, ValidUntil: until, Data: data}, IssuerCertificate: iss.der}
	if l.Signature, err = iss.key.Sign(rand.Reader, l.Canonical(), sm2.NewSM2SignerOption(true, nil)); err != nil {
		return nil, false, err
	}
	st.byID[id] = l
	if key != "" {
		st.byKey[key] = keyedIssue{digest: digest, id: id}
	}
	c := *l
	return &c, false, nil
}

// issueLicence serves POST /licences: the Idempotency-Key header is
// required (a licence is issued once per key).
func (s *Simulator) issueLicence(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if !reIdempotencyKey.MatchString(key) {
		invalid(w, "Idempotency-Key", "ministry.idempotency_key", "an Idempotency-Key header of 1 to 64 letters, digits, '.', '_', ':' or '-' is required")
		return
	}
	var in ministry.LicenceRequest
	if !decode(w, r, &in) {
		return
	}
	l, replayed, err := s.issueLicenceAs(in, "", key)
	var de *domain.Error
	switch {
	case err == nil:
	case errors.As(err, &de) && de.Code == domain.CodeConflict:
		httpclient.WriteError(w, http.StatusConflict, httpclient.ErrorBody{Code: string(de.Code), Message: de.Message, Field: de.Field, Reason: de.Reason})
		return
	case errors.As(err, &de):
		invalid(w, de.Field, de.Reason, "%s", de.Message)
		return
	default:
		httpclient.WriteError(w, http.StatusInternalServerError, httpclient.ErrorBody{Code: string(domain.CodeInternal), Message: err.Error()})
		return
	}
	if replayed {
		w.Header().Set(ministry.IdempotentReplayedHeader, "true")
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
