package domain

import "time"

// Birth registration statuses (新生儿出生登记). Acceptance side (A):
const (
	BirthDraft               CaseStatus = "DRAFT"                // intake; clerk-entered data editable (1.1.1, 1.2.1)
	BirthSubmitted           CaseStatus = "SUBMITTED"            // sent; waits for the platform to deliver it (1.1.2)
	BirthExtracted           CaseStatus = "EXTRACTED"            // the registration office has it; waits for its decision
	BirthRefused             CaseStatus = "REFUSED"              // refused (both sides); A closes it (1.3.5)
	BirthFormReceived        CaseStatus = "FORM_RECEIVED"        // registered; the form arrived (1.3.1)
	BirthPrinted             CaseStatus = "PRINTED"              // printed for the applicant to check and sign (1.3.2)
	BirthCorrectionRequested CaseStatus = "CORRECTION_REQUESTED" // errors reported; waits for the corrected form (1.3.3)
	BirthSignedReturned      CaseStatus = "SIGNED_RETURNED"      // signed form sent back; waits for filing (1.3.4)
	BirthClosed              CaseStatus = "CLOSED"               // refusal handled at A
	BirthCompleted           CaseStatus = "COMPLETED"            // filed and closed (both sides)
)

// Registration side (R):
const (
	BirthReceived       CaseStatus = "RECEIVED"        // in the approval queue (2.1.1)
	BirthApproved       CaseStatus = "APPROVED"        // approved; the newborn is to be settled (2.2.1)
	BirthSettled        CaseStatus = "SETTLED"         // in the register; form sent, waits for A
	BirthCorrecting     CaseStatus = "CORRECTING"      // A reported errors (1.3.3)
	BirthChangePending  CaseStatus = "CHANGE_PENDING"  // a major-item change waits for an approver (2.2.2)
	BirthSignedReceived CaseStatus = "SIGNED_RECEIVED" // the signed form arrived; to be filed (1.3.6)
)

// Birth registration message types between the two offices.
const (
	MsgBirthApplication = "APPLICATION"  // A → R: the submitted case
	MsgBirthExtracted   = "EXTRACTED"    // R → A: the case arrived at R
	MsgBirthRefused     = "REFUSED"      // R → A: refusal with reasons
	MsgBirthForm        = "FORM"         // R → A: the registration form (first or corrected)
	MsgBirthErrorReport = "ERROR_REPORT" // A → R: errors the applicant found
	MsgBirthSignedForm  = "SIGNED_FORM"  // A → R: the signed form's image
	MsgBirthFiled       = "FILED"        // R → A: filed and closed
)

