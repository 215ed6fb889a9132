package birth

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

var now = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// requireRule checks that err is nil when want is "", else a *domain.Error
// with that reason, code and field.
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

func goodApplicant() Applicant {
	return Applicant{NewbornName: "陈小明", Ethnicity: "01", Relation: "20", SettleWith: "FATHER",
		DeclarantName: "陈东", DeclarantIDNumber: "211102198010052301"}
}

func TestApplicant_Validate(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		edit          func(*Applicant)
		field, reason string
	}{
		"OK":                 {func(*Applicant) {}, "", ""},
		"NameRequired":       {func(a *Applicant) { a.NewbornName = "  " }, "newbornName", "birth.name_required"},
		"NameTooLong":        {func(a *Applicant) { a.NewbornName = "陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈" }, "newbornName", "birth.name_length"},
		"UnknownEthnicity":   {func(a *Applicant) { a.Ethnicity = "99" }, "ethnicity", "birth.ethnicity"},
		"UnknownRelation":    {func(a *Applicant) { a.Relation = "xx" }, "relation", "birth.relation"},
		"SettleWithNeither":  {func(a *Applicant) { a.SettleWith = "GRANDMA" }, "settleWith", "birth.settle_with"},
		"DeclarantRequired":  {func(a *Applicant) { a.DeclarantName = "" }, "declarantName", "birth.declarant_name"},
		"DeclarantIDInvalid": {func(a *Applicant) { a.DeclarantIDNumber = "211102198010052300" }, "declarantIdNumber", "id_number.check_digit"},
	} {
		t.Run(name, func(t *testing.T) {
			a := goodApplicant()
			tc.edit(&a)
			requireRule(t, a.validate(now), domain.CodeInvalid, tc.field, tc.reason)
		})
	}
}

func TestSettlement_Validate(t *testing.T) {
	t.Parallel()
	good := func() Settlement {
		return Settlement{HouseholdNumber: "130102004512", Name: "陈晓明", Sex: "1", Ethnicity: "01",
			BirthDate: now.AddDate(0, 0, -10), Relation: "20"}
	}
	for name, tc := range map[string]struct {
		edit          func(*Settlement)
		field, reason string
	}{
		"OK":                {func(*Settlement) {}, "", ""},
		"NameRequired":      {func(s *Settlement) { s.Name = "" }, "name", "birth.name_required"},
		"SexUnknownCode":    {func(s *Settlement) { s.Sex = "9" }, "sex", "birth.sex"},
		"SexNotStated":      {func(s *Settlement) { s.Sex = "0" }, "sex", "birth.sex"},
		"UnknownEthnicity":  {func(s *Settlement) { s.Ethnicity = "00" }, "ethnicity", "birth.ethnicity"},
		"UnknownRelation":   {func(s *Settlement) { s.Relation = "" }, "relation", "birth.relation"},
		"FutureBirthDate":   {func(s *Settlement) { s.BirthDate = now.AddDate(0, 0, 1) }, "birthDate", "birth.birth_date"},
		"NoBirthDate":       {func(s *Settlement) { s.BirthDate = time.Time{} }, "birthDate", "birth.birth_date"},
		"HouseholdRequired": {func(s *Settlement) { s.HouseholdNumber = " " }, "householdNumber", "birth.household_required"},
	} {
		t.Run(name, func(t *testing.T) {
			s := good()
			tc.edit(&s)
			requireRule(t, s.validate(now), domain.CodeInvalid, tc.field, tc.reason)
		})
	}
}

func TestErrorItems_Validate(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		items         []ErrorItem
		field, reason string
	}{
		"OK":          {[]ErrorItem{{Field: "name", Wanted: "陈晓鸣"}, {Field: "formerNames", Wanted: "陈明"}}, "", ""},
		"None":        {nil, "items", "birth.errors_required"},
		"UnknownItem": {[]ErrorItem{{Field: "name", Wanted: "x"}, {Field: "shoeSize", Wanted: "42"}}, "items[1].field", "birth.error_field"},
		"NoWanted":    {[]ErrorItem{{Field: "relation", Wanted: " "}}, "items[0].wanted", "birth.error_wanted"},
	} {
		t.Run(name, func(t *testing.T) {
			requireRule(t, validateErrorItems(tc.items), domain.CodeInvalid, tc.field, tc.reason)
		})
	}
}

