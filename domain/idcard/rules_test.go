package idcard_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/idcard"
	"hukou/domain/idcard/idcardtest"
)

// requireRule checks that err is nil when reason is "", else a
// *domain.Error with that reason, code and field.
func requireRule(t *testing.T, err error, code domain.Code, field, reason string) {
	t.Helper()
	if reason == "" {
		require.NoError(t, err)
		return
	}
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Equal(t, reason, de.Reason, "%v", err)
	require.Equal(t, code, de.Code, "%v", err)
	require.Equal(t, field, de.Field, "%v", err)
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

const (
	wife = "130602198706200268"
	son  = "130602201509010355"
)

func TestTables_Load(t *testing.T) {
	t.Parallel()
	require.Len(t, idcard.Reasons(), 6)
	require.Len(t, idcard.FingerCodes(), 3)
	require.Equal(t, "右手食指", idcard.FingerName(2))
	require.Equal(t, "左手小指", idcard.FingerName(10))
	fingers := []byte("position,name\n1,x\n")
	codes := []byte("code,name\nMISSING,缺指\n")
	_, err := idcard.LoadTables([]byte("kind,code,name\nLOST,X,x\n"), codes, fingers)
	require.Error(t, err, "an unknown kind")
	_, err = idcard.LoadTables([]byte("code,name\n"), codes, fingers)
	require.Error(t, err, "a wrong header")
	_, err = idcard.LoadTables([]byte("kind,code,name\nFIRST,A,a\n"), codes, []byte("position,name\n11,x\n"))
	require.Error(t, err, "a finger position outside 1–10")
}

// TestAgeOn_Boundaries: a birthday is reached on its anniversary; a
// 29 February birthday falls on 28 February in common years.
func TestAgeOn_Boundaries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		birth, on string
		age       int
	}{
		{"2010-06-20", "2026-06-19", 15}, {"2010-06-20", "2026-06-20", 16},
		{"2000-06-20", "2026-06-19", 25}, {"2000-06-20", "2026-06-20", 26},
		{"1980-06-20", "2026-06-19", 45}, {"1980-06-20", "2026-06-20", 46},
		{"2008-02-29", "2024-02-28", 15}, {"2008-02-29", "2024-02-29", 16}, // leap year: the day itself
		{"2008-02-29", "2025-02-27", 16}, {"2008-02-29", "2025-02-28", 17}, // common year: 28 February
		{"2008-02-29", "2025-03-01", 17},
		{"2010-03-01", "2026-02-28", 15}, {"2010-03-01", "2026-03-01", 16},
		{"2010-12-31", "2026-12-30", 15}, {"2010-12-31", "2026-12-31", 16},
		{"2026-12-01", "2026-12-01", 0},
	} {
		require.Equal(t, tc.age, idcard.AgeOn(date(tc.birth), date(tc.on)), "%s on %s", tc.birth, tc.on)
	}
	// A time late in the day in China is that day, whatever UTC says.
	late := time.Date(2026, 6, 19, 17, 0, 0, 0, time.UTC) // 2026-06-20 01:00 in China
	require.Equal(t, 16, idcard.AgeOn(date("2010-06-20"), late))
}

