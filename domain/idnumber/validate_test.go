package idnumber

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// independentCheck computes the GB 11643 check character without using
// CheckDigit: weight of position i (0-based) is 2^(17-i) mod 11, and the
// check value is (12 - sum mod 11) mod 11, 10 written as X.
func independentCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		w := 1
		for k := 0; k < 17-i; k++ {
			w = w * 2 % 11
		}
		sum += int(first17[i]-'0') * w
	}
	v := (12 - sum%11) % 11
	if v == 10 {
		return 'X'
	}
	return byte('0' + v)
}

func withCheck(first17 string) string { return first17 + string(independentCheck(first17)) }

// wrongCheck returns first17 with a check character that is not the right one.
func wrongCheck(first17 string) string {
	c := independentCheck(first17)
	if c == '0' {
		return first17 + "1"
	}
	return first17 + "0"
}

var now = time.Date(2024, 5, 1, 23, 30, 0, 0, time.FixedZone("CST", 8*3600))

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestIndependentCheck_StandardExample(t *testing.T) {
	t.Parallel()

	// The worked example printed in GB 11643-1999.
	require.Equal(t, byte('X'), independentCheck("11010519491231002"))
	require.Equal(t, byte('X'), CheckDigit("11010519491231002"))
}

func TestValidate_OK(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		input string
		want  ID
	}{
		{"StandardExample", "11010519491231002X",
			ID{Number: "11010519491231002X", Division: "110105", Birth: date(1949, 12, 31), Seq: 2}},
		{"LowerCaseX", "11010519491231002x",
			ID{Number: "11010519491231002X", Division: "110105", Birth: date(1949, 12, 31), Seq: 2}},
		{"PanjinDawaDistrict", withCheck("21110419900307001"),
			ID{Number: withCheck("21110419900307001"), Division: "211104", Birth: date(1990, 3, 7), Seq: 1, Male: true}},
		{"HistoricalDawaCounty", withCheck("21112119850101002"),
			ID{Number: withCheck("21112119850101002"), Division: "211121", Birth: date(1985, 1, 1), Seq: 2}},
		{"Shijiazhuang", withCheck("13010220000229999"),
			ID{Number: withCheck("13010220000229999"), Division: "130102", Birth: date(2000, 2, 29), Seq: 999, Male: true}},
		{"FormerPrefectureMeishanCounty", withCheck("51382119780615000"),
			ID{Number: withCheck("51382119780615000"), Division: "513821", Birth: date(1978, 6, 15)}},
		{"BornToday", withCheck("44010620240501123"),
			ID{Number: withCheck("44010620240501123"), Division: "440106", Birth: date(2024, 5, 1), Seq: 123, Male: true}},
		{"Year1900", withCheck("51010419000101010"),
			ID{Number: withCheck("51010419000101010"), Division: "510104", Birth: date(1900, 1, 1), Seq: 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Validate(tt.input, now)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestValidate_Errors(t *testing.T) {
	t.Parallel()

	good := withCheck("21110419900307001")
	tests := []struct {
		name    string
		input   string
		reason  string
		message string
	}{
		{"Empty", "", ReasonLength, "must be 18 characters, got 0"},
		{"TooShort", good[:17], ReasonLength, "must be 18 characters, got 17"},
		{"TooLong", good + "1", ReasonLength, "must be 18 characters, got 19"},
		{"Old15", "110105491231002", ReasonLength, "must be 18 characters, got 15 (an old 15-digit number must be upgraded to 18 digits first)"},
		{"Letter", "2111041990030A001X", ReasonCharacters, "character 14 is 'A'; characters 1-17 must be digits 0-9"},
		{"XNotLast", "21110419900307X011", ReasonCharacters, "character 15 is 'X'; characters 1-17 must be digits 0-9"},
		{"Space", "211104 19900307001", ReasonCharacters, "character 7 is a space; characters 1-17 must be digits 0-9"},
		{"BadLast", "21110419900307001Y", ReasonCharacters, "character 18 is 'Y'; the last character must be a digit or X"},
		{"FullWidth", "２１１１０４１９９００３０７００１１", ReasonCharacters, "character 1 is '２' (a full-width digit; type ASCII digits); characters 1-17 must be digits 0-9"},
		{"UnknownDivision", withCheck("99999919900307001"), ReasonDivision, "999999 (characters 1-6) is not a known GB/T 2260 administrative division code"},
		{"PrefixOnlyDivision", withCheck("21119919900307001"), ReasonDivision, "211199 (characters 1-6) is not a known GB/T 2260 administrative division code"},
		{"Feb30", withCheck("21110419990230001"), ReasonBirthDate, "birth date 19990230 (characters 7-14) is not a valid date in YYYYMMDD form"},
		{"Feb29NonLeap", withCheck("21110419000229001"), ReasonBirthDate, "birth date 19000229 (characters 7-14) is not a valid date in YYYYMMDD form"},
		{"Month13", withCheck("21110419901301001"), ReasonBirthDate, "birth date 19901301 (characters 7-14) is not a valid date in YYYYMMDD form"},
		{"Before1900", withCheck("21110418991231001"), ReasonBirthDate, "birth date 1899-12-31 (characters 7-14) is before 1900"},
		{"Tomorrow", withCheck("21110420240502001"), ReasonFutureBirthDate, "birth date 2024-05-02 (characters 7-14) is in the future"},
		{"FarFuture", withCheck("21110420991231001"), ReasonFutureBirthDate, "birth date 2099-12-31 (characters 7-14) is in the future"},
		{"CheckDigit", wrongCheck("21110419900307001"), ReasonCheckDigit, ""},
		{"CheckDigitXExpected", "110105194912310021", ReasonCheckDigit, "check digit is 1, expected X: one of the 18 characters was mistyped"},
		{"TransposedDigits", "11010519491213002X", ReasonCheckDigit, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Validate(tt.input, now)
			require.Error(t, err)
			var ie *Error
			require.True(t, errors.As(err, &ie), "%T", err)
			require.Equal(t, tt.reason, ie.Reason)
			if tt.message != "" {
				require.Equal(t, tt.message, ie.Message)
			}
			require.True(t, strings.HasPrefix(err.Error(), "invalid ID number: "))
		})
	}
}

func TestUpgrade15(t *testing.T) {
	t.Parallel()

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		tests := map[string]string{
			"110105491231002": "11010519491231002X",
			"211121850101002": withCheck("21112119850101002"),
			"130102991231001": withCheck("13010219991231001"),
		}
		for in, want := range tests {
			got, err := Upgrade15(in)
			require.NoError(t, err, in)
			require.Equal(t, want, got)
			_, err = Validate(got, time.Now())
			require.NoError(t, err)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			input, reason, message string
		}{
			{"11010549123100", ReasonLength, "a 15-digit ID number must be 15 characters, got 14"},
			{"11010519491231002X", ReasonLength, "a 15-digit ID number must be 15 characters, got 18"},
			{"11010549123100X", ReasonCharacters, "character 15 is 'X'; a 15-digit ID number has digits 0-9 only"},
			{"999999491231002", ReasonDivision, ""},
			{"110105490230002", ReasonBirthDate, ""},
		}
		for _, tt := range tests {
			_, err := Upgrade15(tt.input)
			var ie *Error
			require.True(t, errors.As(err, &ie), tt.input)
			require.Equal(t, tt.reason, ie.Reason, tt.input)
			if tt.message != "" {
				require.Equal(t, tt.message, ie.Message)
			}
		}
	})
}

func TestGenerate_Validates(t *testing.T) {
	t.Parallel()

	for seq := 0; seq < 1000; seq += 37 {
		n := Generate("211104", date(1988, 8, 8), seq)
		require.Equal(t, independentCheck(n[:17]), n[17])
		id, err := Validate(n, now)
		require.NoError(t, err)
		require.Equal(t, seq, id.Seq)
		require.Equal(t, seq%2 == 1, id.Male)
	}
}
