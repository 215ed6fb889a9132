// Package pdfread reads PDF files that users and other deployments send,
// which are hostile until read (DESIGN.md, "Trust boundaries"): whether the
// bytes are a PDF at all, their pages and each page's size, and a preview
// of the first page. It implements domain.PDFReader.
//
// Structure is pdfcpu's. A scanned PDF holds one image per page: the
// preview is that image (its header read first, so a page image that would
// decode to more than the budget is never decoded). A page without an image
// (a vector PDF, such as a generated form) is rendered by poppler's
// pdftoppm (Debian's poppler-utils) at the preview's size, within a time
// limit; without pdftoppm there is no rendering and the caller shows a
// placeholder. Every pdfcpu call recovers from panics: a crafted file must
// never take the server down.
package pdfread

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os/exec"
	"strconv"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"hukou/domain"
)

func init() { api.DisableConfigDir() } // pdfcpu must not write a config folder

// Reader implements domain.PDFReader. The zero value uses "pdftoppm" from
// PATH for pages without an image.
type Reader struct {
	// Pdftoppm is the renderer's binary; "" means "pdftoppm", "-" none.
	Pdftoppm string
	// RenderTimeout bounds one rendering; 0 means 10 s.
	RenderTimeout time.Duration
}

var _ domain.PDFReader = Reader{}

// maxPreviewPixels bounds the page image decoded for a preview (the same
// budget as an image archive's thumbnail).
const maxPreviewPixels = 40_000_000

// maxPreviewDecodedBytes bounds the decoded samples of that image (as
// its header declares them: pixels × components × bits per component).
const maxPreviewDecodedBytes = 96 << 20

// ErrNotPDF is the error of InspectPDF for bytes that are not a readable PDF.
var ErrNotPDF = errors.New("pdfread: not a readable PDF")

// InspectPDF implements domain.PDFReader.
func (Reader) InspectPDF(data []byte) (info domain.PDFInfo, err error) {
	ctx, err := read(data)
	if err != nil {
		return domain.PDFInfo{}, err
	}
	defer recoverMalformed(&err)
	dims, err := ctx.PageDims()
	if err != nil {
		return domain.PDFInfo{}, fmt.Errorf("%w: page sizes: %w", ErrNotPDF, err)
	}
	info.PageSizes = make([]domain.PageSize, len(dims))
	for i, d := range dims {
		info.PageSizes[i] = domain.PageSize{Width: d.Width, Height: d.Height}
	}
	return info, nil
}

// PreviewPDF implements domain.PDFReader.
func (r Reader) PreviewPDF(ctx context.Context, data []byte, size int) (image.Image, error) {
	img, err := pageImage(data)
	if err != nil {
		return nil, err
	}
	if img != nil {
		return img, nil
	}
	return r.render(ctx, data, size)
}

// pageImage returns the largest image of page 1 that the budget allows to
// decode, nil when the page has none (or none in a format decoded here).
func pageImage(data []byte) (img image.Image, err error) {
	ctx, err := read(data)
	if err != nil {
		return nil, err
	}
	defer recoverMalformed(&err)
	if err := api.OptimizeContext(ctx); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotPDF, err)
	}
	stubs, err := pdfcpu.ExtractPageImages(ctx, 1, true)
	if err != nil {
		return nil, nil // an image pdfcpu cannot extract: render the page instead
	}
	best, bestPixels := -1, int64(0)
	for nr, s := range stubs {
		px := int64(s.Width) * int64(s.Height)
		decoded := px * int64(max(s.Comp, 1)) * int64(max(s.Bpc, 8)) / 8
		if s.Thumb || s.IsImgMask || px <= 0 || px > maxPreviewPixels || decoded > maxPreviewDecodedBytes || px <= bestPixels {
			continue
		}
		best, bestPixels = nr, px
	}
	if best < 0 {
		return nil, nil
	}
	imgs, err := pdfcpu.ExtractPageImages(ctx, 1, false)
	if err != nil {
		return nil, nil
	}
	pi, ok := imgs[best]
	if !ok || pi.Reader == nil {
		return nil, nil
	}
	raw, err := io.ReadAll(io.LimitReader(pi.Reader, 8*maxPreviewPixels+1))
	if err != nil || len(raw) > 8*maxPreviewPixels {
		return nil, nil
	}
	switch pi.FileType {
	case "jpg":
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(raw)); err != nil || int64(cfg.Width)*int64(cfg.Height) > maxPreviewPixels {
			return nil, nil
		}
		img, err = jpeg.Decode(bytes.NewReader(raw))
	case "png":
		if cfg, err := png.DecodeConfig(bytes.NewReader(raw)); err != nil || int64(cfg.Width)*int64(cfg.Height) > maxPreviewPixels {
			return nil, nil
		}
		img, err = png.Decode(bytes.NewReader(raw))
	default:
		return nil, nil // TIFF, JPEG 2000 …: render the page instead
	}
	if err != nil {
		return nil, nil
	}
	return img, nil
}

// render draws page 1 with pdftoppm, fitting size×size; nil without it.
func (r Reader) render(ctx context.Context, data []byte, size int) (image.Image, error) {
	bin := r.Pdftoppm
	if bin == "-" {
		return nil, nil
	}
	if bin == "" {
		bin = "pdftoppm"
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, nil
	}
	timeout := r.RenderTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-f", "1", "-l", "1", "-scale-to", strconv.Itoa(size), "-png", "-")
	cmd.Stdin = bytes.NewReader(data)
	var out bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &out, n: 16 << 20}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("pdfread: rendering page 1 took longer than %s", timeout)
		}
		return nil, fmt.Errorf("%w: pdftoppm: %w", ErrNotPDF, err)
	}
	img, err := png.Decode(&out)
	if err != nil {
		return nil, fmt.Errorf("pdfread: pdftoppm's page: %w", err)
	}
	return img, nil
}

// limitedWriter fails once more than n bytes are written.
type limitedWriter struct {
	w io.Writer
	n int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, errors.New("pdfread: rendering too large")
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}

// read parses data with pdfcpu (relaxed: real scanners write imperfect
// files) and counts its pages.
func read(data []byte) (ctx *model.Context, err error) {
	defer recoverMalformed(&err)
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	ctx, err = api.ReadContext(bytes.NewReader(data), conf)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotPDF, err)
	}
	if err := ctx.EnsurePageCount(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotPDF, err)
	}
	if ctx.PageCount < 1 {
		return nil, fmt.Errorf("%w: no pages", ErrNotPDF)
	}
	return ctx, nil
}

// recoverMalformed turns a panic while reading a hostile PDF into ErrNotPDF.
func recoverMalformed(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", ErrNotPDF, r)
	}
}
