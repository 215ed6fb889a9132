package idcard

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // finger images: image.DecodeConfig reads PNG
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"hukou/domain"
)

// The rules of the ID card, each a function returning a *domain.Error with
// the field and a stable reason (table-tested in rules_test.go).

var (
	//go:embed data/reasons.csv
	reasonsCSV []byte
	//go:embed data/finger_codes.csv
	fingerCodesCSV []byte
	//go:embed data/fingers.csv
	fingersCSV []byte
)

// Reason is an application reason of a kind (data/reasons.csv).
type Reason struct {
	Kind domain.IDCardApplicationKind
	Code string
	Name string
}

type tables struct {
	reasons     []Reason
	fingerCodes []Code
	fingers     map[int]string
}

var loaded = sync.OnceValue(func() tables {
	t, err := loadTables(reasonsCSV, fingerCodesCSV, fingersCSV)
	if err != nil {
		panic(err) // the embedded data is part of the build
	}
	return t
})

func readCSV(name string, raw []byte, header string) ([][]string, error) {
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("idcard data %s: %w", name, err)
	}
	if len(rows) < 2 || strings.Join(rows[0], ",") != header {
		return nil, fmt.Errorf("idcard data %s: want the header %q and rows", name, header)
	}
	return rows[1:], nil
}

func loadTables(reasons, fingerCodes, fingers []byte) (tables, error) {
	var t tables
	rows, err := readCSV("reasons.csv", reasons, "kind,code,name")
	if err != nil {
		return t, err
	}
	for _, r := range rows {
		k := domain.IDCardApplicationKind(r[0])
		if !k.Valid() || r[1] == "" || r[2] == "" {
			return t, fmt.Errorf("idcard data reasons.csv: bad row %v", r)
		}
		t.reasons = append(t.reasons, Reason{Kind: k, Code: r[1], Name: r[2]})
	}
	if rows, err = readCSV("finger_codes.csv", fingerCodes, "code,name"); err != nil {
		return t, err
	}
	for _, r := range rows {
		if r[0] == "" || r[1] == "" {
			return t, fmt.Errorf("idcard data finger_codes.csv: bad row %v", r)
		}
		t.fingerCodes = append(t.fingerCodes, Code{Code: r[0], Name: r[1]})
	}
	if rows, err = readCSV("fingers.csv", fingers, "position,name"); err != nil {
		return t, err
	}
	t.fingers = map[int]string{}
	for _, r := range rows {
		p, err := strconv.Atoi(r[0])
		if err != nil || p < 1 || p > 10 || r[1] == "" {
			return t, fmt.Errorf("idcard data fingers.csv: bad row %v", r)
		}
		t.fingers[p] = r[1]
	}
	return t, nil
}

// Reasons lists the application reasons of every kind (data).
func Reasons() []Reason { return slices.Clone(loaded().reasons) }

// FingerCodes lists the finger-not-available codes (data).
func FingerCodes() []Code { return slices.Clone(loaded().fingerCodes) }

// FingerName names an ISO/IEC 19794-2 finger position (右手食指 …).
func FingerName(position int) string { return loaded().fingers[position] }

func reasonOf(kind domain.IDCardApplicationKind, code string) (Reason, bool) {
	for _, r := range loaded().reasons {
		if r.Kind == kind && r.Code == code {
			return r, true
		}
	}
	return Reason{}, false
}

func kindName(k domain.IDCardApplicationKind) string {
	switch k {
	case domain.IDCardFirst:
		return "首次申领"
	case domain.IDCardRenewal:
		return "换领"
	case domain.IDCardReplacement:
		return "补领"
	}
	return string(k)
}

// chinaTime is the zone dates are kept in.
var chinaTime = time.FixedZone("CST", 8*3600)

