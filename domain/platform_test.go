package domain_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

func testEnvelope() domain.Envelope {
	return domain.Envelope{
		MessageID:      "msg-1",
		CollabNo:       "XT2111002025031400000001",
		CaseKind:       "BIRTH",
		MessageType:    "APPLICATION",
		SenderOffice:   "211100000000",
		ReceiverOffice: "130100000000",
		SenderUser:     "clerk01",
		SentAt:         time.Date(2025, 3, 14, 17, 30, 0, 500, time.FixedZone("CST", 8*3600)),
		Body:           json.RawMessage(`{"name":"张三","age":3,"note":"<a&b>"}`),
		Attachments:    []domain.AttachmentRef{{Name: "a.jpg", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Size: 10, ContentType: "image/jpeg"}},
	}
}

func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func TestEnvelope_CanonicalBytes(t *testing.T) {
	t.Parallel()
	e := testEnvelope()
	e.SignerKeyID, e.CaseSeq = "k1", 7
	want := `{"attachments":[{"contentType":"image/jpeg","name":"a.jpg","sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","size":10}],` +
		`"body":{"age":3,"name":"张三","note":"<a&b>"},"caseKind":"BIRTH","caseSeq":7,"collabNo":"XT2111002025031400000001","messageId":"msg-1",` +
		`"messageType":"APPLICATION","receiverOffice":"130100000000","replyToHash":"","senderOffice":"211100000000","senderUser":"clerk01",` +
		`"sentAt":"2025-03-14T09:30:00.0000005Z","signerKeyId":"k1"}`
	require.Equal(t, want, string(e.CanonicalBytes()))

	e.Signature = []byte("ignored")
	require.Equal(t, want, string(e.CanonicalBytes()), "the signature is not part of it")

	same := e.Clone()
	same.Body = json.RawMessage("{ \"note\" : \"\\u003ca\\u0026b>\",\n \"age\": 3, \"name\": \"\\u5f20三\" }")
	same.SentAt = e.SentAt.UTC()
	require.Equal(t, want, string(same.CanonicalBytes()), "whitespace, key order, escaping and time zone do not matter")

	require.Equal(t, `"not json"`, string(domain.CanonicalJSON([]byte("not json"))))
	require.Equal(t, `null`, string(domain.CanonicalJSON(nil)))
	require.Equal(t, `"{} x"`, string(domain.CanonicalJSON([]byte("{} x"))), "trailing garbage is not a valid body")
}

func TestEnvelope_SignVerify(t *testing.T) {
	t.Parallel()
	priv := testKey(1)
	pub := priv.Public().(ed25519.PublicKey)

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		e := testEnvelope()
		e.Sign(priv, "panjin-2025")
		require.Equal(t, "panjin-2025", e.SignerKeyID)
		require.NoError(t, e.Verify(pub))
		require.NoError(t, e.Validate())
		require.Len(t, e.Hash(), 64)
	})

	t.Run("ErrTampered", func(t *testing.T) {
		t.Parallel()
		for name, tamper := range map[string]func(e *domain.Envelope){
			"body byte":    func(e *domain.Envelope) { e.Body = bytes.Replace(e.Body, []byte(`"age":3`), []byte(`"age":4`), 1) },
			"messageId":    func(e *domain.Envelope) { e.MessageID += "x" },
			"caseSeq":      func(e *domain.Envelope) { e.CaseSeq++ },
			"collabNo":     func(e *domain.Envelope) { e.CollabNo = "XT2111002025031400000002" },
			"receiver":     func(e *domain.Envelope) { e.ReceiverOffice = "510100000000" },
			"sentAt":       func(e *domain.Envelope) { e.SentAt = e.SentAt.Add(time.Nanosecond) },
			"attachment":   func(e *domain.Envelope) { e.Attachments[0].Size++ },
			"replyToHash":  func(e *domain.Envelope) { e.ReplyToHash = e.Hash() },
			"signerKeyId":  func(e *domain.Envelope) { e.SignerKeyID = "other" },
			"signature":    func(e *domain.Envelope) { e.Signature[0] ^= 1 },
			"no signature": func(e *domain.Envelope) { e.Signature = nil },
		} {
			e := testEnvelope()
			e.Sign(priv, "panjin-2025")
			e.Attachments = append([]domain.AttachmentRef(nil), e.Attachments...)
			tamper(&e)
			err := e.Verify(pub)
			require.Error(t, err, name)
			require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err), name)
			require.True(t, errors.Is(err, domain.ErrBadSignature), name)
		}
	})

	t.Run("ErrOtherKey", func(t *testing.T) {
		t.Parallel()
		e := testEnvelope()
		e.Sign(testKey(2), "panjin-2025")
		require.ErrorIs(t, e.Verify(pub), domain.ErrBadSignature)
		require.ErrorIs(t, e.Verify(pub[:10]), domain.ErrBadSignature)
	})
}

