package birth

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"hukou/domain"
	"hukou/domain/codes"
)

// The rules of birth registration, each refusing with a field and a stable
// reason; table-tested in rules_test.go.

// majorItems are the resident fields whose change needs an approver
// (主项变更, 2.2.2): name, ID number, birth date and ethnicity per the
// requirement, and sex, because the ID number encodes it.
var majorItems = map[string]bool{"name": true, "idNumber": true, "birthDate": true, "ethnicity": true, "sex": true}

// minorItems are corrected directly by the registration office (1.3.3).
var minorItems = map[string]bool{"formerNames": true, "relation": true, "birthplaceDivision": true}

func validItem(field string) bool { return majorItems[field] || minorItems[field] }

// certificateNumberOf trims a certificate number and refuses an empty one.
func certificateNumberOf(s string) (string, error) {
	certNo := strings.TrimSpace(s)
	if certNo == "" {
		return "", domain.FieldErrorf("certificateNumber", "enter the medical birth certificate number").WithReason("birth.certificate_required")
	}
	return certNo, nil
}

func validSettleWith(v string) error {
	if v != "FATHER" && v != "MOTHER" {
		return domain.FieldErrorf("settleWith", "choose the father's or the mother's household").WithReason("birth.settle_with")
	}
	return nil
}

// validName checks a name in field: present, at most 20 characters, in
// Chinese characters (chineseName).
func validName(field, name string) error {
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return domain.FieldErrorf(field, "enter the name").WithReason("birth.name_required")
	case n > 20:
		return domain.FieldErrorf(field, "a name has at most 20 characters").WithReason("birth.name_length")
	case !chineseName(name):
		return domain.FieldErrorf(field, "%q is not a name in Chinese characters: no Latin letters, digits or spaces; an ethnic name separates its parts with the middle dot ·", name).WithReason("birth.name_chinese")
	}
	return nil
}

func validEthnicity(field, code string) error {
	if _, ok := codes.Ethnicity(code); !ok {
		return domain.FieldErrorf(field, "choose an ethnicity from the GB/T 3304 list (got %q)", code).WithReason("birth.ethnicity")
	}
	return nil
}

func validRelation(field, code string) error {
	if _, ok := codes.Relation(code); !ok {
		return domain.FieldErrorf(field, "choose the relation to the head of household from the GB/T 4761 list (got %q)", code).WithReason("birth.relation")
	}
	return nil
}

// normalise checks the clerk's data and puts it in the form it is stored
// in: names and phone trimmed, the declarant's ID number upgraded from 15
// digits and with an upper-case X. The relation is checked against the
// certificate and household later (checkIntake).
func (a *Applicant) normalise(now time.Time) error {
	a.NewbornName, a.DeclarantName = strings.TrimSpace(a.NewbornName), strings.TrimSpace(a.DeclarantName)
	a.DeclarantPhone = strings.TrimSpace(a.DeclarantPhone)
	if err := validName("newbornName", a.NewbornName); err != nil {
		return err
	}
	if err := validEthnicity("ethnicity", a.Ethnicity); err != nil {
		return err
	}
	if err := validRelation("relation", a.Relation); err != nil {
		return err
	}
	if err := validSettleWith(a.SettleWith); err != nil {
		return err
	}
	if a.DeclarantName == "" {
		return domain.FieldErrorf("declarantName", "enter the declarant's name").WithReason("birth.declarant_name")
	}
	if err := validName("declarantName", a.DeclarantName); err != nil {
		return err
	}
	number, err := domain.ValidateIDNumber("declarantIdNumber", strings.ToUpper(strings.TrimSpace(a.DeclarantIDNumber)), now)
	if err != nil {
		return err
	}
	a.DeclarantIDNumber = number
	return validPhone("declarantPhone", a.DeclarantPhone)
}

