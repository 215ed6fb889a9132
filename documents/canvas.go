package documents

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/signintech/gopdf"
)

// A4 portrait in points, and the printable band between the side margins.
const (
	pageW  = 595.28
	pageH  = 841.89
	left   = 57.0
	right  = pageW - 57.0
	bottom = pageH - 70.0 // lowest baseline before a page break
)

var (
	black = [3]uint8{0, 0, 0}
	red   = [3]uint8{214, 0, 0}
	grey  = [3]uint8{90, 90, 90}
)

// canvas draws one document. Drawing errors are kept in err (the first one
// wins) so that layout code reads top to bottom; RenderWithReport checks it.
type canvas struct {
	pdf    *gopdf.GoPdf
	faces  []face
	size   float64
	color  [3]uint8
	err    error
	report RenderReport
	seen   map[rune]bool
	// electronic leaves the seals' places empty and records them in spots,
	// for the stamper to sign there with the seal pictures.
	electronic bool
	spots      []spot
}

// spot is where a seal goes: page (1-based) and centre and half-size in
// gopdf's coordinates (points, origin top left).
type spot struct {
	page     int
	cx, cy   float64
	halfSize float64
}

func (r *Renderer) newCanvas() (*canvas, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	for _, f := range r.faces {
		if err := pdf.AddTTFFontData(f.family, f.data); err != nil {
			return nil, fmt.Errorf("documents: font %s: %w", f.path, err)
		}
	}
	return &canvas{pdf: pdf, faces: r.faces, size: 12, color: black, seen: map[rune]bool{}}, nil
}

func (c *canvas) fail(err error) {
	if err != nil && c.err == nil {
		c.err = err
	}
}

// setInfo sets the PDF metadata. The creation date is the document's date,
// not the time of rendering, so that output is deterministic.
func (c *canvas) setInfo(title string, date time.Time) {
	c.pdf.SetInfo(gopdf.PdfInfo{Title: title, Creator: "hukou", Producer: "hukou documents", CreationDate: date})
}

// run is a stretch of text drawn with one face.
type run struct {
	face int
	text string
}

// isVariationSelector reports the selectors that pick a glyph variant of
// the preceding character; fonts here have no variants, so they are dropped.
func isVariationSelector(r rune) bool {
	return (r >= 0xFE00 && r <= 0xFE0F) || (r >= 0xE0100 && r <= 0xE01EF)
}

// runs splits s by the face that draws each character, substituting
// Placeholder for characters no face has and recording them in the report.
func (c *canvas) runs(s string) []run {
	var out []run
	var b strings.Builder
	cur := -1
	for _, r := range s {
		switch {
		case isVariationSelector(r):
			continue
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case unicode.IsControl(r):
			continue
		}
		fi := -1
		for i := range c.faces {
			if c.faces[i].cov.has(r) {
				fi = i
				break
			}
		}
		switch {
		case fi < 0:
			if !c.seen[r] {
				c.seen[r] = true
				c.report.Missing = append(c.report.Missing, r)
			}
			r, fi = Placeholder, 0
		case fi > 0 && !c.seen[r]:
			c.seen[r] = true
			c.report.Fallback = append(c.report.Fallback, r)
		}
		if fi != cur && b.Len() > 0 {
			out = append(out, run{cur, b.String()})
			b.Reset()
		}
		cur = fi
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, run{cur, b.String()})
	}
	return out
}

func (c *canvas) useFace(i int) {
	c.fail(c.pdf.SetFont(c.faces[i].family, "", c.size))
}

func (c *canvas) runWidth(rn run) float64 {
	c.useFace(rn.face)
	w, err := c.pdf.MeasureTextWidth(rn.text)
	c.fail(err)
	return w
}

// width is the advance of s at the current size.
func (c *canvas) width(s string) float64 {
	w := 0.0
	for _, rn := range c.runs(s) {
		w += c.runWidth(rn)
	}
	return w
}

// text draws s with its baseline at y, starting at x.
func (c *canvas) text(x, y float64, s string) {
	c.pdf.SetTextColor(c.color[0], c.color[1], c.color[2])
	for _, rn := range c.runs(s) {
		w := c.runWidth(rn)
		c.pdf.SetXY(x, y)
		c.fail(c.pdf.Text(rn.text))
		x += w
	}
}

// textCenter draws s centred on x.
func (c *canvas) textCenter(x, y float64, s string) { c.text(x-c.width(s)/2, y, s) }

// textRight draws s ending at x.
func (c *canvas) textRight(x, y float64, s string) { c.text(x-c.width(s), y, s) }

// noLineStart are the punctuation marks that must not begin a line (禁则); they
// may hang past the right edge instead.
const noLineStart = "，。、；：？！）》」』”’,.;:?!)"