// TestComputeIssue_ValidityAtEveryBoundary is the Resident Identity Card
// Law's rule (art. 5) at the day before and the day of the 16th, 26th and
// 46th birthdays, with leap-day births and issues: under 16, 5 years;
// 16–25, 10; 26–45, 20; 46 and over, long-term; from the issue date to its
// anniversary.
func TestComputeIssue_ValidityAtEveryBoundary(t *testing.T) {
	t.Parallel()
	const authority = "石家庄市公安局长安分局"
	for name, tc := range map[string]struct {
		birth, applied, issued string
		age, years             int
		until                  string
	}{
		"DayBefore16":       {"2010-06-20", "2026-06-19", "2026-06-25", 15, 5, "2031-06-25"},
		"On16":              {"2010-06-20", "2026-06-20", "2026-06-25", 16, 10, "2036-06-25"},
		"DayBefore26":       {"2000-06-20", "2026-06-19", "2026-06-25", 25, 10, "2036-06-25"},
		"On26":              {"2000-06-20", "2026-06-20", "2026-06-25", 26, 20, "2046-06-25"},
		"DayBefore46":       {"1980-06-20", "2026-06-19", "2026-06-25", 45, 20, "2046-06-25"},
		"On46":              {"1980-06-20", "2026-06-20", "2026-06-25", 46, 0, ""},
		"Newborn":           {"2026-11-30", "2026-12-01", "2026-12-01", 0, 5, "2031-12-01"},
		"Old":               {"1930-01-01", "2026-12-01", "2026-12-01", 96, 0, ""},
		"Leap16DayBefore":   {"2008-02-29", "2024-02-28", "2024-03-04", 15, 5, "2029-03-04"},
		"Leap16OnLeapDay":   {"2008-02-29", "2024-02-29", "2024-03-04", 16, 10, "2034-03-04"},
		"Leap26CommonFeb27": {"1999-02-28", "2025-02-27", "2025-03-03", 25, 10, "2035-03-03"},
		"Leap26CommonYear":  {"2000-02-29", "2026-02-28", "2026-03-02", 26, 20, "2046-03-02"},
		"Leap26DayBefore":   {"2000-02-29", "2026-02-27", "2026-03-02", 25, 10, "2036-03-02"},
		"Leap46CommonYear":  {"1980-02-29", "2026-02-28", "2026-03-02", 46, 0, ""},
		"Leap46DayBefore":   {"1980-02-29", "2026-02-27", "2026-03-02", 45, 20, "2046-03-02"},
		// A card issued on 29 February ends on 28 February of a common year.
		"IssuedOnLeapDay5":  {"2015-09-01", "2024-02-20", "2024-02-29", 8, 5, "2029-02-28"},
		"IssuedOnLeapDay20": {"1990-01-01", "2024-02-20", "2024-02-29", 34, 20, "2044-02-29"},
	} {
		t.Run(name, func(t *testing.T) {
			is, err := idcard.ComputeIssue(date(tc.birth), tc.applied, date(tc.issued), authority, "130102000000")
			require.NoError(t, err)
			require.Equal(t, tc.age, is.AgeOnApplication)
			require.Equal(t, tc.years, is.Years)
			require.Equal(t, tc.years == 0, is.LongTerm)
			require.Equal(t, tc.issued, is.ValidFrom)
			require.Equal(t, tc.issued, is.IssuedOn)
			require.Equal(t, tc.until, is.ValidUntil)
			require.Equal(t, authority, is.Authority)
			require.NoError(t, idcard.CheckIssue(is, date(tc.birth), tc.applied), "the acceptance office accepts the rule's issue")
		})
	}
	_, err := idcard.ComputeIssue(date("2010-06-20"), "2009-01-01", date("2026-06-25"), authority, "")
	requireRule(t, err, domain.CodeInvalid, "applicationDate", "id_card.application_date")
	_, err = idcard.ComputeIssue(date("2010-06-20"), "20260620", date("2026-06-25"), authority, "")
	requireRule(t, err, domain.CodeInvalid, "applicationDate", "id_card.application_date")
	for _, tc := range []struct{ from, until string }{{"2024-02-29", "2025-02-28"}, {"2023-02-28", "2024-02-28"}, {"2026-12-31", "2027-12-31"}} {
		require.Equal(t, tc.until, idcard.Anniversary(date(tc.from), 1).Format(time.DateOnly))
	}
	require.Equal(t, []int{5, 5, 10, 10, 20, 20, 0, 0}, []int{idcard.ValidityYears(0), idcard.ValidityYears(15), idcard.ValidityYears(16), idcard.ValidityYears(25),
		idcard.ValidityYears(26), idcard.ValidityYears(45), idcard.ValidityYears(46), idcard.ValidityYears(100)})
}

