package migration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

var now = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

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

const (
	husband = "13060219850312017X"
	wife    = "130602198706200268"
	son     = "130602201509010355"
	spouse  = "211102198010052301"
)

func spouseApplicant() Applicant {
	return Applicant{ApplicantIDNumber: wife, Category: "SPOUSE", Movers: []string{wife, son}, KinIDNumber: spouse,
		Way: WayJoin, HouseholdNumber: "020100001", HeadConsent: true}
}

func TestTables_Load(t *testing.T) {
	t.Parallel()
	require.Len(t, Categories(), 6)
	_, err := loadTables([]byte("code,name\n"), policyCSV)
	require.Error(t, err)
	_, err = loadTables(categoriesCSV, []byte("destination,category,home_classes,destination_classes\n*,NOPE,*,*\n"))
	require.Error(t, err)
	_, err = loadTables([]byte("code,name,kin,ways,materials\nX,x,,FLY,\n"), policyCSV)
	require.Error(t, err)
}

func TestApplicant_Normalise(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		edit          func(*Applicant)
		field, reason string
	}{
		"OK": {func(*Applicant) {}, "", ""},
		"OKEstablish": {func(a *Applicant) {
			*a = Applicant{ApplicantIDNumber: son, Category: "GRADUATE", Movers: []string{son}, Way: WayEstablish, Division: "211103", Address: "兴隆台区振兴街道1号"}
		}, "", ""},
		"ApplicantIDInvalid": {func(a *Applicant) { a.ApplicantIDNumber = "130602198706200260" }, "applicantIdNumber", "id_number.check_digit"},
		"UnknownCategory":    {func(a *Applicant) { a.Category = "LOTTERY" }, "category", "migration.category"},
		"NoMovers":           {func(a *Applicant) { a.Movers = nil }, "movers", "migration.movers_required"},
		"MoverTwice":         {func(a *Applicant) { a.Movers = []string{wife, wife} }, "movers", "migration.mover_twice"},
		"ApplicantStays":     {func(a *Applicant) { a.Movers = []string{son} }, "movers", "migration.applicant_moves"},
		"WayNotAllowed":      {func(a *Applicant) { a.Way = WayEstablish }, "way", "migration.way"},
		"KinRequired":        {func(a *Applicant) { a.KinIDNumber = "" }, "kinIdNumber", "migration.kin_required"},
		"KinMoves":           {func(a *Applicant) { a.KinIDNumber = son }, "kinIdNumber", "migration.kin_moves"},
		"KinUnexpected":      {func(a *Applicant) { a.Category = "JOB_TRANSFER" }, "kinIdNumber", "migration.kin_unexpected"},
		"HouseholdRequired":  {func(a *Applicant) { a.HouseholdNumber = " " }, "householdNumber", "migration.household_required"},
		"NoHeadConsent":      {func(a *Applicant) { a.HeadConsent = false }, "headConsent", "migration.head_consent"},
		"EstablishNoCounty": {func(a *Applicant) {
			*a = Applicant{ApplicantIDNumber: son, Category: "GRADUATE", Movers: []string{son}, Way: WayEstablish, Division: "211100", Address: "振兴街道1号"}
		}, "division", "migration.division"},
		"EstablishNoAddress": {func(a *Applicant) {
			*a = Applicant{ApplicantIDNumber: son, Category: "GRADUATE", Movers: []string{son}, Way: WayEstablish, Division: "211103", Address: "1"}
		}, "address", "migration.address"},
	} {
		t.Run(name, func(t *testing.T) {
			a := spouseApplicant()
			tc.edit(&a)
			requireRule(t, a.normalise(now), domain.CodeInvalid, tc.field, tc.reason)
		})
	}
}

func TestCheckPolicy(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		category, division, home, dest string
		reason                         string
	}{
		"SpouseIntoRural":         {"SPOUSE", "211103", "111", "220", ""},
		"GraduateIntoUrban":       {"GRADUATE", "211103", "210", "111", ""},
		"GraduateIntoRuralPanjin": {"GRADUATE", "211103", "111", "220", "migration.class_refused"},
		"GraduateIntoRuralElse":   {"GRADUATE", "130102", "111", "220", ""},
		"PurchaseIntoTown":        {"HOUSE_PURCHASE", "211103", "111", "121", "migration.class_refused"},
		"PurchaseIntoCity":        {"HOUSE_PURCHASE", "211103", "111", "112", ""},
		"UnknownDestClass":        {"JOB_TRANSFER", "211103", "111", "", "migration.class_refused"},
	} {
		t.Run(name, func(t *testing.T) {
			requireRule(t, checkPolicy(tc.category, tc.division, tc.home, tc.dest), domain.CodeInvalid, "category", tc.reason)
		})
	}
}

