package domain

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Masking of personal identifiers (DESIGN.md, "Security and audit").
// Which callers read masked data is Actor.MasksPersonalData; what a masked
// value looks like is below, one function per PIIKind. The API applies them
// in one place (the schema's @pii directive, resolvers/directives.go), never
// field by field, and documents are not served to masked callers at all
// (ArchiveService.Open). The rules, chosen so that no masked field gives
// back what another one hides:
//
//   - ID number (GB 11643, 18 characters): the division (first 6) and the
//     last 2 (the sex digit and the check digit) stay; the 8 birth-date
//     digits and the first 2 sequence digits become '*':
//     211102199003152301 → 211102**********01. Keeping the last 4 instead
//     would let the check digit narrow a birth day known to the month down to
//     about 3 candidates; with 2 it leaves about 280. A 15-character number
//     keeps its first 6 and last 1; anything else becomes all '*'.
//   - Birth date or time: generalised to its month (the first day of the
//     month, at midnight of the value's own zone for a time), so a Date still
//     reads YYYY-MM-DD: 1990-03-15 → 1990-03-01.
//   - Name (names, former names): the first character of each name stays,
//     every other character becomes '*', so a three-character Chinese name
//     keeps its surname and two '*'; names are separated by spaces, commas,
//     the enumeration comma and the middle dot of transliterated names. The
//     surname is kept so that counts by surname still work.
//   - Phone number: the first 3 and last 4 digits stay (138****5678); a
//     shorter number becomes all '*'.
//   - Free text (notes, reasons, message bodies): every ID-number-shaped run
//     of characters is masked as an ID number; a JSON text is walked and each
//     value masked by what its key names (ClassifyField), so a message body's
//     "motherIdNumber" and "birthDate" are masked like the fields of the same
//     name. Names inside prose cannot be found and are not masked.
//   - Item value (the wanted value of a reported error, the new value of a
//     requested change): masked as what the item it belongs to names (a
//     "birthDate" item's value as a birth date); an unnamed item's value is
//     all '*'.
//
// Household numbers, addresses, certificate numbers and household member
// identifiers (hcybsh: the household number plus a sequence) identify a
// dwelling or a document rather than carry a birth date or a name, and stay
// in clear: analysts work by place.

// PIIKind says what kind of personal identifier a field carries, and with
// it how the field is masked.
type PIIKind string

// PII kinds; the schema's enum PiiKind has the same values.
const (
	PIIIDNumber  PIIKind = "ID_NUMBER"
	PIIBirthDate PIIKind = "BIRTH_DATE"
	PIIName      PIIKind = "NAME"
	PIIPhone     PIIKind = "PHONE"
	PIIText      PIIKind = "TEXT"
	PIIItemValue PIIKind = "ITEM_VALUE"
)

// PIIKinds lists every kind in a stable order.
var PIIKinds = []PIIKind{PIIIDNumber, PIIBirthDate, PIIName, PIIPhone, PIIText, PIIItemValue}

// operationalRoles read personal data in clear: they act on the records.
var operationalRoles = []Role{RoleClerk, RoleOfficer, RoleApprover, RoleArchivist, RoleAdmin}

// MasksPersonalData reports whether personal identifiers must be masked for
// the actor: for everyone who holds no operational role (CLERK, OFFICER,
// APPROVER, ARCHIVIST, ADMIN), that is ANALYST and INTEGRATOR callers, and
// for a nil actor. Analysts build statistics and need no one's identity;
// Internet+ clients (INTEGRATOR) are third parties and never need a
// register entry in clear. System actors read in clear.
func (a *Actor) MasksPersonalData() bool {
	if a == nil {
		return true
	}
	return !a.System && !a.HasRole(operationalRoles...)
}

// MaskIDNumber masks a citizen ID number: an 18-character number keeps its
// first 6 and last 2 characters (211102**********01), a 15-character one its
// first 6 and last 1; anything else becomes all '*' and "" stays "".
func MaskIDNumber(s string) string {
	switch n := utf8.RuneCountInString(s); {
	case n == 18 && len(s) == 18:
		return s[:6] + strings.Repeat("*", 10) + s[16:]
	case n == 15 && len(s) == 15:
		return s[:6] + strings.Repeat("*", 8) + s[14:]
	default:
		return strings.Repeat("*", n)
	}
}

// GeneraliseDate returns the first instant of t's month in t's zone. The
// zero time stays zero.
func GeneraliseDate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
}

// MaskName keeps the first character of each name in s (names are separated
// by spaces, commas, semicolons, the enumeration comma or the middle dot of
// transliterated names) and replaces the others with '*'.
func MaskName(s string) string {
	var b strings.Builder
	start := true
	for _, r := range s {
		switch {
		case isNameSeparator(r):
			b.WriteRune(r)
			start = true
		case start:
			b.WriteRune(r)
			start = false
		default:
			b.WriteByte('*')
		}
	}
	return b.String()
}

func isNameSeparator(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(",，、;；·•.", r)
}