func TestMinorCorrections_Validate(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		changes map[string]string
		reason  string
	}{
		"OK":                {map[string]string{"formerNames": "陈明", "relation": "20", "birthplaceDivision": "130102"}, ""},
		"None":              {map[string]string{}, "birth.changes_required"},
		"MajorItem":         {map[string]string{"name": "陈晓鸣"}, "birth.major_item"},
		"SexIsMajor":        {map[string]string{"sex": "2"}, "birth.major_item"},
		"UnknownItem":       {map[string]string{"shoeSize": "42"}, "birth.error_field"},
		"UnknownRelation":   {map[string]string{"relation": "xx"}, "birth.relation"},
		"UnknownBirthplace": {map[string]string{"birthplaceDivision": "999999"}, "birth.birthplace"},
	} {
		t.Run(name, func(t *testing.T) {
			field := ""
			if tc.reason != "" {
				field = "changes"
			}
			requireRule(t, validateMinor(tc.changes), domain.CodeInvalid, field, tc.reason)
		})
	}
}

func TestMajorChange_Validate(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		ch            MajorChange
		field, reason string
	}{
		"OKName":          {MajorChange{Field: "name", Value: "陈晓鸣", Reason: "申请人核对常表"}, "", ""},
		"OKBirthDate":     {MajorChange{Field: "birthDate", Value: "2026-11-01", Reason: "r"}, "", ""},
		"OKIDNumber":      {MajorChange{Field: "idNumber", Value: "211102198010052301", Reason: "r"}, "", ""},
		"MinorItem":       {MajorChange{Field: "relation", Value: "20", Reason: "r"}, "field", "birth.not_major"},
		"NoValue":         {MajorChange{Field: "name", Value: " ", Reason: "r"}, "value", "birth.change_value"},
		"NoReason":        {MajorChange{Field: "name", Value: "x", Reason: ""}, "reason", "birth.change_reason"},
		"BadEthnicity":    {MajorChange{Field: "ethnicity", Value: "99", Reason: "r"}, "value", "birth.ethnicity"},
		"BadSex":          {MajorChange{Field: "sex", Value: "男", Reason: "r"}, "value", "birth.sex"},
		"FutureBirthDate": {MajorChange{Field: "birthDate", Value: "2027-01-01", Reason: "r"}, "value", "birth.birth_date"},
		"NotADate":        {MajorChange{Field: "birthDate", Value: "01/11/2026", Reason: "r"}, "value", "birth.birth_date"},
		"BadIDNumber":     {MajorChange{Field: "idNumber", Value: "123", Reason: "r"}, "value", "id_number.length"},
	} {
		t.Run(name, func(t *testing.T) {
			requireRule(t, validateMajor(tc.ch, now), domain.CodeInvalid, tc.field, tc.reason)
		})
	}
}

func TestIntakeInputs(t *testing.T) {
	t.Parallel()
	_, err := certificateNumberOf("  ")
	requireRule(t, err, domain.CodeInvalid, "certificateNumber", "birth.certificate_required")
	n, err := certificateNumberOf(" M130000001 ")
	require.NoError(t, err)
	require.Equal(t, "M130000001", n)
	requireRule(t, validSettleWith("MOTHER"), "", "", "")
	requireRule(t, validSettleWith("mother"), domain.CodeInvalid, "settleWith", "birth.settle_with")
	require.Equal(t, []string{"证明不全"}, cleanReasons([]string{" ", "证明不全 ", ""}))
	require.Empty(t, cleanReasons(nil))
}

func TestDetailsOf(t *testing.T) {
	t.Parallel()
	t.Run("Empty", func(t *testing.T) {
		d, err := DetailsOf(&domain.Case{ID: "c", Applicant: []byte(`{}`), Ministry: []byte(`{}`), Result: []byte(`{}`)})
		require.NoError(t, err)
		require.Nil(t, d.Outcome, "no outcome before settlement")
		require.Equal(t, []string{}, d.RefusalReasons)
		require.Len(t, d.MinistryChecks, 5)
	})
	t.Run("ErrCorruptData", func(t *testing.T) {
		_, err := DetailsOf(&domain.Case{ID: "c", Applicant: []byte(`{"newbornName": 3}`)})
		require.ErrorContains(t, err, "decode the applicant data of birth case c")
	})
}
