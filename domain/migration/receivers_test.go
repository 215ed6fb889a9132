package migration

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

func draftCase(t *testing.T) *domain.Case {
	t.Helper()
	a, err := json.Marshal(spouseApplicant())
	require.NoError(t, err)
	return &domain.Case{ID: "c1", Kind: Kind, Side: domain.SideAcceptance, CollabNo: "X1", Applicant: a, Ministry: json.RawMessage("{}"), Result: json.RawMessage("{}")}
}

func envelope(t *testing.T, body any, atts ...domain.AttachmentRef) *domain.Envelope {
	t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	return &domain.Envelope{Body: raw, Attachments: atts}
}

// A hostile or broken peer's messages are refused with their reason (the
// engine makes them dead letters) and change nothing.
func TestReceivers_RefuseBadMessages(t *testing.T) {
	t.Parallel()
	cert := &Certificate{LicenceID: "QYZ1", IDNumbers: []string{wife, son}}
	movers := []Mover{{IDNumber: wife}, {IDNumber: son}}
	for name, tc := range map[string]struct {
		body   any
		reason string
	}{
		"OK":                {Outcome{Decision: Decision{Approved: true}, Certificate: cert, Movers: movers}, ""},
		"NotApproved":       {Outcome{Certificate: cert, Movers: movers}, "migration.feedback_body"},
		"NoCertificate":     {Outcome{Decision: Decision{Approved: true}, Movers: movers}, "migration.feedback_body"},
		"OtherMovers":       {Outcome{Decision: Decision{Approved: true}, Certificate: cert, Movers: []Mover{{IDNumber: wife}, {IDNumber: husband}}}, "migration.feedback_movers"},
		"CertificateOthers": {Outcome{Decision: Decision{Approved: true}, Certificate: &Certificate{LicenceID: "QYZ1", IDNumbers: []string{wife}}, Movers: movers}, "migration.feedback_movers"},
		"NotJSON":           {"nope", "migration.feedback_body"},
	} {
		t.Run("MovedOut"+name, func(t *testing.T) {
			c := draftCase(t)
			before := string(c.Result)
			_, err := (&Service{}).onMovedOut(context.Background(), nil, c, envelope(t, tc.body))
			requireRule(t, err, domain.CodeInvalid, "body", tc.reason)
			if tc.reason != "" {
				require.Equal(t, before, string(c.Result), "a refused message changes nothing")
			} else {
				d, err := decode(c)
				require.NoError(t, err)
				require.Equal(t, "QYZ1", d.Result.Certificate.LicenceID)
			}
		})
	}
	s := &Service{}
	t.Run("MovedOutArchivesWithoutAttachments", func(t *testing.T) {
		doc, _ := domain.Inline("a.pdf", []byte("%PDF-1.4 archive"), 0)
		body := movedOutBody{Outcome: Outcome{Decision: Decision{Approved: true}, Certificate: cert, Movers: movers}, Archives: []domain.InlinePDF{doc}}
		_, err := s.onMovedOut(context.Background(), nil, draftCase(t), envelope(t, body))
		requireRule(t, err, domain.CodeInvalid, "attachments", "migration.feedback_archives")
	})
	t.Run("RefusedWithoutReasons", func(t *testing.T) {
		_, err := s.onRefused(context.Background(), nil, draftCase(t), envelope(t, refusedBody{Decision: Decision{Reasons: []string{" "}}}))
		requireRule(t, err, domain.CodeInvalid, "body", "migration.refusal_body")
	})
	t.Run("RefusalNoticeTampered", func(t *testing.T) {
		notice, att := domain.Inline("n.pdf", []byte("%PDF-1.4 notice"), 0)
		notice.PDF = "JVBERi0xLjQgZm9yZ2Vk" // another document under the signed hash
		_, err := s.onRefused(context.Background(), nil, draftCase(t), envelope(t, refusedBody{Decision: Decision{Reasons: []string{"材料不全"}}, Notice: &notice}, att))
		requireRule(t, err, domain.CodeInvalid, "attachments", "collab.document_hash")
	})
	t.Run("MovedInWithoutHousehold", func(t *testing.T) {
		_, err := s.onMovedIn(context.Background(), nil, draftCase(t), envelope(t, movedInBody{Settled: []Settled{{IDNumber: wife}}}))
		requireRule(t, err, domain.CodeInvalid, "body", "migration.moved_in_body")
	})
	t.Run("MovedInRecordWithoutAttachment", func(t *testing.T) {
		record, _ := domain.Inline("r.pdf", []byte("%PDF-1.4 record"), 0)
		_, err := s.onMovedIn(context.Background(), nil, draftCase(t), envelope(t, movedInBody{HouseholdNumber: "020100001", Settled: []Settled{{IDNumber: wife}}, Record: &record}))
		requireRule(t, err, domain.CodeInvalid, "attachments", "collab.document_hash")
	})
}
