package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

func TestOffice_Covers(t *testing.T) {
	t.Parallel()
	city := &domain.Office{Code: "211100000000", Level: domain.OfficeCityBureau}
	county := &domain.Office{Code: "211103000000", Level: domain.OfficeCountyBureau}
	station := &domain.Office{Code: "211103000100", Level: domain.OfficePoliceStation}
	tests := []struct {
		office *domain.Office
		code   string
		want   bool
	}{
		{city, "211103000100", true},
		{city, "211122000300", true},
		{city, "130102000100", false}, // another city
		{county, "211103000100", true},
		{county, "211103000000", true},
		{county, "211102000100", false}, // a neighbouring county's station
		{station, "211103000100", true},
		{station, "211103000200", false}, // the next station
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.office.Covers(tt.code), "%s covers %s", tt.office.Code, tt.code)
	}
}

func TestActor_CanSeeAndRoles(t *testing.T) {
	t.Parallel()
	station := &domain.Office{Code: "211103000100", Level: domain.OfficePoliceStation}
	a := &domain.Actor{Office: station, Roles: []domain.Role{domain.RoleClerk}}
	require.True(t, a.CanSee("211103000100"))
	require.False(t, a.CanSee("211103000200"))
	require.True(t, a.HasRole(domain.RoleOfficer, domain.RoleClerk))
	require.False(t, a.HasRole(domain.RoleAdmin))
	require.False(t, (*domain.Actor)(nil).CanSee("211103000100"))
	require.True(t, (&domain.Actor{System: true}).CanSee("130100000000"))
}

func TestErrorCode(t *testing.T) {
	t.Parallel()
	require.Equal(t, domain.Code(""), domain.ErrorCode(nil))
	err := domain.FieldErrorf("idNumber", "bad").WithReason("id_number.length")
	require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
	require.Equal(t, domain.CodeInternal, domain.ErrorCode(errString("boom")))
	require.Equal(t, "Internal error.", domain.ErrorMessage(errString("boom")))
}

type errString string

func (e errString) Error() string { return string(e) }
