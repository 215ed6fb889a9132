// Package documents renders hukou's documents as PDF: the resident
// registration form (常住人口登记表), the refusal notice (不予办理通知书), the
// completion confirmation (办结确认书), the move-in record, certificates and
// the acceptance receipt (受理回执). It implements domain.DocumentRenderer.
//
// # Fonts
//
// Chinese text needs a CJK TrueType font, which is embedded (subset to the
// characters used) in every PDF so that the file prints the same everywhere.
// The default is LXGW WenKai from Debian's fonts-lxgw-wenkai
// (DefaultFontPath); its cmap covers the BMP ideographs and some of CJK
// Extension B (𠮷 U+20BB7 is there, 𪚥 U+2A6A5 is not). Collections (.ttc) and
// CFF-flavoured .otf fonts are rejected: the PDF library embeds TrueType
// outlines only.
//
// # Characters no font has
//
// A PDF library silently drops (or draws as an empty box) a character its
// font lacks, which on a registration form would print a wrong name. So every
// string is checked against the fonts' cmaps before drawing: a character the
// main font lacks is drawn with Config.FallbackFontPath when that font has
// it; a character neither has is printed as 〓 (the geta mark, the
// typesetter's conventional 缺字 placeholder, which tells the clerk to write
// the character in by hand) and reported: RenderWithReport returns it in
// RenderReport.Missing, and Render, the domain port, logs a warning with the
// characters and the collaboration number. Rendering does not fail, because
// the form must still be issued; the warning is what an operator acts on
// (install a font that has the character and set FallbackFontPath).
// Variation selectors (U+FE00–FE0F, U+E0100–E01EF) are dropped silently: the
// base character is printed.
//
// Characters outside the BMP are written with a correct UTF-16 ToUnicode
// mapping (see fixToUnicode), so pdftotext and copy-and-paste give back 𠮷,
// not a truncated code.
//
// Output is deterministic: the same document gives the same bytes, so the
// content-addressed blob store keeps one copy. A document stamped with
// electronic seals (Config.Stamper, stamp.go) is not: each signature
// carries its time and a random SM2 nonce.
package documents

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/signintech/gopdf"

	"hukou/domain"
)

// DefaultFontPath is where Debian's fonts-lxgw-wenkai installs the regular
// LXGW WenKai TrueType font.
const DefaultFontPath = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"

// defaultFontName is searched for under /usr/share/fonts when
// DefaultFontPath does not exist (another distribution's layout).
const defaultFontName = "LXGWWenKai-Regular.ttf"

// Placeholder is printed in place of a character that no configured font can draw.
const Placeholder = '〓'

// Config configures a Renderer.
type Config struct {
	// FontPath is the main TrueType font (.ttf) with Chinese and Latin
	// glyphs. Empty means DefaultFontPath, or LXGWWenKai-Regular.ttf found
	// under /usr/share/fonts.
	FontPath string
	// FallbackFontPath is an optional second TrueType font used for the
	// characters FontPath lacks (e.g. one covering CJK Extension B–G).
	FallbackFontPath string
	// Logger receives the warnings about unrenderable characters; nil means slog.Default().
	Logger *slog.Logger
	// Stamper, when set, signs every document with electronic seals
	// instead of drawing the seal (5.1.2).
	Stamper *Stamper
}

// RenderReport says how the characters of a rendered document were drawn.
type RenderReport struct {
	// Missing lists, once each and in order of first use, the characters no
	// configured font has; each was printed as Placeholder.
	Missing []rune
	// Fallback lists, once each and in order of first use, the characters
	// drawn with the fallback font.
	Fallback []rune
}

// face is a loaded font: its bytes (parsed again by every rendering, which
// keeps Renderer immutable and safe for concurrent use) and its coverage.
type face struct {
	family string
	path   string
	data   []byte
	cov    coverage
}

// Renderer renders documents as PDF. It implements domain.DocumentRenderer
// and is safe for concurrent use.
type Renderer struct {
	faces   []face // main font first, then the fallback if configured
	log     *slog.Logger
	stamper *Stamper
}

var _ domain.DocumentRenderer = (*Renderer)(nil)

