package provincesim

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"

	"hukou/domain"
	"hukou/integrations/httpclient"
	"hukou/integrations/province"
	"hukou/internal/seedrand"
)

// The e-seal service (5.1.1). Its CA key is derived from a fixed seed, so
// every simulator (one per province in the two-instance tests) is the same
// CA: a seal made at one office verifies at the other. Seals live in memory.

// SealValidity is how long an issued seal is valid.
const SealValidity = 2 * 365 * 24 * time.Hour

// ca is the simulator's e-seal CA.
type ca struct {
	key  *sm2.PrivateKey
	tmpl *x509.Certificate
	der  []byte
}

var sealCA = sync.OnceValues(func() (*ca, error) {
	key, err := sm2.GenerateKey(seedrand.New("hukou simulated e-seal CA v1"))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{Country: []string{"CN"}, Organization: []string{"省级电子印章系统(模拟)"}, CommonName: "Simulated e-seal CA (SM2)"},
		NotBefore:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		SubjectKeyId: []byte("hukou-sim-seal-ca"),
	}
	der, err := smx509.CreateCertificate(seedrand.New("hukou simulated e-seal CA certificate v1"), tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	return &ca{key: key, tmpl: tmpl, der: der}, nil
})

// SealCACertificate returns the simulated CA's certificate (DER).
func SealCACertificate() []byte {
	c, err := sealCA()
	if err != nil {
		panic(err)
	}
	return c.der
}

type sealEntry struct {
	out province.Seal
}

var reSealID = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

func (s *Server) issueSeal(w http.ResponseWriter, r *http.Request) {
	var in province.SealRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeErr(w, domain.FieldErrorf("body", "the request body is not a seal request: %v", err))
		return
	}
	out, err := s.makeSeal(in)
	if err != nil {
		writeErr(w, err)
		return
	}
	httpclient.WriteJSON(w, out)
}

func (s *Server) makeSeal(in province.SealRequest) (province.Seal, error) {
	name := ""
	switch {
	case in.Type == string(domain.SealHousehold):
		name = in.OfficeName + "户口专用章"
	case in.Type == string(domain.SealPersonal) && strings.TrimSpace(in.PersonName) != "":
		name = in.PersonName
	default:
		return province.Seal{}, domain.FieldErrorf("type", "a seal is HOUSEHOLD, or PERSONAL with a person's name")
	}
	if !regexp.MustCompile(`^[0-9]{12}$`).MatchString(in.OfficeCode) || strings.TrimSpace(in.OfficeName) == "" {
		return province.Seal{}, domain.FieldErrorf("officeCode", "the office is a 12-digit code with a name")
	}
	pk, err := smx509.ParsePKIXPublicKey(in.PublicKey)
	pub, ok := pk.(*ecdsa.PublicKey)
	if err != nil || !ok || !sm2.IsSM2PublicKey(pub) {
		return province.Seal{}, domain.FieldErrorf("publicKey", "the public key is not an SM2 key in PKIX DER")
	}
	c, err := sealCA()
	if err != nil {
		return province.Seal{}, err
	}
	now := s.cfg.Now().UTC().Truncate(time.Second)
	s.mu.Lock()
	s.sealSeq++
	seq := s.sealSeq
	s.mu.Unlock()
	id := fmt.Sprintf("ES%s%s%06d", in.OfficeCode[:6], now.In(cst).Format("20060102"), seq)
	serial := new(big.Int).SetBytes(sm3.New().Sum([]byte(id))[:16])
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Country: []string{"CN"}, Organization: []string{in.OfficeName}, CommonName: name, SerialNumber: id},
		NotBefore:    now, NotAfter: now.Add(SealValidity),
		KeyUsage:       x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		AuthorityKeyId: c.tmpl.SubjectKeyId,
	}
	cert, err := smx509.CreateCertificate(rand.Reader, tmpl, c.tmpl, pub, c.key)
	if err != nil {
		return province.Seal{}, err
	}
	img, err := SealImage(in.OfficeName, in.Type == string(domain.SealHousehold), name)
	if err != nil {
		return province.Seal{}, err
	}
	sealData, err := makeSESeal(c, id, in.Type, name, cert, img, now, now.Add(SealValidity))
	if err != nil {
		return province.Seal{}, err
	}
	size := 42
	if in.Type == string(domain.SealPersonal) {
		size = 20
	}
	out := province.Seal{SealID: id, Type: in.Type, Name: name, OfficeCode: in.OfficeCode, UserID: in.UserID,
		Image: province.SealImage{Type: "png", Data: img, WidthMM: size, HeightMM: size}, Certificate: cert, CACertificate: c.der,
		SealData: sealData, ValidFrom: now, ValidTo: now.Add(SealValidity)}
	s.mu.Lock()
	s.seals[id] = &sealEntry{out: out}
	s.mu.Unlock()
	return out, nil
}

