package certificate

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

// TestOnVerdict_HostilePeer: a verdict message that contradicts its type,
// lacks what its verdict needs, or whose materials do not match the signed
// attachment list is refused with a reason (a dead letter) before anything is
// kept (2.1.3, 1.4.4; DESIGN.md "Trust boundaries").
func TestOnVerdict_HostilePeer(t *testing.T) {
	t.Parallel()
	s := &Service{}
	material := domain.FileContent{MaterialCode: MaterialVerification, Name: "核查材料.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4 x")}
	for name, tc := range map[string]struct {
		msg    domain.MessageType
		body   any
		atts   []domain.AttachmentRef
		field  string
		reason string
	}{
		"NotJSONObject": {MsgTrue, []int{1}, nil, "body", "certificate.verdict_body"},
		"TypeContradictsVerdict": {MsgTrue, verdictBody{Decision: Decision{Verdict: VerdictNotTrue, Reasons: []string{"x"}}}, nil,
			"body", "certificate.verdict_body"},
		"UnknownVerdict":     {MsgTrue, verdictBody{Decision: Decision{Verdict: "MAYBE"}}, nil, "body", "certificate.verdict_body"},
		"TrueWithoutFinding": {MsgTrue, verdictBody{Decision: Decision{Verdict: VerdictTrue}, Materials: []domain.FileContent{material}}, nil, "body", "certificate.verdict_body"},
		"NotTrueNoReason":    {MsgNotTrue, verdictBody{Decision: Decision{Verdict: VerdictNotTrue, Reasons: []string{" "}}}, nil, "body", "certificate.verdict_body"},
		"TrueNoMaterials":    {MsgTrue, verdictBody{Decision: Decision{Verdict: VerdictTrue, Findings: "属实"}}, nil, "attachments", "certificate.verification_materials"},
		"MaterialsUnsigned": {MsgTrue, verdictBody{Decision: Decision{Verdict: VerdictTrue, Findings: "属实"}, Materials: []domain.FileContent{material}}, nil,
			"attachments", "collab.archives"},
		"MaterialHashMismatch": {MsgTrue, verdictBody{Decision: Decision{Verdict: VerdictTrue, Findings: "属实"}, Materials: []domain.FileContent{material}},
			[]domain.AttachmentRef{domain.AttachmentFor(material.Name, material.ContentType, []byte("other"))}, "attachments", "collab.archive_hash"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := json.Marshal(tc.body)
			require.NoError(t, err)
			c := &domain.Case{ID: "c", Kind: MatterKind, Result: json.RawMessage(`{}`)}
			env := &domain.Envelope{MessageType: string(tc.msg), Body: raw, Attachments: tc.atts}
			_, err = s.onVerdict(context.Background(), nil, c, env)
			requireRule(t, err, domain.CodeInvalid, tc.field, tc.reason)
			require.JSONEq(t, `{}`, string(c.Result), "nothing kept")
		})
	}
}

// TestOnApplication_HostilePeer: an application whose matter breaks the
// intake's rules is refused at R as it would be at a counter.
func TestOnApplication_HostilePeer(t *testing.T) {
	t.Parallel()
	s := &Service{Cases: &domain.CaseService{Now: func() time.Time { return now }}}
	for name, applicant := range map[string]string{
		"NoMatter":    `null`,
		"UnknownType": `{"matterType":"FORTUNE","persons":[{"idNumber":"130602198706200268","name":"李秀英"}],"statement":"s","purpose":"p","applicantName":"a","applicantIdNumber":"130602198706200268"}`,
		"BadIDNumber": `{"matterType":"CANCELLED_REGISTRATION","persons":[{"idNumber":"130602198706200269","name":"李秀英"}],"statement":"s","purpose":"p","applicantName":"a","applicantIdNumber":"130602198706200268"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := &domain.Case{ID: "c", Kind: MatterKind, Applicant: json.RawMessage(applicant)}
			_, err := s.onApplication(context.Background(), nil, c, &domain.Envelope{})
			requireRule(t, err, domain.CodeInvalid, "body", "certificate.application_body")
		})
	}
}
