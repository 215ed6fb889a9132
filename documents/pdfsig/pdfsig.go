// Package pdfsig adds SM2-with-SM3 digital signatures to PDF files and
// verifies them (electronic seals, 5.1.2).
//
// A signature is an incremental update (ISO 32000-1 §7.5.6, §12.8): the
// original bytes stay untouched and a new revision is appended with a
// signature field whose widget shows the seal image (its visible
// appearance), the signature dictionary (SubFilter adbe.pkcs7.detached,
// ByteRange covering the whole file except the /Contents hex string), the
// page and catalog objects updated to reference the field, and a classic
// cross-reference section pointing back (/Prev) to the previous one. Several
// signatures are several such revisions, each covering everything before
// it. The CMS container is internal/sm2cms (gmsm does SM2, SM3 and the
// certificates).
//
// Reading the existing structure (catalog, page, trailer, fields) is
// pdfcpu's; this package writes only the few new objects and the ByteRange.
// No PDF signing library available here does SM2 (digitorus/pdfsign signs
// through crypto/x509 and digitorus/pkcs7, neither of which knows SM2
// certificates or SM3).
package pdfsig

import (
	"bytes"
	"compress/zlib"
	"crypto"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/png" // seal images are PNG
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/emmansun/gmsm/smx509"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"hukou/internal/sm2cms"
)

func init() { api.DisableConfigDir() } // pdfcpu must not write a config folder

// contentsSize is the room reserved for the CMS container, in bytes (the
// /Contents hex string is twice as long). An SM2 container with two
// certificates is about 1.5 KB.
const contentsSize = 8192

// Rect is a rectangle in PDF user space (points, origin at the page's
// lower left): lower-left x, y, upper-right x, y.
type Rect [4]float64

// Signer says who signs and how the signature looks.
type Signer struct {
	// Key is the SM2 private key (e.g. from a key store); Certificate its
	// DER certificate; Chain the issuing CA certificates to include.
	Key         crypto.Signer
	Certificate []byte
	Chain       [][]byte
	// Field names the signature field; unique in the document (e.g. "seal-1").
	Field string
	// Name, Reason and Location go into the signature dictionary.
	Name, Reason, Location string
	// Time is the signing time (signed attribute and /M).
	Time time.Time
	// Page (1-based) and Rect place the visible seal; Image (PNG, with
	// transparency) is drawn there. A zero Rect makes an invisible signature.
	Page  int
	Rect  Rect
	Image []byte
}