func TestEnvelope_Validate(t *testing.T) {
	t.Parallel()
	for field, mutate := range map[string]func(e *domain.Envelope){
		"messageId":           func(e *domain.Envelope) { e.MessageID = "" },
		"collabNo":            func(e *domain.Envelope) { e.CollabNo = "" },
		"caseKind":            func(e *domain.Envelope) { e.CaseKind = "birth" },
		"messageType":         func(e *domain.Envelope) { e.MessageType = "" },
		"senderOffice":        func(e *domain.Envelope) { e.SenderOffice = "21110000000x" },
		"receiverOffice":      func(e *domain.Envelope) { e.ReceiverOffice = "2111" },
		"senderUser":          func(e *domain.Envelope) { e.SenderUser = "" },
		"sentAt":              func(e *domain.Envelope) { e.SentAt = time.Time{} },
		"body":                func(e *domain.Envelope) { e.Body = json.RawMessage(`{"a":`) },
		"replyToHash":         func(e *domain.Envelope) { e.ReplyToHash = "zz" },
		"signature":           func(e *domain.Envelope) { e.Signature = nil },
		"signerKeyId":         func(e *domain.Envelope) { e.SignerKeyID = "" },
		"caseSeq":             func(e *domain.Envelope) { e.CaseSeq = -1 },
		"attachments[0].name": func(e *domain.Envelope) { e.Attachments[0].Name = "" },
		"attachments[0].size": func(e *domain.Envelope) { e.Attachments[0].Size = -1 },
	} {
		e := testEnvelope()
		e.Sign(testKey(1), "k")
		mutate(&e)
		var de *domain.Error
		require.ErrorAs(t, e.Validate(), &de, field)
		require.Equal(t, domain.CodeInvalid, de.Code)
		require.Equal(t, field, de.Field)
	}
}

func TestCollabNumberRequest_Validate(t *testing.T) {
	t.Parallel()
	ok := domain.CollabNumberRequest{CaseID: "c-1", Kind: "BIRTH", AcceptanceOffice: "211102000000", RegistrationProvince: "13"}
	require.NoError(t, ok.Validate())
	for field, mutate := range map[string]func(r *domain.CollabNumberRequest){
		"caseId":               func(r *domain.CollabNumberRequest) { r.CaseID = "" },
		"kind":                 func(r *domain.CollabNumberRequest) { r.Kind = "birth" },
		"acceptanceOffice":     func(r *domain.CollabNumberRequest) { r.AcceptanceOffice = "211102" },
		"registrationProvince": func(r *domain.CollabNumberRequest) { r.RegistrationProvince = "130000" },
	} {
		r := ok
		mutate(&r)
		var de *domain.Error
		require.ErrorAs(t, r.Validate(), &de, field)
		require.Equal(t, field, de.Field)
	}
	require.True(t, domain.ValidCollabNo("XT2111022025031400000001"))
	require.False(t, domain.ValidCollabNo("XT21110220250314000001"))
}