func TestCheckMovers(t *testing.T) {
	t.Parallel()
	h := &domain.MinistryHousehold{Number: "020199999", Members: []domain.MinistryPerson{
		{IDNumber: husband, Status: domain.ResidentActive}, {IDNumber: wife, Status: domain.ResidentActive}, {IDNumber: son, Status: domain.ResidentDeceased}}}
	requireRule(t, checkMovers([]string{husband, wife}, h), "", "", "")
	requireRule(t, checkMovers([]string{wife, spouse}, h), domain.CodeInvalid, "movers", "migration.mover_not_in_household")
	requireRule(t, checkMovers([]string{son}, h), domain.CodeInvalid, "movers", "migration.mover_inactive")
}

func TestCheckKin(t *testing.T) {
	t.Parallel()
	cat := func(code string) Category { c, _ := categoryOf(code); return c }
	applicant := domain.MinistryPerson{IDNumber: wife, Sex: "2", BirthDate: time.Date(1987, 6, 20, 0, 0, 0, 0, time.UTC)}
	husbandHere := &domain.Resident{Name: "陈东", Sex: "1", BirthDate: time.Date(1980, 10, 5, 0, 0, 0, 0, time.UTC), HouseholdID: "h1", Status: domain.ResidentActive}
	for name, tc := range map[string]struct {
		cat           string
		kin           func() *domain.Resident
		way, hh       string
		field, reason string
	}{
		"SpouseOK":       {"SPOUSE", func() *domain.Resident { return husbandHere }, WayJoin, "h1", "", ""},
		"NotRegistered":  {"SPOUSE", func() *domain.Resident { return nil }, WayJoin, "h1", "kinIdNumber", "migration.kin_not_registered"},
		"MovedOut":       {"SPOUSE", func() *domain.Resident { k := *husbandHere; k.Status = domain.ResidentMovedOut; return &k }, WayJoin, "h1", "kinIdNumber", "migration.kin_not_registered"},
		"SpouseSameSex":  {"SPOUSE", func() *domain.Resident { k := *husbandHere; k.Sex = "2"; return &k }, WayJoin, "h1", "kinIdNumber", "migration.kin_eligibility"},
		"OtherHousehold": {"SPOUSE", func() *domain.Resident { return husbandHere }, WayJoin, "h2", "householdNumber", "migration.kin_household"},
		"ParentOK":       {"CHILD_TO_PARENT", func() *domain.Resident { return husbandHere }, WayJoin, "h1", "", ""},
		"ParentYounger":  {"CHILD_TO_PARENT", func() *domain.Resident { k := *husbandHere; k.BirthDate = now; return &k }, WayJoin, "h1", "kinIdNumber", "migration.kin_eligibility"},
		"ChildOlder":     {"PARENT_TO_CHILD", func() *domain.Resident { return husbandHere }, WayJoin, "h1", "kinIdNumber", "migration.kin_eligibility"},
	} {
		t.Run(name, func(t *testing.T) {
			requireRule(t, checkKin(cat(tc.cat), tc.kin(), applicant, tc.way, tc.hh), domain.CodeInvalid, tc.field, tc.reason)
		})
	}
}

func household() []*domain.Resident {
	return []*domain.Resident{
		{IDNumber: husband, Name: "张建国", Relation: "02", Status: domain.ResidentActive},
		{IDNumber: wife, Name: "李秀英", Relation: "12", Status: domain.ResidentActive},
		{IDNumber: son, Name: "张子轩", Relation: "21", Status: domain.ResidentActive},
	}
}