// Sign returns pdf with s's signature appended as an incremental update.
func Sign(pdf []byte, s Signer) (out []byte, err error) {
	defer recoverMalformed(&err)
	if s.Key == nil || len(s.Certificate) == 0 || s.Field == "" {
		return nil, errors.New("pdfsig: a signer needs a key, a certificate and a field name")
	}
	ctx, err := read(pdf)
	if err != nil {
		return nil, err
	}
	xt := ctx.XRefTable
	if xt.Root == nil || xt.Size == nil {
		return nil, errors.New("pdfsig: the PDF has no catalog or trailer size")
	}
	catalog, err := xt.Catalog()
	if err != nil {
		return nil, fmt.Errorf("pdfsig: catalog: %w", err)
	}
	page := s.Page
	if page == 0 {
		page = 1
	}
	pageDict, pageRef, _, err := xt.PageDict(page, false)
	if err != nil {
		return nil, fmt.Errorf("pdfsig: page %d: %w", page, err)
	}
	if pageDict == nil || pageRef == nil {
		return nil, fmt.Errorf("pdfsig: no page %d", page)
	}
	prev, err := startXref(pdf)
	if err != nil {
		return nil, err
	}
	fields, err := sigFields(xt, catalog)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		if f.name == s.Field {
			return nil, fmt.Errorf("pdfsig: the document already has a field %q", s.Field)
		}
	}

	w := &writer{buf: bytes.NewBuffer(append([]byte(nil), pdf...)), next: *xt.Size, offsets: map[int]int{}}
	if !bytes.HasSuffix(pdf, []byte("\n")) {
		w.buf.WriteByte('\n')
	}
	at := s.Time.UTC()
	if at.IsZero() {
		at = time.Now().UTC()
	}

	// The appearance: the seal image scaled into the rectangle.
	var ap types.Object
	width, height := s.Rect[2]-s.Rect[0], s.Rect[3]-s.Rect[1]
	if len(s.Image) > 0 && width > 0 && height > 0 {
		im, err := w.image(s.Image)
		if err != nil {
			return nil, err
		}
		stream := fmt.Sprintf("q %s 0 0 %s 0 0 cm /Seal Do Q", num(width), num(height))
		form := w.reserve()
		w.object(form, fmt.Sprintf("<</Type/XObject/Subtype/Form/BBox[0 0 %s %s]/Resources<</XObject<</Seal %d 0 R>>>>/Length %d>>\nstream\n%s\nendstream",
			num(width), num(height), im, len(stream), stream))
		ap = types.Dict{"N": *types.NewIndirectRef(form, 0)}
	}

	// The signature dictionary with room for the container.
	sig := w.reserve()
	w.start(sig)
	w.buf.WriteString("<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/adbe.pkcs7.detached")
	fmt.Fprintf(w.buf, "/Name%s/Reason%s/Location%s/M(D:%s+00'00')", text(s.Name), text(s.Reason), text(s.Location), at.Format("20060102150405"))
	w.buf.WriteString("/ByteRange")
	byteRangeAt := w.buf.Len()
	w.buf.WriteString("[0 0000000000 0000000000 0000000000]")
	w.buf.WriteString("/Contents")
	contentsAt := w.buf.Len()
	w.buf.WriteString("<" + strings.Repeat("0", 2*contentsSize) + ">")
	contentsEnd := w.buf.Len()
	w.buf.WriteString(">>\nendobj\n")

	// The field and its widget in one dictionary, on the page.
	widget := w.reserve()
	wd := types.Dict{
		"Type": types.Name("Annot"), "Subtype": types.Name("Widget"), "FT": types.Name("Sig"),
		"T": types.StringLiteral(s.Field), "V": *types.NewIndirectRef(sig, 0), "P": *pageRef,
		"F":    types.Integer(132), // print, locked
		"Rect": types.NewNumberArray(s.Rect[0], s.Rect[1], s.Rect[2], s.Rect[3]),
	}
	if ap != nil {
		wd["AP"] = ap
	}
	w.object(widget, wd.PDFString())

	annots := types.Array{}
	if a, ok := pageDict.Find("Annots"); ok {
		arr, err := xt.DereferenceArray(a)
		if err != nil {
			return nil, fmt.Errorf("pdfsig: page annotations: %w", err)
		}
		annots = append(annots, arr...)
	}
	newPage := pageDict.Clone().(types.Dict)
	newPage["Annots"] = append(annots, *types.NewIndirectRef(widget, 0))
	w.object(pageRef.ObjectNumber.Value(), newPage.PDFString())

	refs := types.Array{}
	for _, f := range fields {
		refs = append(refs, f.ref)
	}
	refs = append(refs, *types.NewIndirectRef(widget, 0))
	newCatalog := catalog.Clone().(types.Dict)
	newCatalog["AcroForm"] = types.Dict{"Fields": refs, "SigFlags": types.Integer(3)}
	w.object(xt.Root.ObjectNumber.Value(), newCatalog.PDFString())

	// Cross-reference section and trailer.
	xref := w.buf.Len()
	w.xref()
	trailer := types.Dict{"Size": types.Integer(w.next), "Root": *xt.Root, "Prev": types.Integer(prev)}
	if xt.ID != nil {
		trailer["ID"] = xt.ID
	}
	if xt.Info != nil {
		trailer["Info"] = *xt.Info
	}
	fmt.Fprintf(w.buf, "trailer\n%s\nstartxref\n%d\n%%%%EOF\n", trailer.PDFString(), xref)

	out = w.buf.Bytes()
	br := fmt.Sprintf("[0 %010d %010d %010d]", contentsAt, contentsEnd, len(out)-contentsEnd)
	copy(out[byteRangeAt:], br)
	signed := append(append([]byte(nil), out[:contentsAt]...), out[contentsEnd:]...)
	der, err := sm2cms.Sign(signed, s.Key, s.Certificate, at, s.Chain...)
	if err != nil {
		return nil, err
	}
	if len(der) > contentsSize {
		return nil, fmt.Errorf("pdfsig: the signature container (%d bytes) exceeds the reserved %d", len(der), contentsSize)
	}
	copy(out[contentsAt+1:], strings.ToUpper(hex.EncodeToString(der)))
	return out, nil
}

// ErrMalformed is wrapped by the error for a PDF whose structure the reader
// could not follow (a hostile or broken file).
var ErrMalformed = errors.New("pdfsig: malformed PDF")

// recoverMalformed turns a panic while reading a hostile PDF into an error:
// a file someone uploads must never take the server down.
func recoverMalformed(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", ErrMalformed, r)
	}
}

// writer appends objects and remembers their offsets.
type writer struct {
	buf     *bytes.Buffer
	next    int
	offsets map[int]int
}

func (w *writer) reserve() int { n := w.next; w.next++; return n }

