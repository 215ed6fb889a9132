package certificate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"hukou/domain"
)

// The rules of household certificates, each refusing with a field and a
// stable reason; table-tested in rules_test.go.

// MatterType is a kind of matter a household matter certificate certifies
// (feature 1.1.6): its code, its printed title, how many persons it is
// about, and which facts the clerk must enter for it (the others must stay
// empty). The list is data: a new matter type is one entry.
type MatterType struct {
	Code       string
	Title      string
	MinPersons int
	MaxPersons int
	// Needs lists the Matter fields required for the type, by JSON name:
	// relation, otherName, address, period.
	Needs []string
}

// MatterTypes are the matters a registrar certifies.
var MatterTypes = []MatterType{
	{Code: "KINSHIP", Title: "亲属关系证明", MinPersons: 2, MaxPersons: 2, Needs: []string{"relation"}},
	{Code: "SAME_PERSON", Title: "同一人证明", MinPersons: 1, MaxPersons: 1, Needs: []string{"otherName"}},
	{Code: "CANCELLED_REGISTRATION", Title: "注销户口证明", MinPersons: 1, MaxPersons: 1},
	{Code: "PAST_ADDRESS", Title: "曾经户籍地址证明", MinPersons: 1, MaxPersons: 1, Needs: []string{"address", "period"}},
	// The assisted flow of an information certificate the platform could
	// not answer (1.1.5).
	{Code: "HOUSEHOLD_INFO", Title: "户籍信息证明（协查）", MinPersons: 1, MaxPersons: 1},
}

func matterType(code string) (MatterType, bool) {
	for _, t := range MatterTypes {
		if t.Code == code {
			return t, true
		}
	}
	return MatterType{}, false
}

// optionalFacts are the facts a matter type may need.
var optionalFacts = []string{"relation", "otherName", "address", "period"}

func (m *Matter) fact(name string) *string {
	switch name {
	case "relation":
		return &m.Relation
	case "otherName":
		return &m.OtherName
	case "address":
		return &m.Address
	default:
		return &m.Period
	}
}

var (
	reOffice = regexp.MustCompile(`^[0-9]{12}$`)
	rePhone  = regexp.MustCompile(`^(1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[0-9]{7,8})$`)
)

// text trims v and checks it is present (when required) and at most max
// characters, refusing with field and reason certificate.<what>.
func text(field, what string, v *string, required bool, maxLen int) error {
	*v = strings.TrimSpace(*v)
	switch n := utf8.RuneCountInString(*v); {
	case n == 0 && required:
		return domain.FieldErrorf(field, "enter the %s", strings.ReplaceAll(what, "_", " ")).WithReason("certificate." + what + "_required")
	case n > maxLen:
		return domain.FieldErrorf(field, "the %s has at most %d characters", strings.ReplaceAll(what, "_", " "), maxLen).WithReason("certificate." + what + "_length")
	case strings.ContainsFunc(*v, func(r rune) bool { return r < 0x20 && r != '\n' }):
		return domain.FieldErrorf(field, "the %s contains control characters", strings.ReplaceAll(what, "_", " ")).WithReason("certificate." + what + "_control")
	}
	return nil
}

// idNumber normalises and checks a citizen ID number in field.
func idNumber(field string, v *string, now time.Time) error {
	n, err := domain.ValidateIDNumber(field, strings.ToUpper(strings.TrimSpace(*v)), now)
	if err != nil {
		return err
	}
	*v = n
	return nil
}

