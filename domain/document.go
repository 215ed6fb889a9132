package domain

import (
	"context"
	"time"
)

// DocumentRenderer turns a document model into a printable file (PDF). The
// renderer owns layout, fonts and code-to-name translation (sex, ethnicity,
// relation and division codes are printed as their Chinese names); callers
// pass data only. Implementations are safe for concurrent use.
type DocumentRenderer interface {
	// Render returns the rendered document. A document that cannot be
	// rendered (unknown kind, invalid data) gives a *Error with CodeInvalid;
	// anything else is internal. Characters that no configured font can draw
	// do not fail the rendering: the implementation prints a visible
	// placeholder and reports them (see the implementation's docs).
	Render(ctx context.Context, d Document) ([]byte, error)
}

// DocumentKind names a kind of generated document.
type DocumentKind string

// Document kinds.
const (
	// DocRegistrationForm is the resident registration form (常住人口登记表, "常表").
	DocRegistrationForm DocumentKind = "REGISTRATION_FORM"
	// DocRefusalNotice is the notice of refusal (不予办理通知书).
	DocRefusalNotice DocumentKind = "REFUSAL_NOTICE"
	// DocCompletionConfirmation is the confirmation that a case is done (办结确认书).
	DocCompletionConfirmation DocumentKind = "COMPLETION_CONFIRMATION"
	// DocMoveInRecord is the 准予迁入证明 / move-in record a migration's
	// move-in office prints (MoveInRecord).
	DocMoveInRecord DocumentKind = "MOVE_IN_RECORD"

	// DocAcceptanceReceipt is the acceptance receipt (受理回执) the applicant
	// takes home from the counter (AcceptanceReceipt).
	DocAcceptanceReceipt DocumentKind = "ACCEPTANCE_RECEIPT"

	// DocCertificate is a household certificate (户籍信息证明, 户籍事项证明)
	// or a refusal to certify (不予出具证明告知书).
	DocCertificate DocumentKind = "CERTIFICATE"
)

// Document is one of the document models: *RegistrationForm, *RefusalNotice,
// *CompletionConfirmation or *Certificate. The set is closed (the unexported method), so a
// renderer can handle every kind; adding a kind means adding it here and to
// the renderer.
type Document interface {
	// Kind says which document this is.
	Kind() DocumentKind
	// DocumentSeals returns the seals stamped on the document.
	DocumentSeals() []Seal
	isDocument()
}

// Seal is an official seal stamped on a document. With electronic seals
// configured (DocumentStamper) the document is signed with the office's
// household seal (its picture where the seal goes) and the operator's
// personal seal beside it (5.1.2); without them it is drawn as a red circle
// with a star, the office name around the rim and the seal's name across
// the middle.
type Seal struct {
	// Office is the name written around the rim, e.g. "盘锦市公安局兴隆台分局兴隆派出所".
	Office string
	// Name is the seal's purpose written under the star, e.g. "户口专用章"; may be empty.
	Name string
	// OfficeCode is the office whose electronic household seal stamps the
	// document; empty means the printing actor's office.
	OfficeCode string
	// OperatorID is the user whose personal seal is added (the officer who
	// handled the matter, for a document a background job renders); empty
	// means the printing actor, and none for a system actor.
	OperatorID string
}

