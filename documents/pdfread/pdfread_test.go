package pdfread_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os/exec"
	"strings"
	"testing"

	"github.com/signintech/gopdf"
	"github.com/stretchr/testify/require"

	"hukou/documents/pdfread"
)

// scannedPDF is a PDF as a scanner writes it: one page of w×h points per
// JPEG image, each filling its page; page i is the colour of cols[i].
func scannedPDF(t *testing.T, w, h float64, cols ...color.NRGBA) []byte {
	t.Helper()
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: w, H: h}, Unit: gopdf.UnitPT})
	for _, c := range cols {
		pdf.AddPage()
		img := image.NewNRGBA(image.Rect(0, 0, 400, 600))
		for y := range 600 {
			for x := range 400 {
				img.Set(x, y, c)
			}
		}
		var b bytes.Buffer
		require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}))
		holder, err := gopdf.ImageHolderByBytes(b.Bytes())
		require.NoError(t, err)
		require.NoError(t, pdf.ImageByHolder(holder, 0, 0, &gopdf.Rect{W: w, H: h}))
	}
	return pdf.GetBytesPdf()
}

// vectorPDF is a PDF without images (a generated form): one A4 page with a
// blue rectangle over its middle.
func vectorPDF(t *testing.T) []byte {
	t.Helper()
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	pdf.AddPage()
	pdf.SetFillColor(0, 0, 255)
	pdf.RectFromUpperLeftWithStyle(50, 50, 495, 742, "F")
	return pdf.GetBytesPdf()
}

func centre(img image.Image) color.NRGBA {
	b := img.Bounds()
	return color.NRGBAModel.Convert(img.At(b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()/2)).(color.NRGBA)
}

// TestReader_Inspect: a real PDF's pages and their sizes; anything that is
// not a readable PDF is refused, never a panic.
func TestReader_Inspect(t *testing.T) {
	t.Parallel()
	r := pdfread.Reader{}
	info, err := r.InspectPDF(scannedPDF(t, 595, 842, color.NRGBA{R: 200, A: 255}, color.NRGBA{G: 200, A: 255}))
	require.NoError(t, err)
	require.Len(t, info.PageSizes, 2)
	require.InDelta(t, 595, info.PageSizes[0].Width, 0.5)
	require.InDelta(t, 842, info.PageSizes[0].Height, 0.5)

	for name, data := range map[string][]byte{
		"header only":   []byte("%PDF-1.4 x"),
		"html":          []byte("%PDF-1.7\n<html><script>alert(1)</script></html>"),
		"truncated":     scannedPDF(t, 595, 842, color.NRGBA{A: 255})[:300],
		"no pages tree": []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"),
	} {
		_, err := r.InspectPDF(data)
		require.ErrorIs(t, err, pdfread.ErrNotPDF, name)
	}
}

// TestReader_Preview (issue 16 item 1): a scanned PDF's thumbnail is its
// first page's own image (pdfcpu, no renderer needed); a vector PDF's first
// page is rendered by pdftoppm; without pdftoppm a vector page has no
// preview (nil, the caller's placeholder).
func TestReader_Preview(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	red, green := color.NRGBA{R: 220, G: 20, B: 20, A: 255}, color.NRGBA{R: 20, G: 200, B: 20, A: 255}
	img, err := pdfread.Reader{Pdftoppm: "-"}.PreviewPDF(ctx, scannedPDF(t, 595, 842, red, green), 240)
	require.NoError(t, err)
	require.NotNil(t, img)
	require.Equal(t, 400, img.Bounds().Dx(), "the page's image itself")
	c := centre(img)
	require.Greater(t, int(c.R), 180, "page 1 (red), not page 2: %v", c)
	require.Less(t, int(c.G), 60)

	none, err := pdfread.Reader{Pdftoppm: "-"}.PreviewPDF(ctx, vectorPDF(t), 240)
	require.NoError(t, err)
	require.Nil(t, none)

	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm (poppler-utils) is not installed: vector pages are not rendered")
	}
	img, err = pdfread.Reader{}.PreviewPDF(ctx, vectorPDF(t), 240)
	require.NoError(t, err)
	require.NotNil(t, img)
	require.Equal(t, 240, img.Bounds().Dy(), "fitted to the thumbnail")
	c = centre(img)
	require.Greater(t, int(c.B), 200, "the blue rectangle: %v", c)
	require.Less(t, int(c.R), 60)

	_, err = pdfread.Reader{}.PreviewPDF(ctx, []byte("%PDF-1.4 not really"), 240)
	require.Error(t, err)
	require.False(t, strings.Contains(err.Error(), "panic"))
}
