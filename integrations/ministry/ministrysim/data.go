package ministrysim

import (
	"hukou/domain"
	"hukou/domain/population"
	"hukou/integrations/ministry"
)

// Documented test data. Every anomaly the simulator scripts is reachable
// through one of these values; README.md in integrations/ministry lists them
// with what each one triggers.
const (
	// NotEligibleIDNumber is a scripted Shijiazhuang resident (张建国, born
	// 1985-03-12, household ScriptedHouseholdNumber) whose off-site ID card
	// check answers not eligible with reason ReasonCaseInProgress: his
	// renewal is already in production elsewhere (last IDCardHistory record).
	NotEligibleIDNumber = "13060219850312017X"
	// ScriptedSpouseIDNumber is his wife (李秀英), an ordinary eligible person.
	ScriptedSpouseIDNumber = "130602198706200268"
	// ScriptedChildIDNumber is their son (张子轩, 11, no card yet): a FIRST
	// application is eligible, a RENEWAL is not (ReasonNoneIssued).
	ScriptedChildIDNumber = "130602201509010355"
	// ScriptedHouseholdNumber is the scripted household's number.
	ScriptedHouseholdNumber = "020199999"
	// ScriptedOfficeCode is the scripted household's registration office
	// (a police station of Chang'an district, Shijiazhuang).
	ScriptedOfficeCode = "130102000100"

	// MigrationRefusedIDNumber is the scripted resident whose e-migration
	// certificate the Ministry refuses (409 ministry.migration_refused): a
	// case of his is in progress elsewhere (NotEligibleIDNumber).
	MigrationRefusedIDNumber = NotEligibleIDNumber

	// NoResultIDNumber is a well-formed ID number (Beijing, 1990-01-01) the
	// Ministry knows nothing about: the household query answers not_found
	// and the household information verification answers found=false.
	NoResultIDNumber = "110101199001011237"

	// FreeBirthCertificateNumber is an unused medical birth certificate of
	// a newborn whose parents are a couple of a Shijiazhuang (Hebei)
	// household: what a Panjin acceptance office registers a birth with.
	// It exists whenever the populations include 130100 (the default).
	FreeBirthCertificateNumber = "M130000001"
	// UsedBirthCertificateNumber is a certificate already used for a birth
	// registration: its usage record says where, when and for whom, and its
	// registration history holds that registration.
	UsedBirthCertificateNumber = "M130000002"
	// PanjinBirthCertificateNumber is an unused certificate of a Panjin
	// couple's newborn (populations including 211100).
	PanjinBirthCertificateNumber = "M210000001"
	// UnknownBirthCertificateNumber is never issued: not_found.
	UnknownBirthCertificateNumber = "M990000001"

	// ClosedProvince is Sichuan, where ClosedBusiness is not open for
	// cross-province handling; every other province has every business
	// open.
	ClosedProvince = "51"
	// ClosedBusiness is the business closed in ClosedProvince: off-site
	// ID card applications.
	ClosedBusiness = ministry.BusinessIDCard
	// ClosedBirthProvince is Guangdong, where cross-province birth
	// registration is not open: a birth for Guangzhou parents
	// (GuangdongBirthCertificateNumber) is refused at intake.
	ClosedBirthProvince = "44"
	// GuangdongBirthCertificateNumber is an unused certificate of Guangzhou parents.
	GuangdongBirthCertificateNumber = "M440000001"
)

// Eligibility reasons (stable dotted keys) of the off-site ID card check.
const (
	ReasonCaseInProgress = "id_card.offsite.case_in_progress"
	ReasonDeceased       = "id_card.offsite.deceased"
	ReasonMovedOut       = "id_card.offsite.moved_out"
	ReasonAlreadyIssued  = "id_card.offsite.already_issued"
	ReasonNoneIssued     = "id_card.offsite.none_issued"
)

// CertificatesPerCity is how many medical birth certificates the simulator
// issues for newborns of each configured city, numbered
// M<2-digit province><7-digit sequence> in generation order of the
// parents' households (M130000001, M130000002, …).
const CertificatesPerCity = 10

// DefaultPopulations returns the default national population: Panjin,
// Shijiazhuang, Chengdu and Guangzhou, 5,000 residents each, seed 1 — so a
// Panjin database seeded with `hukou seed --seed 1 --division 211100
// --residents 5000` holds exactly the Panjin people the simulator knows.
func DefaultPopulations() []population.Config {
	var out []population.Config
	for _, d := range []string{"211100", "130100", "510100", "440100"} {
		out = append(out, population.Config{Seed: 1, Division: d, Residents: 5000})
	}
	return out
}

type material struct {
	code, name, description string
	required                bool
}