// wrap breaks s into lines no wider than w. Chinese text breaks between any
// two characters, but a run of ASCII letters and digits (an ID number, a
// collaboration number) moves to the next line whole unless it is wider than
// a line by itself.
func (c *canvas) wrap(s string, w float64) []string {
	var lines []string
	var line []rune
	lw := 0.0
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		for isWordRune(rs[i]) && j < len(rs) && isWordRune(rs[j]) {
			j++
		}
		tok := rs[i:j]
		tw := c.width(string(tok))
		if len(line) > 0 && lw+tw > w && !strings.ContainsRune(noLineStart, tok[0]) {
			if len(tok) > 1 && tw > w { // too long for any line: break it by characters
				j, tok = i+1, tok[:1]
				tw = c.width(string(tok))
				if lw+tw <= w {
					line, lw, i = append(line, tok...), lw+tw, j
					continue
				}
			}
			lines = append(lines, string(line))
			line, lw = nil, 0
		}
		line = append(line, tok...)
		lw += tw
		i = j
	}
	if len(line) > 0 || len(lines) == 0 {
		lines = append(lines, string(line))
	}
	return lines
}

func isWordRune(r rune) bool {
	return r < 0x80 && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z')
}

// baseline returns the baseline that centres a line of the current size
// vertically on mid (CJK glyphs sit about 0.35 em above their centre line).
func (c *canvas) baseline(mid float64) float64 { return mid + c.size*0.35 }

func (c *canvas) stroke(col [3]uint8, width float64) {
	c.pdf.SetStrokeColor(col[0], col[1], col[2])
	c.pdf.SetLineWidth(width)
}

func (c *canvas) rect(x, y, w, h float64) {
	c.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "D")
}

// paragraph draws s wrapped between x+indent (first line) or x (others)
// and right, starting at baseline y; it breaks the page when needed and
// returns the baseline after the last line.
func (c *canvas) paragraph(s string, x, y, indent, lineH float64) float64 {
	first := true
	for len(s) > 0 {
		in := 0.0
		if first {
			in = indent
		}
		lines := c.wrap(s, right-x-in)
		if y > bottom {
			c.pdf.AddPage()
			y = 90
		}
		c.text(x+in, y, lines[0])
		y += lineH
		s = strings.TrimPrefix(s, lines[0])
		first = false
	}
	return y
}

// footer draws the issuing office and the date at the right, from baseline
// y, with the seals stamped over them as on paper.
func (c *canvas) footer(y float64, office string, date time.Time, seals []sealSpec) {
	if y > bottom-60 {
		c.pdf.AddPage()
		y = 120
	}
	c.size = 14
	c.color = black
	d := chineseDate(date)
	bw := max(c.width(office), c.width(d))
	mid := right - 20 - bw/2
	c.textCenter(mid, y, office)
	c.textCenter(mid, y+26, d)
	const r = 52.0
	if c.electronic {
		// The household seal over the office and date, the operator's
		// personal seal (smaller, square) to its left.
		page := c.pdf.GetNumberOfPages()
		c.spots = append(c.spots, spot{page, mid, y + 4, r}, spot{page, mid - 2.1*r, y + 4, r * 0.42})
		c.color = black
		return
	}
	for i, s := range seals {
		c.seal(mid-float64(i)*2.3*r, y+4, r, s.office, s.name)
	}
	c.color = black
}

type sealSpec struct{ office, name string }

// seal draws a round official seal centred on (cx, cy): a red ring, a
// five-pointed star, the office name along the upper rim and the seal's name
// under the star.
func (c *canvas) seal(cx, cy, r float64, office, name string) {
	c.stroke(red, r*0.05)
	c.pdf.Oval(cx-r, cy-r, cx+r, cy+r)

	// The star: outer points on a circle of radius rs, inner ones at 0.382 rs.
	rs, sy := r*0.32, cy-r*0.02
	pts := make([]gopdf.Point, 0, 10)
	for i := 0; i < 10; i++ {
		rad := rs
		if i%2 == 1 {
			rad = rs * 0.382
		}
		a := math.Pi/2 + float64(i)*math.Pi/5
		pts = append(pts, gopdf.Point{X: cx + rad*math.Cos(a), Y: sy - rad*math.Sin(a)})
	}
	c.pdf.SetFillColor(red[0], red[1], red[2])
	c.stroke(red, 0.1)
	c.pdf.Polygon(pts, "F")

	c.color = red
	chars := []rune(office)
	n := len(chars)
	if n > 0 {
		span := math.Min(220, 22*float64(n)) // degrees of rim the name covers
		rt := r * 0.74                       // radius of the characters' centres
		fs := math.Min(r*0.28, rt*span*math.Pi/180/float64(n)*0.92)
		rt = r - r*0.08 - fs*0.62
		c.size = fs
		step := 0.0
		if n > 1 {
			step = span / float64(n-1)
		}
		for i, ch := range chars {
			deg := 90 + span/2 - float64(i)*step
			if n == 1 {
				deg = 90
			}
			a := deg * math.Pi / 180
			x, y := cx+rt*math.Cos(a), cy-rt*math.Sin(a)
			c.pdf.Rotate(deg-90, x, y)
			c.textCenter(x, c.baseline(y), string(ch))
			c.pdf.RotateReset()
		}
	}
	if name != "" {
		c.size = math.Min(r*0.2, r*1.1/float64(len([]rune(name))))
		c.textCenter(cx, c.baseline(cy+r*0.52), name)
	}
	c.color = black
}

// chineseDate formats t's calendar date as 2026年11月25日; "" for the zero time.
func chineseDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	y, m, d := t.Date()
	return fmt.Sprintf("%d年%d月%d日", y, int(m), d)
}
