package certificate_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/certificate"
	"hukou/domain/workflowtest"
)

// TestWorkflow_AvailableMatchesAllowed checks, for both certificate kinds,
// every declared status, both sides, every role and inside and outside the
// jurisdiction, that the actions offered are exactly the ones Fire accepts
// (issue 13: every step refused to the wrong role, side, office and state).
func TestWorkflow_AvailableMatchesAllowed(t *testing.T) {
	t.Parallel()
	workflowtest.Matrix(t, certificate.InfoWorkflow)
	workflowtest.Matrix(t, certificate.MatterWorkflow)
}

// TestWorkflow_Paths walks the matter certificate's three verdicts through
// both copies and checks who may take each user step.
func TestWorkflow_Paths(t *testing.T) {
	t.Parallel()
	w := certificate.MatterWorkflow
	office := &domain.Office{Code: "211103000100", Level: domain.OfficePoliceStation}
	actor := func(r domain.Role) *domain.Actor {
		return &domain.Actor{UserID: "u", Office: office, OfficeCode: office.Code, Roles: []domain.Role{r}}
	}
	system := &domain.Actor{System: true}
	at := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	fire := func(c *domain.Case, a domain.Action, by *domain.Actor) error {
		_, err := w.Fire(c, a, by, at, "", nil, "")
		return err
	}
	for name, tc := range map[string]struct {
		verdict, received domain.Action
		atA               domain.CaseStatus
		close             domain.Action
	}{
		"True":     {certificate.ActVerifyTrue, certificate.ActTrueReceived, certificate.Verified, certificate.ActPrint},
		"NotTrue":  {certificate.ActVerifyNotTrue, certificate.ActNotTrueReceived, domain.StatusRefused, certificate.ActPrintRefusal},
		"NoResult": {certificate.ActVerifyNoResult, certificate.ActNoResultReceived, certificate.NoResult, certificate.ActClose},
	} {
		t.Run(name, func(t *testing.T) {
			a := &domain.Case{Kind: w.Kind, Side: domain.SideAcceptance, Status: domain.StatusDraft, Office: office.Code}
			r := &domain.Case{Kind: w.Kind, Side: domain.SideRegistration, Status: domain.StatusReceived, Office: office.Code}
			require.NoError(t, fire(a, certificate.ActSubmit, actor(domain.RoleClerk)))
			require.NoError(t, fire(a, certificate.ActExtracted, system))
			require.Equal(t, domain.CodeForbidden, domain.ErrorCode(fire(r, tc.verdict, actor(domain.RoleClerk))), "a clerk does not verify")
			require.NoError(t, fire(r, tc.verdict, actor(domain.RoleOfficer)))
			require.Equal(t, certificate.Answered, r.Status)
			require.Equal(t, domain.CodeForbidden, domain.ErrorCode(fire(a, tc.received, actor(domain.RoleClerk))), "verdicts arrive by message only")
			require.NoError(t, fire(a, tc.received, system))
			require.Equal(t, tc.atA, a.Status)
			require.Equal(t, domain.CodeForbidden, domain.ErrorCode(fire(a, tc.close, actor(domain.RoleOfficer))))
			require.NoError(t, fire(a, tc.close, actor(domain.RoleClerk)))
			require.NoError(t, fire(r, certificate.ActClosed, system))
			require.Equal(t, domain.StatusCompleted, r.Status)
		})
	}
	t.Run("RevokeOnlyIssuedByApprover", func(t *testing.T) {
		a := &domain.Case{Kind: w.Kind, Side: domain.SideAcceptance, Status: certificate.Verified, Office: office.Code}
		require.Equal(t, domain.CodeInvalidTransition, domain.ErrorCode(fire(a, certificate.ActRevokeMatter, actor(domain.RoleApprover))))
		a.Status = domain.StatusCompleted
		require.Equal(t, domain.CodeForbidden, domain.ErrorCode(fire(a, certificate.ActRevokeMatter, actor(domain.RoleClerk))))
		require.NoError(t, fire(a, certificate.ActRevokeMatter, actor(domain.RoleApprover)))
		require.Equal(t, certificate.Revoked, a.Status)
	})
}
