package sm2cms_test

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"os/exec"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"

	"hukou/internal/sm2cms"
	"hukou/internal/sm2cms/cmstest"
)

func pair(t *testing.T) (ca []byte, leaf []byte, key *sm2.PrivateKey) {
	t.Helper()
	caKey, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caT := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test seal CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	ca, err = smx509.CreateCertificate(rand.Reader, caT, caT, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	key, err = sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	lt := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "兴隆派出所户口专用章", SerialNumber: "seal-1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	leaf, err = smx509.CreateCertificate(rand.Reader, lt, caT, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	return ca, leaf, key
}

func TestSignVerify(t *testing.T) {
	ca, leaf, key := pair(t)
	content := []byte("a document to sign")
	at := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	der, err := sm2cms.Sign(content, key, leaf, at, ca)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sm2cms.Verify(der, content)
	if err != nil {
		t.Fatal(err)
	}
	if s.Signer.Subject.SerialNumber != "seal-1" || !s.SigningTime.Equal(at) || len(s.Certificates) != 2 {
		t.Fatalf("got %+v", s)
	}
	if _, err := sm2cms.Verify(der, []byte("a document to sigN")); !errors.Is(err, sm2cms.ErrDigest) {
		t.Fatalf("changed content: %v", err)
	}
	// A padded container (as in a PDF's /Contents) still parses.
	if _, err := sm2cms.Verify(append(der, 0, 0, 0), content); err != nil {
		t.Fatal(err)
	}
	other, _ := sm2.GenerateKey(rand.Reader)
	if _, err := sm2cms.Sign(content, other, leaf, at); err == nil {
		t.Fatal("signed with a key that is not the certificate's")
	}
}

// TestOpenSSLVerifies checks the container with an independent verifier,
// OpenSSL 3 (cmstest.OpenSSL): `openssl dgst -sm3` recomputes the content's digest, which must
// be the messageDigest attribute; `openssl pkeyutl -verify` checks the SM2
// signature over the signed attributes with the certificate's public key
// and the standard SM2 user ID (GM/T 0009 1234567812345678); `openssl
// verify` checks the certificate against the CA. (OpenSSL 3.0's `cms
// -verify` checks SM2 with an empty user ID, which is not the standard's
// default, so it is not used.) Inspect only cuts the pieces out.
func TestOpenSSLVerifies(t *testing.T) {
	ca, leaf, key := pair(t)
	content := []byte("%PDF-1.7 pretend content")
	der, err := sm2cms.Sign(content, key, leaf, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cmstest.OpenSSL(t, der, content, ca) // skips (or fails under CI) without openssl
	openssl, _ := exec.LookPath("openssl")
	bad := append([]byte{}, content...)
	bad[3] ^= 1
	p, _ := sm2cms.Inspect(der)
	if got := cmstest.SM3(t, openssl, bad); bytes.Equal(got, p.MessageDigest) {
		t.Fatal("a changed content has the signed digest")
	}
}