// TestCheckIssue_RefusesATamperedIssue: the acceptance office recomputes
// what R signed and refuses an issue that breaks the rule.
func TestCheckIssue_RefusesATamperedIssue(t *testing.T) {
	t.Parallel()
	good, err := idcard.ComputeIssue(date("1987-06-20"), "2026-12-01", date("2026-12-02"), "石家庄市公安局长安分局", "130102000000")
	require.NoError(t, err)
	for name, edit := range map[string]func(*idcard.Issue){
		"LongerValidity": func(is *idcard.Issue) { is.ValidUntil, is.Years = "2056-12-02", 30 },
		"LongTerm":       func(is *idcard.Issue) { is.ValidUntil, is.Years, is.LongTerm = "", 0, true },
		"OtherDates":     func(is *idcard.Issue) { is.IssuedOn = "2026-12-01" },
		"NoAuthority":    func(is *idcard.Issue) { is.Authority = " " },
		"WrongAge":       func(is *idcard.Issue) { is.AgeOnApplication = 12 },
	} {
		t.Run(name, func(t *testing.T) {
			is := *good
			edit(&is)
			requireRule(t, idcard.CheckIssue(&is, date("1987-06-20"), "2026-12-01"), domain.CodeInvalid, "body", "id_card.issue_invalid")
		})
	}
	requireRule(t, idcard.CheckIssue(nil, date("1987-06-20"), "2026-12-01"), domain.CodeInvalid, "body", "id_card.issue_invalid")
}

// TestCheckPhoto_GA461: every rule of the photo standard, each refused
// with its exact reason.
func TestCheckPhoto_GA461(t *testing.T) {
	t.Parallel()
	rules := idcard.DefaultPhotoRules
	good := idcardtest.Photo(idcardtest.GoodPhoto())
	spec := func(edit func(*idcardtest.PhotoSpec)) []byte {
		s := idcardtest.GoodPhoto()
		edit(&s)
		return idcardtest.Photo(s)
	}
	var pngPhoto bytes.Buffer
	require.NoError(t, png.Encode(&pngPhoto, image.NewRGBA(image.Rect(0, 0, 358, 441))))
	padded := append(append([]byte{}, pngPhoto.Bytes()...), make([]byte, 12<<10)...)
	for name, tc := range map[string]struct {
		photo  []byte
		rules  func(*idcard.PhotoRules)
		reason string
	}{
		"OK":              {good, nil, ""},
		"LightBlueOK":     {spec(func(s *idcardtest.PhotoSpec) { s.Background = color.RGBA{205, 225, 245, 255} }), nil, ""},
		"TooSmall":        {good, func(r *idcard.PhotoRules) { r.MinBytes = len(good) + 1 }, "id_card.photo_too_small"},
		"TooLarge":        {good, func(r *idcard.PhotoRules) { r.MaxBytes = len(good) - 1 }, "id_card.photo_too_large"},
		"AtTheBounds":     {good, func(r *idcard.PhotoRules) { r.MinBytes, r.MaxBytes = len(good), len(good) }, ""},
		"NotJPEG":         {padded, nil, "id_card.photo_format"},
		"TruncatedJPEG":   {append(good[:len(good)/2:len(good)/2], make([]byte, 0)...), func(r *idcard.PhotoRules) { r.MinBytes = 0 }, "id_card.photo_format"},
		"TooWide":         {spec(func(s *idcardtest.PhotoSpec) { s.Width = 359 }), nil, "id_card.photo_dimensions"},
		"TooShort":        {spec(func(s *idcardtest.PhotoSpec) { s.Height = 440 }), nil, "id_card.photo_dimensions"},
		"Swapped":         {spec(func(s *idcardtest.PhotoSpec) { s.Width, s.Height = 441, 358 }), nil, "id_card.photo_dimensions"},
		"Greyscale":       {spec(func(s *idcardtest.PhotoSpec) { s.Grey = true }), func(r *idcard.PhotoRules) { r.MinBytes = 0 }, "id_card.photo_colour"},
		"DarkBackground":  {spec(func(s *idcardtest.PhotoSpec) { s.Background = color.RGBA{90, 90, 110, 255} }), nil, "id_card.photo_background_dark"},
		"RedBackground":   {spec(func(s *idcardtest.PhotoSpec) { s.Background = color.RGBA{200, 20, 30, 255} }), nil, "id_card.photo_background_dark"},
		"StripedBackdrop": {spec(func(s *idcardtest.PhotoSpec) { s.Stripes = true; s.Background = color.RGBA{255, 255, 255, 255} }), func(r *idcard.PhotoRules) { r.MinBackground = 0 }, "id_card.photo_background_uneven"},
	} {
		t.Run(name, func(t *testing.T) {
			r := rules
			if tc.rules != nil {
				tc.rules(&r)
			}
			p, err := idcard.CheckPhoto(r, tc.photo)
			requireRule(t, err, domain.CodeInvalid, "photo", tc.reason)
			if tc.reason == "" {
				require.Equal(t, 358, p.Width)
				require.Equal(t, 441, p.Height)
				require.Equal(t, len(tc.photo), p.Bytes)
				require.Len(t, p.SHA256, 64)
			}
		})
	}
	// The reason names what was measured.
	_, err := idcard.CheckPhoto(rules, spec(func(s *idcardtest.PhotoSpec) { s.Width = 400 }))
	require.ErrorContains(t, err, "400×441")
	require.ErrorContains(t, err, "358×441")
}

