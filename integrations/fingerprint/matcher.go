package fingerprint

import (
	"math"

	"hukou/domain"
	"hukou/domain/idcard"
)

// Matcher is the verification algorithm (比对算法) behind the device port:
// it compares two ISO/IEC 19794-2 records of one finger and answers a score
// from 0 (nothing in common) to 100 (the same minutiae). It implements
// idcard.Matcher. It aligns the records on every pair of minutiae of the
// same type (the rotation between their directions, then the translation),
// counts the minutiae that land within Tolerance pixels and AngleTolerance
// of one of the other record's, and scores the best alignment by the share
// of the larger record's minutiae it pairs. The zero value uses the
// defaults.
type Matcher struct {
	Tolerance      float64 // pixels; default 10
	AngleTolerance int     // angle units of 360/256 degrees; default 14 (about 20 degrees)
}

var _ idcard.Matcher = Matcher{}

// Match implements idcard.Matcher. Errors: CodeInvalid for a record that
// does not parse or records of different fingers.
func (m Matcher) Match(stored, live []byte) (int, error) {
	a, err := idcard.ParseTemplate(stored)
	if err != nil {
		return 0, domain.FieldErrorf("fingerprint", "the stored template cannot be read: %v", err).WithReason("fingerprint.template")
	}
	b, err := idcard.ParseTemplate(live)
	if err != nil {
		return 0, domain.FieldErrorf("fingerprint", "the live template cannot be read: %v", err).WithReason("fingerprint.template")
	}
	if a.Position != b.Position && a.Position != 0 && b.Position != 0 {
		return 0, domain.FieldErrorf("fingerprint", "the templates are of finger positions %d and %d", a.Position, b.Position).WithReason("fingerprint.position")
	}
	n := max(len(a.Minutiae), len(b.Minutiae))
	if n == 0 {
		return 0, nil
	}
	tol, atol := m.Tolerance, m.AngleTolerance
	if tol <= 0 {
		tol = 10
	}
	if atol <= 0 {
		atol = 14
	}
	best := 0
	for _, p := range a.Minutiae {
		for _, q := range b.Minutiae {
			if p.Type != q.Type {
				continue
			}
			rot := int(q.Angle) - int(p.Angle)
			theta := float64(rot) * 2 * math.Pi / 256
			sin, cos := math.Sin(theta), math.Cos(theta)
			tx := float64(q.X) - (cos*float64(p.X) - sin*float64(p.Y))
			ty := float64(q.Y) - (sin*float64(p.X) + cos*float64(p.Y))
			if c := paired(a.Minutiae, b.Minutiae, sin, cos, tx, ty, rot, tol, atol); c > best {
				best = c
			}
		}
	}
	return min(100, best*100/n), nil
}

// paired counts the minutiae of a that, moved by the rotation and
// translation, land on a distinct minutia of b.
func paired(a, b []idcard.Minutia, sin, cos, tx, ty float64, rot int, tol float64, atol int) int {
	used := make([]bool, len(b))
	count := 0
	for _, p := range a {
		x := cos*float64(p.X) - sin*float64(p.Y) + tx
		y := sin*float64(p.X) + cos*float64(p.Y) + ty
		angle := (int(p.Angle) + rot) & 0xff
		for j, q := range b {
			if used[j] || q.Type != p.Type {
				continue
			}
			dx, dy := x-float64(q.X), y-float64(q.Y)
			d := (angle - int(q.Angle)) & 0xff
			if dx*dx+dy*dy <= tol*tol && (d <= atol || 256-d <= atol) {
				used[j] = true
				count++
				break
			}
		}
	}
	return count
}
