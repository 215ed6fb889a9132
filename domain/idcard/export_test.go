package idcard

// Internals for the external tests (rules_test.go imports idcardtest, which
// imports this package).
var (
	CheckHistory     = checkHistory
	CheckIssue       = checkIssue
	CheckCollection  = checkCollection
	Anniversary      = anniversary
	EligibilityError = eligibility
	CrossProvince    = crossProvince
	LoadTables       = loadTables
	ExpiringWindow   = defaultExpiringWindow
)

// NormaliseApplicant runs the applicant's normalisation.
var NormaliseApplicant = (*Applicant).normalise
