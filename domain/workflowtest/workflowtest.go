// Package workflowtest checks a business kind's workflow declaration from its
// tests: the matrix every kind owes (docs/adding-a-kind.md).
package workflowtest

import (
	"slices"
	"testing"
	"time"

	"hukou/domain"
)

// Matrix checks, for every declared status, both sides, every role, an
// actor at each office level (police station, county bureau, city bureau:
// a step's declared Levels) and an office inside and one outside the
// station actor's jurisdiction, that the actions w offers are exactly the
// ones Fire accepts, and that a refusal is CodeForbidden or
// CodeInvalidTransition (every step refused to the wrong role, level, side,
// office and state). It also checks that a step declaring Levels is refused
// at every other level.
func Matrix(t *testing.T, w *domain.Workflow) {
	t.Helper()
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	offices := []*domain.Office{
		{Code: "211103000100", Level: domain.OfficePoliceStation},
		{Code: "211103000000", Level: domain.OfficeCountyBureau},
		{Code: "211100000000", Level: domain.OfficeCityBureau},
	}
	for _, state := range w.States {
		for _, side := range []domain.Side{domain.SideAcceptance, domain.SideRegistration} {
			for _, office := range []string{"211103000100", "211103000200"} {
				for _, role := range domain.AllRoles {
					for _, at := range offices {
						matrixCell(t, w, state.Status, side, office, role, at)
					}
				}
			}
		}
	}
}

func matrixCell(t *testing.T, w *domain.Workflow, status domain.CaseStatus, side domain.Side, office string, role domain.Role, at *domain.Office) {
	t.Helper()
	c := &domain.Case{ID: "c", Kind: w.Kind, Side: side, Status: status, Office: office}
	actor := &domain.Actor{UserID: "u", Office: at, OfficeCode: at.Code, Roles: []domain.Role{role}}
	avail := w.Available(c, actor)
	for _, st := range w.Steps {
		if st.Creates() {
			continue
		}
		cc := *c
		_, err := w.Fire(&cc, st.Action, actor, time.Now(), "", nil, "")
		if offered := slices.Contains(avail, st.Action); offered != (err == nil) {
			t.Fatalf("%s %s/%s office %s role %s at %s action %s: offered %t, Fire: %v", w.Kind, side, status, office, role, at.Level, st.Action, offered, err)
		}
		if code := domain.ErrorCode(err); err != nil && code != domain.CodeForbidden && code != domain.CodeInvalidTransition {
			t.Fatalf("%s %s/%s action %s refused with %s, not FORBIDDEN or INVALID_TRANSITION: %v", w.Kind, side, status, st.Action, code, err)
		}
		if len(st.Levels) > 0 && !slices.Contains(st.Levels, at.Level) && err == nil {
			t.Fatalf("%s %s/%s action %s is declared for levels %v but a user at %s took it", w.Kind, side, status, st.Action, st.Levels, at.Level)
		}
		if st.Stays && err == nil && cc.Status != status {
			t.Fatalf("%s %s/%s action %s stays in its status but moved the case to %s", w.Kind, side, status, st.Action, cc.Status)
		}
	}
}