// TestCheckFingerprints: two fingers, each captured (an ISO/IEC 19794-2
// template of its position with enough minutiae and quality, a grey PNG of
// its size) or marked not available with a code.
func TestCheckFingerprints(t *testing.T) {
	t.Parallel()
	good := idcardtest.TwoFingers(1)
	b64 := base64.StdEncoding.EncodeToString
	rgbPNG := func() string {
		var buf bytes.Buffer
		require.NoError(t, png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 256, 360))))
		return b64(buf.Bytes())
	}
	greyPNG := func(w, h int) string { return b64(idcardtest.FingerImage(w, h)) }
	for name, tc := range map[string]struct {
		edit          func([]idcard.FingerprintCapture) []idcard.FingerprintCapture
		field, reason string
	}{
		"OK": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture { return f }, "", ""},
		"OneMissing": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[1] = idcard.FingerprintCapture{Position: 7, NotAvailable: "MISSING"}
			return f
		}, "", ""},
		"BothInjured": {func([]idcard.FingerprintCapture) []idcard.FingerprintCapture {
			return []idcard.FingerprintCapture{{Position: 2, NotAvailable: "INJURED"}, {Position: 7, NotAvailable: "UNCLEAR"}}
		}, "", ""},
		"Substitute": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[0] = idcardtest.Finger(3, 70, 25, 9)
			return f
		}, "", ""},
		"OneFinger":   {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture { return f[:1] }, "fingerprints", "id_card.fingerprint_count"},
		"ThreeFinger": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture { return append(f, f[0]) }, "fingerprints", "id_card.fingerprint_count"},
		"Position0": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[0].Position = 0
			return f
		}, "fingerprints[0]", "id_card.fingerprint_position"},
		"Position11": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[1] = idcard.FingerprintCapture{Position: 11, NotAvailable: "MISSING"}
			return f
		}, "fingerprints[1]", "id_card.fingerprint_position"},
		"SameFinger": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[1] = idcardtest.Finger(2, 80, 30, 5)
			return f
		}, "fingerprints[1]", "id_card.fingerprint_duplicate"},
		"UnknownCode": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[1] = idcard.FingerprintCapture{Position: 7, NotAvailable: "LAZY"}
			return f
		}, "fingerprints[1]", "id_card.fingerprint_code"},
		"CodeWithCapture": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[1].NotAvailable = "MISSING"
			return f
		}, "fingerprints[1]", "id_card.fingerprint_code"},
		"TemplateNotBase64": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[0].Template = "%%%"
			return f
		}, "fingerprints[0]", "id_card.fingerprint_template"},
		"TemplateNotISO": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[0].Template = b64([]byte("ANSI-378 record, not ISO"))
			return f
		}, "fingerprints[0]", "id_card.fingerprint_template"},
		"TemplateOfOtherFinger": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[0].Position = 3
			return f
		}, "fingerprints[0]", "id_card.fingerprint_template"},
		"FewMinutiae": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[0] = idcardtest.Finger(2, 80, 11, 1)
			return f
		}, "fingerprints[0]", "id_card.fingerprint_quality"},
		"LowQuality": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[1] = idcardtest.Finger(7, 59, 30, 1)
			return f
		}, "fingerprints[1]", "id_card.fingerprint_quality"},
		"NoImage": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[0].Image = ""
			return f
		}, "fingerprints[0]", "id_card.fingerprint_image"},
		"ImageJPEG": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[0].Image = idcardtest.GoodPhotoBase64()
			return f
		}, "fingerprints[0]", "id_card.fingerprint_image"},
		"ImageColour": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[0].Image = rgbPNG()
			return f
		}, "fingerprints[0]", "id_card.fingerprint_image"},
		"ImageOtherSize": {func(f []idcard.FingerprintCapture) []idcard.FingerprintCapture {
			f[0].Image = greyPNG(300, 400)
			return f
		}, "fingerprints[0]", "id_card.fingerprint_image"},
	} {
		t.Run(name, func(t *testing.T) {
			in := append([]idcard.FingerprintCapture(nil), good...)
			out, images, err := idcard.CheckFingerprints(tc.edit(in), 60)
			requireRule(t, err, domain.CodeInvalid, tc.field, tc.reason)
			if tc.reason == "" {
				require.Len(t, out, 2)
				for i, f := range out {
					require.Equal(t, f.Captured(), images[i] != nil)
					if f.Captured() {
						require.GreaterOrEqual(t, f.Quality, 60)
						require.Len(t, f.ImageSHA256, 64)
					} else {
						require.Empty(t, f.Template)
					}
				}
			}
		})
	}
}