// materials are the base lists per business kind; provinceMaterials adjust
// them per province (7.1.6: lists differ by province).
var materials = map[domain.BusinessKind][]material{
	ministry.BusinessBirth: {
		{"BIRTH_CERT", "出生医学证明", "the newborn's medical birth certificate", true},
		{"PARENT_ID", "父母居民身份证", "both parents' ID cards", true},
		{"HOUSEHOLD_BOOK", "户口簿", "the household register book the child joins", true},
		{"MARRIAGE_CERT", "结婚证", "the parents' marriage certificate", true},
	},
	ministry.BusinessMigration: {
		{"HOUSEHOLD_BOOK", "户口簿", "the household register books of both households", true},
		{"ID_CARD", "居民身份证", "the migrant's ID card", true},
		{"MOVE_REASON", "迁移事由证明", "proof of the reason: property, employment, kinship", true},
		{"MARRIAGE_CERT", "结婚证", "the marriage certificate (joining a spouse)", false},
		{"KINSHIP_PROOF", "亲属关系证明", "proof of the parent-child relation (joining a parent or a child)", false},
		{"HEAD_CONSENT", "户主同意落户证明", "the written consent of the head of the household joined", false},
		{"TRANSFER_ORDER", "工作调动证明", "the transfer order of the employer (job transfer)", false},
		{"GRADUATION_CERT", "毕业证书及报到证", "the diploma and the employment registration (graduates)", false},
		{"PURCHASE_CONTRACT", "购房合同及不动产权证书", "the purchase contract and the property certificate (home purchase)", false},
	},
	ministry.BusinessInfoCert: {
		{"ID_CARD", "居民身份证", "the applicant's ID card", true},
		{"APPLICATION", "申请书", "a written application stating the purpose", false},
	},
	ministry.BusinessMatterCert: {
		{"ID_CARD", "居民身份证", "the applicant's ID card", true},
		{"MATTER_EVIDENCE", "证明事项材料", "evidence of the matter to certify", true},
		{"VERIFICATION_RECORD", "核查材料", "the registration office's verification materials (1.4.4); captured there, required for a TRUE verdict", false},
	},
	ministry.BusinessIDCard: {
		{"PHOTO_RECEIPT", "照片回执", "the digital photo receipt", true},
		{"HOUSEHOLD_BOOK", "户口簿", "the household register book", false},
		{"ID_PHOTO", "居民身份证相片", "the GA 461 photo taken at intake, which travels with the application (not captured here)", false},
	},
}

// typeMaterials are added for a type of a business (the ID card's
// application type, 1.4.5).
var typeMaterials = map[domain.BusinessKind]map[string][]material{
	ministry.BusinessIDCard: {
		string(domain.IDCardFirst):       {{"GUARDIAN_ID", "监护人居民身份证", "a guardian's ID card, for applicants under 16", false}},
		string(domain.IDCardRenewal):     {{"OLD_ID_CARD", "原居民身份证", "the card to be renewed", true}},
		string(domain.IDCardReplacement): {{"LOSS_STATEMENT", "居民身份证遗失或损坏情况说明", "the applicant's statement of the loss or damage", true}},
	},
}

var provinceMaterials = map[string]map[domain.BusinessKind][]material{
	"13": {ministry.BusinessBirth: {{"BIRTH_APPLICATION", "出生登记申请表", "Hebei's birth registration application form", true}}},
	"21": {ministry.BusinessMigration: {{"PROPERTY_CERT", "不动产权证书", "Liaoning requires the property certificate of the new address", true}}},
	"44": {ministry.BusinessIDCard: {{"RESIDENCE_PERMIT", "居住证", "Guangdong requires a residence permit for off-site applications", true}}},
}

// newbornNames are given names of certificate newborns, by sex.
var newbornNames = map[bool][]string{
	true:  {"宇轩", "浩然", "子墨", "梓睿", "沐宸", "一诺"},
	false: {"欣怡", "梓涵", "诗琪", "语桐", "若汐", "一一"},
}

// FirstBirthCertificateNumber is the first certificate the simulator issues
// for newborns of a province's city (M<province>0000001): for 130100,
// FreeBirthCertificateNumber; for 211100, PanjinBirthCertificateNumber.
func FirstBirthCertificateNumber(division string) string {
	return "M" + division[:2] + "0000001"
}

// CertificateStation returns the police station that holds the household
// of the father named by certificate number: where a birth registered with
// it settles, so where a demo's registration-side users must sit to act on
// it. False for a number the simulator never issued.
func (s *Simulator) CertificateStation(number string) (string, bool) {
	c, ok := s.certs[number]
	if !ok {
		return "", false
	}
	p, ok := s.people[c.c.FatherIDNumber]
	if !ok {
		return "", false
	}
	return p.hh.h.StationCode, true
}

// CardHolderAt returns the ID number of an adult (30 to 45 years old on
// population.RefDate), active resident registered at the station, who holds
// an ID card and is eligible for an off-site renewal for a change of data:
// the demo's ID card applicant, whose application the demo's county-level
// users review.
func (s *Simulator) CardHolderAt(station string) (string, bool) {
	for _, hh := range s.households {
		if hh.h.StationCode != station {
			continue
		}
		for _, m := range hh.members {
			age := population.RefDate.Year() - m.BirthDate.Year()
			if m.Status == domain.ResidentActive && age >= 30 && age <= 45 && m.IDNumber != NotEligibleIDNumber {
				return m.IDNumber, true
			}
		}
	}
	return "", false
}
