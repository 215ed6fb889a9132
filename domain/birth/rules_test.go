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

func TestApplicant_Normalise(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		edit          func(*Applicant)
		field, reason string
	}{
		"OK":                  {func(*Applicant) {}, "", ""},
		"OKEthnicName":        {func(a *Applicant) { a.NewbornName = "阿卜杜·热合曼" }, "", ""},
		"OKExtensionB":        {func(a *Applicant) { a.NewbornName = "陈𠀾" }, "", ""},
		"OKMobile":            {func(a *Applicant) { a.DeclarantPhone = "13912345678" }, "", ""},
		"OKLandline":          {func(a *Applicant) { a.DeclarantPhone = "0311-86681234" }, "", ""},
		"OKBeijingLandline":   {func(a *Applicant) { a.DeclarantPhone = "01088886666" }, "", ""},
		"NameRequired":        {func(a *Applicant) { a.NewbornName = "  " }, "newbornName", "birth.name_required"},
		"NameTooLong":         {func(a *Applicant) { a.NewbornName = "陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈陈" }, "newbornName", "birth.name_length"},
		"NameLatinAndDigits":  {func(a *Applicant) { a.NewbornName = "Tom123" }, "newbornName", "birth.name_chinese"},
		"NameMixed":           {func(a *Applicant) { a.NewbornName = "陈Tom" }, "newbornName", "birth.name_chinese"},
		"NameSpace":           {func(a *Applicant) { a.NewbornName = "陈 明" }, "newbornName", "birth.name_chinese"},
		"NameDotAtEnd":        {func(a *Applicant) { a.NewbornName = "阿卜杜·" }, "newbornName", "birth.name_chinese"},
		"NameDoubleDot":       {func(a *Applicant) { a.NewbornName = "阿卜杜··热合曼" }, "newbornName", "birth.name_chinese"},
		"UnknownEthnicity":    {func(a *Applicant) { a.Ethnicity = "99" }, "ethnicity", "birth.ethnicity"},
		"UnknownRelation":     {func(a *Applicant) { a.Relation = "xx" }, "relation", "birth.relation"},
		"SettleWithNeither":   {func(a *Applicant) { a.SettleWith = "GRANDMA" }, "settleWith", "birth.settle_with"},
		"DeclarantRequired":   {func(a *Applicant) { a.DeclarantName = "" }, "declarantName", "birth.declarant_name"},
		"DeclarantLatin":      {func(a *Applicant) { a.DeclarantName = "Chen Dong" }, "declarantName", "birth.name_chinese"},
		"DeclarantIDInvalid":  {func(a *Applicant) { a.DeclarantIDNumber = "211102198010052300" }, "declarantIdNumber", "id_number.check_digit"},
		"PhoneNotANumber":     {func(a *Applicant) { a.DeclarantPhone = "abc" }, "declarantPhone", "birth.phone"},
		"PhoneMobileTooShort": {func(a *Applicant) { a.DeclarantPhone = "1391234567" }, "declarantPhone", "birth.phone"},
		"PhoneMobile12":       {func(a *Applicant) { a.DeclarantPhone = "12912345678" }, "declarantPhone", "birth.phone"},
		"PhoneNoAreaCode":     {func(a *Applicant) { a.DeclarantPhone = "86681234" }, "declarantPhone", "birth.phone"},
	} {
		t.Run(name, func(t *testing.T) {
			a := goodApplicant()
			tc.edit(&a)
			requireRule(t, a.normalise(now), domain.CodeInvalid, tc.field, tc.reason)
		})
	}
	t.Run("IDNumberNormalised", func(t *testing.T) {
		for _, tc := range []struct{ in, want string }{
			{"211102801005230", "211102198010052301"},      // 15 digits → 18
			{"13060219850312017x", "13060219850312017X"},   // lower-case x
			{" 211102198010052301 ", "211102198010052301"}, // spaces trimmed
		} {
			in, want := tc.in, tc.want
			a := goodApplicant()
			a.DeclarantIDNumber = in
			require.NoError(t, a.normalise(now), in)
			require.Equal(t, want, a.DeclarantIDNumber, in)
		}
	})
}