func (w *writer) start(n int) {
	w.offsets[n] = w.buf.Len()
	fmt.Fprintf(w.buf, "%d 0 obj\n", n)
}

func (w *writer) object(n int, body string) {
	w.start(n)
	w.buf.WriteString(body)
	w.buf.WriteString("\nendobj\n")
}

// xref writes a classic cross-reference section of the written objects.
func (w *writer) xref() {
	nums := make([]int, 0, len(w.offsets))
	for n := range w.offsets {
		nums = append(nums, n)
	}
	sortInts(nums)
	w.buf.WriteString("xref\n")
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		fmt.Fprintf(w.buf, "%d %d\n", nums[i], j-i+1)
		for k := i; k <= j; k++ {
			fmt.Fprintf(w.buf, "%010d 00000 n\r\n", w.offsets[nums[k]])
		}
		i = j + 1
	}
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// image writes png as an RGB image XObject with its alpha as a soft mask
// and returns the image's object number.
func (w *writer) image(png []byte) (int, error) {
	src, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		return 0, fmt.Errorf("pdfsig: seal image: %w", err)
	}
	b := src.Bounds()
	rgba := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), src, b.Min, draw.Src)
	rgb := make([]byte, 0, b.Dx()*b.Dy()*3)
	alpha := make([]byte, 0, b.Dx()*b.Dy())
	for i := 0; i < len(rgba.Pix); i += 4 {
		rgb = append(rgb, rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2])
		alpha = append(alpha, rgba.Pix[i+3])
	}
	mask := w.reserve()
	w.stream(mask, fmt.Sprintf("/Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray/BitsPerComponent 8", b.Dx(), b.Dy()), alpha)
	im := w.reserve()
	w.stream(im, fmt.Sprintf("/Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceRGB/BitsPerComponent 8/SMask %d 0 R", b.Dx(), b.Dy(), mask), rgb)
	return im, nil
}

func (w *writer) stream(n int, dict string, data []byte) {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write(data)
	_ = zw.Close()
	w.start(n)
	fmt.Fprintf(w.buf, "<<%s/Filter/FlateDecode/Length %d>>\nstream\n", dict, z.Len())
	w.buf.Write(z.Bytes())
	w.buf.WriteString("\nendstream\nendobj\n")
}