// BirthWorkflow is the one declaration of birth registration on both sides.
var BirthWorkflow = &Workflow{
	Kind: KindBirth,
	States: []StateSpec{
		{Status: BirthDraft, Deadline: 7 * 24 * time.Hour},
		{Status: BirthSubmitted, Deadline: 24 * time.Hour, AwaitsOtherSide: true},
		{Status: BirthExtracted, Deadline: 5 * 24 * time.Hour, AwaitsOtherSide: true},
		{Status: BirthRefused, Deadline: 3 * 24 * time.Hour},
		{Status: BirthFormReceived, Deadline: 3 * 24 * time.Hour},
		{Status: BirthPrinted, Deadline: 15 * 24 * time.Hour},
		{Status: BirthCorrectionRequested, Deadline: 5 * 24 * time.Hour, AwaitsOtherSide: true},
		{Status: BirthSignedReturned, Deadline: 5 * 24 * time.Hour, AwaitsOtherSide: true},
		{Status: BirthClosed, Terminal: true},
		{Status: BirthCompleted, Terminal: true},
		{Status: BirthReceived, Deadline: 5 * 24 * time.Hour},
		{Status: BirthApproved, Deadline: 24 * time.Hour},
		{Status: BirthSettled, Deadline: 20 * 24 * time.Hour, AwaitsOtherSide: true},
		{Status: BirthCorrecting, Deadline: 5 * 24 * time.Hour},
		{Status: BirthChangePending, Deadline: 3 * 24 * time.Hour},
		{Status: BirthSignedReceived, Deadline: 3 * 24 * time.Hour},
	},
	Steps: []Step{
		// Acceptance office.
		{Action: "modify", From: []CaseStatus{BirthDraft}, To: BirthDraft, Side: SideAcceptance, Roles: []Role{RoleClerk}},
		{Action: "submit", From: []CaseStatus{BirthDraft}, To: BirthSubmitted, Side: SideAcceptance, Roles: []Role{RoleClerk}},
		{Action: "extracted", From: []CaseStatus{BirthSubmitted}, To: BirthExtracted, Side: SideAcceptance, OnMessage: MsgBirthExtracted},
		{Action: "refusalReceived", From: []CaseStatus{BirthSubmitted, BirthExtracted}, To: BirthRefused, Side: SideAcceptance, OnMessage: MsgBirthRefused},
		{Action: "formReceived", From: []CaseStatus{BirthSubmitted, BirthExtracted, BirthCorrectionRequested}, To: BirthFormReceived, Side: SideAcceptance, OnMessage: MsgBirthForm},
		{Action: "print", From: []CaseStatus{BirthFormReceived, BirthPrinted}, To: BirthPrinted, Side: SideAcceptance, Roles: []Role{RoleClerk}},
		{Action: "reportErrors", From: []CaseStatus{BirthPrinted}, To: BirthCorrectionRequested, Side: SideAcceptance, Roles: []Role{RoleClerk}},
		{Action: "returnSigned", From: []CaseStatus{BirthPrinted}, To: BirthSignedReturned, Side: SideAcceptance, Roles: []Role{RoleClerk}},
		{Action: "filed", From: []CaseStatus{BirthSignedReturned}, To: BirthCompleted, Side: SideAcceptance, OnMessage: MsgBirthFiled},
		{Action: "closeRefused", From: []CaseStatus{BirthRefused}, To: BirthClosed, Side: SideAcceptance, Roles: []Role{RoleClerk}},
		// Registration office.
		{Action: "approve", From: []CaseStatus{BirthReceived}, To: BirthApproved, Side: SideRegistration, Roles: []Role{RoleOfficer}},
		{Action: "refuse", From: []CaseStatus{BirthReceived}, To: BirthRefused, Side: SideRegistration, Roles: []Role{RoleOfficer}},
		{Action: "settle", From: []CaseStatus{BirthApproved}, To: BirthSettled, Side: SideRegistration, Roles: []Role{RoleOfficer}},
		{Action: "errorsReported", From: []CaseStatus{BirthSettled}, To: BirthCorrecting, Side: SideRegistration, OnMessage: MsgBirthErrorReport},
		{Action: "correctMinor", From: []CaseStatus{BirthCorrecting}, To: BirthCorrecting, Side: SideRegistration, Roles: []Role{RoleOfficer}},
		{Action: "requestMajorChange", From: []CaseStatus{BirthCorrecting}, To: BirthChangePending, Side: SideRegistration, Roles: []Role{RoleOfficer}},
		{Action: "approveMajorChange", From: []CaseStatus{BirthChangePending}, To: BirthCorrecting, Side: SideRegistration, Roles: []Role{RoleApprover}},
		{Action: "rejectMajorChange", From: []CaseStatus{BirthChangePending}, To: BirthCorrecting, Side: SideRegistration, Roles: []Role{RoleApprover}},
		{Action: "resendForm", From: []CaseStatus{BirthCorrecting}, To: BirthSettled, Side: SideRegistration, Roles: []Role{RoleOfficer}},
		{Action: "signedReceived", From: []CaseStatus{BirthSettled}, To: BirthSignedReceived, Side: SideRegistration, OnMessage: MsgBirthSignedForm},
		{Action: "file", From: []CaseStatus{BirthSignedReceived}, To: BirthCompleted, Side: SideRegistration, Roles: []Role{RoleOfficer}},
	},
}

func init() {
	if err := BirthWorkflow.Validate(); err != nil {
		panic(err)
	}
}