// household is Ministry data of a certificate whose newborn is of sex and
// whose parent is a member with relation parent in a household headed by
// someone (relation 02).
func household(sex, parent string) MinistryData {
	members := []domain.MinistryPerson{{Relation: "02", Status: domain.ResidentActive}}
	person := domain.MinistryPerson{Relation: parent, Status: domain.ResidentActive}
	if parent != "02" {
		members = append(members, person)
	}
	return MinistryData{Certificate: Certificate{Number: "M130000001", Sex: sex}, Household: &domain.MinistryHousehold{Person: person, Members: members}}
}

func TestApplicant_CheckIntake(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		relation string
		m        MinistryData
		reason   string
	}{
		"SonOfTheHead":         {"20", household("1", "02"), ""},
		"DaughterOfTheSpouse":  {"30", household("2", "12"), ""},
		"GrandsonOfTheHead":    {"41", household("1", "20"), ""},
		"DaughtersDaughter":    {"44", household("2", "30"), ""},
		"Self":                 {"01", household("1", "02"), "birth.household_has_head"},
		"SecondHead":           {"02", household("1", "02"), "birth.household_has_head"},
		"Father":               {"51", household("1", "02"), "birth.relation_not_child"},
		"NotRelated":           {"99", household("1", "02"), "birth.relation_not_child"},
		"DaughterForABoy":      {"30", household("1", "02"), "birth.relation_sex"},
		"SonForAGirl":          {"22", household("2", "02"), "birth.relation_sex"},
		"SonWhenParentIsASon":  {"20", household("1", "20"), "birth.relation_head"},
		"GrandsonViaADaughter": {"41", household("1", "30"), "birth.relation_head"},
	} {
		t.Run(name, func(t *testing.T) {
			a := goodApplicant()
			a.Relation = tc.relation
			field := ""
			if tc.reason != "" {
				field = "relation"
			}
			requireRule(t, a.checkIntake(tc.m), domain.CodeInvalid, field, tc.reason)
		})
	}
}

func TestNewbornRelation(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		relation, sex, parent, reason string
	}{
		"ChildOfTheHead":          {"20", "1", "02", ""},
		"EldestDaughter":          {"32", "2", "11", ""},
		"NoParentInTheHousehold":  {"41", "1", "", ""},
		"SexUnknown":              {"30", "", "02", ""},
		"NephewOfTheHead":         {"93", "1", "73", ""},
		"UnknownCode":             {"xx", "1", "02", "birth.relation"},
		"AdoptedIsNotANewborns":   {"27", "1", "02", "birth.relation_not_child"},
		"Spouse":                  {"10", "1", "02", "birth.relation_not_child"},
		"GirlAsGrandson":          {"41", "2", "20", "birth.relation_sex"},
		"SonOfTheHeadsSonInLaw":   {"20", "1", "28", "birth.relation_head"},
		"NephewWhenParentIsAHead": {"93", "1", "02", "birth.relation_head"},
	} {
		t.Run(name, func(t *testing.T) {
			field := ""
			if tc.reason != "" {
				field = "relation"
			}
			requireRule(t, newbornRelation("relation", tc.relation, tc.sex, tc.parent), domain.CodeInvalid, field, tc.reason)
		})
	}
}

func TestJoinHousehold(t *testing.T) {
	t.Parallel()
	cert := Certificate{FatherIDNumber: "130102198001010011", MotherIDNumber: "130102198201010022"}
	member := func(id, rel string, st domain.ResidentStatus) *domain.Resident {
		return &domain.Resident{IDNumber: id, Relation: rel, Status: st}
	}
	headIsGrandpa := []*domain.Resident{member("130102195001010013", "02", domain.ResidentActive), member(cert.FatherIDNumber, "20", domain.ResidentActive)}
	headMovedOut := []*domain.Resident{member("130102195001010013", "02", domain.ResidentMovedOut)}
	requireRule(t, joinHousehold("relation", "41", "1", headIsGrandpa, cert, ""), "", "", "")
	requireRule(t, joinHousehold("relation", "20", "1", headIsGrandpa, cert, ""), domain.CodeInvalid, "relation", "birth.relation_head")
	requireRule(t, joinHousehold("relation", "02", "1", headIsGrandpa, cert, ""), domain.CodeInvalid, "relation", "birth.household_has_head")
	requireRule(t, joinHousehold("relation", "02", "1", headMovedOut, cert, ""), domain.CodeInvalid, "relation", "birth.relation_not_child")
	self := member("130102202611010015", "41", domain.ResidentActive)
	requireRule(t, joinHousehold("changes", "42", "1", append(headIsGrandpa, self), cert, self.IDNumber), domain.CodeInvalid, "changes", "birth.relation_sex")
}