// normalise checks the clerk's matter and puts it in the form it is stored
// in (1.1.6, 1.2.3): a known matter type, its number of persons, each with
// a valid and distinct ID number and a name, the facts the type needs and
// none it does not, the statement and purpose, the applicant.
func (m *Matter) normalise(now time.Time) error {
	t, ok := matterType(m.MatterType)
	if !ok {
		codes := make([]string, len(MatterTypes))
		for i, t := range MatterTypes {
			codes[i] = t.Code
		}
		return domain.FieldErrorf("matterType", "choose the matter to certify (%s)", strings.Join(codes, ", ")).WithReason("certificate.matter_type")
	}
	if len(m.Persons) < t.MinPersons || len(m.Persons) > t.MaxPersons {
		want := fmt.Sprint(t.MinPersons)
		if t.MaxPersons != t.MinPersons {
			want = fmt.Sprintf("%d to %d", t.MinPersons, t.MaxPersons)
		}
		return domain.FieldErrorf("persons", "a %s is about %s person(s); %d given", t.Title, want, len(m.Persons)).WithReason("certificate.persons_count")
	}
	seen := map[string]bool{}
	for i := range m.Persons {
		p := &m.Persons[i]
		if err := idNumber(fmt.Sprintf("persons[%d].idNumber", i), &p.IDNumber, now); err != nil {
			return err
		}
		if seen[p.IDNumber] {
			return domain.FieldErrorf(fmt.Sprintf("persons[%d].idNumber", i), "%s is listed twice; a matter is about distinct persons", p.IDNumber).WithReason("certificate.person_twice")
		}
		seen[p.IDNumber] = true
		if err := text(fmt.Sprintf("persons[%d].name", i), "name", &p.Name, true, 20); err != nil {
			return err
		}
	}
	for _, f := range optionalFacts {
		v := m.fact(f)
		needed := slices.Contains(t.Needs, f)
		if err := text(f, f, v, needed, 200); err != nil {
			return err
		}
		if !needed && *v != "" {
			return domain.FieldErrorf(f, "a %s does not certify a %s; leave it empty", t.Title, f).WithReason("certificate.fact_not_used")
		}
	}
	if t.Code == "SAME_PERSON" && m.OtherName == m.Persons[0].Name {
		return domain.FieldErrorf("otherName", "the other name is the same as the person's name").WithReason("certificate.other_name_same")
	}
	if err := text("statement", "statement", &m.Statement, true, 500); err != nil {
		return err
	}
	if err := text("purpose", "purpose", &m.Purpose, true, 200); err != nil {
		return err
	}
	if err := text("applicantName", "applicant_name", &m.ApplicantName, true, 20); err != nil {
		return err
	}
	if err := idNumber("applicantIdNumber", &m.ApplicantIDNumber, now); err != nil {
		return err
	}
	m.ApplicantPhone = strings.TrimSpace(m.ApplicantPhone)
	if m.ApplicantPhone != "" && !rePhone.MatchString(m.ApplicantPhone) {
		return domain.FieldErrorf("applicantPhone", "enter an 11-digit mobile number or a landline with its area code").WithReason("certificate.phone")
	}
	m.RegistrationOffice = strings.TrimSpace(m.RegistrationOffice)
	if m.RegistrationOffice != "" && !reOffice.MatchString(m.RegistrationOffice) {
		return domain.FieldErrorf("registrationOffice", "the registration office code has 12 digits").WithReason("certificate.registration_office")
	}
	return nil
}

// normalise checks an information certificate request (1.1.5).
func (r *InfoRequest) normalise(now time.Time) error {
	if err := idNumber("idNumber", &r.IDNumber, now); err != nil {
		return err
	}
	if err := text("name", "name", &r.Name, true, 20); err != nil {
		return err
	}
	if err := text("purpose", "purpose", &r.Purpose, true, 200); err != nil {
		return err
	}
	return text("applicantName", "applicant_name", &r.ApplicantName, true, 20)
}

