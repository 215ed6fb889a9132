// Package workflowtest checks a business kind's workflow declaration from its
// tests: the matrix every kind owes (docs/adding-a-kind.md).
package workflowtest

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

// Matrix checks, for every declared status, both sides, every role and an
// office inside and one outside the actor's jurisdiction, that the actions
// w offers are exactly the ones Fire accepts, and that a refusal is
// CodeForbidden or CodeInvalidTransition (every step refused to the wrong
// role, side, office and state).
func Matrix(t *testing.T, w *domain.Workflow) {
	t.Helper()
	require.NoError(t, w.Validate())
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
						require.Equal(t, slices.Contains(avail, st.Action), err == nil,
							"%s %s/%s office %s role %s action %s: %v", w.Kind, side, state.Status, office, role, st.Action, err)
						if err != nil {
							require.Contains(t, []domain.Code{domain.CodeForbidden, domain.CodeInvalidTransition}, domain.ErrorCode(err), "%v", err)
						}
					}
				}
			}
		}
	}
}
