package idcard

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

func testCase(t *testing.T, side domain.Side, result Outcome) *domain.Case {
	t.Helper()
	a, err := json.Marshal(Applicant{IDNumber: "130602198706200268", ApplicationKind: domain.IDCardRenewal, Reason: "DATA_CHANGED", ApplicationDate: "2026-12-01"})
	require.NoError(t, err)
	m, err := json.Marshal(MinistryData{Person: domain.MinistryPerson{IDNumber: "130602198706200268", Name: "李秀英", BirthDate: time.Date(1987, 6, 20, 0, 0, 0, 0, time.UTC)}})
	require.NoError(t, err)
	r, err := json.Marshal(result)
	require.NoError(t, err)
	return &domain.Case{ID: "c1", Kind: Kind, Side: side, CollabNo: "XT211103202612010000001", Applicant: a, Ministry: m, Result: r}
}

func envelope(t *testing.T, body any) *domain.Envelope {
	t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	return &domain.Envelope{Body: raw}
}

func requireReason(t *testing.T, err error, reason string) {
	t.Helper()
	if reason == "" {
		require.NoError(t, err)
		return
	}
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Equal(t, reason, de.Reason, "%v", err)
}

// A hostile or broken peer's messages are refused with their reason (the
// engine makes them dead letters) and change nothing.
func TestReceivers_RefuseBadMessages(t *testing.T) {
	t.Parallel()
	s := &Service{Cases: &domain.CaseService{Now: time.Now}}
	ctx := context.Background()
	issue, err := ComputeIssue(time.Date(1987, 6, 20, 0, 0, 0, 0, time.UTC), "2026-12-01", time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC), "石家庄市公安局长安分局", "130102000000")
	require.NoError(t, err)
	saved := time.Now()
	for name, tc := range map[string]struct {
		side    domain.Side
		result  Outcome
		receive func(context.Context, domain.Repos, *domain.Case, *domain.Envelope) (any, error)
		body    any
		reason  string
	}{
		"ApprovedOK":        {domain.SideAcceptance, Outcome{}, s.onApproved, reviewBody{Review: Review{Approved: true}, Issue: issue}, ""},
		"ApprovedNoIssue":   {domain.SideAcceptance, Outcome{}, s.onApproved, reviewBody{Review: Review{Approved: true}}, "id_card.issue_invalid"},
		"ApprovedNotSo":     {domain.SideAcceptance, Outcome{}, s.onApproved, reviewBody{Issue: issue}, "id_card.approval_body"},
		"ApprovedLonger":    {domain.SideAcceptance, Outcome{}, s.onApproved, reviewBody{Review: Review{Approved: true}, Issue: &Issue{Years: 0, LongTerm: true, ValidFrom: issue.ValidFrom, IssuedOn: issue.IssuedOn, Authority: "x"}}, "id_card.issue_invalid"},
		"RejectedOK":        {domain.SideAcceptance, Outcome{}, s.onRejected, reviewBody{Review: Review{Reason: "相片不符合要求"}}, ""},
		"RejectedNoReason":  {domain.SideAcceptance, Outcome{}, s.onRejected, reviewBody{Review: Review{Reason: " "}}, "id_card.rejection_body"},
		"NotJSON":           {domain.SideAcceptance, Outcome{}, s.onRejected, "nope", "id_card.rejection_body"},
		"WrittenBackOK":     {domain.SideRegistration, Outcome{Issue: issue}, s.onIssueWritten, issueBody{Issue: *issue, WrittenBackAt: saved}, ""},
		"WrittenBackOther":  {domain.SideRegistration, Outcome{Issue: issue}, s.onIssueWritten, issueBody{Issue: Issue{Authority: "别处"}, WrittenBackAt: saved}, "id_card.write_back_mismatch"},
		"WrittenBackNoTime": {domain.SideRegistration, Outcome{Issue: issue}, s.onIssueWritten, issueBody{Issue: *issue}, "id_card.write_back_body"},
		"FeedbackOK": {domain.SideRegistration, Outcome{Issue: issue}, s.onQualityFeedback,
			feedbackBody{Feedback: Feedback{Source: SourceProduction, Class: ClassFingerprint, Description: "指纹特征与图像不一致", SavedAt: &saved}}, ""},
		"FeedbackUnsaved": {domain.SideRegistration, Outcome{Issue: issue}, s.onQualityFeedback,
			feedbackBody{Feedback: Feedback{Source: SourceProduction, Class: ClassFingerprint, Description: "x"}}, "id_card.feedback_body"},
		"FeedbackOtherSource": {domain.SideRegistration, Outcome{Issue: issue}, s.onReviewFeedback,
			feedbackBody{Feedback: Feedback{Source: SourceProduction, Class: ClassFingerprint, Description: "x", SavedAt: &saved}}, "id_card.feedback_body"},
		"ProducedOK":          {domain.SideRegistration, Outcome{Issue: issue}, s.onProduced, producedBody{Production: Production{CardNumber: "C1", SavedAt: &saved}}, ""},
		"ProducedNoCard":      {domain.SideRegistration, Outcome{Issue: issue}, s.onProduced, producedBody{Production: Production{SavedAt: &saved}}, "id_card.production_body"},
		"ProducedNeverIssued": {domain.SideRegistration, Outcome{}, s.onProduced, producedBody{Production: Production{CardNumber: "C1", SavedAt: &saved}}, "id_card.production_body"},
		"CollectedOK":         {domain.SideRegistration, Outcome{}, s.onCollected, collectedBody{Collection: Collection{CollectedAt: saved, CollectorIDNumber: "x", Verified: true}}, ""},
		"CollectedByPost":     {domain.SideRegistration, Outcome{}, s.onCollected, collectedBody{Collection: Collection{CollectedAt: saved, TrackingNumber: "EMS1", Waived: WaivedPost}}, ""},
		"CollectedUnchecked":  {domain.SideRegistration, Outcome{}, s.onCollected, collectedBody{Collection: Collection{CollectedAt: saved, CollectorIDNumber: "x"}}, "id_card.collection_body"},
		"CollectedNobody":     {domain.SideRegistration, Outcome{}, s.onCollected, collectedBody{Collection: Collection{CollectedAt: saved, Verified: true}}, "id_card.collection_body"},
	} {
		t.Run(name, func(t *testing.T) {
			c := testCase(t, tc.side, tc.result)
			before := string(c.Result)
			_, err := tc.receive(ctx, nil, c, envelope(t, tc.body))
			requireReason(t, err, tc.reason)
			if tc.reason != "" {
				require.Equal(t, before, string(c.Result), "a refused message changes nothing")
			}
		})
	}
	t.Run("ProducedRecordsTheLicence", func(t *testing.T) {
		c := testCase(t, domain.SideRegistration, Outcome{Issue: issue})
		_, err := s.onProduced(ctx, nil, c, envelope(t, producedBody{Production: Production{CardNumber: "1301020000123456", SavedAt: &saved}}))
		require.NoError(t, err)
		d, err := decode(c)
		require.NoError(t, err)
		l := d.Result.Licence
		require.NotNil(t, l)
		require.Equal(t, "EID211103202612010000001", l.LicenceID)
		require.Equal(t, issue.ValidUntil, l.ValidUntil)
		require.Equal(t, "李秀英", l.Name)
		require.Equal(t, l.digest(), l.Digest)
	})
	// 1.2.4 modify until extracted: R applies A's modification of the
	// clerk-entered data, never of the person, the date or the captures.
	t.Run("Modified", func(t *testing.T) {
		c := testCase(t, domain.SideRegistration, Outcome{})
		var a Applicant
		require.NoError(t, json.Unmarshal(c.Applicant, &a))
		for name, tc := range map[string]struct {
			edit   func(*Applicant)
			reason string
		}{
			"PhoneOK":     {func(a *Applicant) { a.Phone = "13912345678" }, ""},
			"OtherPerson": {func(a *Applicant) { a.IDNumber = "211103199001011234" }, "id_card.modified_fixed"},
			"OtherDate":   {func(a *Applicant) { a.ApplicationDate = "2026-12-02" }, "id_card.modified_fixed"},
			"NewPhoto":    {func(a *Applicant) { a.Photo = &Photo{SHA256: "ab"} }, "id_card.modified_fixed"},
		} {
			t.Run(name, func(t *testing.T) {
				c := testCase(t, domain.SideRegistration, Outcome{})
				next := a
				tc.edit(&next)
				raw, err := json.Marshal(next)
				require.NoError(t, err)
				before := string(c.Applicant)
				_, err = s.onModified(ctx, nil, c, envelope(t, modifiedBody{Applicant: raw, Ministry: c.Ministry}))
				requireReason(t, err, tc.reason)
				if tc.reason != "" {
					require.Equal(t, before, string(c.Applicant), "a refused modification changes nothing")
				} else {
					require.JSONEq(t, string(raw), string(c.Applicant))
				}
			})
		}
		_, err := s.onModified(ctx, nil, c, envelope(t, "nope"))
		requireReason(t, err, "id_card.modified_body")
	})
	t.Run("RejectedBecomesReviewFeedback", func(t *testing.T) {
		c := testCase(t, domain.SideAcceptance, Outcome{})
		_, err := s.onRejected(ctx, nil, c, envelope(t, reviewBody{Review: Review{Reason: "相片不符合要求"}}))
		require.NoError(t, err)
		d, err := decode(c)
		require.NoError(t, err)
		require.Len(t, d.Result.Feedback, 1)
		require.Equal(t, ClassReview, d.Result.Feedback[0].Class)
		require.Equal(t, "相片不符合要求", d.Result.Feedback[0].Description)
		require.Nil(t, d.Result.Feedback[0].SavedAt)
	})
}