// registrationOffice decides the registration office of a matter: the
// household office the Ministry gives for the first person, or, when it
// knows none, the one the applicant names (then required). Both given and
// different is refused: the register says otherwise.
func registrationOffice(m *Matter, first PersonCheck) (string, error) {
	switch {
	case first.Found && m.RegistrationOffice != "" && m.RegistrationOffice != first.OfficeCode:
		return "", domain.FieldErrorf("registrationOffice", "the Ministry registers %s at office %s, not %s; leave the office empty or correct it",
			first.IDNumber, first.OfficeCode, m.RegistrationOffice).WithReason("certificate.registration_office_mismatch")
	case first.Found:
		return first.OfficeCode, nil
	case m.RegistrationOffice == "":
		return "", domain.FieldErrorf("registrationOffice", "the Ministry has no household for %s: enter the registration office the applicant names",
			first.IDNumber).WithReason("certificate.registration_office_required")
	}
	return m.RegistrationOffice, nil
}

// crossProvince refuses a registration office in the acceptance office's
// own province: that is local business, not a cross-province certificate.
func crossProvince(field, acceptance, registration string) error {
	if acceptance[:2] == registration[:2] {
		return domain.FieldErrorf(field, "the hukou is in this office's own province %s; issue the certificate as local business", registration[:2]).
			WithReason("certificate.same_province")
	}
	return nil
}

// checkDecision checks a verdict's input at R (2.1.3): findings for TRUE
// (printed on the certificate), at least one reason otherwise.
func checkDecision(v Verdict, findings string, reasons []string) (string, []string, error) {
	findings = strings.TrimSpace(findings)
	clean := []string{}
	for _, r := range reasons {
		if r = strings.TrimSpace(r); r != "" {
			clean = append(clean, r)
		}
	}
	switch {
	case !v.Valid():
		return "", nil, domain.FieldErrorf("verdict", "the verdict is TRUE, NOT_TRUE or NO_RESULT").WithReason("certificate.verdict")
	case v == VerdictTrue && findings == "":
		return "", nil, domain.FieldErrorf("findings", "state what the verification established; it is printed on the certificate").WithReason("certificate.findings_required")
	case utf8.RuneCountInString(findings) > 500:
		return "", nil, domain.FieldErrorf("findings", "the findings have at most 500 characters").WithReason("certificate.findings_length")
	case v != VerdictTrue && len(clean) == 0:
		return "", nil, domain.FieldErrorf("reasons", "give at least one reason").WithReason("certificate.reasons_required")
	}
	return findings, clean, nil
}

// requireVerificationMaterials refuses a TRUE verdict without a
// verification material captured at R (1.4.4).
func requireVerificationMaterials(files []domain.FileContent) error {
	for _, f := range files {
		if f.MaterialCode == MaterialVerification {
			return nil
		}
	}
	return domain.FieldErrorf("materials", "a TRUE verdict needs the verification materials: capture them as %s first", MaterialVerification).
		WithReason("certificate.verification_materials")
}

// revocationReason trims a revocation reason and refuses an empty or overlong one.
func revocationReason(reason string) (string, error) {
	err := text("reason", "revocation_reason", &reason, true, 200)
	return reason, err
}

// Certificate numbers: "ZM" (证明) and the 22 digits of the case's
// collaboration number, which the database keeps unique per side.
const numberPrefix = "ZM"

// numberOf returns the certificate number of a case's collaboration number.
func numberOf(collabNo string) string { return numberPrefix + strings.TrimPrefix(collabNo, "XT") }

// collabNoOf returns the collaboration number a certificate number was
// made from, or false for anything that is not a certificate number.
func collabNoOf(number string) (string, bool) {
	number = strings.ToUpper(strings.TrimSpace(number))
	if !strings.HasPrefix(number, numberPrefix) {
		return "", false
	}
	c := "XT" + strings.TrimPrefix(number, numberPrefix)
	return c, domain.ValidCollabNo(c)
}

// codeAlphabet has no 0/O, 1/I/L: codes are typed from paper.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// CodeLength is the length of a verification code.
const CodeLength = 10

// validCode reports whether code has the form of a verification code.
func validCode(code string) bool {
	if len(code) != CodeLength {
		return false
	}
	for _, r := range code {
		if !strings.ContainsRune(codeAlphabet, r) {
			return false
		}
	}
	return true
}
