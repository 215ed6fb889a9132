package idcard_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/idcard"
	"hukou/domain/workflowtest"
)

// TestWorkflow_AvailableMatchesAllowed checks, for every declared status,
// both sides, every role and inside and outside the jurisdiction, that the
// actions offered are exactly the ones Fire accepts.
func TestWorkflow_AvailableMatchesAllowed(t *testing.T) {
	t.Parallel()
	workflowtest.Matrix(t, idcard.Workflow)
}

// TestWorkflow_Paths walks the kind's paths on both sides through Fire:
// the renewal approved, produced and collected; a quality feedback
// corrected and packaged again; a rejection closed on both sides.
func TestWorkflow_Paths(t *testing.T) {
	t.Parallel()
	w := idcard.Workflow
	station := &domain.Office{Code: "211103000100", Level: domain.OfficePoliceStation}
	county := &domain.Office{Code: "130102000000", Level: domain.OfficeCountyBureau}
	clerk := &domain.Actor{UserID: "u1", Username: "clerk", Office: station, OfficeCode: station.Code, Roles: []domain.Role{domain.RoleClerk}}
	approver := &domain.Actor{UserID: "u2", Username: "approver", Office: county, OfficeCode: county.Code, Roles: []domain.Role{domain.RoleApprover}}
	officer := &domain.Actor{UserID: "u3", Username: "officer", Office: county, OfficeCode: county.Code, Roles: []domain.Role{domain.RoleOfficer}}
	system := &domain.Actor{Username: "collaboration", System: true}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	walk := func(t *testing.T, c *domain.Case, steps ...any) {
		t.Helper()
		for i := 0; i < len(steps); i += 3 {
			a, actor, want := steps[i].(domain.Action), steps[i+1].(*domain.Actor), steps[i+2].(domain.CaseStatus)
			_, err := w.Fire(c, a, actor, at, "", nil, "")
			require.NoError(t, err, "%s", a)
			require.Equal(t, want, c.Status, "%s", a)
		}
	}
	t.Run("AcceptanceRenewalCollected", func(t *testing.T) {
		c := &domain.Case{ID: "a", Kind: idcard.Kind, Side: domain.SideAcceptance, Status: domain.StatusDraft, Office: station.Code}
		walk(t, c,
			idcard.ActModify, clerk, domain.StatusDraft,
			idcard.ActSubmit, clerk, domain.StatusSubmitted,
			idcard.ActExtracted, system, domain.StatusExtracted,
			idcard.ActApproved, system, idcard.Signed,
			idcard.ActWriteBack, clerk, idcard.Issued,
			idcard.ActPackage, clerk, idcard.InProduction,
			idcard.ActQualityFeedback, system, idcard.QualityFeedback,
			idcard.ActSaveQualityFeedback, clerk, idcard.Correction,
			idcard.ActCorrect, clerk, idcard.Correction,
			idcard.ActPackage, clerk, idcard.InProduction,
			idcard.ActProductionCompleted, system, idcard.Produced,
			idcard.ActSaveProductionFeedback, clerk, idcard.Ready,
			idcard.ActCollect, clerk, domain.StatusCompleted)
		require.Empty(t, w.Available(c, clerk), "a completed case offers nothing")
	})
	t.Run("RegistrationRenewalClosed", func(t *testing.T) {
		c := &domain.Case{ID: "r", Kind: idcard.Kind, Side: domain.SideRegistration, Status: domain.StatusReceived, Office: "130102000100"}
		require.Equal(t, []domain.Action{idcard.ActApprove, idcard.ActReject}, w.Available(c, approver))
		require.Empty(t, w.Available(c, officer), "the review is the approver's")
		walk(t, c,
			idcard.ActApprove, approver, idcard.Signed,
			idcard.ActIssueWrittenBack, system, idcard.InProduction,
			idcard.ActQualityFeedbackForwarded, system, idcard.InProduction,
			idcard.ActProductionForwarded, system, idcard.Ready,
			idcard.ActCollectionForwarded, system, idcard.Collected,
			idcard.ActClose, officer, domain.StatusCompleted)
	})
	t.Run("Rejected", func(t *testing.T) {
		r := &domain.Case{ID: "r", Kind: idcard.Kind, Side: domain.SideRegistration, Status: domain.StatusReceived, Office: "130102000100"}
		walk(t, r, idcard.ActReject, approver, domain.StatusRefused, idcard.ActReviewFeedbackForwarded, system, domain.StatusClosed)
		a := &domain.Case{ID: "a", Kind: idcard.Kind, Side: domain.SideAcceptance, Status: domain.StatusExtracted, Office: station.Code}
		walk(t, a, idcard.ActRejected, system, domain.StatusRefused, idcard.ActSaveReviewFeedback, clerk, domain.StatusClosed)
	})
	// 1.2.4 "modify until extracted": offered in the draft and once
	// submitted (the status stays), refused once R reports extraction.
	t.Run("ModifyUntilExtracted", func(t *testing.T) {
		c := &domain.Case{ID: "a", Kind: idcard.Kind, Side: domain.SideAcceptance, Status: domain.StatusSubmitted, Office: station.Code}
		require.Contains(t, w.Available(c, clerk), idcard.ActModify)
		walk(t, c, idcard.ActModify, clerk, domain.StatusSubmitted, idcard.ActExtracted, system, domain.StatusExtracted)
		require.NotContains(t, w.Available(c, clerk), idcard.ActModify)
		_, err := w.Fire(c, idcard.ActModify, clerk, at, "", nil, "")
		require.Equal(t, domain.CodeInvalidTransition, domain.ErrorCode(err))
		r := &domain.Case{ID: "r", Kind: idcard.Kind, Side: domain.SideRegistration, Status: domain.StatusReceived, Office: "130102000100"}
		walk(t, r, idcard.ActModified, system, domain.StatusReceived, idcard.ActApprove, approver, idcard.Signed)
		_, err = w.Fire(r, idcard.ActModified, system, at, "", nil, "")
		require.Equal(t, domain.CodeInvalidTransition, domain.ErrorCode(err), "a modification after review is refused")
	})
	// 2.1.4: the review is the county bureau's, by the declaration's Levels.
	t.Run("ErrReviewAtStation", func(t *testing.T) {
		rStation := &domain.Office{Code: "130102000100", Level: domain.OfficePoliceStation}
		stationApprover := &domain.Actor{UserID: "u4", Username: "sa", Office: rStation, OfficeCode: rStation.Code, Roles: []domain.Role{domain.RoleApprover}}
		c := &domain.Case{ID: "r", Kind: idcard.Kind, Side: domain.SideRegistration, Status: domain.StatusReceived, Office: rStation.Code}
		require.Empty(t, w.Available(c, stationApprover))
		for _, a := range []domain.Action{idcard.ActApprove, idcard.ActReject} {
			_, err := w.Fire(c, a, stationApprover, at, "", nil, "")
			var de *domain.Error
			require.ErrorAs(t, err, &de)
			require.Equal(t, domain.CodeForbidden, de.Code)
			require.Equal(t, "auth.office_level", de.Reason)
			var early *domain.Error
			require.ErrorAs(t, w.MayTake(a, stationApprover), &early, "refused before any case is loaded")
			require.Equal(t, "auth.office_level", early.Reason)
		}
		require.Empty(t, w.ActionsIn(domain.SideRegistration, domain.StatusReceived, stationApprover), "the station's queue offers no review")
	})
	t.Run("ErrSystemStepByHand", func(t *testing.T) {
		c := &domain.Case{ID: "a", Kind: idcard.Kind, Side: domain.SideAcceptance, Status: idcard.InProduction, Office: station.Code}
		_, err := w.Fire(c, idcard.ActProductionCompleted, clerk, at, "", nil, "")
		var de *domain.Error
		require.ErrorAs(t, err, &de)
		require.Equal(t, domain.CodeForbidden, de.Code)
		require.Equal(t, "case.by_system", de.Reason)
		require.Equal(t, idcard.InProduction, c.Status)
		require.NotContains(t, w.Available(c, clerk), idcard.ActProductionCompleted)
	})
}