// MaskPhone keeps the first 3 and last 4 characters of a phone number of at
// least 11 characters (138****5678) and masks a shorter one entirely.
func MaskPhone(s string) string {
	n := utf8.RuneCountInString(s)
	if n < 11 || n != len(s) {
		return strings.Repeat("*", n)
	}
	return s[:3] + strings.Repeat("*", n-7) + s[n-4:]
}

// idNumberPattern finds ID-number-shaped runs: 18 characters (17 digits and
// a digit or X) or 15 digits, not inside a longer run of digits.
var idNumberPattern = regexp.MustCompile(`\d{17}[\dXx]|\d{15}`)

// MaskText masks the personal identifiers a free text may carry: a JSON
// object or array is walked (MaskJSON); in anything else every ID-number-
// shaped run of characters is masked.
func MaskText(s string) string {
	t := strings.TrimSpace(s)
	if t != "" && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t)) {
		if out, err := MaskJSON([]byte(t)); err == nil {
			return string(out)
		}
	}
	return maskIDNumbersIn(s)
}

// maskIDNumbersIn masks each match of idNumberPattern in s that is not part
// of a longer run of digits (a 20-digit number is no ID number).
func maskIDNumbersIn(s string) string {
	locs := idNumberPattern.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		i, j := l[0], l[1]
		if (i > 0 && isDigit(s[i-1])) || (j < len(s) && isDigit(s[j])) {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(MaskIDNumber(s[i:j]))
		last = j
	}
	b.WriteString(s[last:])
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// MaskJSON returns the JSON document raw with every string value masked by
// the kind its key names (ClassifyField) and every other string masked as
// free text. Numbers, booleans and keys are kept. Errors: raw is not JSON.
func MaskJSON(raw []byte) ([]byte, error) {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(maskJSONValue("", v))
}

func maskJSONValue(key string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = maskJSONValue(k, e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = maskJSONValue(key, e)
		}
		return x
	case string:
		kind, ok := ClassifyField(key)
		if !ok {
			kind = PIIText
		}
		return MaskString(kind, x)
	default:
		return v
	}
}

// MaskString masks s as a value of kind. A birth date or time in a string
// (YYYY-MM-DD or RFC 3339) keeps its year and month; a string that is
// neither is masked entirely. PIIItemValue, which needs its item's name,
// masks s entirely here (see MaskItemValue).
func MaskString(kind PIIKind, s string) string {
	if s == "" {
		return s
	}
	switch kind {
	case PIIIDNumber:
		return MaskIDNumber(s)
	case PIIBirthDate:
		return generaliseDateString(s)
	case PIIName:
		return MaskName(s)
	case PIIPhone:
		return MaskPhone(s)
	case PIIText:
		return MaskText(s)
	default:
		return strings.Repeat("*", utf8.RuneCountInString(s))
	}
}

// generaliseDateString keeps the year and month of a date (2006-01-02) or
// time (RFC 3339) written as text, in the same layout; anything else is
// masked entirely.
func generaliseDateString(s string) string {
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return GeneraliseDate(t).Format(layout)
		}
	}
	return strings.Repeat("*", utf8.RuneCountInString(s))
}

// ItemValue is implemented by objects that hold a value for a register item
// they name (an error the applicant reported, a major-item change): masking
// classifies the value by the item's name.
type ItemValue interface {
	// Item is the name of the register item the value is for (name,
	// idNumber, birthDate, …).
	Item() string
}

// MaskItemValue masks value, the value obj holds for a register item: as
// what the item names when obj is an ItemValue with a personal item, in
// clear for an item that carries no identifier (an ethnicity code), and
// entirely when obj names no item.
func MaskItemValue(obj any, value string) string {
	iv, ok := obj.(ItemValue)
	if !ok {
		return MaskString(PIIItemValue, value)
	}
	kind, personal := ClassifyField(iv.Item())
	if !personal {
		return maskIDNumbersIn(value)
	}
	return MaskString(kind, value)
}

// ClassifyField tells which kind of personal identifier a field or JSON key
// of that name carries, by the names this system gives them: *idNumber*
// (and parentIdNumber…), birthDate/birthTime, name, formerNames and
// *Name(s) of persons, *phone*. Field names of offices, divisions, code
// lists, files and staff (officeName, displayName, username, fullName…) are
// not personal and return ok false; so does any other name.
func ClassifyField(name string) (kind PIIKind, ok bool) {
	l := strings.ToLower(name)
	switch {
	case strings.Contains(l, "idnumber"):
		return PIIIDNumber, true
	case strings.HasPrefix(l, "birthdate") || strings.HasPrefix(l, "birthtime") || l == "birthday":
		return PIIBirthDate, true
	case strings.Contains(l, "phone") || strings.Contains(l, "mobile"):
		return PIIPhone, true
	case l == "name" || l == "names" || l == "formernames":
		return PIIName, true
	case strings.HasSuffix(l, "name") || strings.HasSuffix(l, "names"):
		for _, p := range personNamePrefixes {
			if strings.HasPrefix(l, p) {
				return PIIName, true
			}
		}
	}
	return "", false
}

// personNamePrefixes are the prefixes of *Name fields that name a person.
var personNamePrefixes = []string{"newborn", "declarant", "mother", "father", "applicant", "former", "child", "spouse", "head", "guardian", "resident", "person", "holder"}