func TestPlanMoveOut(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		leaving       []string
		mo            MoveOut
		closes        bool
		relations     map[string]string
		field, reason string
	}{
		"HeadStays":             {[]string{wife, son}, MoveOut{}, false, map[string]string{}, "", ""},
		"EveryoneLeaves":        {[]string{husband, wife, son}, MoveOut{}, true, map[string]string{}, "", ""},
		"HeadLeavesNewHead":     {[]string{husband}, MoveOut{NewHeadIDNumber: wife, Recodes: []Recode{{son, "20"}}}, false, map[string]string{wife: "02", son: "20"}, "", ""},
		"HeadLeavesNoNewHead":   {[]string{husband}, MoveOut{}, false, nil, "newHeadIdNumber", "migration.new_head_required"},
		"NewHeadLeaves":         {[]string{husband, wife}, MoveOut{NewHeadIDNumber: wife}, false, nil, "newHeadIdNumber", "migration.new_head_not_staying"},
		"StayingNotRecoded":     {[]string{husband}, MoveOut{NewHeadIDNumber: wife}, false, nil, "recodes", "migration.recode_required"},
		"SecondHead":            {[]string{husband}, MoveOut{NewHeadIDNumber: wife, Recodes: []Recode{{son, "02"}}}, false, nil, "recodes", "migration.second_head"},
		"RecodeLeaver":          {[]string{husband, son}, MoveOut{NewHeadIDNumber: wife, Recodes: []Recode{{son, "20"}}}, false, nil, "recodes", "migration.recode_not_staying"},
		"HeadStaysNewHead":      {[]string{son}, MoveOut{NewHeadIDNumber: wife}, false, nil, "newHeadIdNumber", "migration.head_stays"},
		"EveryoneLeavesNewHead": {[]string{husband, wife, son}, MoveOut{NewHeadIDNumber: wife}, false, nil, "newHeadIdNumber", "migration.no_one_stays"},
		"NotAMember":            {[]string{spouse}, MoveOut{}, false, nil, "movers", "migration.mover_not_in_household"},
	} {
		t.Run(name, func(t *testing.T) {
			relations, closes, err := planMoveOut(household(), tc.leaving, tc.mo)
			requireRule(t, err, domain.CodeInvalid, tc.field, tc.reason)
			if tc.reason == "" {
				require.Equal(t, tc.closes, closes)
				require.Equal(t, tc.relations, relations)
			}
		})
	}
}

func TestPlanMoveIn(t *testing.T) {
	t.Parallel()
	movers := []Mover{{IDNumber: wife}, {IDNumber: son}}
	joined := []*domain.Resident{{IDNumber: spouse, Relation: "02", Status: domain.ResidentActive}}
	for name, tc := range map[string]struct {
		existing      []*domain.Resident
		members       []Member
		field, reason string
	}{
		"JoinOK":          {joined, []Member{{wife, "10"}, {son, "20"}}, "", ""},
		"EstablishOK":     {nil, []Member{{wife, "02"}, {son, "20"}}, "", ""},
		"EstablishNoHead": {nil, []Member{{wife, "10"}, {son, "20"}}, "members", "migration.head_required"},
		"JoinSecondHead":  {joined, []Member{{wife, "02"}, {son, "20"}}, "members", "migration.second_head"},
		"Missing":         {joined, []Member{{wife, "10"}}, "members", "migration.members_mismatch"},
		"Stranger":        {joined, []Member{{wife, "10"}, {husband, "20"}}, "members", "migration.member_not_mover"},
		"Twice":           {joined, []Member{{wife, "10"}, {wife, "10"}}, "members", "migration.member_twice"},
		"BadRelation":     {joined, []Member{{wife, "xx"}, {son, "20"}}, "members", "migration.relation"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := planMoveIn(movers, tc.existing, MoveIn{Members: tc.members})
			requireRule(t, err, domain.CodeInvalid, tc.field, tc.reason)
		})
	}
}

func TestNextHouseholdNumber(t *testing.T) {
	t.Parallel()
	n, err := domain.NextHouseholdNumber("211103000200", "030200017")
	require.NoError(t, err)
	require.Equal(t, "030200018", n)
	n, err = domain.NextHouseholdNumber("211103000200", "")
	require.NoError(t, err)
	require.Equal(t, "030200001", n)
	_, err = domain.NextHouseholdNumber("211103000200", "030299999")
	require.Equal(t, domain.CodeConflict, domain.ErrorCode(err))
	_, err = domain.NextHouseholdNumber("211103000200", "040100001")
	require.Equal(t, domain.CodeInternal, domain.ErrorCode(err), "another station's number")
	_, err = domain.NextHouseholdNumber("2111", "")
	require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
}
