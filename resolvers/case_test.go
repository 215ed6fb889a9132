package resolvers_test

import (
	"testing"

	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestBirthMutations_RefusedToOtherRoles sends every birth step as users
// whose roles may not take it: the @auth gate refuses each with FORBIDDEN
// before any case is loaded. (Which side, jurisdiction and status a step
// needs is the engine's job, tested per state and role in domain and end to
// end in cmd/hukou.)
func TestBirthMutations_RefusedToOtherRoles(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		const id = `"Q2FzZTpub25l"`
		step := `{id: ` + id + `, version: 1}`
		applicant := `{newbornName: "x", ethnicity: "01", relation: "20", settleWith: "FATHER", declarantName: "x", declarantIdNumber: "x"}`
		clerkSteps := []string{
			`startBirthRegistration(input: {certificateNumber: "M130000001", applicant: ` + applicant + `}) { id }`,
			`modifyBirthRegistration(input: {id: ` + id + `, version: 1, applicant: ` + applicant + `}) { id }`,
			`submitBirthRegistration(input: ` + step + `) { id }`,
			`closeRefusedBirthRegistration(input: ` + step + `) { id }`,
			`printBirthForm(input: ` + step + `) { id }`,
			`reportBirthErrors(input: {id: ` + id + `, version: 1, items: [{field: "name", wanted: "x"}]}) { id }`,
		}
		officerSteps := []string{
			`approveBirthRegistration(input: ` + step + `) { id }`,
			`refuseBirthRegistration(input: {id: ` + id + `, version: 1, reasons: ["x"]}) { id }`,
			`settleBirthRegistration(input: {id: ` + id + `, version: 1, newborn: {householdNumber: "1", name: "x", sex: "1", ethnicity: "01", birthDate: "2026-01-01", relation: "20"}}) { id }`,
			`correctBirthMinor(input: {id: ` + id + `, version: 1, changes: [{field: "formerNames", value: "x"}]}) { id }`,
			`requestBirthMajorChange(input: {id: ` + id + `, version: 1, change: {field: "name", value: "x", reason: "x"}}) { id }`,
			`resendBirthForm(input: ` + step + `) { id }`,
			`fileBirthRegistration(input: ` + step + `) { id }`,
		}
		approverSteps := []string{
			`approveBirthMajorChange(input: ` + step + `) { id }`,
			`rejectBirthMajorChange(input: {id: ` + id + `, version: 1, reason: "x"}) { id }`,
		}
		check := func(t *testing.T, token string, steps []string) {
			for _, step := range steps {
				requireError(t, b.do(t, token, "mutation { "+step+" }", nil), "FORBIDDEN", "", "auth.role")
			}
		}
		analyst := b.token(t, b.analyst)
		clerk := b.token(t, b.clerk)
		admin := b.token(t, b.admin)
		t.Run("ClerkSteps", func(t *testing.T) { check(t, analyst, clerkSteps); check(t, admin, clerkSteps) })
		t.Run("OfficerSteps", func(t *testing.T) { check(t, analyst, officerSteps); check(t, clerk, officerSteps) })
		t.Run("ApproverSteps", func(t *testing.T) { check(t, clerk, approverSteps); check(t, admin, approverSteps) })
	})
}
