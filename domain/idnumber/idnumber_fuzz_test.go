package idnumber

import (
	"errors"
	"testing"
	"time"
)

// FuzzValidate checks that Validate never panics, that every rejection is an
// *Error with a known reason, and that every accepted number has the check
// character computed independently of CheckDigit.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "110105194912310021",
		withCheck("21110419900307001"), withCheck("21112119850101002"),
		withCheck("99999919900307001"), withCheck("21110419990230001"),
		withCheck("21110418991231001"), withCheck("21110420991231001"),
		"", "110105491231002", "2111041990030A001X", "２１１１０４１９９００３０７００１１",
		"\xff\xfe\x00\x01234567890123456", "21110419900307001\n",
	} {
		f.Add(s)
	}
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	reasons := map[string]bool{
		ReasonLength: true, ReasonCharacters: true, ReasonDivision: true,
		ReasonBirthDate: true, ReasonFutureBirthDate: true, ReasonCheckDigit: true,
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Validate(s, now)
		if err != nil {
			var ie *Error
			if !errors.As(err, &ie) || !reasons[ie.Reason] || ie.Message == "" {
				t.Fatalf("Validate(%q) error %#v is not a reasoned *Error", s, err)
			}
			return
		}
		if len(s) != 18 || len(id.Number) != 18 {
			t.Fatalf("Validate(%q) accepted a number of %d bytes", s, len(s))
		}
		want := independentCheck(s[:17])
		if id.Number[17] != want {
			t.Fatalf("Validate(%q) accepted check %c, independent computation gives %c", s, id.Number[17], want)
		}
		if id.Birth.After(now) || id.Birth.Year() < 1900 || id.Division != s[:6] {
			t.Fatalf("Validate(%q) = %+v", s, id)
		}
	})
}