// The GB/T 38540 SES_Seal structure (version 4), DER: the seal information
// signed by the seal maker (here the CA key).
type sesHeader struct {
	ID      string `asn1:"ia5"`
	Version int
	Vid     string `asn1:"ia5"`
}

type sesProperty struct {
	Type         int
	Name         string `asn1:"utf8"`
	CertListType int
	CertList     [][]byte
	CreateDate   time.Time `asn1:"generalized"`
	ValidStart   time.Time `asn1:"generalized"`
	ValidEnd     time.Time `asn1:"generalized"`
}

type sesPicture struct {
	Type   string `asn1:"ia5"`
	Data   []byte
	Width  int
	Height int
}

type sesSealInfo struct {
	Header   sesHeader
	EsID     string `asn1:"ia5"`
	Property sesProperty
	Picture  sesPicture
}

type sesSignInfo struct {
	Cert               []byte
	SignatureAlgorithm asn1.ObjectIdentifier
	SignData           asn1.BitString
}

type sesSeal struct {
	SealInfo sesSealInfo
	SignInfo sesSignInfo
}

func makeSESeal(c *ca, id, typ, name string, cert, img []byte, from, to time.Time) ([]byte, error) {
	kind := 1 // 单位印章
	if typ == string(domain.SealPersonal) {
		kind = 2 // 个人印章
	}
	info := sesSealInfo{Header: sesHeader{ID: "ES", Version: 4, Vid: "hukou-provincesim"}, EsID: id,
		Property: sesProperty{Type: kind, Name: name, CertListType: 1, CertList: [][]byte{cert}, CreateDate: from, ValidStart: from, ValidEnd: to},
		Picture:  sesPicture{Type: "png", Data: img, Width: 42, Height: 42}}
	tbs, err := asn1.Marshal(info)
	if err != nil {
		return nil, err
	}
	sig, err := c.key.Sign(rand.Reader, tbs, sm2.NewSM2SignerOption(true, nil))
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(sesSeal{SealInfo: info, SignInfo: sesSignInfo{Cert: c.der,
		SignatureAlgorithm: asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 501}, SignData: asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)}}})
}

func (s *Server) getSeal(w http.ResponseWriter, r *http.Request) {
	e, err := s.sealByID(r.PathValue("sealId"))
	if err != nil {
		writeErr(w, err)
		return
	}
	httpclient.WriteJSON(w, e)
}

func (s *Server) sealByID(id string) (province.Seal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.seals[id]
	if !reSealID.MatchString(id) || !ok {
		return province.Seal{}, domain.Errorf(domain.CodeNotFound, "no seal %q", id)
	}
	return e.out, nil
}

func (s *Server) revokeSeal(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Reason string `json:"reason"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<12))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || strings.TrimSpace(in.Reason) == "" {
		writeErr(w, domain.FieldErrorf("reason", "say why the seal is revoked"))
		return
	}
	id := r.PathValue("sealId")
	s.mu.Lock()
	e, ok := s.seals[id]
	if ok && e.out.RevokedAt == nil {
		now := s.cfg.Now().UTC()
		e.out.RevokedAt, e.out.RevokeReason = &now, in.Reason
	}
	s.mu.Unlock()
	if !ok {
		writeErr(w, domain.Errorf(domain.CodeNotFound, "no seal %q", id))
		return
	}
	out, _ := s.sealByID(id)
	httpclient.WriteJSON(w, out)
}

func (s *Server) sealCA(w http.ResponseWriter, _ *http.Request) {
	c, err := sealCA()
	if err != nil {
		writeErr(w, errors.New("no CA"))
		return
	}
	httpclient.WriteJSON(w, province.SealCA{Certificates: [][]byte{c.der}})
}