// RegistrationForm is the resident registration form (常住人口登记表) of one
// person, as the registration office produces it after settling a newborn
// (feature 1.3.1) and again after each correction (2.2.3). Code fields hold
// national-standard codes like the Resident they are copied from; the
// renderer prints their names.
type RegistrationForm struct {
	// CollabNo is the collaboration number of the case the form belongs to.
	CollabNo string
	// Revision is 0 for the first form and n for the n-th corrected one (更正).
	Revision int

	// Name is the person's name (姓名).
	Name string
	// FormerNames lists former names (曾用名); empty when there are none.
	FormerNames string
	// Sex is the GB/T 2261.1 sex code.
	Sex string
	// Ethnicity is the GB/T 3304 ethnicity code.
	Ethnicity string
	// BirthDate is the date of birth; only its calendar date is printed.
	BirthDate time.Time
	// BirthplaceDivision is the GB/T 2260 division of the birthplace, printed
	// with its enclosing divisions ("辽宁省盘锦市大洼区").
	BirthplaceDivision string
	// IDNumber is the citizen identity number (公民身份号码, GB 11643).
	IDNumber string
	// Relation is the GB/T 4761 relation-to-head code (与户主关系).
	Relation string
	// HeadName is the name of the head of household (户主姓名); may be empty.
	HeadName string
	// HouseholdNumber is the household number (户号).
	HouseholdNumber string
	// AddressDivision is the GB/T 2260 division of the registered address.
	AddressDivision string
	// AddressDetail is the rest of the address after the division names.
	AddressDetail string
	// Station is the name of the police station that keeps the household.
	Station string
	// Hcybsh is the household member identifier (户成员标识号); may be empty.
	Hcybsh string

	// The rest of the paper form's items, printed blank when empty (a
	// newborn has none of them yet): 籍贯 (NativePlace, a GB/T 2260 code or
	// text), 宗教信仰, 身高, 血型, 文化程度, 婚姻状况, 兵役状况, 服务处所,
	// 职业, 本市(县)其他住址, 何时由何地迁来本市(县) (CameToCity) and 何时由何地迁来本址
	// (CameToAddress).
	NativePlace     string
	Religion        string
	Height          string
	BloodType       string
	Education       string
	MaritalStatus   string
	MilitaryService string
	Employer        string
	Occupation      string
	OtherAddress    string
	CameToCity      string
	CameToAddress   string

	// Clerk is the name of the officer who registered the person (承办人).
	Clerk string
	// RegisteredOn is the date of registration (登记日期); zero prints Date.
	RegisteredOn time.Time
	// Corrections list what a corrected form (Revision > 0) changed.
	Corrections []FormCorrection

	// Office is the name of the issuing office (户籍登记机关).
	Office string
	// Date is the date of issue; only its calendar date is printed.
	Date time.Time
	// Seals are stamped at the foot of the form.
	Seals []Seal
}

// FormCorrection is one item a corrected registration form changed: the
// item (a RegistrationForm field in lower camel case: name, formerNames,
// sex, ethnicity, birthDate, birthplaceDivision, idNumber, relation) and its
// old and new values as stored (codes, dates as YYYY-MM-DD); the renderer
// prints the item's label and the values' names.
type FormCorrection struct {
	Item string `json:"item"`
	From string `json:"from"`
	To   string `json:"to"`
}

// RefusalNotice tells an applicant that the registration office refused a
// case (不予办理通知书, features 2.1.1 and 1.3.5); births get one per newborn.
type RefusalNotice struct {
	// Business is the business refused, as printed (e.g. 新生儿出生登记); may be empty.
	Business string
	// SubjectRole names the person the case is about, as printed before
	// SubjectName (e.g. 新生儿); empty prints 当事人.
	SubjectRole string
	// CollabNo is the collaboration number of the case.
	CollabNo string
	// ApplicantName is the name of the applicant the notice is addressed to.
	ApplicantName string
	// SubjectName is the person the case is about: the newborn for a birth; may be empty.
	SubjectName string
	// Reasons are the grounds for refusal, one per item; at least one.
	Reasons []string
	// Office is the name of the refusing office.
	Office string
	// Date is the date of the decision; only its calendar date is printed.
	Date time.Time
	// Seals are stamped at the foot of the notice.
	Seals []Seal
}

// CompletionConfirmation confirms that a newborn was registered and the case
// completed (办结确认, feature 2.2.1).
type CompletionConfirmation struct {
	// Business is the business completed, as printed; may be empty.
	Business string
	// CollabNo is the collaboration number of the case.
	CollabNo string
	// NewbornName is the registered newborn's name.
	NewbornName string
	// IDNumber is the newborn's new citizen identity number.
	IDNumber string
	// HouseholdNumber is the household the newborn was settled into.
	HouseholdNumber string
	// Office is the name of the registering office.
	Office string
	// Date is the date of completion; only its calendar date is printed.
	Date time.Time
	// Seals are stamped at the foot of the confirmation.
	Seals []Seal
}

// Kind returns DocRegistrationForm.
func (*RegistrationForm) Kind() DocumentKind { return DocRegistrationForm }

// DocumentSeals returns the form's seals.
func (f *RegistrationForm) DocumentSeals() []Seal { return f.Seals }

func (*RegistrationForm) isDocument() {}

// Kind returns DocRefusalNotice.
func (*RefusalNotice) Kind() DocumentKind { return DocRefusalNotice }

// DocumentSeals returns the notice's seals.
func (n *RefusalNotice) DocumentSeals() []Seal { return n.Seals }

func (*RefusalNotice) isDocument() {}

// Kind returns DocCompletionConfirmation.
func (*CompletionConfirmation) Kind() DocumentKind { return DocCompletionConfirmation }

