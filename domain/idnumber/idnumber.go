// Package idnumber validates, upgrades and generates citizen ID numbers
// (公民身份号码) per GB 11643: a 6-digit GB/T 2260 division, an 8-digit birth
// date, a 3-digit sequence (odd for men, even for women) and an ISO 7064
// MOD 11-2 check character.
package idnumber

import (
	"fmt"
	"time"
)

var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const checkChars = "10X98765432"

// CheckDigit returns the ISO 7064 MOD 11-2 check character for the first 17
// digits of an ID number. It panics if first17 is not 17 ASCII digits.
func CheckDigit(first17 string) byte {
	if len(first17) != 17 {
		panic(fmt.Sprintf("idnumber: CheckDigit needs 17 digits, got %d", len(first17)))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			panic("idnumber: CheckDigit needs digits only")
		}
		sum += int(c-'0') * weights[i]
	}
	return checkChars[sum%11]
}

// Generate returns the 18-character ID number for a person born on birth in
// division, with sequence seq (0–999; odd for men, even for women).
// It panics on an out-of-range seq or a malformed division: it is for
// synthetic data and tests, whose inputs are program-made.
func Generate(division string, birth time.Time, seq int) string {
	if len(division) != 6 || seq < 0 || seq > 999 {
		panic(fmt.Sprintf("idnumber: Generate(%q, seq %d)", division, seq))
	}
	first17 := fmt.Sprintf("%s%s%03d", division, birth.Format("20060102"), seq)
	return first17 + string(CheckDigit(first17))
}
