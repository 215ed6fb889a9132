package migration

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"hukou/domain"
	"hukou/domain/codes"
)

// The rules of migration, each refusing with a field and a stable reason;
// table-tested in rules_test.go. The categories and the settlement policy
// are data (feature 9): data/categories.csv and data/policy.csv.

// Category is a migration category (夫妻投靠 …) as data/categories.csv
// declares it.
type Category struct {
	Code string
	Name string
	// Kin is the relative at the destination the category needs: SPOUSE,
	// PARENT, CHILD, or "" for none.
	Kin string
	// Ways are the allowed ways of settling (JOIN, ESTABLISH).
	Ways []string
	// Materials are the material codes the category requires captured.
	Materials []string
}

// policyRule says, for destinations whose division starts with
// Destination ("*" for any), which urban/rural classes of the home address
// and of the destination (code prefixes, "*" for any) a category accepts.
type policyRule struct {
	Destination string
	Category    string
	Home        []string
	Dest        []string
}

var (
	//go:embed data/categories.csv
	categoriesCSV []byte
	//go:embed data/policy.csv
	policyCSV []byte
)

type tables struct {
	categories []Category
	policy     []policyRule
}

var loaded = sync.OnceValue(func() tables {
	t, err := loadTables(categoriesCSV, policyCSV)
	if err != nil {
		panic(err) // embedded data; a test loads it
	}
	return t
})

