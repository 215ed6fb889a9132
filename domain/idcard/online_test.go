package idcard

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

// TestOnlineResult: what a portal reads of an online ID card application
// (3.1.4) at each stage: nothing before the review; the rejection's
// reason; the approval with the issued validity and authority; produced;
// collected.
func TestOnlineResult(t *testing.T) {
	t.Parallel()
	s := &Service{Cases: &domain.CaseService{Now: time.Now}}
	oi := s.Online()
	issue := &Issue{ValidFrom: "2026-12-02", ValidUntil: "2046-12-02", Authority: "石家庄市公安局长安分局"}
	at := time.Date(2026, 12, 20, 2, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		outcome Outcome
		want    string
	}{
		"Undecided": {Outcome{}, ""},
		"Rejected":  {Outcome{Review: &Review{Reason: "相片不符合要求"}}, `{"approved":false,"reasons":["相片不符合要求"]}`},
		"Approved":  {Outcome{Review: &Review{Approved: true}, Issue: issue}, `{"approved":true,"validFrom":"2026-12-02","validUntil":"2046-12-02","authority":"石家庄市公安局长安分局"}`},
		"Produced":  {Outcome{Review: &Review{Approved: true}, Issue: issue, Production: &Production{CardNumber: "C1"}}, `{"approved":true,"validFrom":"2026-12-02","validUntil":"2046-12-02","authority":"石家庄市公安局长安分局","produced":true}`},
		"Collected": {Outcome{Review: &Review{Approved: true}, Issue: issue, Production: &Production{CardNumber: "C1"}, Collection: &Collection{CollectedAt: at}},
			`{"approved":true,"validFrom":"2026-12-02","validUntil":"2046-12-02","authority":"石家庄市公安局长安分局","produced":true,"collectedAt":"2026-12-20T02:00:00Z"}`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := oi.OnlineResult(testCase(t, domain.SideAcceptance, tc.outcome))
			require.NoError(t, err)
			if tc.want == "" {
				require.Nil(t, raw)
				return
			}
			require.JSONEq(t, tc.want, string(raw))
			d, err := oi.DecodeOnlineResult(raw)
			require.NoError(t, err)
			require.NotNil(t, d.(*OnlineResult).Reasons, "a non-null list for the schema")
		})
	}
	// The portal never sets what the counter captures.
	raw, err := oi.CheckOnline(json.RawMessage(`{"idNumber":"130602198706200268","applicationKind":"RENEWAL","reason":"DATA_CHANGED","phone":"13912345678","pickup":"IN_PERSON","applicationDate":"2020-01-01","fingerprints":[{"position":2}]}`))
	require.NoError(t, err)
	var a Applicant
	require.NoError(t, json.Unmarshal(raw, &a))
	require.Empty(t, a.ApplicationDate)
	require.Empty(t, a.Fingerprints)
	_, err = oi.CheckOnline(json.RawMessage(`{"idNumber":"130602198706200268","extra":1}`))
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Equal(t, "online.data", de.Reason)
}