// text encodes s as a PDF text string: UTF-16BE with a byte order mark, in hex.
func text(s string) string {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2, 2+2*len(u))
	b[0], b[1] = 0xFE, 0xFF
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return "<" + strings.ToUpper(hex.EncodeToString(b)) + ">"
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// startXref returns the offset after the file's last startxref keyword.
func startXref(pdf []byte) (int, error) {
	i := bytes.LastIndex(pdf, []byte("startxref"))
	if i < 0 {
		return 0, errors.New("pdfsig: no startxref")
	}
	f := strings.Fields(string(pdf[i+len("startxref"):]))
	if len(f) == 0 {
		return 0, errors.New("pdfsig: no startxref offset")
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 0 || n >= len(pdf) {
		return 0, fmt.Errorf("pdfsig: bad startxref offset %q", f[0])
	}
	return n, nil
}

func read(pdf []byte) (*model.Context, error) {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	ctx, err := api.ReadContext(bytes.NewReader(pdf), conf)
	if err != nil {
		return nil, fmt.Errorf("pdfsig: not a readable PDF: %w", err)
	}
	if err := ctx.EnsurePageCount(); err != nil {
		return nil, fmt.Errorf("pdfsig: not a readable PDF: %w", err)
	}
	return ctx, nil
}

// field is a signature field of the document.
type field struct {
	name string
	ref  types.IndirectRef
	sig  types.Dict // the signature dictionary (V); nil when unsigned
}

// sigFields returns the catalog's AcroForm fields (all kept, so that a new
// field list does not drop any), with their signature values.
func sigFields(xt *model.XRefTable, catalog types.Dict) ([]field, error) {
	o, ok := catalog.Find("AcroForm")
	if !ok {
		return nil, nil
	}
	form, err := xt.DereferenceDict(o)
	if err != nil {
		return nil, fmt.Errorf("pdfsig: AcroForm: %w", err)
	}
	if form == nil {
		return nil, errors.New("pdfsig: the AcroForm is empty")
	}
	fo, ok := form.Find("Fields")
	if !ok {
		return nil, nil
	}
	arr, err := xt.DereferenceArray(fo)
	if err != nil {
		return nil, fmt.Errorf("pdfsig: AcroForm fields: %w", err)
	}
	var out []field
	for _, e := range arr {
		ref, ok := e.(types.IndirectRef)
		if !ok {
			return nil, errors.New("pdfsig: an AcroForm field is not a reference")
		}
		d, err := xt.DereferenceDict(ref)
		if err != nil {
			return nil, fmt.Errorf("pdfsig: field %s: %w", ref, err)
		}
		if d == nil {
			return nil, fmt.Errorf("pdfsig: field %s is empty", ref)
		}
		f := field{ref: ref}
		if t, ok := d.Find("T"); ok {
			f.name, _ = xt.DereferenceStringOrHexLiteral(t, model.V10, nil)
		}
		if ft := d.NameEntry("FT"); ft != nil && *ft == "Sig" {
			if v, ok := d.Find("V"); ok {
				if f.sig, err = xt.DereferenceDict(v); err != nil {
					return nil, fmt.Errorf("pdfsig: signature of field %q: %w", f.name, err)
				}
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// Signature is one verified (or failed) signature of a document.
type Signature struct {
	Field    string
	Name     string
	Reason   string
	Location string
	// SigningTime is the signed signingTime attribute.
	SigningTime time.Time
	// Signer is the signer's certificate; Certificates all the container carries.
	Signer       *smx509.Certificate
	Certificates []*smx509.Certificate
	// CoversWhole is true when the signature covers the whole file: nothing
	// was appended after it.
	CoversWhole bool
	// Err is why the signature does not verify (nil when it does): the
	// signed bytes changed, the container is malformed, the ByteRange is
	// not a proper one.
	Err error
}

// Verify returns the signatures of pdf, each checked against the bytes it
// covers. An unreadable PDF is an error; a signature that does not verify
// is reported in its Err. It does not judge certificates or seals.
func Verify(pdf []byte) (sigs []Signature, err error) {
	defer recoverMalformed(&err)
	ctx, err := read(pdf)
	if err != nil {
		return nil, err
	}
	catalog, err := ctx.XRefTable.Catalog()
	if err != nil {
		return nil, fmt.Errorf("pdfsig: catalog: %w", err)
	}
	fields, err := sigFields(ctx.XRefTable, catalog)
	if err != nil {
		return nil, err
	}
	var out []Signature
	for _, f := range fields {
		if f.sig == nil {
			continue
		}
		out = append(out, verifyOne(ctx.XRefTable, pdf, f))
	}
	return out, nil
}

func verifyOne(xt *model.XRefTable, pdf []byte, f field) Signature {
	s := Signature{Field: f.name}
	str := func(k string) string {
		if o, ok := f.sig.Find(k); ok {
			v, _ := xt.DereferenceStringOrHexLiteral(o, model.V10, nil)
			return v
		}
		return ""
	}
	s.Name, s.Reason, s.Location = str("Name"), str("Reason"), str("Location")
	if sf := f.sig.NameEntry("SubFilter"); sf == nil || *sf != "adbe.pkcs7.detached" {
		s.Err = errors.New("the signature is not a detached PKCS #7 signature")
		return s
	}
	var br []int
	if o, ok := f.sig.Find("ByteRange"); ok {
		arr, _ := xt.DereferenceArray(o)
		for _, e := range arr {
			if i, ok := e.(types.Integer); ok {
				br = append(br, i.Value())
			}
		}
	}
	if len(br) != 4 || br[0] != 0 || br[1] <= 0 || br[2] <= br[1]+1 || br[3] < 0 || br[2]+br[3] > len(pdf) {
		s.Err = errors.New("the signature's byte range is malformed")
		return s
	}
	// The gap must be exactly the /Contents hex string, so that nothing
	// but the container is left unsigned.
	gap := pdf[br[1]:br[2]]
	if gap[0] != '<' || gap[len(gap)-1] != '>' {
		s.Err = errors.New("the signature's byte range leaves more than its container unsigned")
		return s
	}
	der, err := hex.DecodeString(string(gap[1 : len(gap)-1]))
	if err != nil {
		s.Err = errors.New("the signature's container is not hex")
		return s
	}
	signed := append(append([]byte(nil), pdf[:br[1]]...), pdf[br[2]:br[2]+br[3]]...)
	cms, err := sm2cms.Verify(der, signed)
	if cms != nil {
		s.Signer, s.Certificates, s.SigningTime = cms.Signer, cms.Certificates, cms.SigningTime
	}
	switch {
	case errors.Is(err, sm2cms.ErrDigest):
		s.Err = errors.New("the document changed after it was signed (its SM3 digest differs)")
	case err != nil:
		s.Err = err
	}
	if s.Signer == nil {
		if p, perr := sm2cms.Inspect(der); perr == nil {
			s.Signer, _ = smx509.ParseCertificate(p.SignerCert)
		}
	}
	s.CoversWhole = br[2]+br[3] == len(pdf)
	return s
}
