package provincesim

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"sync"

	"github.com/disintegration/imaging"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// SealFontPath is the TrueType font the seal pictures' characters are drawn
// with (Debian's fonts-lxgw-wenkai). Without it a picture has the ring and
// the star only.
var SealFontPath = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"

var sealFont = sync.OnceValue(func() *opentype.Font {
	data, err := os.ReadFile(SealFontPath)
	if err != nil {
		return nil
	}
	f, err := opentype.Parse(data)
	if err != nil {
		return nil
	}
	return f
})

var sealRed = color.NRGBA{R: 0xD8, G: 0x1E, B: 0x06, A: 0xFF}

// SealImage draws a seal picture as PNG with a transparent background: for
// an office seal a red ring, a five-pointed star, the office name along the
// upper rim and the seal's purpose (户口专用章) below the star; for a personal
// seal a square frame with the person's name.
func SealImage(office string, round bool, name string) ([]byte, error) {
	const size = 400
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	c := float32(size) / 2
	if round {
		ring(img, c, c, c-6, c-22)
		star(img, c, c-8, 70)
		chars := []rune(office)
		n := len(chars)
		span := math.Min(240, 24*float64(n))
		for i, ch := range chars {
			deg := 90 + span/2
			if n > 1 {
				deg -= float64(i) * span / float64(n-1)
			}
			a := deg * math.Pi / 180
			x, y := float64(c)+140*math.Cos(a), float64(c)-140*math.Sin(a)
			glyph(img, ch, x, y, 42, deg-90)
		}
		label := []rune("户口专用章")
		for i, ch := range label {
			glyph(img, ch, float64(c)+float64(i-len(label)/2)*38, float64(c)+100, 36, 0)
		}
	} else {
		frame(img, 20, size-20, 16)
		chars := []rune(name)
		fs := math.Min(150, 300/math.Max(1, float64(len(chars))))
		for i, ch := range chars {
			glyph(img, ch, float64(c)+(float64(i)-float64(len(chars)-1)/2)*fs, float64(c), fs, 0)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func fill(img *image.NRGBA, z *vector.Rasterizer) {
	z.Draw(img, img.Bounds(), image.NewUniform(sealRed), image.Point{})
}

func ring(img *image.NRGBA, cx, cy, outer, inner float32) {
	z := vector.NewRasterizer(img.Bounds().Dx(), img.Bounds().Dy())
	circle(z, cx, cy, outer, false)
	circle(z, cx, cy, inner, true)
	fill(img, z)
}

// circle adds a polygonal circle; reverse winds it the other way (a hole
// under the nonzero rule).
func circle(z *vector.Rasterizer, cx, cy, r float32, reverse bool) {
	const steps = 180
	for i := 0; i <= steps; i++ {
		a := 2 * math.Pi * float64(i) / steps
		if reverse {
			a = -a
		}
		x, y := cx+r*float32(math.Cos(a)), cy+r*float32(math.Sin(a))
		if i == 0 {
			z.MoveTo(x, y)
		} else {
			z.LineTo(x, y)
		}
	}
	z.ClosePath()
}

func star(img *image.NRGBA, cx, cy, r float32) {
	z := vector.NewRasterizer(img.Bounds().Dx(), img.Bounds().Dy())
	for i := 0; i < 10; i++ {
		rad := r
		if i%2 == 1 {
			rad = r * 0.382
		}
		a := math.Pi/2 + float64(i)*math.Pi/5
		x, y := cx+rad*float32(math.Cos(a)), cy-rad*float32(math.Sin(a))
		if i == 0 {
			z.MoveTo(x, y)
		} else {
			z.LineTo(x, y)
		}
	}
	z.ClosePath()
	fill(img, z)
}

func frame(img *image.NRGBA, lo, hi, w float32) {
	z := vector.NewRasterizer(img.Bounds().Dx(), img.Bounds().Dy())
	z.MoveTo(lo, lo)
	z.LineTo(hi, lo)
	z.LineTo(hi, hi)
	z.LineTo(lo, hi)
	z.ClosePath()
	z.MoveTo(lo+w, lo+w)
	z.LineTo(lo+w, hi-w)
	z.LineTo(hi-w, hi-w)
	z.LineTo(hi-w, lo+w)
	z.ClosePath()
	fill(img, z)
}

// glyph draws ch centred on (x, y), size px high, turned by deg degrees
// (imaging.Rotate, counter-clockwise on screen), so rim characters stand
// with their tops towards the rim.
func glyph(img *image.NRGBA, ch rune, x, y, size, deg float64) {
	f := sealFont()
	if f == nil {
		return
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return
	}
	defer face.Close()
	t := int(size * 1.5)
	tile := image.NewNRGBA(image.Rect(0, 0, t, t))
	d := font.Drawer{Dst: tile, Src: image.NewUniform(sealRed), Face: face}
	adv := d.MeasureString(string(ch))
	m := face.Metrics()
	d.Dot = fixed.Point26_6{X: fixed.I(t/2) - adv/2, Y: fixed.I(t/2) + (m.Ascent-m.Descent)/2}
	d.DrawString(string(ch))
	var src image.Image = tile
	if deg != 0 {
		src = imaging.Rotate(tile, deg, color.Transparent)
	}
	b := src.Bounds()
	at := image.Pt(int(x)-b.Dx()/2, int(y)-b.Dy()/2)
	draw.Draw(img, image.Rectangle{Min: at, Max: at.Add(b.Size())}, src, b.Min, draw.Over)
}
