package certificate

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

var now = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

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

const (
	idA = "130602198706200268"
	idB = "130602201509010355"
)

func kinship() Matter {
	return Matter{MatterType: "KINSHIP", Persons: []Person{{IDNumber: idA, Name: "李秀英"}, {IDNumber: idB, Name: "张小军"}},
		Relation: "母子", Statement: "证明李秀英与张小军为母子关系", Purpose: "办理入学", ApplicantName: "李秀英", ApplicantIDNumber: idA}
}

// TestMatter_Normalise is the table of the intake rules (1.1.6, 1.2.3),
// matter types as data (feature 9 of the issue: kinship, same person,
// cancelled registration, past address …).
func TestMatter_Normalise(t *testing.T) {
	t.Parallel()
	one := func(m *Matter) { m.Persons = m.Persons[:1]; m.Relation = "" }
	for name, tc := range map[string]struct {
		edit          func(*Matter)
		field, reason string
	}{
		"OKKinship": {func(*Matter) {}, "", ""},
		"OKSame":    {func(m *Matter) { one(m); m.MatterType = "SAME_PERSON"; m.OtherName = "李秀" }, "", ""},
		"OKCancel":  {func(m *Matter) { one(m); m.MatterType = "CANCELLED_REGISTRATION" }, "", ""},
		"OKAddress": {func(m *Matter) {
			one(m)
			m.MatterType = "PAST_ADDRESS"
			m.Address = "石家庄市长安区中山东路1号"
			m.Period = "1998年至2005年"
		}, "", ""},
		"OKInfo":            {func(m *Matter) { one(m); m.MatterType = "HOUSEHOLD_INFO" }, "", ""},
		"OKPhone":           {func(m *Matter) { m.ApplicantPhone = "13912345678" }, "", ""},
		"OKOffice":          {func(m *Matter) { m.RegistrationOffice = "130102000100" }, "", ""},
		"TypeUnknown":       {func(m *Matter) { m.MatterType = "WEALTH" }, "matterType", "certificate.matter_type"},
		"TypeEmpty":         {func(m *Matter) { m.MatterType = "" }, "matterType", "certificate.matter_type"},
		"KinshipOnePerson":  {func(m *Matter) { m.Persons = m.Persons[:1] }, "persons", "certificate.persons_count"},
		"SameTwoPersons":    {func(m *Matter) { m.MatterType = "SAME_PERSON"; m.Relation = ""; m.OtherName = "李秀" }, "persons", "certificate.persons_count"},
		"NoPersons":         {func(m *Matter) { m.Persons = nil }, "persons", "certificate.persons_count"},
		"PersonTwice":       {func(m *Matter) { m.Persons[1].IDNumber = idA }, "persons[1].idNumber", "certificate.person_twice"},
		"PersonIDBad":       {func(m *Matter) { m.Persons[1].IDNumber = "130602201509010356" }, "persons[1].idNumber", "id_number.check_digit"},
		"PersonNameEmpty":   {func(m *Matter) { m.Persons[0].Name = " " }, "persons[0].name", "certificate.name_required"},
		"PersonNameLong":    {func(m *Matter) { m.Persons[0].Name = strings.Repeat("李", 21) }, "persons[0].name", "certificate.name_length"},
		"KinshipNoRelation": {func(m *Matter) { m.Relation = "" }, "relation", "certificate.relation_required"},
		"SameNoOtherName":   {func(m *Matter) { one(m); m.MatterType = "SAME_PERSON" }, "otherName", "certificate.otherName_required"},
		"SameOtherIsName":   {func(m *Matter) { one(m); m.MatterType = "SAME_PERSON"; m.OtherName = "李秀英" }, "otherName", "certificate.other_name_same"},
		"AddressNoPeriod":   {func(m *Matter) { one(m); m.MatterType = "PAST_ADDRESS"; m.Address = "某地" }, "period", "certificate.period_required"},
		"FactNotUsed":       {func(m *Matter) { m.OtherName = "李秀" }, "otherName", "certificate.fact_not_used"},
		"StatementEmpty":    {func(m *Matter) { m.Statement = "" }, "statement", "certificate.statement_required"},
		"StatementLong":     {func(m *Matter) { m.Statement = strings.Repeat("证", 501) }, "statement", "certificate.statement_length"},
		"StatementControl":  {func(m *Matter) { m.Statement = "证明\x00" }, "statement", "certificate.statement_control"},
		"PurposeEmpty":      {func(m *Matter) { m.Purpose = "  " }, "purpose", "certificate.purpose_required"},
		"ApplicantEmpty":    {func(m *Matter) { m.ApplicantName = "" }, "applicantName", "certificate.applicant_name_required"},
		"ApplicantIDBad":    {func(m *Matter) { m.ApplicantIDNumber = "123" }, "applicantIdNumber", "id_number.length"},
		"PhoneBad":          {func(m *Matter) { m.ApplicantPhone = "12345" }, "applicantPhone", "certificate.phone"},
		"OfficeBad":         {func(m *Matter) { m.RegistrationOffice = "1301" }, "registrationOffice", "certificate.registration_office"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := kinship()
			m.Persons = append([]Person(nil), m.Persons...)
			tc.edit(&m)
			requireRule(t, m.normalise(now), domain.CodeInvalid, tc.field, tc.reason)
		})
	}
}