// TestTemplate_RoundTripAndDamage: the ISO/IEC 19794-2:2005 codec reads
// what it writes and names what is wrong with a damaged record.
func TestTemplate_RoundTripAndDamage(t *testing.T) {
	t.Parallel()
	tpl := &idcard.Template{Width: 256, Height: 360, ResX: 197, ResY: 197, Position: 7, View: 0, Impression: 0, Quality: 77,
		Minutiae: []idcard.Minutia{{Type: 1, X: 10, Y: 20, Angle: 200, Quality: 90}, {Type: 2, X: 255, Y: 359, Angle: 0, Quality: 40}}}
	raw := tpl.Encode()
	require.Len(t, raw, 24+4+2*6+2)
	require.Equal(t, "FMR\x00 20\x00", string(raw[:8]))
	back, err := idcard.ParseTemplate(raw)
	require.NoError(t, err)
	require.Equal(t, tpl, back)
	damage := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), raw...)) }
	for name, b := range map[string][]byte{
		"Short":      raw[:10],
		"Magic":      damage(func(b []byte) []byte { b[0] = 'A'; return b }),
		"Version":    damage(func(b []byte) []byte { b[5] = '1'; return b }),
		"Length":     damage(func(b []byte) []byte { b[11]++; return b }),
		"NoSize":     damage(func(b []byte) []byte { b[14], b[15] = 0, 0; return b }),
		"TwoViews":   damage(func(b []byte) []byte { b[22] = 2; return b }),
		"Position":   damage(func(b []byte) []byte { b[24] = 11; return b }),
		"Quality":    damage(func(b []byte) []byte { b[26] = 101; return b }),
		"Cut":        damage(func(b []byte) []byte { b[27] = 9; return b }),
		"Outside":    damage(func(b []byte) []byte { b[28], b[29] = 0x01, 0xff; return b }),
		"BadType":    damage(func(b []byte) []byte { b[28] |= 0xc0; return b }),
		"Extended":   damage(func(b []byte) []byte { b[len(b)-1] = 5; return b }),
		"TrailBytes": damage(func(b []byte) []byte { b = append(b, 0); b[11]++; return b }),
	} {
		_, err := idcard.ParseTemplate(b)
		require.Error(t, err, name)
	}
}

