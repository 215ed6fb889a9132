package domain_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os/exec"
	"testing"

	"github.com/signintech/gopdf"
	"github.com/stretchr/testify/require"

	"hukou/documents/pdfread"
	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// scannedPDF is a PDF as a scanner writes it: an A4 page per colour, each
// filled by one JPEG image of that colour.
func scannedPDF(t *testing.T, cols ...color.NRGBA) []byte {
	t.Helper()
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	for _, c := range cols {
		pdf.AddPage()
		img := image.NewNRGBA(image.Rect(0, 0, 300, 420))
		for y := range 420 {
			for x := range 300 {
				img.Set(x, y, c)
			}
		}
		var b bytes.Buffer
		require.NoError(t, jpeg.Encode(&b, img, nil))
		holder, err := gopdf.ImageHolderByBytes(b.Bytes())
		require.NoError(t, err)
		require.NoError(t, pdf.ImageByHolder(holder, 0, 0, gopdf.PageSizeA4))
	}
	return pdf.GetBytesPdf()
}

// vectorPDF is a PDF of pages without images (a generated form), each with
// a blue rectangle over its middle.
func vectorPDF(t *testing.T, pages int) []byte {
	t.Helper()
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	for range pages {
		pdf.AddPage()
		pdf.SetFillColor(0, 0, 255)
		pdf.RectFromUpperLeftWithStyle(50, 50, 495, 742, "F")
	}
	return pdf.GetBytesPdf()
}

func blobCount(t *testing.T, bs domain.BlobStore) int {
	t.Helper()
	n := 0
	require.NoError(t, bs.List(context.Background(), func(domain.BlobRef) error { n++; return nil }))
	return n
}

// TestArchiveService_HostileFiles (issue 16 item 5): a file whose content
// is not what its type claims is refused with a code and a reason a clerk
// can act on, and nothing is saved (no row, no blob): a "PDF" that pdfcpu
// cannot read, a PDF of more pages than an archive may have, an image whose
// header announces a decompression bomb; uploaded by a clerk or arriving
// from another deployment. A real scanned PDF is kept.
func TestArchiveService_HostileFiles(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newArchiveFixture(t, db, 0)
		f.svc.PDF = pdfread.Reader{}
		for _, tt := range []struct {
			name, file, declared string
			content              []byte
			reason               string
		}{
			{"NotAPDF", "scan.pdf", "application/pdf", []byte("%PDF-1.4\nthis is no PDF at all\n%%EOF\n"), "archive.pdf_unreadable"},
			{"HTMLAsPDF", "scan.pdf", "application/pdf", []byte("%PDF-1.7\n<html><script>alert(1)</script></html>"), "archive.pdf_unreadable"},
			{"TruncatedPDF", "scan.pdf", "application/pdf", scannedPDF(t, color.NRGBA{A: 255})[:400], "archive.pdf_unreadable"},
			{"TooManyPages", "book.pdf", "application/pdf", vectorPDF(t, domain.MaxArchivePages+1), "archive.pdf_pages"},
			{"PixelBomb", "bomb.png", "image/png", pngHeaderOnly(20000, 20000), "archive.image_dimensions"},
			{"PixelBombAsPDF", "bomb.pdf", "application/pdf", pngHeaderOnly(20000, 20000), "archive.image_dimensions"},
		} {
			blobs := blobCount(t, f.blobs)
			_, err := f.svc.Upload(f.clerk, f.caseID, "BIRTH_CERT", tt.file, tt.declared, bytes.NewReader(tt.content))
			de := requireCode(t, err, domain.CodeInvalid, "file", tt.reason)
			require.NotEmpty(t, de.Message, tt.name)
			err = db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
				return f.svc.KeepArchive(ctx, tx, f.caseID, "BIRTH_CERT", tt.file, tt.declared, tt.content)
			})
			requireCode(t, err, domain.CodeInvalid, "file", tt.reason)
			files, err := db.Files().FindCaseFiles(ctx, f.caseID, "")
			require.NoError(t, err)
			require.Empty(t, files, "%s: no row", tt.name)
			require.Equal(t, blobs, blobCount(t, f.blobs), "%s: no blob", tt.name)
		}
		kept, err := f.svc.Upload(f.clerk, f.caseID, "BIRTH_CERT", "scan.pdf", "application/pdf", bytes.NewReader(scannedPDF(t, color.NRGBA{R: 200, A: 255})))
		require.NoError(t, err)
		require.Equal(t, "application/pdf", kept.ContentType)
	})
}

// TestArchiveService_PDFThumbnail (issue 16 item 1, 1.4.18): a scanned
// PDF's thumbnail is its first page's image (red, not page 2's green); a
// vector PDF's is its first page rendered (the blue rectangle); both on
// both databases.
func TestArchiveService_PDFThumbnail(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm (poppler-utils) is not installed")
	}
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		f := newArchiveFixture(t, db, 0)
		f.svc.PDF = pdfread.Reader{}
		thumbAt := func(data []byte) color.NRGBA {
			up, err := f.svc.Upload(f.clerk, f.caseID, "BIRTH_CERT", "scan.pdf", "application/pdf", bytes.NewReader(data))
			require.NoError(t, err)
			b, _, err := f.svc.Thumbnail(f.clerk, up.ID)
			require.NoError(t, err)
			img, err := jpeg.Decode(bytes.NewReader(b))
			require.NoError(t, err)
			require.Equal(t, domain.ThumbnailSize, img.Bounds().Dx())
			require.Equal(t, domain.ThumbnailSize, img.Bounds().Dy())
			return color.NRGBAModel.Convert(img.At(domain.ThumbnailSize/2, domain.ThumbnailSize/2)).(color.NRGBA)
		}
		c := thumbAt(scannedPDF(t, color.NRGBA{R: 220, G: 20, B: 20, A: 255}, color.NRGBA{R: 20, G: 200, B: 20, A: 255}))
		require.Greater(t, int(c.R), 180, "page 1's red: %v", c)
		require.Less(t, int(c.G), 80, "not page 2's green: %v", c)
		c = thumbAt(vectorPDF(t, 1))
		require.Greater(t, int(c.B), 200, "the rendered page's blue: %v", c)
		require.Less(t, int(c.R), 60, "not the placeholder: %v", c)
	})
}
