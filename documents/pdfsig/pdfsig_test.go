package pdfsig_test

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
	"github.com/signintech/gopdf"

	"hukou/documents/pdfsig"
	"hukou/internal/sm2cms"
	"hukou/internal/sm2cms/cmstest"
)

type party struct {
	key  *sm2.PrivateKey
	cert []byte
}

func setup(t *testing.T) (ca []byte, household, personal party) {
	t.Helper()
	caKey, _ := sm2.GenerateKey(rand.Reader)
	now := time.Now()
	caT := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test seal CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	ca, err := smx509.CreateCertificate(rand.Reader, caT, caT, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(serial int64, cn string) party {
		k, _ := sm2.GenerateKey(rand.Reader)
		lt := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
		c, err := smx509.CreateCertificate(rand.Reader, lt, caT, k.Public(), caKey)
		if err != nil {
			t.Fatal(err)
		}
		return party{k, c}
	}
	return ca, mk(2, "兴隆派出所户口专用章"), mk(3, "张警官")
}

func sealPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			d := (x-32)*(x-32) + (y-32)*(y-32)
			if d < 31*31 && d > 27*27 {
				img.Set(x, y, color.NRGBA{R: 220, A: 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func document(t *testing.T) []byte {
	t.Helper()
	p := &gopdf.GoPdf{}
	p.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	p.AddPage()
	p.Line(50, 50, 300, 50)
	out, err := p.GetBytesPdfReturnErr()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func stamp(t *testing.T, pdf []byte, p party, ca []byte, field string, rect pdfsig.Rect) []byte {
	t.Helper()
	out, err := pdfsig.Sign(pdf, pdfsig.Signer{Key: p.key, Certificate: p.cert, Chain: [][]byte{ca}, Field: field,
		Name: field, Reason: "户口专用章", Location: "盘锦", Time: time.Now(), Page: 1, Rect: rect, Image: sealPNG(t)})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTwoSealsVerify(t *testing.T) {
	ca, household, personal := setup(t)
	doc := document(t)
	one := stamp(t, doc, household, ca, "household", pdfsig.Rect{400, 80, 520, 200})
	if !bytes.HasPrefix(one, doc) {
		t.Fatal("the first signature changed the original bytes (not an incremental update)")
	}
	two := stamp(t, one, personal, ca, "personal", pdfsig.Rect{300, 100, 380, 180})
	if !bytes.HasPrefix(two, one) {
		t.Fatal("the second signature changed the first revision")
	}
	sigs, err := pdfsig.Verify(two)
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 2 {
		t.Fatalf("%d signatures, want 2", len(sigs))
	}
	for _, s := range sigs {
		if s.Err != nil {
			t.Fatalf("%s: %v", s.Field, s.Err)
		}
	}
	if sigs[0].Field != "household" || sigs[0].CoversWhole || sigs[0].Signer.Subject.CommonName != "兴隆派出所户口专用章" || sigs[0].Reason != "户口专用章" {
		t.Fatalf("first: %+v", sigs[0])
	}
	if sigs[1].Field != "personal" || !sigs[1].CoversWhole || sigs[1].Signer.Subject.CommonName != "张警官" {
		t.Fatalf("second: %+v", sigs[1])
	}
	if _, err := pdfsig.Sign(two, pdfsig.Signer{Key: personal.key, Certificate: personal.cert, Field: "personal"}); err == nil {
		t.Fatal("signed a second field of the same name")
	}
	if os.Getenv("DOCUMENTS_OUT") != "" {
		_ = os.WriteFile(filepath.Join(os.Getenv("DOCUMENTS_OUT"), "two-seals.pdf"), two, 0o600)
	}

	// Independent verification of each extracted container with OpenSSL.
	for _, s := range extract(t, two) {
		cmstest.OpenSSL(t, s.der, s.signed, ca)
	}
	// poppler reads the file (both revisions) when it is installed.
	if pdfinfo, err := exec.LookPath("pdfinfo"); err == nil {
		f := filepath.Join(t.TempDir(), "s.pdf")
		_ = os.WriteFile(f, two, 0o600)
		if out, err := exec.Command(pdfinfo, f).CombinedOutput(); err != nil {
			t.Fatalf("pdfinfo: %v\n%s", err, out)
		}
	}
}

func TestChangedByteFails(t *testing.T) {
	ca, household, personal := setup(t)
	two := stamp(t, stamp(t, document(t), household, ca, "household", pdfsig.Rect{400, 80, 520, 200}), personal, ca, "personal", pdfsig.Rect{300, 100, 380, 180})
	// Change one byte of the page's drawing (the original revision): both fail.
	i := bytes.Index(two, []byte("/MediaBox"))
	if i < 0 {
		t.Fatal("no MediaBox")
	}
	bad := append([]byte(nil), two...)
	j := i + bytes.IndexAny(two[i:], "0123456789")
	bad[j] = map[bool]byte{true: '1', false: '2'}[bad[j] != '1']
	sigs, err := pdfsig.Verify(bad)
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 2 || sigs[0].Err == nil || sigs[1].Err == nil || !strings.Contains(sigs[1].Err.Error(), "changed") {
		t.Fatalf("a changed byte still verifies: %+v", sigs)
	}
	// Appending after the last signature leaves it valid but not covering the whole file.
	sigs, err = pdfsig.Verify(append(append([]byte(nil), two...), []byte("% appended\n")...))
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 2 || sigs[1].Err != nil || sigs[1].CoversWhole {
		t.Fatalf("appended bytes: %+v", sigs)
	}
	// A byte of the container itself.
	k := bytes.LastIndex(two, []byte("/Contents<")) + len("/Contents<") + 40
	bad = append([]byte(nil), two...)
	bad[k] = map[bool]byte{true: 'A', false: 'B'}[bad[k] != 'A']
	sigs, err = pdfsig.Verify(bad)
	if err != nil {
		t.Fatal(err)
	}
	if sigs[1].Err == nil {
		t.Fatal("a changed container still verifies")
	}
}

type extracted struct{ der, signed []byte }

// extract cuts each signature's container and signed bytes out of pdf by its
// ByteRange text, without the package's reader.
func extract(t *testing.T, pdf []byte) []extracted {
	t.Helper()
	var out []extracted
	for rest, base := pdf, 0; ; {
		i := bytes.Index(rest, []byte("/ByteRange["))
		if i < 0 {
			return out
		}
		var a, b, c, d int
		end := bytes.IndexByte(rest[i:], ']')
		fields := strings.Fields(string(rest[i+len("/ByteRange[") : i+end]))
		for k, p := range []*int{&a, &b, &c, &d} {
			n := 0
			for _, ch := range fields[k] {
				n = n*10 + int(ch-'0')
			}
			*p = n
		}
		der, err := hex.DecodeString(string(pdf[b+1 : c-1]))
		if err != nil {
			t.Fatal(err)
		}
		p, err := sm2cms.Inspect(der)
		if err != nil {
			t.Fatal(err)
		}
		_ = p
		out = append(out, extracted{der: trimDER(der), signed: append(append([]byte(nil), pdf[a:b]...), pdf[c:c+d]...)})
		base += i + end
		rest = pdf[base:]
	}
}

// trimDER cuts the zero padding after the DER container (its outer length says where it ends).
func trimDER(der []byte) []byte {
	if der[1] < 0x80 {
		return der[:2+int(der[1])]
	}
	n, l := int(der[1]&0x7f), 0
	for _, b := range der[2 : 2+n] {
		l = l<<8 | int(b)
	}
	return der[:2+n+l]
}

// TestHostileFiles: truncated, garbled and empty files are errors, never panics.
func TestHostileFiles(t *testing.T) {
	ca, household, _ := setup(t)
	signed := stamp(t, document(t), household, ca, "household", pdfsig.Rect{400, 80, 520, 200})
	inputs := [][]byte{nil, []byte("%PDF-1.7\n"), []byte("not a pdf"), signed[:len(signed)/2], signed[:len(signed)-40]}
	for i := 0; i < 200; i++ {
		b := append([]byte(nil), signed...)
		for k := 0; k < 8; k++ {
			b[(i*7919+k*104729)%len(b)] ^= byte(1 + (i+k)%255)
		}
		inputs = append(inputs, b)
	}
	for i, in := range inputs {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("input %d panicked: %v", i, r)
				}
			}()
			sigs, err := pdfsig.Verify(in)
			if err == nil {
				for _, s := range sigs {
					_ = s.Err
				}
			}
		}()
	}
}