// TestCheckHistory: the rules of the person's ID card history (7.1.3).
func TestCheckHistory(t *testing.T) {
	t.Parallel()
	today := date("2026-12-01")
	issued := func(on, until string) domain.IDCardRecord {
		r := domain.IDCardRecord{Kind: domain.IDCardFirst, IssuedOn: date(on), ValidFrom: date(on), Status: "ISSUED"}
		if until != "" {
			r.ValidUntil = date(until)
		}
		return r
	}
	valid := []domain.IDCardRecord{issued("2003-06-20", "2013-06-20"), issued("2013-06-20", "2033-06-20")}
	expired := []domain.IDCardRecord{issued("2006-11-01", "2026-11-01")}
	expiring := []domain.IDCardRecord{issued("2007-02-01", "2027-02-01")}
	longTerm := []domain.IDCardRecord{issued("2000-01-01", "")}
	inProduction := []domain.IDCardRecord{valid[0], {Kind: domain.IDCardReplacement, AppliedOn: date("2026-11-20"), Status: "IN_PRODUCTION"}}
	for name, tc := range map[string]struct {
		kind          domain.IDCardApplicationKind
		reason        string
		history       []domain.IDCardRecord
		field, refuse string
	}{
		"FirstOK":              {domain.IDCardFirst, "FIRST_APPLICATION", nil, "", ""},
		"FirstAlreadyIssued":   {domain.IDCardFirst, "FIRST_APPLICATION", valid, "applicationKind", "id_card.first_already_issued"},
		"RenewalNoneIssued":    {domain.IDCardRenewal, "DATA_CHANGED", nil, "applicationKind", "id_card.none_issued"},
		"ReplacementNone":      {domain.IDCardReplacement, "LOST", nil, "applicationKind", "id_card.none_issued"},
		"InProduction":         {domain.IDCardReplacement, "LOST", inProduction, "idNumber", "id_card.history_in_production"},
		"DataChangedOK":        {domain.IDCardRenewal, "DATA_CHANGED", valid, "", ""},
		"ExpiredOK":            {domain.IDCardRenewal, "EXPIRED", expired, "", ""},
		"ExpiredButValid":      {domain.IDCardRenewal, "EXPIRED", valid, "reason", "id_card.not_expired"},
		"ExpiredLongTerm":      {domain.IDCardRenewal, "EXPIRED", longTerm, "reason", "id_card.not_expired"},
		"ExpiringOK":           {domain.IDCardRenewal, "EXPIRING", expiring, "", ""},
		"ExpiringTooEarly":     {domain.IDCardRenewal, "EXPIRING", valid, "reason", "id_card.not_expiring"},
		"ExpiringAlreadyGone":  {domain.IDCardRenewal, "EXPIRING", expired, "reason", "id_card.not_expiring"},
		"ExpiredOnTheDay":      {domain.IDCardRenewal, "EXPIRED", []domain.IDCardRecord{issued("2006-12-01", "2026-12-01")}, "", ""},
		"ExpiringDayBefore":    {domain.IDCardRenewal, "EXPIRING", []domain.IDCardRecord{issued("2006-12-02", "2026-12-02")}, "", ""},
		"ExpiringWindowEdge":   {domain.IDCardRenewal, "EXPIRING", []domain.IDCardRecord{issued("2007-03-01", "2027-03-01")}, "", ""},
		"ExpiringWindowBeyond": {domain.IDCardRenewal, "EXPIRING", []domain.IDCardRecord{issued("2007-03-02", "2027-03-02")}, "reason", "id_card.not_expiring"},
		"LostLongTermOK":       {domain.IDCardReplacement, "LOST", longTerm, "", ""},
		"DamagedOK":            {domain.IDCardReplacement, "DAMAGED", expired, "", ""},
	} {
		t.Run(name, func(t *testing.T) {
			code := domain.CodeInvalid
			requireRule(t, idcard.CheckHistory(tc.kind, tc.reason, tc.history, today, idcard.ExpiringWindow), code, tc.field, tc.refuse)
		})
	}
}

func TestEligibility_TheMinistrysReason(t *testing.T) {
	t.Parallel()
	require.Nil(t, idcard.EligibilityError(domain.Eligibility{Eligible: true}))
	e := idcard.EligibilityError(domain.Eligibility{Reason: "id_card.offsite.case_in_progress", Message: "in progress elsewhere"})
	requireRule(t, e, domain.CodeConflict, "idNumber", "id_card.offsite.case_in_progress")
	require.Equal(t, "in progress elsewhere", e.Message)
	requireRule(t, idcard.EligibilityError(domain.Eligibility{}), domain.CodeConflict, "idNumber", "id_card.offsite.not_eligible")
	requireRule(t, idcard.CrossProvince("211103000100", "211102000100"), domain.CodeInvalid, "idNumber", "id_card.same_province")
	require.NoError(t, idcard.CrossProvince("211103000100", "130102000100"))
}

