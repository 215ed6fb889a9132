package birth

import (
	"fmt"
	"strings"
	"time"
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

// validName checks a newborn's name in field.
func validName(field, name string) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(name)); {
	case n == 0:
		return domain.FieldErrorf(field, "enter the newborn's name").WithReason("birth.name_required")
	case n > 20:
		return domain.FieldErrorf(field, "a name has at most 20 characters").WithReason("birth.name_length")
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

func (a *Applicant) validate(now time.Time) error {
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
	if strings.TrimSpace(a.DeclarantName) == "" {
		return domain.FieldErrorf("declarantName", "enter the declarant's name").WithReason("birth.declarant_name")
	}
	if _, err := domain.ValidateIDNumber("declarantIdNumber", a.DeclarantIDNumber, now); err != nil {
		return err
	}
	return nil
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
	for field, v := range changes {
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
