package migration_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/migration"
	"hukou/domain/workflowtest"
)

// TestWorkflow_AvailableMatchesAllowed checks, for every declared status,
// both sides, every role and inside and outside the jurisdiction, that the
// actions offered are exactly the ones Fire accepts.
func TestWorkflow_AvailableMatchesAllowed(t *testing.T) {
	t.Parallel()
	workflowtest.Matrix(t, migration.Workflow)
}

func TestWorkflow_Fire(t *testing.T) {
	t.Parallel()
	w := migration.Workflow
	office := &domain.Office{Code: "211103000100", Level: domain.OfficePoliceStation}
	clerk := &domain.Actor{UserID: "u1", Username: "clerk", Office: office, OfficeCode: office.Code, Roles: []domain.Role{domain.RoleClerk}}
	c := &domain.Case{ID: "c", Kind: migration.Kind, Side: domain.SideAcceptance, Status: domain.StatusDraft, Office: office.Code}
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

	t.Run("OK", func(t *testing.T) {
		cc := *c
		a, err := w.Fire(&cc, migration.ActSubmit, clerk, at, "", nil, "")
		require.NoError(t, err)
		require.Equal(t, domain.StatusSubmitted, cc.Status)
		require.Equal(t, domain.StatusDraft, a.From)
		require.Equal(t, at.Add(24*time.Hour), *cc.DeadlineAt)
	})
	t.Run("ErrOutOfOrder", func(t *testing.T) {
		cc := *c
		_, err := w.Fire(&cc, migration.ActMoveIn, clerk, at, "", nil, "")
		require.Equal(t, domain.CodeInvalidTransition, domain.ErrorCode(err))
		require.Equal(t, domain.StatusDraft, cc.Status, "a refused step changes nothing")
	})
	t.Run("ErrByMessageOnly", func(t *testing.T) {
		cc := *c
		cc.Status = domain.StatusSubmitted
		_, err := w.Fire(&cc, migration.ActExtracted, clerk, at, "", nil, "")
		require.Equal(t, domain.CodeForbidden, domain.ErrorCode(err))
		_, err = w.Fire(&cc, migration.ActExtracted, &domain.Actor{System: true}, at, "", nil, "m1")
		require.NoError(t, err)
	})
	t.Run("ErrWrongSide", func(t *testing.T) {
		cc := *c
		cc.Status = domain.StatusReceived
		_, err := w.Fire(&cc, migration.ActApprove, &domain.Actor{Office: office, Roles: []domain.Role{domain.RoleOfficer}}, at, "", nil, "")
		require.Equal(t, domain.CodeForbidden, domain.ErrorCode(err))
	})
	t.Run("ErrUnknownAction", func(t *testing.T) {
		cc := *c
		_, err := w.Fire(&cc, "teleport", clerk, at, "", nil, "")
		require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
	})
}