func TestApplicant_Normalise(t *testing.T) {
	t.Parallel()
	now := date("2026-12-01")
	base := func() idcard.Applicant {
		return idcard.Applicant{IDNumber: " " + wife + " ", ApplicationKind: domain.IDCardRenewal, Reason: "DATA_CHANGED", Phone: "139 1234 5678", Pickup: idcard.PickupInPerson}
	}
	for name, tc := range map[string]struct {
		edit          func(*idcard.Applicant)
		field, reason string
	}{
		"OK":         {func(*idcard.Applicant) {}, "", ""},
		"OKLandline": {func(a *idcard.Applicant) { a.Phone = "0311-86681234" }, "", ""},
		"OKByPost": {func(a *idcard.Applicant) {
			a.Pickup, a.PostAddress, a.PostRecipient, a.PostCode = idcard.PickupByPost, "盘锦市兴隆台区振兴街道1号", "李秀英", "124010"
		}, "", ""},
		"OKFirst": {func(a *idcard.Applicant) {
			a.IDNumber, a.ApplicationKind, a.Reason = son, domain.IDCardFirst, "FIRST_APPLICATION"
		}, "", ""},
		"BadIDNumber":   {func(a *idcard.Applicant) { a.IDNumber = "130602198706200269" }, "idNumber", "id_number.check_digit"},
		"Kind":          {func(a *idcard.Applicant) { a.ApplicationKind = "LOST" }, "applicationKind", "id_card.application_kind"},
		"ReasonOfOther": {func(a *idcard.Applicant) { a.Reason = "LOST" }, "reason", "id_card.reason"},
		"NoPhone":       {func(a *idcard.Applicant) { a.Phone = "" }, "phone", "id_card.phone_required"},
		"BadPhone":      {func(a *idcard.Applicant) { a.Phone = "12345" }, "phone", "id_card.phone"},
		"Pickup":        {func(a *idcard.Applicant) { a.Pickup = "DRONE" }, "pickup", "id_card.pickup"},
		"PostNoAddress": {func(a *idcard.Applicant) {
			a.Pickup, a.PostRecipient, a.PostCode = idcard.PickupByPost, "李秀英", "124010"
		}, "postAddress", "id_card.postAddress_required"},
		"PostNoName": {func(a *idcard.Applicant) {
			a.Pickup, a.PostAddress, a.PostCode = idcard.PickupByPost, "某地", "124010"
		}, "postRecipient", "id_card.postRecipient_required"},
		"PostCode": {func(a *idcard.Applicant) {
			a.Pickup, a.PostAddress, a.PostRecipient, a.PostCode = idcard.PickupByPost, "某地", "李秀英", "1240"
		}, "postCode", "id_card.post_code"},
		"LongNote": {func(a *idcard.Applicant) { a.ReasonNote = string(make([]rune, 201)) }, "reasonNote", "id_card.too_long"},
	} {
		t.Run(name, func(t *testing.T) {
			a := base()
			tc.edit(&a)
			err := idcard.NormaliseApplicant(&a, now)
			requireRule(t, err, domain.CodeInvalid, tc.field, tc.reason)
			if tc.reason == "" {
				require.NotContains(t, a.IDNumber, " ")
				require.NotContains(t, a.Phone, " ")
				if a.Pickup == idcard.PickupInPerson {
					require.Empty(t, a.PostAddress)
				}
			}
		})
	}
}