func TestInfoRequest_Normalise(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		edit          func(*InfoRequest)
		field, reason string
	}{
		"OK":             {func(*InfoRequest) {}, "", ""},
		"IDBad":          {func(r *InfoRequest) { r.IDNumber = "x" }, "idNumber", "id_number.length"},
		"NameEmpty":      {func(r *InfoRequest) { r.Name = "" }, "name", "certificate.name_required"},
		"PurposeEmpty":   {func(r *InfoRequest) { r.Purpose = "" }, "purpose", "certificate.purpose_required"},
		"PurposeLong":    {func(r *InfoRequest) { r.Purpose = strings.Repeat("用", 201) }, "purpose", "certificate.purpose_length"},
		"ApplicantEmpty": {func(r *InfoRequest) { r.ApplicantName = "" }, "applicantName", "certificate.applicant_name_required"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := InfoRequest{IDNumber: idA, Name: "李秀英", Purpose: "就业", ApplicantName: "李秀英"}
			tc.edit(&r)
			requireRule(t, r.normalise(now), domain.CodeInvalid, tc.field, tc.reason)
		})
	}
}

func TestRegistrationOffice(t *testing.T) {
	t.Parallel()
	found := PersonCheck{IDNumber: idA, Found: true, OfficeCode: "130102000100"}
	for name, tc := range map[string]struct {
		named         string
		first         PersonCheck
		want          string
		field, reason string
	}{
		"FromMinistry":       {"", found, "130102000100", "", ""},
		"NamedSame":          {"130102000100", found, "130102000100", "", ""},
		"NamedUnknownPerson": {"130102000200", PersonCheck{IDNumber: idA}, "130102000200", "", ""},
		"Mismatch":           {"130102000200", found, "", "registrationOffice", "certificate.registration_office_mismatch"},
		"Required":           {"", PersonCheck{IDNumber: idA}, "", "registrationOffice", "certificate.registration_office_required"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := registrationOffice(&Matter{RegistrationOffice: tc.named}, tc.first)
			requireRule(t, err, domain.CodeInvalid, tc.field, tc.reason)
			require.Equal(t, tc.want, got)
		})
	}
	requireRule(t, crossProvince("registrationOffice", "211103000100", "211102000100"), domain.CodeInvalid, "registrationOffice", "certificate.same_province")
	require.NoError(t, crossProvince("registrationOffice", "211103000100", "130102000100"))
}

func TestCheckDecision(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		v             Verdict
		findings      string
		reasons       []string
		field, reason string
	}{
		"OKTrue":           {VerdictTrue, "李秀英与张小军系母子关系", nil, "", ""},
		"OKNotTrue":        {VerdictNotTrue, "", []string{"户籍档案记载二人无亲属关系"}, "", ""},
		"OKNoResult":       {VerdictNoResult, "", []string{" 档案已毁 "}, "", ""},
		"Unknown":          {"MAYBE", "", nil, "verdict", "certificate.verdict"},
		"TrueNoFindings":   {VerdictTrue, "  ", nil, "findings", "certificate.findings_required"},
		"TrueFindingsLong": {VerdictTrue, strings.Repeat("证", 501), nil, "findings", "certificate.findings_length"},
		"NotTrueNoReason":  {VerdictNotTrue, "", []string{" "}, "reasons", "certificate.reasons_required"},
		"NoResultNoReason": {VerdictNoResult, "", nil, "reasons", "certificate.reasons_required"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, _, err := checkDecision(tc.v, tc.findings, tc.reasons)
			requireRule(t, err, domain.CodeInvalid, tc.field, tc.reason)
		})
	}
}

func TestRequireVerificationMaterials(t *testing.T) {
	t.Parallel()
	requireRule(t, requireVerificationMaterials(nil), domain.CodeInvalid, "materials", "certificate.verification_materials")
	requireRule(t, requireVerificationMaterials([]domain.FileContent{{MaterialCode: "ID_CARD"}}), domain.CodeInvalid, "materials", "certificate.verification_materials")
	require.NoError(t, requireVerificationMaterials([]domain.FileContent{{MaterialCode: "ID_CARD"}, {MaterialCode: MaterialVerification}}))
}

func TestNumbersAndCodes(t *testing.T) {
	t.Parallel()
	n := numberOf("XT2111032026112900000007")
	require.Equal(t, "ZM2111032026112900000007", n)
	c, ok := collabNoOf(" zm2111032026112900000007 ")
	require.True(t, ok)
	require.Equal(t, "XT2111032026112900000007", c)
	for _, bad := range []string{"", "XT2111032026112900000007", "ZM21110320261129", "ZM2111032026112900000007X", "ZM21110320261129000000AB"} {
		_, ok := collabNoOf(bad)
		require.False(t, ok, bad)
	}
	seen := map[string]bool{}
	for range 200 {
		code, err := newCode()
		require.NoError(t, err)
		require.True(t, validCode(code), code)
		require.False(t, seen[code])
		seen[code] = true
	}
	require.False(t, validCode("ABCDEFGHI0"), "0 is not in the alphabet")
	require.False(t, validCode("ABC"))
}