func readCSV(name string, raw []byte, header string) ([][]string, error) {
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("migration: %s: %w", name, err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != header {
		return nil, fmt.Errorf("migration: %s: the header must be %q", name, header)
	}
	return rows[1:], nil
}

func loadTables(cats, policy []byte) (tables, error) {
	var t tables
	rows, err := readCSV("categories.csv", cats, "code,name,kin,ways,materials")
	if err != nil {
		return t, err
	}
	for _, r := range rows {
		c := Category{Code: r[0], Name: r[1], Kin: r[2], Ways: strings.Fields(r[3]), Materials: strings.Fields(r[4])}
		if !slices.Contains([]string{"", "SPOUSE", "PARENT", "CHILD"}, c.Kin) || len(c.Ways) == 0 {
			return t, fmt.Errorf("migration: categories.csv: bad row %v", r)
		}
		for _, w := range c.Ways {
			if w != WayJoin && w != WayEstablish {
				return t, fmt.Errorf("migration: categories.csv: bad way %q", w)
			}
		}
		t.categories = append(t.categories, c)
	}
	rows, err = readCSV("policy.csv", policy, "destination,category,home_classes,destination_classes")
	if err != nil {
		return t, err
	}
	for _, r := range rows {
		if !slices.ContainsFunc(t.categories, func(c Category) bool { return c.Code == r[1] }) {
			return t, fmt.Errorf("migration: policy.csv: unknown category %q", r[1])
		}
		t.policy = append(t.policy, policyRule{Destination: r[0], Category: r[1], Home: strings.Fields(r[2]), Dest: strings.Fields(r[3])})
	}
	return t, nil
}

// Categories lists the migration categories, in the data's order.
func Categories() []Category { return slices.Clone(loaded().categories) }

func categoryOf(code string) (Category, bool) {
	for _, c := range loaded().categories {
		if c.Code == code {
			return c, true
		}
	}
	return Category{}, false
}

// classAllowed reports whether class matches one of the prefixes ("*" any).
func classAllowed(class string, prefixes []string) bool {
	for _, p := range prefixes {
		if p == "*" || (class != "" && strings.HasPrefix(class, p)) {
			return true
		}
	}
	return false
}

// checkPolicy checks the urban/rural classes of the home address and the
// destination against the settlement policy of the destination division:
// the most specific rule of the category decides; no rule refuses.
func checkPolicy(category, destDivision, homeClass, destClass string) error {
	var rule *policyRule
	for i, r := range loaded().policy {
		if r.Category != category || (r.Destination != "*" && !strings.HasPrefix(destDivision, r.Destination)) {
			continue
		}
		if rule == nil || rule.Destination == "*" {
			rule = &loaded().policy[i]
		}
	}
	switch {
	case rule == nil:
		return domain.FieldErrorf("category", "the settlement policy of %s has no rule for the category %s", destDivision, category).WithReason("migration.policy_none")
	case !classAllowed(homeClass, rule.Home):
		return domain.FieldErrorf("category", "the settlement policy of %s does not accept the category %s from a home address of urban/rural class %s", destDivision, category, homeClass).WithReason("migration.class_refused")
	case !classAllowed(destClass, rule.Dest):
		return domain.FieldErrorf("category", "the settlement policy of %s does not accept the category %s into an address of urban/rural class %s (allowed: %s)", destDivision, category, destClass, strings.Join(rule.Dest, ", ")).WithReason("migration.class_refused")
	}
	return nil
}

// normalise checks the clerk's data and puts it in the form it is stored
// in. The checks against the Ministry household and A's register follow
// (checkMovers, checkKin, checkDestination).
func (a *Applicant) normalise(now time.Time) error {
	id, err := domain.ValidateIDNumber("applicantIdNumber", strings.ToUpper(strings.TrimSpace(a.ApplicantIDNumber)), now)
	if err != nil {
		return err
	}
	a.ApplicantIDNumber = id
	cat, ok := categoryOf(a.Category)
	if !ok {
		return domain.FieldErrorf("category", "choose a migration category (got %q)", a.Category).WithReason("migration.category")
	}
	movers := make([]string, 0, len(a.Movers))
	for _, m := range a.Movers {
		n, err := domain.ValidateIDNumber("movers", strings.ToUpper(strings.TrimSpace(m)), now)
		if err != nil {
			return err
		}
		if slices.Contains(movers, n) {
			return domain.FieldErrorf("movers", "%s is listed twice", n).WithReason("migration.mover_twice")
		}
		movers = append(movers, n)
	}
	if len(movers) == 0 {
		return domain.FieldErrorf("movers", "choose who moves").WithReason("migration.movers_required")
	}
	if !slices.Contains(movers, a.ApplicantIDNumber) {
		return domain.FieldErrorf("movers", "the applicant %s must be among the movers", a.ApplicantIDNumber).WithReason("migration.applicant_moves")
	}
	a.Movers = movers
	if !slices.Contains(cat.Ways, a.Way) {
		return domain.FieldErrorf("way", "%s moves by %s, not %q", cat.Name, strings.Join(cat.Ways, " or "), a.Way).WithReason("migration.way")
	}
	a.KinIDNumber = strings.ToUpper(strings.TrimSpace(a.KinIDNumber))
	switch {
	case cat.Kin != "" && a.KinIDNumber == "":
		return domain.FieldErrorf("kinIdNumber", "%s needs the ID number of the relative registered here", cat.Name).WithReason("migration.kin_required")
	case cat.Kin != "":
		if a.KinIDNumber, err = domain.ValidateIDNumber("kinIdNumber", a.KinIDNumber, now); err != nil {
			return err
		}
		if slices.Contains(movers, a.KinIDNumber) {
			return domain.FieldErrorf("kinIdNumber", "the relative registered here cannot be a mover").WithReason("migration.kin_moves")
		}
	case a.KinIDNumber != "":
		return domain.FieldErrorf("kinIdNumber", "%s needs no relative; leave it empty", cat.Name).WithReason("migration.kin_unexpected")
	}
	a.HouseholdNumber, a.Division, a.Address = strings.TrimSpace(a.HouseholdNumber), strings.TrimSpace(a.Division), strings.TrimSpace(a.Address)
	a.Reason, a.Phone = strings.TrimSpace(a.Reason), strings.TrimSpace(a.Phone)
	switch a.Way {
	case WayJoin:
		if a.HouseholdNumber == "" {
			return domain.FieldErrorf("householdNumber", "choose the household the movers join").WithReason("migration.household_required")
		}
		if !a.HeadConsent {
			return domain.FieldErrorf("headConsent", "record the consent of the head of the household joined").WithReason("migration.head_consent")
		}
		a.Division, a.Address = "", ""
	case WayEstablish:
		if d, ok := codes.LookupDivision(a.Division); !ok || d.Level != codes.LevelCounty {
			return domain.FieldErrorf("division", "choose the county of the new address (got %q)", a.Division).WithReason("migration.division")
		}
		if n := utf8.RuneCountInString(a.Address); n < 4 || n > 100 {
			return domain.FieldErrorf("address", "enter the new address (4 to 100 characters)").WithReason("migration.address")
		}
		a.HouseholdNumber, a.HeadConsent = "", false
	}
	if utf8.RuneCountInString(a.Reason) > 500 {
		return domain.FieldErrorf("reason", "the reason has at most 500 characters").WithReason("migration.reason_length")
	}
	return nil
}

// checkMovers checks that every mover is an active member of the Ministry
// household looked up for the applicant.
func checkMovers(movers []string, h *domain.MinistryHousehold) error {
	for _, m := range movers {
		i := slices.IndexFunc(h.Members, func(p domain.MinistryPerson) bool { return p.IDNumber == m })
		if i < 0 {
			return domain.FieldErrorf("movers", "%s is not a member of household %s in the Ministry's registry", m, h.Number).WithReason("migration.mover_not_in_household")
		}
		if h.Members[i].Status != "" && h.Members[i].Status != domain.ResidentActive {
			return domain.FieldErrorf("movers", "%s is %s in the Ministry's registry and cannot move", m, h.Members[i].Status).WithReason("migration.mover_inactive")
		}
	}
	return nil
}

// checkKin checks the relative registered at A against the category: an
// active resident of A's register, of the other sex for a spouse, older
// than the movers for a parent and younger for a child; and, when the
// movers join, a member of the household joined.
func checkKin(cat Category, kin *domain.Resident, applicant domain.MinistryPerson, way, householdID string) error {
	if kin == nil || kin.Status != domain.ResidentActive {
		return domain.FieldErrorf("kinIdNumber", "the relative is not an active resident of this office's register").WithReason("migration.kin_not_registered")
	}
	switch cat.Kin {
	case "SPOUSE":
		if kin.Sex == applicant.Sex {
			return domain.FieldErrorf("kinIdNumber", "%s needs the spouse; %s is of the applicant's sex", cat.Name, kin.Name).WithReason("migration.kin_eligibility")
		}
	case "PARENT":
		if !kin.BirthDate.Before(applicant.BirthDate) {
			return domain.FieldErrorf("kinIdNumber", "%s needs a parent, older than the applicant", cat.Name).WithReason("migration.kin_eligibility")
		}
	case "CHILD":
		if !kin.BirthDate.After(applicant.BirthDate) {
			return domain.FieldErrorf("kinIdNumber", "%s needs a child, younger than the applicant", cat.Name).WithReason("migration.kin_eligibility")
		}
	}
	if way == WayJoin && kin.HouseholdID != householdID {
		return domain.FieldErrorf("householdNumber", "%s joins the household of %s; choose that household", cat.Name, kin.Name).WithReason("migration.kin_household")
	}
	return nil
}

// isHead reports whether a GB/T 4761 relation is the head (户主) or self.
func isHead(relation string) bool { return relation == "01" || relation == "02" }

// validRelation checks a GB/T 4761 code.
func validRelation(field, code string) error {
	if _, ok := codes.Relation(code); !ok {
		return domain.FieldErrorf(field, "choose the relation to the head of household from the GB/T 4761 list (got %q)", code).WithReason("migration.relation")
	}
	return nil
}

// planMoveOut checks the officer's move-out decision against the household
// left (members, the leaving ones by ID number): when the head leaves and
// others stay, a staying active member must be chosen as new head and
// every other staying member re-coded (GB/T 4761), with exactly one head;
// when the head stays, no new head. It returns the new relations by ID
// number and whether the household closes (everyone leaves).
func planMoveOut(members []*domain.Resident, leaving []string, mo MoveOut) (map[string]string, bool, error) {
	var staying []*domain.Resident
	headLeaves := false
	for _, m := range members {
		if m.Status != domain.ResidentActive {
			continue
		}
		if slices.Contains(leaving, m.IDNumber) {
			headLeaves = headLeaves || isHead(m.Relation)
			continue
		}
		staying = append(staying, m)
	}
	for _, id := range leaving {
		if !slices.ContainsFunc(members, func(m *domain.Resident) bool { return m.IDNumber == id && m.Status == domain.ResidentActive }) {
			return nil, false, domain.FieldErrorf("movers", "%s is not an active member of the household in this register", id).WithReason("migration.mover_not_in_household")
		}
	}
	if len(staying) == 0 {
		if mo.NewHeadIDNumber != "" || len(mo.Recodes) > 0 {
			return nil, false, domain.FieldErrorf("newHeadIdNumber", "everyone leaves; the household is closed and needs no new head").WithReason("migration.no_one_stays")
		}
		return map[string]string{}, true, nil
	}
	if !headLeaves {
		if mo.NewHeadIDNumber != "" || len(mo.Recodes) > 0 {
			return nil, false, domain.FieldErrorf("newHeadIdNumber", "the head stays; choose no new head").WithReason("migration.head_stays")
		}
		return map[string]string{}, false, nil
	}
	if mo.NewHeadIDNumber == "" {
		return nil, false, domain.FieldErrorf("newHeadIdNumber", "the head leaves; choose the new head among those who stay").WithReason("migration.new_head_required")
	}
	if !slices.ContainsFunc(staying, func(m *domain.Resident) bool { return m.IDNumber == mo.NewHeadIDNumber }) {
		return nil, false, domain.FieldErrorf("newHeadIdNumber", "the new head %s is not a member who stays", mo.NewHeadIDNumber).WithReason("migration.new_head_not_staying")
	}
	relations := map[string]string{mo.NewHeadIDNumber: "02"}
	for _, r := range mo.Recodes {
		if r.IDNumber == mo.NewHeadIDNumber {
			continue
		}
		if !slices.ContainsFunc(staying, func(m *domain.Resident) bool { return m.IDNumber == r.IDNumber }) {
			return nil, false, domain.FieldErrorf("recodes", "%s is not a member who stays", r.IDNumber).WithReason("migration.recode_not_staying")
		}
		if err := validRelation("recodes", r.Relation); err != nil {
			return nil, false, err
		}
		if isHead(r.Relation) {
			return nil, false, domain.FieldErrorf("recodes", "%s cannot be a second head", r.IDNumber).WithReason("migration.second_head")
		}
		relations[r.IDNumber] = r.Relation
	}
	for _, m := range staying {
		if _, ok := relations[m.IDNumber]; !ok {
			return nil, false, domain.FieldErrorf("recodes", "give %s (%s) a relation to the new head", m.Name, m.IDNumber).WithReason("migration.recode_required")
		}
	}
	return relations, false, nil
}

// planMoveIn checks the arriving members' relations (in) against the
// movers of the feedback and the household joined (existing members'
// relations; none when establishing): every mover exactly once, valid
// codes, and exactly one head afterwards (the existing one when joining,
// one of the movers when establishing).
func planMoveIn(movers []Mover, existing []*domain.Resident, in MoveIn) (map[string]string, error) {
	if len(in.Members) != len(movers) {
		return nil, domain.FieldErrorf("members", "give every arriving mover a relation (%d movers, %d given)", len(movers), len(in.Members)).WithReason("migration.members_mismatch")
	}
	out := map[string]string{}
	heads := 0
	for _, m := range existing {
		if m.Status == domain.ResidentActive && isHead(m.Relation) {
			heads++
		}
	}
	for _, m := range in.Members {
		if !slices.ContainsFunc(movers, func(v Mover) bool { return v.IDNumber == m.IDNumber }) {
			return nil, domain.FieldErrorf("members", "%s is not among the movers of the move-out feedback", m.IDNumber).WithReason("migration.member_not_mover")
		}
		if _, dup := out[m.IDNumber]; dup {
			return nil, domain.FieldErrorf("members", "%s is listed twice", m.IDNumber).WithReason("migration.member_twice")
		}
		if err := validRelation("members", m.Relation); err != nil {
			return nil, err
		}
		if isHead(m.Relation) {
			heads++
		}
		out[m.IDNumber] = m.Relation
	}
	switch {
	case heads == 0:
		return nil, domain.FieldErrorf("members", "the new household needs a head (relation 02)").WithReason("migration.head_required")
	case heads > 1:
		return nil, domain.FieldErrorf("members", "a household has one head; the household joined has one already").WithReason("migration.second_head")
	}
	return out, nil
}

// cleanReasons trims reasons and drops empty ones.
func cleanReasons(reasons []string) []string {
	clean := []string{}
	for _, r := range reasons {
		if r = strings.TrimSpace(r); r != "" {
			clean = append(clean, r)
		}
	}
	return clean
}
