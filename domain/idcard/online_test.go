package idcard

import (
	"encoding/json"
	"strings"
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

// TestOnlineCorrect: the contact details a clerk confirms at the counter
// for an online application (#18, 3.1.4, 1.1.8) are checked as the
// counter's intake checks them and win over the portal's; a field left out
// keeps the portal's; the changes are listed portal → counter; a refused
// correction changes nothing; the identity stays the portal's.
func TestOnlineCorrect(t *testing.T) {
	t.Parallel()
	s := &Service{Cases: &domain.CaseService{Now: time.Now}}
	k := s.Online().(domain.OnlineKind[Applicant, OnlineResult])
	portal := Applicant{IDNumber: "130602198706200268", ApplicationKind: domain.IDCardRenewal, Reason: "DATA_CHANGED",
		ReasonNote: "改名", Phone: "13912345678", Pickup: PickupByPost, PostAddress: "石家庄市长安区中山东路1号", PostRecipient: "张三", PostCode: "050000"}
	str := func(s string) *string { return &s }
	for name, tc := range map[string]struct {
		contact ContactCorrection
		want    []domain.OnlineCorrection
		reason  string
		field   string
	}{
		"NothingSent":  {},
		"SameValues":   {contact: ContactCorrection{Phone: str("139 1234 5678"), Pickup: str(PickupByPost), ReasonNote: str(" 改名 ")}},
		"PhoneChanged": {contact: ContactCorrection{Phone: str("0311-86681234")}, want: []domain.OnlineCorrection{{Field: "phone", Portal: "13912345678", Counter: "0311-86681234"}}},
		"InPerson": {contact: ContactCorrection{Pickup: str(PickupInPerson)}, want: []domain.OnlineCorrection{
			{Field: "pickup", Portal: "POST", Counter: "IN_PERSON"}, {Field: "postAddress", Portal: "石家庄市长安区中山东路1号"},
			{Field: "postRecipient", Portal: "张三"}, {Field: "postCode", Portal: "050000"}}},
		"NoteChanged": {contact: ContactCorrection{ReasonNote: str("更正姓名")}, want: []domain.OnlineCorrection{{Field: "reasonNote", Portal: "改名", Counter: "更正姓名"}}},
		"BadPhone":    {contact: ContactCorrection{Phone: str("1391234")}, field: "phone", reason: "id_card.phone"},
		"NoPhone":     {contact: ContactCorrection{Phone: str(" ")}, field: "phone", reason: "id_card.phone_required"},
		"PostNoAddr":  {contact: ContactCorrection{PostAddress: str("")}, field: "postAddress", reason: "id_card.postAddress_required"},
		"BadPostCode": {contact: ContactCorrection{PostCode: str("0500")}, field: "postCode", reason: "id_card.post_code"},
		"BadPickup":   {contact: ContactCorrection{Pickup: str("DRONE")}, field: "pickup", reason: "id_card.pickup"},
		"LongNote":    {contact: ContactCorrection{ReasonNote: str(strings.Repeat("字", 201))}, field: "reasonNote", reason: "id_card.too_long"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := portal
			got, err := k.Correct(&a, OnlineCounter{Contact: tc.contact})
			if tc.reason != "" {
				var de *domain.Error
				require.ErrorAs(t, err, &de)
				require.Equal(t, domain.CodeInvalid, de.Code)
				require.Equal(t, tc.field, de.Field)
				require.Equal(t, tc.reason, de.Reason)
				require.Equal(t, portal, a, "a refused correction changes nothing")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			require.Equal(t, portal.IDNumber, a.IDNumber)
			require.Equal(t, portal.ApplicationKind, a.ApplicationKind)
			require.Equal(t, portal.Reason, a.Reason)
			for _, c := range got {
				require.NotEqual(t, c.Portal, c.Counter)
			}
		})
	}
	// Only captures (the counter sends no contact): the portal's data stands.
	a := portal
	got, err := k.Correct(&a, Captures{})
	require.NoError(t, err)
	require.Nil(t, got)
	require.Equal(t, portal, a)
}