// DocumentSeals returns the confirmation's seals.
func (c *CompletionConfirmation) DocumentSeals() []Seal { return c.Seals }

func (*CompletionConfirmation) isDocument() {}

// MoveInRecord is the 准予迁入证明 (move-in record) of a cross-province
// migration as the move-in office prints it once the movers are in its
// register (2.2.5, 2.2.6): who moved, from where, into which household,
// with the e-migration certificate's licence ID.
type MoveInRecord struct {
	Business        string // e.g. 户口迁移
	Category        string // the migration category's name (夫妻投靠 …)
	CollabNo        string
	LicenceID       string // the e-migration certificate
	FromOffice      string // the move-out office's name or code
	FromAddress     string
	HouseholdNumber string // the household joined or established
	ToAddress       string
	Established     bool // a new household (立户), not joined (投靠)
	Persons         []MovedPerson
	Office          string
	Date            time.Time
	Seals           []Seal
}

// MovedPerson is one mover on a MoveInRecord.
type MovedPerson struct {
	Name     string
	IDNumber string
	Sex      string // GB/T 2261.1 code
	Relation string // the relation's name in the household moved into
	Hcybsh   string
}

// Kind implements Document.
func (*MoveInRecord) Kind() DocumentKind { return DocMoveInRecord }

// DocumentSeals implements Document.
func (m *MoveInRecord) DocumentSeals() []Seal { return m.Seals }

func (*MoveInRecord) isDocument() {}

// Certificate is a household certificate as police stations print it: the
// title, the certificate number, the facts certified (or, for a refusal to
// certify, why not), the issuing office, the date, the seal, the validity
// note and the verification code that any holder checks the certificate
// with (features 1.1.5, 2.2.8).
type Certificate struct {
	// Title is printed at the top, e.g. 户籍信息证明, 户籍事项证明, 不予出具证明告知书.
	Title string
	// Number is the certificate number (unique by constraint).
	Number string
	// VerificationCode is printed beside the number.
	VerificationCode string
	// Addressee is whom it is addressed to; empty prints 有关单位.
	Addressee string
	// Lead is the sentence before the facts, e.g. 兹证明; may be empty.
	Lead string
	// Facts are printed one per line; at least one.
	Facts []string
	// ValidityNote is printed small under the facts; may be empty.
	ValidityNote string
	// VerifyHint says where the number and code are checked; may be empty.
	VerifyHint string
	// Office is the name of the issuing office.
	Office string
	// Date is the date of issue; only its calendar date is printed.
	Date time.Time
	// Seals are stamped at the foot.
	Seals []Seal
}

// Kind returns DocCertificate.
func (*Certificate) Kind() DocumentKind { return DocCertificate }

// DocumentSeals returns the certificate's seals.
func (c *Certificate) DocumentSeals() []Seal { return c.Seals }

func (*Certificate) isDocument() {}

// AcceptanceReceipt is the acceptance receipt (受理回执) the acceptance
// office hands the applicant at intake, for every kind (issue 19; the
// "acceptance slip" the applicant collects an ID card with, 1.1.14): the
// collaboration number, the applicant, the business, the materials received,
// the deadline and where to ask.
type AcceptanceReceipt struct {
	// Business is the business as printed, e.g. 新生儿出生登记.
	Business string
	// CollabNo is the collaboration number of the case.
	CollabNo string
	// ApplicantName and ApplicantIDNumber name the applicant; the ID number may be empty.
	ApplicantName     string
	ApplicantIDNumber string
	// Materials are the materials received, in the materials list's order.
	Materials []ReceivedMaterial
	// AcceptedAt is when the case was accepted (its intake).
	AcceptedAt time.Time
	// Deadline is the promised date; zero prints none.
	Deadline time.Time
	// Office is the accepting office's name; Contact its address or phone
	// (may be empty); Supervisor the office above it (may be empty).
	Office     string
	Contact    string
	Supervisor string
	// Date is the date of printing.
	Date time.Time
	// Seals are stamped at the foot.
	Seals []Seal
}

// ReceivedMaterial is one material received with an application: its name
// on the materials list and how many pages were captured.
type ReceivedMaterial struct {
	Name  string
	Pages int
}

// Kind implements Document.
func (*AcceptanceReceipt) Kind() DocumentKind { return DocAcceptanceReceipt }

// DocumentSeals implements Document.
func (r *AcceptanceReceipt) DocumentSeals() []Seal { return r.Seals }

func (*AcceptanceReceipt) isDocument() {}
