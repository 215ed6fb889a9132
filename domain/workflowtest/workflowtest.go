// Package workflowtest checks a business kind's workflow declaration from its
// tests: the matrix every kind owes (docs/adding-a-kind.md).
package workflowtest

import (
	"slices"
	"testing"
	"time"

	"hukou/domain"
)

// Matrix checks, for every declared status, both sides, every role and an
// office inside and one outside the actor's jurisdiction, that the actions
// w offers are exactly the ones Fire accepts, and that a refusal is
// CodeForbidden or CodeInvalidTransition (every step refused to the wrong
// role, side, office and state).
func Matrix(t *testing.T, w *domain.Workflow) {
	t.Helper()
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	station := &domain.Office{Code: "211103000100", Level: domain.OfficePoliceStation}
	for _, state := range w.States {
		for _, side := range []domain.Side{domain.SideAcceptance, domain.SideRegistration} {
			for _, office := range []string{"211103000100", "211103000200"} {
				for _, role := range domain.AllRoles {
					c := &domain.Case{ID: "c", Kind: w.Kind, Side: side, Status: state.Status, Office: office}
					actor := &domain.Actor{UserID: "u", Office: station, OfficeCode: station.Code, Roles: []domain.Role{role}}
					avail := w.Available(c, actor)
					for _, st := range w.Steps {
						if st.Creates() {
							continue
						}
						cc := *c
						_, err := w.Fire(&cc, st.Action, actor, time.Now(), "", nil, "")
						if offered := slices.Contains(avail, st.Action); offered != (err == nil) {
							t.Fatalf("%s %s/%s office %s role %s action %s: offered %t, Fire: %v", w.Kind, side, state.Status, office, role, st.Action, offered, err)
						}
						if code := domain.ErrorCode(err); err != nil && code != domain.CodeForbidden && code != domain.CodeInvalidTransition {
							t.Fatalf("%s %s/%s action %s refused with %s, not FORBIDDEN or INVALID_TRANSITION: %v", w.Kind, side, state.Status, st.Action, code, err)
						}
					}
				}
			}
		}
	}
}