func TestSettlement_MatchCertificate(t *testing.T) {
	t.Parallel()
	born := time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC) // 1 November in China
	cert := Certificate{Number: "M130000001", Sex: "2", BirthTime: born}
	for name, tc := range map[string]struct {
		sex           string
		date          time.Time
		field, reason string
	}{
		"OK":          {"2", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), "", ""},
		"SexDiffers":  {"1", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), "sex", "birth.sex_mismatch"},
		"DateDiffers": {"2", time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC), "birthDate", "birth.birth_date_mismatch"},
		"DateInChina": {"2", time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), "birthDate", "birth.birth_date_mismatch"},
	} {
		t.Run(name, func(t *testing.T) {
			in := Settlement{Sex: tc.sex, BirthDate: tc.date}
			requireRule(t, in.matchCertificate(cert), domain.CodeInvalid, tc.field, tc.reason)
		})
	}
}

func TestSameProvince(t *testing.T) {
	t.Parallel()
	requireRule(t, sameProvince("211103000100", "130102000100"), "", "", "")
	requireRule(t, sameProvince("211103000100", "211102000200"), domain.CodeInvalid, "settleWith", "birth.same_province")
	requireRule(t, sameProvince("211103000100", "210102000100"), domain.CodeInvalid, "settleWith", "birth.same_province")
}

func TestBirthplaceCorrection(t *testing.T) {
	t.Parallel()
	cert := Certificate{BirthplaceDivision: "130102"}
	requireRule(t, birthplaceCorrection("changes", "130104", cert), "", "", "")
	requireRule(t, birthplaceCorrection("changes", "211102", cert), domain.CodeInvalid, "changes", "birth.birthplace_certificate")
	requireRule(t, birthplaceCorrection("changes", "130100", cert), domain.CodeInvalid, "changes", "birth.birthplace")
	requireRule(t, birthplaceCorrection("changes", "999999", cert), domain.CodeInvalid, "changes", "birth.birthplace")
}

func TestReportedOnly(t *testing.T) {
	t.Parallel()
	report := []ErrorItem{{Field: "formerNames", Wanted: "陈明"}, {Field: "name", Wanted: "陈晓鸣"}}
	requireRule(t, reportedOnly(map[string]string{"formerNames": "陈明"}, report), "", "", "")
	requireRule(t, reportedOnly(map[string]string{"formerNames": "陈明", "relation": "20"}, report), domain.CodeInvalid, "changes", "birth.not_reported")
	requireRule(t, reportedOnly(map[string]string{"birthplaceDivision": "130104"}, nil), domain.CodeInvalid, "changes", "birth.not_reported")
}

func TestReasonRequired(t *testing.T) {
	t.Parallel()
	requireRule(t, reasonRequired("reason", "证明材料不符"), "", "", "")
	requireRule(t, reasonRequired("reason", " "), domain.CodeInvalid, "reason", "birth.reason_required")
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
		"NameNotChinese":    {func(s *Settlement) { s.Name = "Tom123" }, "name", "birth.name_chinese"},
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
		"FormerNameLatin":   {map[string]string{"formerNames": "Tom"}, "birth.name_chinese"},
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
		_, err := DetailsOf(&domain.Case{ID: "c", Kind: Kind, Applicant: []byte(`{"newbornName": 3}`)})
		require.ErrorContains(t, err, "decode the applicant data of BIRTH case c")
	})
}