// day returns t's calendar day in China time, at midnight UTC (the form
// dates are compared in).
func day(t time.Time) time.Time {
	t = t.In(chinaTime)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

func formatDay(t time.Time) string { return t.Format(time.DateOnly) }

// anniversary returns the day years after d. A 29 February falls on 28
// February in a common year: the Civil Code (art. 202) ends a period
// counted in years on the corresponding day, and on the last day of the
// month where that day is missing.
func anniversary(d time.Time, years int) time.Time {
	y := d.Year() + years
	if d.Month() == time.February && d.Day() == 29 && !leap(y) {
		return time.Date(y, time.February, 28, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(y, d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// AgeOn returns the full years of a person born on birth, on the day on: a
// birthday is reached on its anniversary (anniversary), so a person born
// on 29 February turns a year older on 28 February of a common year.
func AgeOn(birth, on time.Time) int {
	birth, on = day(birth), day(on)
	age := on.Year() - birth.Year()
	if on.Before(anniversary(birth, age)) {
		age--
	}
	return age
}

// ValidityYears is the validity of a card by the applicant's age
// (Resident Identity Card Law, art. 5): under 16, 5 years; 16 to 25, 10
// years; 26 to 45, 20 years; 46 and over, long-term (0).
func ValidityYears(age int) int {
	switch {
	case age < 16:
		return 5
	case age < 26:
		return 10
	case age < 46:
		return 20
	}
	return 0
}

// ComputeIssue is the issue R signs (2.1.4): the validity by the age on the
// application date, from the issue date (validFrom) to its anniversary
// after the validity's years (or long-term), and the issuing authority.
// Errors: CodeInvalid naming applicationDate for a date that is not a date
// or precedes the birth.
func ComputeIssue(birth time.Time, applicationDate string, issuedOn time.Time, authority, authorityOffice string) (*Issue, error) {
	applied, ok := parseDay(applicationDate)
	if !ok || applied.Before(day(birth)) {
		return nil, domain.FieldErrorf("applicationDate", "the application date %q is not a date after the birth", applicationDate).WithReason("id_card.application_date")
	}
	age := AgeOn(birth, applied)
	years := ValidityYears(age)
	from := day(issuedOn)
	is := &Issue{AgeOnApplication: age, Years: years, LongTerm: years == 0, ValidFrom: formatDay(from), IssuedOn: formatDay(from),
		Authority: authority, AuthorityOffice: authorityOffice}
	if years > 0 {
		is.ValidUntil = formatDay(anniversary(from, years))
	}
	return is, nil
}

// checkIssue refuses an issue (from a message) that contradicts the rule
// for the person's birth and application date.
func checkIssue(is *Issue, birth time.Time, applicationDate string) error {
	bad := func(format string, args ...any) error {
		return domain.FieldErrorf("body", format, args...).WithReason("id_card.issue_invalid")
	}
	if is == nil || strings.TrimSpace(is.Authority) == "" {
		return bad("the approval carries no issue or no issuing authority")
	}
	from, ok := parseDay(is.ValidFrom)
	if !ok || is.IssuedOn != is.ValidFrom {
		return bad("the issue's dates %q and %q are not one date", is.ValidFrom, is.IssuedOn)
	}
	want, err := ComputeIssue(birth, applicationDate, from, is.Authority, is.AuthorityOffice)
	if err != nil {
		return err
	}
	if *want != *is {
		return bad("the issue (%d years, until %q) contradicts the validity rule for age %d (%d years, until %q)",
			is.Years, is.ValidUntil, want.AgeOnApplication, want.Years, want.ValidUntil)
	}
	return nil
}

// PhotoRules is the ID photo standard (GA 461): the size in pixels, 24-bit
// colour JPEG, a light plain background, and the file size bounds (set by
// configuration).
type PhotoRules struct {
	Width, Height int
	MinBytes      int
	MaxBytes      int
	// MinBackground is the lowest mean luminance (0–255) of the
	// background; MaxBackgroundSpread the highest standard deviation of
	// its luminance and of each colour channel (plain).
	MinBackground       int
	MaxBackgroundSpread int
}

// DefaultPhotoRules are GA 461's 358×441 pixels with file size bounds of
// 10–80 KiB and a background at least as light as luminance 190 with a
// spread of at most 16.
var DefaultPhotoRules = PhotoRules{Width: 358, Height: 441, MinBytes: 10 << 10, MaxBytes: 80 << 10, MinBackground: 190, MaxBackgroundSpread: 16}

func photoError(reason, format string, args ...any) error {
	return domain.FieldErrorf("photo", format, args...).WithReason(reason)
}

// CheckPhoto checks a photo against r, cheapest rule first, and returns
// what is kept of it. Reasons: id_card.photo_too_small and _too_large
// (file size), id_card.photo_format (not a JPEG), id_card.photo_dimensions,
// id_card.photo_colour (not 24-bit colour), id_card.photo_background_dark
// (not light), id_card.photo_background_uneven (not plain). The header is
// read before anything is decoded.
func CheckPhoto(r PhotoRules, b []byte) (*Photo, error) {
	switch {
	case len(b) < r.MinBytes:
		return nil, photoError("id_card.photo_too_small", "the photo file has %d bytes; the standard needs at least %d", len(b), r.MinBytes)
	case len(b) > r.MaxBytes:
		return nil, photoError("id_card.photo_too_large", "the photo file has %d bytes; the standard allows at most %d", len(b), r.MaxBytes)
	case len(b) < 3 || b[0] != 0xff || b[1] != 0xd8 || b[2] != 0xff:
		return nil, photoError("id_card.photo_format", "the photo is not a JPEG file")
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, photoError("id_card.photo_format", "the photo is not a readable baseline or progressive JPEG: %v", err)
	}
	if cfg.Width != r.Width || cfg.Height != r.Height {
		return nil, photoError("id_card.photo_dimensions", "the photo is %d×%d pixels; the standard is %d×%d", cfg.Width, cfg.Height, r.Width, r.Height)
	}
	if cfg.ColorModel != color.YCbCrModel {
		return nil, photoError("id_card.photo_colour", "the photo is %s; the standard is 24-bit colour (three 8-bit channels)", colourName(cfg.ColorModel))
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, photoError("id_card.photo_format", "the photo cannot be decoded: %v", err)
	}
	mean, spread := background(img)
	if int(mean) < r.MinBackground {
		return nil, photoError("id_card.photo_background_dark", "the photo's background has a mean luminance of %.0f; the standard needs a light background (at least %d)", mean, r.MinBackground)
	}
	if int(math.Ceil(spread)) > r.MaxBackgroundSpread {
		return nil, photoError("id_card.photo_background_uneven", "the photo's background varies by %.1f; the standard needs a plain background (at most %d)", spread, r.MaxBackgroundSpread)
	}
	sum := sha256.Sum256(b)
	return &Photo{SHA256: hex.EncodeToString(sum[:]), Bytes: len(b), Width: cfg.Width, Height: cfg.Height}, nil
}

func colourName(m color.Model) string {
	switch m {
	case color.GrayModel, color.Gray16Model:
		return "greyscale"
	case color.CMYKModel:
		return "CMYK (four channels)"
	}
	return "not 24-bit colour"
}

// background measures the photo's background: the band along the top and
// the strips beside the head down to its middle, where GA 461 photos show
// only the background. It returns the mean luminance and the largest
// standard deviation of the luminance and of each colour channel.
func background(img image.Image) (mean, spread float64) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	top, side, down := max(h*6/100, 1), max(w*8/100, 1), h*45/100
	var n float64
	var sum, sq [4]float64 // Y, R, G, B
	add := func(x, y int) {
		r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
		v := [4]float64{0, float64(r >> 8), float64(g >> 8), float64(bl >> 8)}
		v[0] = 0.299*v[1] + 0.587*v[2] + 0.114*v[3]
		for i := range v {
			sum[i] += v[i]
			sq[i] += v[i] * v[i]
		}
		n++
	}
	for y := 0; y < down; y += 2 {
		for x := 0; x < w; x += 2 {
			if y < top || x < side || x >= w-side {
				add(x, y)
			}
		}
	}
	mean = sum[0] / n
	for i := range sum {
		m := sum[i] / n
		spread = max(spread, math.Sqrt(max(sq[i]/n-m*m, 0)))
	}
	return mean, spread
}

// Fingerprint image bounds (500 ppi live scans of one finger).
const (
	minFingerImage = 160
	maxFingerImage = 1000
	minMinutiae    = 12
)

func fingerError(i int, reason, format string, args ...any) error {
	return domain.FieldErrorf(fmt.Sprintf("fingerprints[%d]", i), format, args...).WithReason(reason)
}

// CheckFingerprints checks the two fingers taken (1.1.8): two distinct
// positions 1–10; each either captured (a readable ISO/IEC 19794-2 template
// of that position with at least minMinutiae minutiae and at least
// minQuality, and an 8-bit grey PNG image of the template's size) or not
// available with a code of data/finger_codes.csv (and nothing captured).
// It returns what is kept and the decoded images by slot (nil when not
// captured). Reasons: id_card.fingerprint_count, _position, _duplicate,
// _code, _template, _quality, _image.
func CheckFingerprints(in []FingerprintCapture, minQuality int) ([]Fingerprint, [][]byte, error) {
	if len(in) != 2 {
		return nil, nil, domain.FieldErrorf("fingerprints", "give two fingers, captured or marked not available; %d given", len(in)).WithReason("id_card.fingerprint_count")
	}
	out := make([]Fingerprint, 2)
	images := make([][]byte, 2)
	for i, f := range in {
		if f.Position < 1 || f.Position > 10 {
			return nil, nil, fingerError(i, "id_card.fingerprint_position", "finger position %d is not one of 1 (right thumb) to 10 (left little finger)", f.Position)
		}
		if i == 1 && f.Position == in[0].Position {
			return nil, nil, fingerError(i, "id_card.fingerprint_duplicate", "both fingers are %s; take two different fingers", FingerName(f.Position))
		}
		if f.NotAvailable != "" {
			if !slices.ContainsFunc(loaded().fingerCodes, func(c Code) bool { return c.Code == f.NotAvailable }) {
				return nil, nil, fingerError(i, "id_card.fingerprint_code", "%q is not a finger-not-available code", f.NotAvailable)
			}
			if f.Template != "" || f.Image != "" {
				return nil, nil, fingerError(i, "id_card.fingerprint_code", "%s is marked not available but carries a capture", FingerName(f.Position))
			}
			out[i] = Fingerprint{Position: f.Position, NotAvailable: f.NotAvailable}
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(f.Template)
		if err != nil {
			return nil, nil, fingerError(i, "id_card.fingerprint_template", "the template of %s is not base64", FingerName(f.Position))
		}
		t, err := ParseTemplate(raw)
		if err != nil {
			return nil, nil, fingerError(i, "id_card.fingerprint_template", "the template of %s is not an ISO/IEC 19794-2 record: %v", FingerName(f.Position), err)
		}
		switch {
		case int(t.Position) != f.Position:
			return nil, nil, fingerError(i, "id_card.fingerprint_template", "the template is of finger position %d, not %d (%s)", t.Position, f.Position, FingerName(f.Position))
		case len(t.Minutiae) < minMinutiae:
			return nil, nil, fingerError(i, "id_card.fingerprint_quality", "the template of %s has %d minutiae; at least %d are needed: take it again", FingerName(f.Position), len(t.Minutiae), minMinutiae)
		case int(t.Quality) < minQuality:
			return nil, nil, fingerError(i, "id_card.fingerprint_quality", "the quality of %s is %d; at least %d is needed: take it again, or mark the finger not available", FingerName(f.Position), t.Quality, minQuality)
		}
		img, err := base64.StdEncoding.DecodeString(f.Image)
		if err != nil || len(img) == 0 {
			return nil, nil, fingerError(i, "id_card.fingerprint_image", "the image of %s is missing or not base64", FingerName(f.Position))
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(img))
		switch {
		case err != nil || format != "png":
			return nil, nil, fingerError(i, "id_card.fingerprint_image", "the image of %s is not a PNG file", FingerName(f.Position))
		case cfg.ColorModel != color.GrayModel:
			return nil, nil, fingerError(i, "id_card.fingerprint_image", "the image of %s is not 8-bit grey", FingerName(f.Position))
		case cfg.Width != int(t.Width) || cfg.Height != int(t.Height):
			return nil, nil, fingerError(i, "id_card.fingerprint_image", "the image of %s is %d×%d; its template is of a %d×%d image", FingerName(f.Position), cfg.Width, cfg.Height, t.Width, t.Height)
		case cfg.Width < minFingerImage || cfg.Height < minFingerImage || cfg.Width > maxFingerImage || cfg.Height > maxFingerImage:
			return nil, nil, fingerError(i, "id_card.fingerprint_image", "the image of %s is %d×%d; a finger image has %d to %d pixels a side", FingerName(f.Position), cfg.Width, cfg.Height, minFingerImage, maxFingerImage)
		}
		sum := sha256.Sum256(img)
		out[i] = Fingerprint{Position: f.Position, Quality: int(t.Quality), Minutiae: len(t.Minutiae), Template: base64.StdEncoding.EncodeToString(raw),
			ImageSHA256: hex.EncodeToString(sum[:])}
		images[i] = img
	}
	return out, images, nil
}

var (
	mobilePhone = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landline    = regexp.MustCompile(`^0(10|2[0-9]|[3-9][0-9]{2})-?[1-9][0-9]{6,7}(-[0-9]{1,6})?$`)
	postCode    = regexp.MustCompile(`^[0-9]{6}$`)
)

// validPhone checks a required phone number in field.
func validPhone(field, phone string) error {
	if mobilePhone.MatchString(phone) || landline.MatchString(phone) {
		return nil
	}
	if phone == "" {
		return domain.FieldErrorf(field, "give a phone number to reach the applicant when the card is ready").WithReason("id_card.phone_required")
	}
	return domain.FieldErrorf(field, "%q is not a Chinese phone number: a mobile number of 11 digits starting 13–19, or a landline with its area code (e.g. 0311-86681234)", phone).WithReason("id_card.phone")
}

func text(field, what string, v *string, required bool, maxLen int) error {
	*v = strings.TrimSpace(*v)
	switch {
	case *v == "" && required:
		return domain.FieldErrorf(field, "give the %s", what).WithReason("id_card." + field + "_required")
	case utf8.RuneCountInString(*v) > maxLen:
		return domain.FieldErrorf(field, "the %s has more than %d characters", what, maxLen).WithReason("id_card.too_long")
	}
	return nil
}

// normaliseContact checks the phone and pick-up data (1.1.8): by post
// needs the address, the recipient and a 6-digit post code.
func normaliseContact(phone, pickup, postAddress, postRecipient, code *string) error {
	*phone = strings.ReplaceAll(strings.TrimSpace(*phone), " ", "")
	if err := validPhone("phone", *phone); err != nil {
		return err
	}
	switch *pickup {
	case PickupInPerson:
		*postAddress, *postRecipient, *code = "", "", ""
		return nil
	case PickupByPost:
		if err := text("postAddress", "postal address", postAddress, true, 200); err != nil {
			return err
		}
		if err := text("postRecipient", "recipient", postRecipient, true, 40); err != nil {
			return err
		}
		*code = strings.TrimSpace(*code)
		if !postCode.MatchString(*code) {
			return domain.FieldErrorf("postCode", "%q is not a 6-digit post code", *code).WithReason("id_card.post_code")
		}
		return nil
	}
	return domain.FieldErrorf("pickup", "the pick-up method is IN_PERSON (at this office) or POST").WithReason("id_card.pickup")
}

// normalise checks the clerk's data (1.1.8) and normalises it.
func (a *Applicant) normalise(now time.Time) error {
	id, err := domain.ValidateIDNumber("idNumber", strings.ToUpper(strings.TrimSpace(a.IDNumber)), now)
	if err != nil {
		return err
	}
	a.IDNumber = id
	if !a.ApplicationKind.Valid() {
		return domain.FieldErrorf("applicationKind", "the application is FIRST, RENEWAL or REPLACEMENT").WithReason("id_card.application_kind")
	}
	if _, ok := reasonOf(a.ApplicationKind, a.Reason); !ok {
		return domain.FieldErrorf("reason", "%q is not a reason of a %s application", a.Reason, kindName(a.ApplicationKind)).WithReason("id_card.reason")
	}
	if err := text("reasonNote", "note on the reason", &a.ReasonNote, false, 200); err != nil {
		return err
	}
	return normaliseContact(&a.Phone, &a.Pickup, &a.PostAddress, &a.PostRecipient, &a.PostCode)
}

// checkHistory applies the rules of the person's ID card history (7.1.3)
// to an application of kind for reason on today: no card may be in
// production; a first application needs no card issued, a renewal or
// replacement a card issued; a renewal for expiry needs the card expired
// (EXPIRED) or expiring within the window (EXPIRING), never a long-term
// card. Reasons: id_card.history_in_production, id_card.first_already_issued,
// id_card.none_issued, id_card.not_expired, id_card.not_expiring.
func checkHistory(kind domain.IDCardApplicationKind, reason string, history []domain.IDCardRecord, today time.Time, window time.Duration) error {
	var current *domain.IDCardRecord
	for i := range history {
		r := &history[i]
		if r.Status == "IN_PRODUCTION" {
			return domain.FieldErrorf("idNumber", "a card of this person is already in production (applied on %s at office %s)", formatDay(r.AppliedOn), r.OfficeCode).WithReason("id_card.history_in_production")
		}
		if !r.IssuedOn.IsZero() && (current == nil || !r.IssuedOn.Before(current.IssuedOn)) {
			current = r
		}
	}
	switch {
	case kind == domain.IDCardFirst && current != nil:
		return domain.FieldErrorf("applicationKind", "a card was issued on %s; apply for a renewal or a replacement", formatDay(current.IssuedOn)).WithReason("id_card.first_already_issued")
	case kind != domain.IDCardFirst && current == nil:
		return domain.FieldErrorf("applicationKind", "no card was ever issued to this person; apply for a first card").WithReason("id_card.none_issued")
	case kind != domain.IDCardRenewal || (reason != "EXPIRED" && reason != "EXPIRING"):
		return nil
	case current.ValidUntil.IsZero():
		return domain.FieldErrorf("reason", "the card issued on %s is valid long-term: it is renewed only for a change of data", formatDay(current.IssuedOn)).WithReason("id_card.not_expired")
	}
	today, until := day(today), day(current.ValidUntil)
	if reason == "EXPIRED" && today.Before(until) {
		return domain.FieldErrorf("reason", "the card is valid until %s: it has not expired", formatDay(until)).WithReason("id_card.not_expired")
	}
	if reason == "EXPIRING" && (!today.Before(until) || until.Sub(today) > window) {
		if !today.Before(until) {
			return domain.FieldErrorf("reason", "the card expired on %s: renew it for expiry (EXPIRED)", formatDay(until)).WithReason("id_card.not_expiring")
		}
		return domain.FieldErrorf("reason", "the card is valid until %s: it may be renewed from %d days before", formatDay(until), int(window.Hours()/24)).WithReason("id_card.not_expiring")
	}
	return nil
}

// historyReasons are the reasons checkHistory gives.
var historyReasons = []string{"id_card.history_in_production", "id_card.first_already_issued", "id_card.none_issued", "id_card.not_expired", "id_card.not_expiring"}

func isHistoryReason(r string) bool { return slices.Contains(historyReasons, r) }

// eligibility turns the Ministry's off-site eligibility (7.1.5) into a
// refusal with the Ministry's own reason key and message, or nil.
func eligibility(e domain.Eligibility) *domain.Error {
	if e.Eligible {
		return nil
	}
	reason := e.Reason
	if reason == "" {
		reason = "id_card.offsite.not_eligible"
	}
	msg := e.Message
	if msg == "" {
		msg = "the Ministry does not allow this person to apply off-site"
	}
	return &domain.Error{Code: domain.CodeConflict, Field: "idNumber", Reason: reason, Message: msg}
}

// crossProvince refuses an application whose hukou is in the acceptance
// office's own province: that is local business, not off-site handling.
func crossProvince(acceptance, registration string) error {
	if len(registration) < 2 || registration[:2] == acceptance[:2] {
		return domain.FieldErrorf("idNumber", "the hukou is in this province (office %s): this is not cross-province business", registration).WithReason("id_card.same_province")
	}
	return nil
}

// reasonRequired checks a rejection's reason.
func reasonRequired(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", domain.FieldErrorf("reason", "give the reason of the rejection").WithReason("id_card.reason_required")
	}
	if utf8.RuneCountInString(reason) > 500 {
		return "", domain.FieldErrorf("reason", "the reason has more than 500 characters").WithReason("id_card.too_long")
	}
	return reason, nil
}

// checkCollection checks the handover record (1.1.14): by post, the
// tracking number of the dispatch; at the counter, the collector's name and
// ID number, a handover photo, a proxy's relation, and the holder's live
// fingerprint when a finger was taken at intake (a proxy's is not matched).
// It returns the normalised input and whether a fingerprint is to be
// verified.
func checkCollection(in *CollectionInput, a Applicant, now time.Time) (bool, error) {
	if err := text("note", "note", &in.Note, false, 200); err != nil {
		return false, err
	}
	if a.Pickup == PickupByPost {
		if err := text("trackingNumber", "tracking number of the dispatch", &in.TrackingNumber, true, 40); err != nil {
			return false, err
		}
		*in = CollectionInput{TrackingNumber: in.TrackingNumber, Note: in.Note, CollectorName: a.PostRecipient}
		return false, nil
	}
	in.TrackingNumber = ""
	if err := text("collectorName", "collector's name", &in.CollectorName, true, 40); err != nil {
		return false, err
	}
	id, err := domain.ValidateIDNumber("collectorIdNumber", strings.ToUpper(strings.TrimSpace(in.CollectorIDNumber)), now)
	if err != nil {
		return false, err
	}
	in.CollectorIDNumber = id
	if strings.TrimSpace(in.Photo) == "" {
		return false, domain.FieldErrorf("photo", "take a photo of the handover").WithReason("id_card.collection_photo_required")
	}
	if in.Proxy {
		if id == a.IDNumber {
			return false, domain.FieldErrorf("collectorIdNumber", "a proxy is someone else than the holder").WithReason("id_card.proxy_is_holder")
		}
		if err := text("proxyRelation", "proxy's relation to the holder", &in.ProxyRelation, true, 20); err != nil {
			return false, err
		}
		return false, nil
	}
	if id != a.IDNumber {
		return false, domain.FieldErrorf("collectorIdNumber", "the collector's ID number is not the holder's; record a proxy collection instead").WithReason("id_card.collector_not_holder")
	}
	in.ProxyRelation = ""
	if !slices.ContainsFunc(a.Fingerprints, func(f Fingerprint) bool { return f.Captured() }) {
		return false, nil
	}
	if !slices.ContainsFunc(a.Fingerprints, func(f Fingerprint) bool { return f.Captured() && f.Position == in.FingerprintPosition }) {
		return false, domain.FieldErrorf("fingerprint", "verify one of the fingers taken at intake on the device").WithReason("id_card.fingerprint_required")
	}
	if strings.TrimSpace(in.FingerprintTemplate) == "" {
		return false, domain.FieldErrorf("fingerprint", "capture the holder's %s on the device", FingerName(in.FingerprintPosition)).WithReason("id_card.fingerprint_required")
	}
	return true, nil
}

// storedTemplate returns the template taken at intake at position.
func storedTemplate(a Applicant, position int) ([]byte, error) {
	for _, f := range a.Fingerprints {
		if f.Captured() && f.Position == position {
			return base64.StdEncoding.DecodeString(f.Template)
		}
	}
	return nil, domain.FieldErrorf("fingerprint", "no finger was taken at position %d", position).WithReason("id_card.fingerprint_required")
}

// packageID is the ID of the n-th package of a case (1, 2, …).
func packageID(collabNo string, n int) string {
	return fmt.Sprintf("%s-%s%02d", collabNo, packagePrefix, n)
}

// licenceID is the e-ID licence ID of a case.
func licenceID(collabNo string) string { return licencePrefix + strings.TrimPrefix(collabNo, "XT") }

// Manifest returns the manifest of p's parts (card data, photo, each
// finger's template and image, each archive) with their SHA-256 checksums,
// and the digest over the manifest. The production centre recomputes it.
func Manifest(p *Package) ([]ManifestEntry, string) {
	var out []ManifestEntry
	add := func(part string, b []byte) {
		sum := sha256.Sum256(b)
		out = append(out, ManifestEntry{Part: part, SHA256: hex.EncodeToString(sum[:]), Size: len(b)})
	}
	add("card", p.Card.canonical())
	add("photo", p.Photo)
	for i, f := range p.Fingerprints {
		if f.NotAvailable != "" {
			add(fmt.Sprintf("finger%d.na", i+1), []byte(fmt.Sprintf("%d:%s", f.Position, f.NotAvailable)))
			continue
		}
		add(fmt.Sprintf("finger%d.template", i+1), f.Template)
		add(fmt.Sprintf("finger%d.image", i+1), f.Image)
	}
	for i, a := range p.Archives {
		add(fmt.Sprintf("archive%d.%s", i+1, a.MaterialCode), a.Content)
	}
	h := sha256.New()
	for _, e := range out {
		fmt.Fprintf(h, "%s %s %d\n", e.Part, e.SHA256, e.Size)
	}
	return out, hex.EncodeToString(h.Sum(nil))
}

// canonical is the card data as its checksum covers it: the fields in
// order, one per line.
func (c CardData) canonical() []byte {
	return []byte(strings.Join([]string{c.IDNumber, c.Name, c.Sex, c.Ethnicity, c.BirthDate, c.Address, c.Authority, c.ValidFrom, c.ValidUntil}, "\n"))
}
