package idcard

import (
	"encoding/binary"
	"fmt"
)

// The finger minutiae record of ISO/IEC 19794-2:2005 (the format the
// fingerprint device delivers and the production centre takes): a 24-byte
// record header, finger views of a 4-byte header and 6 bytes per minutia,
// and an extended data block after each view. This codec reads and writes
// records of one finger view, which is what an ID card fingerprint is.
//
//	header  "FMR\0" " 20\0" length(4) equipment(2) width(2) height(2)
//	        xres(2) yres(2) views(1) reserved(1)
//	view    position(1) view<<4|impression(1) quality(1) minutiae(1)
//	minutia type<<14|x(2) y(2) angle(1) quality(1)
//	ext     length(2) [data]

// Minutia types of the record.
const (
	MinutiaOther       = 0
	MinutiaEnding      = 1 // ridge ending
	MinutiaBifurcation = 2 // ridge bifurcation
)

// Minutia is one minutia point: position in pixels, angle in units of
// 360/256 degrees, quality 0–100.
type Minutia struct {
	Type    uint8
	X, Y    uint16
	Angle   uint8
	Quality uint8
}

// Template is a finger minutiae record of one finger view.
type Template struct {
	Width, Height uint16 // image size, pixels
	ResX, ResY    uint16 // pixels per centimetre (197 for 500 ppi)
	Position      uint8  // finger position 0–10
	View          uint8
	Impression    uint8 // 0 live-scan plain
	Quality       uint8 // 0–100
	Minutiae      []Minutia
}

const (
	isoHeaderLen   = 24
	isoViewLen     = 4
	isoMinutiaLen  = 6
	isoExtLen      = 2
	isoMaxMinutiae = 255
)

// ParseTemplate reads an ISO/IEC 19794-2:2005 record of one finger view.
// The error says what is wrong (for the reason id_card.fingerprint_template).
func ParseTemplate(b []byte) (*Template, error) {
	if len(b) < isoHeaderLen+isoViewLen+isoExtLen {
		return nil, fmt.Errorf("the record has %d bytes; an ISO/IEC 19794-2 record has at least %d", len(b), isoHeaderLen+isoViewLen+isoExtLen)
	}
	if string(b[0:4]) != "FMR\x00" {
		return nil, fmt.Errorf("the record does not start with the format identifier FMR")
	}
	if string(b[4:8]) != " 20\x00" {
		return nil, fmt.Errorf("the record's version is %q, not ISO/IEC 19794-2:2005 (\" 20\")", string(b[4:7]))
	}
	if n := binary.BigEndian.Uint32(b[8:12]); int(n) != len(b) {
		return nil, fmt.Errorf("the record says it has %d bytes but has %d", n, len(b))
	}
	t := &Template{Width: binary.BigEndian.Uint16(b[14:16]), Height: binary.BigEndian.Uint16(b[16:18]),
		ResX: binary.BigEndian.Uint16(b[18:20]), ResY: binary.BigEndian.Uint16(b[20:22])}
	if t.Width == 0 || t.Height == 0 || t.ResX == 0 || t.ResY == 0 {
		return nil, fmt.Errorf("the record gives no image size or resolution")
	}
	if views := b[22]; views != 1 {
		return nil, fmt.Errorf("the record has %d finger views; one finger has one", views)
	}
	v := b[isoHeaderLen:]
	t.Position, t.View, t.Impression, t.Quality = v[0], v[1]>>4, v[1]&0x0f, v[2]
	n := int(v[3])
	if t.Position > 10 {
		return nil, fmt.Errorf("finger position %d is not one of 0–10", t.Position)
	}
	if t.Quality > 100 {
		return nil, fmt.Errorf("finger quality %d is above 100", t.Quality)
	}
	body := v[isoViewLen:]
	if len(body) < n*isoMinutiaLen+isoExtLen {
		return nil, fmt.Errorf("the record is cut short: %d minutiae announced", n)
	}
	for i := range n {
		m := body[i*isoMinutiaLen:]
		tx := binary.BigEndian.Uint16(m[0:2])
		mm := Minutia{Type: uint8(tx >> 14), X: tx & 0x3fff, Y: binary.BigEndian.Uint16(m[2:4]) & 0x3fff, Angle: m[4], Quality: m[5]}
		if mm.Type > MinutiaBifurcation {
			return nil, fmt.Errorf("minutia %d has type %d", i+1, mm.Type)
		}
		if mm.X >= t.Width || mm.Y >= t.Height {
			return nil, fmt.Errorf("minutia %d at (%d, %d) lies outside the %d×%d image", i+1, mm.X, mm.Y, t.Width, t.Height)
		}
		t.Minutiae = append(t.Minutiae, mm)
	}
	rest := body[n*isoMinutiaLen:]
	ext := int(binary.BigEndian.Uint16(rest[0:2]))
	if len(rest) != isoExtLen+ext {
		return nil, fmt.Errorf("the record has %d bytes after its minutiae; its extended data says %d", len(rest)-isoExtLen, ext)
	}
	return t, nil
}

// Encode writes t as an ISO/IEC 19794-2:2005 record (no extended data). It
// panics on more than 255 minutiae (the view header counts them in a byte).
func (t *Template) Encode() []byte {
	n := len(t.Minutiae)
	if n > isoMaxMinutiae {
		panic("idcard: a finger view holds at most 255 minutiae")
	}
	size := isoHeaderLen + isoViewLen + n*isoMinutiaLen + isoExtLen
	b := make([]byte, size)
	copy(b, "FMR\x00 20\x00")
	binary.BigEndian.PutUint32(b[8:12], uint32(size))
	binary.BigEndian.PutUint16(b[14:16], t.Width)
	binary.BigEndian.PutUint16(b[16:18], t.Height)
	binary.BigEndian.PutUint16(b[18:20], t.ResX)
	binary.BigEndian.PutUint16(b[20:22], t.ResY)
	b[22] = 1
	v := b[isoHeaderLen:]
	v[0], v[1], v[2], v[3] = t.Position, t.View<<4|t.Impression&0x0f, t.Quality, uint8(n)
	for i, m := range t.Minutiae {
		o := v[isoViewLen+i*isoMinutiaLen:]
		binary.BigEndian.PutUint16(o[0:2], uint16(m.Type)<<14|m.X&0x3fff)
		binary.BigEndian.PutUint16(o[2:4], m.Y&0x3fff)
		o[4], o[5] = m.Angle, m.Quality
	}
	return b
}
