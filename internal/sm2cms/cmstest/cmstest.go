// Package cmstest checks sm2cms containers with OpenSSL, for tests.
package cmstest

import (
	"bytes"
	"encoding/hex"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"hukou/internal/sm2cms"
)

// SM3 is openssl's SM3 digest of content.
func SM3(t testing.TB, openssl string, content []byte) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "content")
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(openssl, "dgst", "-sm3", "-r", p).Output()
	if err != nil {
		t.Fatal(err)
	}
	sum, err := hex.DecodeString(strings.Fields(string(out))[0])
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// OpenSSL verifies the CMS der over content with the openssl command, an
// implementation independent of gmsm: `openssl dgst -sm3` recomputes the
// content's digest, which must be the messageDigest attribute; `openssl
// pkeyutl -verify` checks the SM2 signature over the signed attributes with
// the certificate's public key and the standard SM2 user ID (GM/T 0009
// 1234567812345678); `openssl verify` checks the certificate against ca.
// OpenSSL 3.0's `cms -verify` checks SM2 with an empty user ID, not the
// standard's default, so it is not used. sm2cms.Inspect only cuts the
// pieces out. Without openssl the test is skipped loudly, and fails when CI=true.
func OpenSSL(t testing.TB, der, content, ca []byte) {
	t.Helper()
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true: openssl is not installed (apt-get install -y openssl)")
		}
		t.Skip("!!! SKIPPED: openssl not installed — the independent SM2 check did not run !!!")
	}
	p, err := sm2cms.Inspect(der)
	if err != nil {
		t.Fatal(err)
	}
	if got := SM3(t, openssl, content); !bytes.Equal(got, p.MessageDigest) {
		t.Fatalf("openssl's SM3 %x is not the signed digest %x", got, p.MessageDigest)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	leafPath := write("leaf.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.SignerCert}))
	pub, err := exec.Command(openssl, "x509", "-in", leafPath, "-pubkey", "-noout").Output()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(openssl, "pkeyutl", "-verify", "-pubin", "-inkey", write("pub.pem", pub), "-rawin",
		"-in", write("attrs.der", p.SignedAttrs), "-sigfile", write("sig", p.Signature), "-digest", "sm3",
		"-pkeyopt", "distid:1234567812345678").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl pkeyutl -verify: %v\n%s", err, out)
	}
	caPath := write("ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca}))
	if out, err := exec.Command(openssl, "verify", "-vfyopt", "distid:1234567812345678", "-CAfile", caPath, leafPath).CombinedOutput(); err != nil {
		t.Fatalf("openssl verify: %v\n%s", err, out)
	}
}