func TestCheckCollection(t *testing.T) {
	t.Parallel()
	now := date("2026-12-20")
	fingers, _, err := idcard.CheckFingerprints(idcardtest.TwoFingers(1), 60)
	require.NoError(t, err)
	holder := idcard.Applicant{IDNumber: wife, Pickup: idcard.PickupInPerson, Fingerprints: fingers}
	live := idcardtest.Finger(2, 80, 30, 1).Template
	base := func() idcard.CollectionInput {
		return idcard.CollectionInput{CollectorName: "李秀英", CollectorIDNumber: wife, Photo: "/9j/", FingerprintPosition: 2, FingerprintTemplate: live}
	}
	for name, tc := range map[string]struct {
		applicant     func(*idcard.Applicant)
		edit          func(*idcard.CollectionInput)
		verify        bool
		field, reason string
	}{
		"HolderVerified": {nil, func(*idcard.CollectionInput) {}, true, "", ""},
		"Proxy": {nil, func(in *idcard.CollectionInput) {
			in.Proxy, in.CollectorName, in.CollectorIDNumber, in.ProxyRelation = true, "张子轩", son, "子"
		}, false, "", ""},
		"NoFingersAtIntake": {func(a *idcard.Applicant) {
			a.Fingerprints = []idcard.Fingerprint{{Position: 2, NotAvailable: "MISSING"}, {Position: 7, NotAvailable: "MISSING"}}
		}, func(in *idcard.CollectionInput) { in.FingerprintTemplate = "" }, false, "", ""},
		"ByPost": {func(a *idcard.Applicant) { a.Pickup, a.PostRecipient = idcard.PickupByPost, "李秀英" }, func(in *idcard.CollectionInput) {
			*in = idcard.CollectionInput{TrackingNumber: "EMS1234567890"}
		}, false, "", ""},
		"ByPostNoTracking":    {func(a *idcard.Applicant) { a.Pickup = idcard.PickupByPost }, func(*idcard.CollectionInput) {}, false, "trackingNumber", "id_card.trackingNumber_required"},
		"NoName":              {nil, func(in *idcard.CollectionInput) { in.CollectorName = " " }, false, "collectorName", "id_card.collectorName_required"},
		"BadID":               {nil, func(in *idcard.CollectionInput) { in.CollectorIDNumber = "1234" }, false, "collectorIdNumber", "id_number.length"},
		"NoPhoto":             {nil, func(in *idcard.CollectionInput) { in.Photo = "" }, false, "photo", "id_card.collection_photo_required"},
		"OtherPersonNotProxy": {nil, func(in *idcard.CollectionInput) { in.CollectorIDNumber = son }, false, "collectorIdNumber", "id_card.collector_not_holder"},
		"ProxyIsHolder":       {nil, func(in *idcard.CollectionInput) { in.Proxy, in.ProxyRelation = true, "本人" }, false, "collectorIdNumber", "id_card.proxy_is_holder"},
		"ProxyNoRelation": {nil, func(in *idcard.CollectionInput) {
			in.Proxy, in.CollectorIDNumber = true, son
		}, false, "proxyRelation", "id_card.proxyRelation_required"},
		"FingerNotTaken": {nil, func(in *idcard.CollectionInput) { in.FingerprintPosition = 3 }, false, "fingerprint", "id_card.fingerprint_required"},
		"NoLiveFinger":   {nil, func(in *idcard.CollectionInput) { in.FingerprintTemplate = "" }, false, "fingerprint", "id_card.fingerprint_required"},
	} {
		t.Run(name, func(t *testing.T) {
			a := holder
			if tc.applicant != nil {
				tc.applicant(&a)
			}
			in := base()
			tc.edit(&in)
			verify, err := idcard.CheckCollection(&in, a, now)
			requireRule(t, err, domain.CodeInvalid, tc.field, tc.reason)
			require.Equal(t, tc.verify, verify)
		})
	}
}

// TestManifest: every part of a package has its checksum, and the digest
// changes with any part.
func TestManifest(t *testing.T) {
	t.Parallel()
	p := &idcard.Package{Card: idcard.CardData{IDNumber: wife, Name: "李秀英"}, Photo: []byte("photo"),
		Fingerprints: []idcard.PackageFinger{{Position: 2, Template: []byte("t"), Image: []byte("i")}, {Position: 7, NotAvailable: "MISSING"}},
		Archives:     []domain.FileContent{{MaterialCode: "PHOTO_RECEIPT", Content: []byte("a")}}}
	m, digest := idcard.Manifest(p)
	var parts []string
	for _, e := range m {
		parts = append(parts, e.Part)
		require.Len(t, e.SHA256, 64)
	}
	require.Equal(t, []string{"card", "photo", "finger1.template", "finger1.image", "finger2.na", "archive1.PHOTO_RECEIPT"}, parts)
	p.Card.Name = "李秀"
	_, other := idcard.Manifest(p)
	require.NotEqual(t, digest, other)
}
