// Package idcardtest makes the test data of the ID card: a photo that meets
// the GA 461 standard (and variants that break one rule each), and finger
// captures in the form the device port delivers. It is imported by tests and
// by the simulators' tests only.
package idcardtest

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"

	"hukou/domain/idcard"
)

// PhotoSpec describes a test photo.
type PhotoSpec struct {
	Width, Height int
	Background    color.RGBA
	// Noise adds texture to the face (the file grows with it).
	Noise int
	// Stripes paints the background unevenly.
	Stripes bool
	Grey    bool
	Quality int
	Seed    uint64
}

// GoodPhoto is a photo spec that meets DefaultPhotoRules.
func GoodPhoto() PhotoSpec {
	return PhotoSpec{Width: 358, Height: 441, Background: color.RGBA{250, 250, 252, 255}, Noise: 60, Quality: 88, Seed: 1}
}

// Photo renders spec as a JPEG: a light background, a head and shoulders.
func Photo(spec PhotoSpec) []byte {
	rng := rand.New(rand.NewPCG(spec.Seed, 7))
	img := image.NewRGBA(image.Rect(0, 0, spec.Width, spec.Height))
	w, h := float64(spec.Width), float64(spec.Height)
	for y := range spec.Height {
		for x := range spec.Width {
			c := spec.Background
			if spec.Stripes && (x/12)%2 == 0 {
				c = color.RGBA{c.R / 2, c.G / 2, c.B, 255}
			}
			fx, fy := float64(x), float64(y)
			dx, dy := (fx-w/2)/(w*0.23), (fy-h*0.42)/(h*0.27)
			switch {
			case dx*dx+dy*dy <= 1: // the face
				c = color.RGBA{224, 182, 150, 255}
				if spec.Noise > 0 {
					n := rng.IntN(spec.Noise) - spec.Noise/2
					c = color.RGBA{clamp(int(c.R) + n), clamp(int(c.G) + n), clamp(int(c.B) + n), 255}
				}
			case fy > h*0.72 && (fx-w/2)*(fx-w/2) < (fy-h*0.6)*(fy-h*0.6)*2.2: // the shoulders
				c = color.RGBA{40, 48, 70, 255}
				if spec.Noise > 0 {
					n := rng.IntN(spec.Noise/2+1) - spec.Noise/4
					c = color.RGBA{clamp(int(c.R) + n), clamp(int(c.G) + n), clamp(int(c.B) + n), 255}
				}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var out image.Image = img
	if spec.Grey {
		g := image.NewGray(img.Bounds())
		for y := range spec.Height {
			for x := range spec.Width {
				g.Set(x, y, img.At(x, y))
			}
		}
		out = g
	}
	var buf bytes.Buffer
	q := spec.Quality
	if q == 0 {
		q = 88
	}
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: q}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func clamp(v int) uint8 { return uint8(max(0, min(255, v))) }

// GoodPhotoBase64 is GoodPhoto's JPEG in base64, as the API takes it.
func GoodPhotoBase64() string { return base64.StdEncoding.EncodeToString(Photo(GoodPhoto())) }

// Finger makes a template of n minutiae for position at quality, and a
// matching grey PNG image, both base64, as the device port delivers them.
// seed varies the minutiae.
func Finger(position, quality, n int, seed uint64) idcard.FingerprintCapture {
	rng := rand.New(rand.NewPCG(seed, uint64(position)))
	t := &idcard.Template{Width: 256, Height: 360, ResX: 197, ResY: 197, Position: uint8(position), Quality: uint8(quality)}
	for range n {
		t.Minutiae = append(t.Minutiae, idcard.Minutia{Type: uint8(1 + rng.IntN(2)), X: uint16(20 + rng.IntN(216)), Y: uint16(20 + rng.IntN(320)),
			Angle: uint8(rng.IntN(256)), Quality: uint8(50 + rng.IntN(50))})
	}
	return idcard.FingerprintCapture{Position: position, Template: base64.StdEncoding.EncodeToString(t.Encode()),
		Image: base64.StdEncoding.EncodeToString(FingerImage(256, 360))}
}

// FingerImage is a grey PNG of w×h with a ridge-like pattern.
func FingerImage(w, h int) []byte {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := uint8(255)
			if ((x+y/3)/4)%2 == 0 {
				v = 60
			}
			img.SetGray(x, y, color.Gray{Y: v})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// TwoFingers are a good pair: right and left index fingers.
func TwoFingers(seed uint64) []idcard.FingerprintCapture {
	return []idcard.FingerprintCapture{Finger(2, 80, 30, seed), Finger(7, 75, 28, seed+1)}
}
