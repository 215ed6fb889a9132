package idnumber

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hukou/domain/codes"
)

// Field is the name of the input field that ID number errors are about.
const Field = "idNumber"

// The stable reasons (Error.Reason) of Validate and Upgrade15 errors, one per
// kind of problem. domain.ValidateIDNumber copies them into domain.Error.Reason,
// and clients localise messages by them; never rename one.
const (
	ReasonLength          = "id_number.length"
	ReasonCharacters      = "id_number.characters"
	ReasonDivision        = "id_number.division"
	ReasonBirthDate       = "id_number.birth_date"
	ReasonFutureBirthDate = "id_number.future_birth_date"
	ReasonCheckDigit      = "id_number.check_digit"
)

// minBirthYear is the earliest birth year accepted: no living resident was
// born before it, so an earlier year is a typing error.
const minBirthYear = 1900

// ID is a validated 18-character citizen ID number and what it encodes.
type ID struct {
	// Number is the ID number with a lower-case check character x
	// normalised to X.
	Number string
	// Division is the GB/T 2260 division code of the first 6 digits, which
	// may be historical.
	Division string
	// Birth is the encoded birth date, at midnight UTC.
	Birth time.Time
	// Seq is the 3-digit sequence number (0–999).
	Seq int
	// Male reports an odd sequence number.
	Male bool
}

// Error is the error Validate and Upgrade15 return for a malformed number.
// It is not a domain.Error because package domain imports this package;
// domain.ValidateIDNumber converts it into a CodeInvalid domain.Error on the
// caller's field, keeping Message and Reason.
type Error struct {
	// Reason is one of the Reason constants.
	Reason string
	// Message says exactly what is wrong, in English a clerk can act on.
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return "invalid ID number: " + e.Message }

func invalid(reason, format string, args ...any) *Error {
	return &Error{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Validate checks that s is a well-formed 18-character GB 11643 ID number
// and decodes it. now is the current time; a birth date after now's calendar
// date is rejected. Historical division codes are accepted, since numbers
// issued before a division changed keep the old code.
//
// Every error is an *Error with one of the Reason constants and a message a
// clerk can act on; problems are reported in the order length, characters,
// division, birth date, check digit.
func Validate(s string, now time.Time) (ID, error) {
	if n := utf8.RuneCountInString(s); n != 18 {
		if n == 15 && isDigits(s) {
			return ID{}, invalid(ReasonLength, "must be 18 characters, got 15 (an old 15-digit number must be upgraded to 18 digits first)")
		}
		return ID{}, invalid(ReasonLength, "must be 18 characters, got %d", n)
	}
	pos := 0
	for _, r := range s {
		pos++
		switch {
		case r >= '0' && r <= '9':
		case pos == 18 && (r == 'X' || r == 'x'):
		case pos == 18:
			return ID{}, invalid(ReasonCharacters, "character 18 is %s; the last character must be a digit or X", quoteRune(r))
		default:
			return ID{}, invalid(ReasonCharacters, "character %d is %s; characters 1-17 must be digits 0-9", pos, quoteRune(r))
		}
	}
	last := s[17] // s is now 18 ASCII bytes
	if last == 'x' {
		last = 'X'
	}
	number := s[:17] + string(last)

	id, err := decode(number, now)
	if err != nil {
		return ID{}, err
	}
	if want := CheckDigit(number[:17]); last != want {
		return ID{}, invalid(ReasonCheckDigit, "check digit is %c, expected %c: one of the 18 characters was mistyped", last, want)
	}
	return id, nil
}

// decode checks and decodes the division, birth date and sequence of the
// 17 digits that start number.
func decode(number string, now time.Time) (ID, error) {
	division := number[:6]
	if _, ok := codes.LookupDivision(division); !ok {
		return ID{}, invalid(ReasonDivision, "%s (characters 1-6) is not a known GB/T 2260 administrative division code", division)
	}
	date := number[6:14]
	birth, err := time.Parse("20060102", date)
	if err != nil {
		return ID{}, invalid(ReasonBirthDate, "birth date %s (characters 7-14) is not a valid date in YYYYMMDD form", date)
	}
	if birth.Year() < minBirthYear {
		return ID{}, invalid(ReasonBirthDate, "birth date %s (characters 7-14) is before %d", birth.Format(time.DateOnly), minBirthYear)
	}
	y, m, d := now.Date()
	if birth.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return ID{}, invalid(ReasonFutureBirthDate, "birth date %s (characters 7-14) is in the future", birth.Format(time.DateOnly))
	}
	seq, _ := strconv.Atoi(number[14:17]) // three digits, checked by the caller
	return ID{Number: number, Division: division, Birth: birth, Seq: seq, Male: seq%2 == 1}, nil
}

// Upgrade15 converts a 15-digit ID number issued before 1999 (6-digit
// division, 6-digit birth date YYMMDD of a 20th-century year, 3-digit
// sequence) into its 18-character form by inserting "19" before the year and
// appending the check character, then validates the result as Validate does
// (with the current time). Errors are like Validate's, with
// ReasonLength and ReasonCharacters referring to the 15-digit input.
func Upgrade15(s string) (string, error) {
	if n := utf8.RuneCountInString(s); n != 15 {
		return "", invalid(ReasonLength, "a 15-digit ID number must be 15 characters, got %d", n)
	}
	pos := 0
	for _, r := range s {
		pos++
		if r < '0' || r > '9' {
			return "", invalid(ReasonCharacters, "character %d is %s; a 15-digit ID number has digits 0-9 only", pos, quoteRune(r))
		}
	}
	first17 := s[:6] + "19" + s[6:]
	number := first17 + string(CheckDigit(first17))
	if _, err := Validate(number, time.Now()); err != nil {
		return "", err
	}
	return number, nil
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// quoteRune quotes r for a message, naming characters a clerk cannot see.
func quoteRune(r rune) string {
	switch {
	case r == ' ':
		return "a space"
	case r == utf8.RuneError:
		return "an invalid (non-UTF-8) byte"
	case r < ' ' || r == 0x7f || r == 0x3000 || r == 0xfeff || r == 0x200b:
		return fmt.Sprintf("an invisible character (U+%04X)", r)
	case r >= 0xff10 && r <= 0xff19:
		return strconv.QuoteRune(r) + " (a full-width digit; type ASCII digits)"
	default:
		return strconv.QuoteRune(r)
	}
}