// New loads the fonts of cfg. A missing main font gives an error naming the
// path and the package to install.
func New(cfg Config) (*Renderer, error) {
	path := cfg.FontPath
	if path == "" {
		path = findDefaultFont()
	}
	main, err := loadFace("main", path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("documents: font %s not found: install it with `apt-get install -y fonts-lxgw-wenkai` or set the font path: %w", path, err)
	}
	if err != nil {
		return nil, err
	}
	if !main.cov.has(Placeholder) {
		return nil, fmt.Errorf("documents: font %s lacks the placeholder %c (U+%04X); use a CJK font", path, Placeholder, Placeholder)
	}
	r := &Renderer{faces: []face{main}, log: cfg.Logger, stamper: cfg.Stamper}
	if cfg.FallbackFontPath != "" {
		fb, err := loadFace("fallback", cfg.FallbackFontPath)
		if err != nil {
			return nil, err
		}
		r.faces = append(r.faces, fb)
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	// Fail now, not at the first document, on a font the PDF library rejects.
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	for _, f := range r.faces {
		if err := pdf.AddTTFFontData(f.family, f.data); err != nil {
			return nil, fmt.Errorf("documents: font %s: %w", f.path, err)
		}
	}
	return r, nil
}

func findDefaultFont() string {
	if _, err := os.Stat(DefaultFontPath); err == nil {
		return DefaultFontPath
	}
	found := ""
	_ = filepath.WalkDir("/usr/share/fonts", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == defaultFontName {
			found = p
			return fs.SkipAll
		}
		return nil
	})
	if found == "" {
		return DefaultFontPath // reported as missing by New
	}
	return found
}

func loadFace(family, path string) (face, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return face{}, fmt.Errorf("documents: font %s: %w", path, err)
	}
	cov, err := parseCoverage(data)
	if err != nil {
		return face{}, fmt.Errorf("documents: font %s: %w", path, err)
	}
	return face{family: family, path: path, data: data, cov: cov}, nil
}

// Render implements domain.DocumentRenderer. Characters no font can draw are
// printed as Placeholder and logged as a warning; use RenderWithReport to get
// them back instead.
func (r *Renderer) Render(ctx context.Context, d domain.Document) ([]byte, error) {
	pdf, rep, err := r.RenderWithReport(ctx, d)
	if err != nil {
		return nil, err
	}
	if len(rep.Missing) > 0 {
		r.log.WarnContext(ctx, "documents: characters no font can draw were printed as "+string(Placeholder),
			"kind", d.Kind(), "collab_no", collabNo(d), "chars", string(rep.Missing), "codepoints", codepoints(rep.Missing))
	}
	return pdf, nil
}

// RenderWithReport renders d and reports the characters that needed the
// fallback font or could not be drawn at all.
func (r *Renderer) RenderWithReport(ctx context.Context, d domain.Document) ([]byte, RenderReport, error) {
	if err := ctx.Err(); err != nil {
		return nil, RenderReport{}, err
	}
	if d == nil {
		return nil, RenderReport{}, domain.Errorf(domain.CodeInvalid, "no document to render")
	}
	var seals []*domain.ElectronicSeal
	if r.stamper != nil {
		var err error
		if seals, err = r.stamper.seals(ctx, d); err != nil {
			return nil, RenderReport{}, err
		}
	}
	c, err := r.newCanvas()
	if err != nil {
		return nil, RenderReport{}, err
	}
	c.electronic = len(seals) > 0
	switch doc := d.(type) {
	case *domain.RegistrationForm:
		err = c.registrationForm(doc)
	case *domain.RefusalNotice:
		err = c.refusalNotice(doc)
	case *domain.CompletionConfirmation:
		err = c.completionConfirmation(doc)
	case *domain.MoveInRecord:
		err = c.moveInRecord(doc)
	case *domain.Certificate:
		err = c.certificate(doc)
	case *domain.AcceptanceReceipt:
		err = c.acceptanceReceipt(doc)
	default:
		err = domain.Errorf(domain.CodeInvalid, "cannot render a %s document", d.Kind())
	}
	if err != nil {
		return nil, RenderReport{}, err
	}
	if c.err != nil {
		return nil, RenderReport{}, fmt.Errorf("documents: %s: %w", d.Kind(), c.err)
	}
	out, err := c.pdf.GetBytesPdfReturnErr()
	if err != nil {
		return nil, RenderReport{}, fmt.Errorf("documents: %s: %w", d.Kind(), err)
	}
	if out, err = fixToUnicode(out); err != nil {
		return nil, RenderReport{}, fmt.Errorf("documents: %s: %w", d.Kind(), err)
	}
	if len(seals) > 0 {
		if out, err = r.stamper.stamp(ctx, out, seals, c.spots); err != nil {
			return nil, RenderReport{}, err
		}
	}
	return out, c.report, nil
}

func collabNo(d domain.Document) string {
	switch doc := d.(type) {
	case *domain.RegistrationForm:
		return doc.CollabNo
	case *domain.RefusalNotice:
		return doc.CollabNo
	case *domain.CompletionConfirmation:
		return doc.CollabNo
	case *domain.MoveInRecord:
		return doc.CollabNo
	case *domain.Certificate:
		return doc.Number
	case *domain.AcceptanceReceipt:
		return doc.CollabNo
	}
	return ""
}

func codepoints(rs []rune) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = fmt.Sprintf("U+%04X", r)
	}
	return strings.Join(s, " ")
}
