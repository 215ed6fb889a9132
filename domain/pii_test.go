package domain_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

func TestActor_MasksPersonalData(t *testing.T) {
	t.Parallel()
	roles := func(rs ...domain.Role) *domain.Actor { return &domain.Actor{Roles: rs} }
	tests := []struct {
		name  string
		actor *domain.Actor
		want  bool
	}{
		{"Analyst", roles(domain.RoleAnalyst), true},
		{"Integrator", roles(domain.RoleIntegrator), true},
		{"NoRoles", roles(), true},
		{"Nil", nil, true},
		{"Clerk", roles(domain.RoleClerk), false},
		{"Officer", roles(domain.RoleOfficer), false},
		{"Approver", roles(domain.RoleApprover), false},
		{"Archivist", roles(domain.RoleArchivist), false},
		{"Admin", roles(domain.RoleAdmin), false},
		{"AnalystAndClerk", roles(domain.RoleAnalyst, domain.RoleClerk), false},
		{"System", &domain.Actor{System: true}, false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.actor.MasksPersonalData(), tt.name)
	}
}

func TestMaskIDNumber(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"211102199003152301", "211102**********01"},
		{"21110319900101123X", "211103**********3X"},
		{"211103900101123", "211103********3"},
		{"short", "*****"},
		{"", ""},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, domain.MaskIDNumber(tt.in), tt.in)
	}
	// No digit of the birth date survives.
	require.NotContains(t, domain.MaskIDNumber("211102199003152301"), "19900315")
	require.NotContains(t, domain.MaskIDNumber("211102199003152301"), "0315")
}

func TestGeneraliseDate(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("CST", 8*3600)
	require.Equal(t, time.Date(1990, 3, 1, 0, 0, 0, 0, time.UTC), domain.GeneraliseDate(time.Date(1990, 3, 15, 0, 0, 0, 0, time.UTC)))
	// A birth time keeps the month of its own zone: 1 March 02:00 in China is 28 February in UTC.
	got := domain.GeneraliseDate(time.Date(2024, 3, 1, 2, 30, 0, 0, cst))
	require.Equal(t, time.Date(2024, 3, 1, 0, 0, 0, 0, cst), got)
	require.True(t, domain.GeneraliseDate(time.Time{}).IsZero())
}

func TestMaskString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind     domain.PIIKind
		in, want string
	}{
		{domain.PIIName, "张三丰", "张**"},
		{domain.PIIName, "李", "李"},
		{domain.PIIName, "买买提·艾力", "买**·艾*"},
		{domain.PIIName, "王小明、王明", "王**、王*"},
		{domain.PIIPhone, "13812345678", "138****5678"},
		{domain.PIIPhone, "12345", "*****"},
		{domain.PIIBirthDate, "1990-03-15", "1990-03-01"},
		{domain.PIIBirthDate, "2024-03-01T02:30:00+08:00", "2024-03-01T00:00:00+08:00"},
		{domain.PIIBirthDate, "yesterday", "*********"},
		{domain.PIIIDNumber, "211102199003152301", "211102**********01"},
		{domain.PIIText, "母亲 211102199003152301 已核实", "母亲 211102**********01 已核实"},
		{domain.PIIText, "no number 12345678901234567890 here", "no number 12345678901234567890 here"},
		{domain.PIIItemValue, "anything", "********"},
		{domain.PIIName, "", ""},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, domain.MaskString(tt.kind, tt.in), "%s %q", tt.kind, tt.in)
	}
}

func TestMaskText_JSON(t *testing.T) {
	t.Parallel()
	body := `{"applicant":{"declarantName":"王五","declarantIdNumber":"211102199003152301","declarantPhone":"13812345678","ethnicity":"01"},
		"certificate":{"birthTime":"2024-03-01T02:30:00+08:00","motherName":"赵六","note":"父 130102198805061234 在外地"},"seq":3}`
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(domain.MaskText(body)), &got))
	a := got["applicant"].(map[string]any)
	require.Equal(t, "王*", a["declarantName"])
	require.Equal(t, "211102**********01", a["declarantIdNumber"])
	require.Equal(t, "138****5678", a["declarantPhone"])
	require.Equal(t, "01", a["ethnicity"])
	c := got["certificate"].(map[string]any)
	require.Equal(t, "2024-03-01T00:00:00+08:00", c["birthTime"])
	require.Equal(t, "赵*", c["motherName"])
	require.Equal(t, "父 130102**********34 在外地", c["note"])
	require.Equal(t, float64(3), got["seq"])
}

type item struct{ field string }

func (i item) Item() string { return i.field }

func TestMaskItemValue(t *testing.T) {
	t.Parallel()
	require.Equal(t, "张**", domain.MaskItemValue(item{"name"}, "张三丰"))
	require.Equal(t, "211102**********01", domain.MaskItemValue(item{"idNumber"}, "211102199003152301"))
	require.Equal(t, "2024-03-01", domain.MaskItemValue(item{"birthDate"}, "2024-03-17"))
	require.Equal(t, "01", domain.MaskItemValue(item{"ethnicity"}, "01"))
	require.Equal(t, "***", domain.MaskItemValue(struct{}{}, "abc"))
}

func TestClassifyField(t *testing.T) {
	t.Parallel()
	personal := map[string]domain.PIIKind{
		"idNumber": domain.PIIIDNumber, "declarantIdNumber": domain.PIIIDNumber, "parentIdNumber": domain.PIIIDNumber,
		"birthDate": domain.PIIBirthDate, "birthTime": domain.PIIBirthDate,
		"name": domain.PIIName, "formerNames": domain.PIIName, "newbornName": domain.PIIName, "motherName": domain.PIIName,
		"declarantPhone": domain.PIIPhone,
	}
	for name, want := range personal {
		got, ok := domain.ClassifyField(name)
		require.True(t, ok, name)
		require.Equal(t, want, got, name)
	}
	for _, name := range []string{"displayName", "username", "fullName", "acceptanceOfficeName", "actorName", "ethnicity", "number", "hcybsh"} {
		_, ok := domain.ClassifyField(name)
		require.False(t, ok, name)
	}
}