func (in *Settlement) validate(now time.Time) error {
	if err := validName("name", in.Name); err != nil {
		return err
	}
	if _, ok := codes.Sex(in.Sex); !ok || (in.Sex != "1" && in.Sex != "2") {
		return domain.FieldErrorf("sex", "choose 1 (male) or 2 (female)").WithReason("birth.sex")
	}
	if err := validEthnicity("ethnicity", in.Ethnicity); err != nil {
		return err
	}
	if err := validRelation("relation", in.Relation); err != nil {
		return err
	}
	if in.BirthDate.IsZero() || in.BirthDate.After(now) {
		return domain.FieldErrorf("birthDate", "the birth date must be a past date").WithReason("birth.birth_date")
	}
	if strings.TrimSpace(in.HouseholdNumber) == "" {
		return domain.FieldErrorf("householdNumber", "choose the household the newborn joins").WithReason("birth.household_required")
	}
	return nil
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

func validateErrorItems(items []ErrorItem) error {
	if len(items) == 0 {
		return domain.FieldErrorf("items", "describe at least one error and the correction wanted").WithReason("birth.errors_required")
	}
	for i, it := range items {
		if !validItem(it.Field) {
			return domain.FieldErrorf(fmt.Sprintf("items[%d].field", i), "%q is not a field of the registration form", it.Field).WithReason("birth.error_field")
		}
		if strings.TrimSpace(it.Wanted) == "" {
			return domain.FieldErrorf(fmt.Sprintf("items[%d].wanted", i), "say what the field should read").WithReason("birth.error_wanted")
		}
	}
	return nil
}

func validateMinor(changes map[string]string) error {
	if len(changes) == 0 {
		return domain.FieldErrorf("changes", "give at least one correction").WithReason("birth.changes_required")
	}
	for _, field := range sortedKeys(changes) {
		v := changes[field]
		switch {
		case majorItems[field]:
			return domain.FieldErrorf("changes", "%s is a major item: request a major-item change for an approver", field).WithReason("birth.major_item")
		case !minorItems[field]:
			return domain.FieldErrorf("changes", "%q is not a correctable field", field).WithReason("birth.error_field")
		case field == "relation":
			if _, ok := codes.Relation(v); !ok {
				return domain.FieldErrorf("changes", "relation %q is not in the GB/T 4761 list", v).WithReason("birth.relation")
			}
		case field == "birthplaceDivision":
			if _, ok := codes.LookupDivision(v); !ok {
				return domain.FieldErrorf("changes", "birthplace %q is not a GB/T 2260 division", v).WithReason("birth.birthplace")
			}
		case field == "formerNames" && v != "" && !chineseName(v):
			return domain.FieldErrorf("changes", "former name %q is not written in Chinese characters", v).WithReason("birth.name_chinese")
		}
	}
	return nil
}

func validateMajor(ch MajorChange, now time.Time) error {
	if !majorItems[ch.Field] {
		return domain.FieldErrorf("field", "%q is not a major item (name, idNumber, birthDate, ethnicity, sex)", ch.Field).WithReason("birth.not_major")
	}
	if strings.TrimSpace(ch.Value) == "" {
		return domain.FieldErrorf("value", "give the new value").WithReason("birth.change_value")
	}
	if strings.TrimSpace(ch.Reason) == "" {
		return domain.FieldErrorf("reason", "give the reason for the change").WithReason("birth.change_reason")
	}
	switch ch.Field {
	case "ethnicity":
		if _, ok := codes.Ethnicity(ch.Value); !ok {
			return domain.FieldErrorf("value", "ethnicity %q is not in the GB/T 3304 list", ch.Value).WithReason("birth.ethnicity")
		}
	case "sex":
		if ch.Value != "1" && ch.Value != "2" {
			return domain.FieldErrorf("value", "sex is 1 (male) or 2 (female)").WithReason("birth.sex")
		}
	case "birthDate":
		d, err := time.Parse(time.DateOnly, ch.Value)
		if err != nil || d.After(now) {
			return domain.FieldErrorf("value", "give a past date as YYYY-MM-DD").WithReason("birth.birth_date")
		}
	case "idNumber":
		if _, err := domain.ValidateIDNumber("value", ch.Value, now); err != nil {
			return err
		}
	}
	return nil
}

// newbornRelationsCSV is the data of the child-relation rule (feature 9:
// data, not code): for the GB/T 4761 relation of the newborn's parent to
// the head of household (parents) and the newborn's sex, the relations the
// newborn may have to the head (子/女 when the parent is the head or the
// head's spouse, 孙子/孙女 when the parent is the head's son, …).
//
//go:embed data/newborn_relations.csv
var newbornRelationsCSV []byte

// relationRow is one row of newborn_relations.csv.
type relationRow struct {
	parents map[string]bool
	sex     string
	newborn []string
}

var relationRows = sync.OnceValue(func() []relationRow {
	recs, err := csv.NewReader(bytes.NewReader(newbornRelationsCSV)).ReadAll()
	if err != nil || len(recs) < 2 || strings.Join(recs[0], ",") != "parents,sex,newborn" {
		panic(fmt.Sprintf("birth: malformed newborn_relations.csv: %v", err))
	}
	rows := make([]relationRow, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		row := relationRow{parents: map[string]bool{}, sex: rec[1], newborn: strings.Fields(rec[2])}
		for _, p := range strings.Fields(rec[0]) {
			row.parents[p] = true
		}
		for _, code := range append(strings.Fields(rec[0]), row.newborn...) {
			if _, ok := codes.Relation(code); !ok {
				panic(fmt.Sprintf("birth: newborn_relations.csv row %d: %q is not a GB/T 4761 code", i+2, code))
			}
		}
		rows = append(rows, row)
	}
	return rows
})

// newbornRelation checks the relation to the head of household a newborn
// of sex ("1", "2"; "" when unknown) is registered with, given its
// parent's relation to the head ("" when the parent is not a member): it
// must be a relation a newborn can have (a child, grandchild, … of the
// head: never 本人, 户主, a parent or 非亲属), of the newborn's sex, and
// the one the parent's place in the household gives.
func newbornRelation(field, relation, sex, parentRelation string) error {
	if err := validRelation(field, relation); err != nil {
		return err
	}
	name := func(code string) string {
		e, _ := codes.Relation(code)
		return e.Name + " (" + code + ")"
	}
	var anySex, ofSex, ofParent []string
	parentKnown := false
	for _, row := range relationRows() {
		anySex = append(anySex, row.newborn...)
		if sex == "" || row.sex == sex {
			ofSex = append(ofSex, row.newborn...)
			if row.parents[parentRelation] {
				parentKnown = true
				ofParent = append(ofParent, row.newborn...)
			}
		}
	}
	switch {
	case !slices.Contains(anySex, relation):
		return domain.FieldErrorf(field, "%s is not a relation a newborn can have to the head of household: choose a child's relation such as 子 (20) or 女 (30)", name(relation)).WithReason("birth.relation_not_child")
	case !slices.Contains(ofSex, relation):
		return domain.FieldErrorf(field, "%s does not fit the newborn's sex (%s)", name(relation), sexName(sex)).WithReason("birth.relation_sex")
	case parentKnown && !slices.Contains(ofParent, relation):
		wanted := make([]string, 0, len(ofParent))
		for _, c := range ofParent {
			wanted = append(wanted, name(c))
		}
		return domain.FieldErrorf(field, "the parent is %s of the head of household, so the newborn is %s, not %s",
			name(parentRelation), strings.Join(wanted, " or "), name(relation)).WithReason("birth.relation_head")
	}
	return nil
}

func sexName(code string) string {
	if e, ok := codes.Sex(code); ok {
		return e.Name
	}
	return code
}

// isHead reports whether relation makes its holder the head of household.
func isHead(relation string) bool { return relation == "02" || relation == "01" }

// oneHead refuses relation 户主 (02) or 本人 (01) for a newborn joining a
// household whose members' relations (active members) already include a head.
func oneHead(field, relation string, memberRelations []string) error {
	if !isHead(relation) {
		return nil
	}
	if slices.ContainsFunc(memberRelations, isHead) {
		return domain.FieldErrorf(field, "the household already has a head; a household has one head, so the newborn joins with a child's relation").WithReason("birth.household_has_head")
	}
	return nil
}

// chineseName reports whether name is written in Chinese characters (any
// CJK ideograph, Extension B and beyond included), with single middle dots
// (·, U+00B7) only between the parts of an ethnic name.
func chineseName(name string) bool {
	runes := []rune(name)
	if len(runes) == 0 {
		return false
	}
	for i, r := range runes {
		if r == '·' {
			if i == 0 || i == len(runes)-1 || runes[i-1] == '·' {
				return false
			}
			continue
		}
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// mobilePhone and landline are the Chinese phone formats: a mobile number
// 1[3-9]xxxxxxxxx, or a landline with its area code (010, 02x or 0xxx),
// optionally hyphenated and with an extension.
var (
	mobilePhone = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landline    = regexp.MustCompile(`^0(10|2[0-9]|[3-9][0-9]{2})-?[1-9][0-9]{6,7}(-[0-9]{1,6})?$`)
)

// validPhone checks a phone number in field; empty is allowed (the
// declarant may give none).
func validPhone(field, phone string) error {
	if phone == "" || mobilePhone.MatchString(phone) || landline.MatchString(phone) {
		return nil
	}
	return domain.FieldErrorf(field, "%q is not a Chinese phone number: a mobile number of 11 digits starting 13–19, or a landline with its area code (e.g. 0311-86681234)", phone).WithReason("birth.phone")
}

// chinaTime is the zone birth times are dated in.
var chinaTime = time.FixedZone("CST", 8*3600)

// matchCertificate refuses a settlement whose sex or birth date contradicts
// the medical birth certificate (a different child, or a typing error).
func (in *Settlement) matchCertificate(cert Certificate) error {
	if cert.Sex != "" && in.Sex != cert.Sex {
		return domain.FieldErrorf("sex", "the medical birth certificate %s says %s; the register must say the same", cert.Number, sexName(cert.Sex)).WithReason("birth.sex_mismatch")
	}
	if !cert.BirthTime.IsZero() {
		if want := cert.BirthTime.In(chinaTime).Format(time.DateOnly); in.BirthDate.Format(time.DateOnly) != want {
			return domain.FieldErrorf("birthDate", "the medical birth certificate %s says the child was born on %s", cert.Number, want).WithReason("birth.birth_date_mismatch")
		}
	}
	return nil
}

// sameProvince refuses a birth whose parent's household is in this
// deployment's own province: that is local business, not cross-province
// handling (跨省通办).
func sameProvince(ownOffice, householdOffice string) error {
	if len(ownOffice) >= 2 && len(householdOffice) >= 2 && ownOffice[:2] == householdOffice[:2] {
		p, _ := codes.Province(householdOffice[:6])
		return domain.FieldErrorf("settleWith", "the parent's household is registered in %s, this office's own province: register the birth as local business at the household's police station, not as a cross-province case", p.Name).WithReason("birth.same_province")
	}
	return nil
}

// checkIntake checks the clerk's data against what the Ministry said: the
// relation fits the certificate's sex and the parent's place in the
// household, and the household gets no second head.
func (a *Applicant) checkIntake(m MinistryData) error {
	var relations []string
	parentRelation := ""
	if h := m.Household; h != nil {
		for _, p := range h.Members {
			if p.Status == "" || p.Status == domain.ResidentActive {
				relations = append(relations, p.Relation)
			}
		}
		parentRelation = h.Person.Relation
	}
	if err := oneHead("relation", a.Relation, relations); err != nil {
		return err
	}
	return newbornRelation("relation", a.Relation, m.Certificate.Sex, parentRelation)
}

// birthplaceCorrection checks a corrected birthplace: a current county of
// the province the medical birth certificate was issued in (the birthplace
// is the certificate's; a correction fixes a county, never moves the birth
// to another province).
func birthplaceCorrection(field, division string, cert Certificate) error {
	d, ok := codes.LookupDivision(division)
	if !ok || d.Historical || d.Level != codes.LevelCounty {
		return domain.FieldErrorf(field, "birthplace %q is not a current county-level GB/T 2260 division", division).WithReason("birth.birthplace")
	}
	if certDiv := cert.BirthplaceDivision; len(certDiv) == 6 && certDiv[:2] != division[:2] {
		return domain.FieldErrorf(field, "the medical birth certificate places the birth in %s; a correction cannot move it to another province", codes.FullName(certDiv)).WithReason("birth.birthplace_certificate")
	}
	return nil
}

// reportedOnly refuses a minor correction of an item the applicant did not
// report (1.3.3: the registration office corrects what was reported).
func reportedOnly(changes map[string]string, report []ErrorItem) error {
	reported := map[string]bool{}
	for _, it := range report {
		reported[it.Field] = true
	}
	for _, field := range sortedKeys(changes) {
		if !reported[field] {
			return domain.FieldErrorf("changes", "%s was not reported by the applicant; correct only the reported items", field).WithReason("birth.not_reported")
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// reasonRequired refuses an empty reason of a rejection.
func reasonRequired(field, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return domain.FieldErrorf(field, "give the reason for the rejection").WithReason("birth.reason_required")
	}
	return nil
}
