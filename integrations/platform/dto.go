package platform

import (
	"encoding/json"
	"time"

	"hukou/domain"
)

// Envelope is the wire form of domain.Envelope (schema Envelope in
// openapi.yaml). Signature is base64 (standard, padded) as encoding/json
// writes []byte; SentAt is RFC 3339 with up to nanoseconds.
type Envelope struct {
	MessageID      string          `json:"messageId"`
	CollabNo       string          `json:"collabNo"`
	CaseKind       string          `json:"caseKind"`
	MessageType    string          `json:"messageType"`
	SenderOffice   string          `json:"senderOffice"`
	ReceiverOffice string          `json:"receiverOffice"`
	SenderUser     string          `json:"senderUser"`
	SentAt         string          `json:"sentAt"`
	Body           json.RawMessage `json:"body"`
	Attachments    []Attachment    `json:"attachments"`
	ReplyToHash    string          `json:"replyToHash,omitempty"`
	CaseSeq        int64           `json:"caseSeq,omitempty"`
	Signature      []byte          `json:"signature"`
	SignerKeyID    string          `json:"signerKeyId"`
}

// Attachment is the wire form of domain.AttachmentRef.
type Attachment struct {
	Name        string `json:"name"`
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"contentType"`
}

// SendResult is the answer of POST /v1/messages.
type SendResult struct {
	MessageID  string    `json:"messageId"`
	BodySHA256 string    `json:"bodySha256"` // of the canonical body
	AcceptedAt time.Time `json:"acceptedAt"` // when the platform first accepted it
	Duplicate  bool      `json:"duplicate"`  // true when the message was already stored
}

// InboxMessage is one message of an inbox page, with what the platform
// recorded about it.
type InboxMessage struct {
	Envelope   Envelope  `json:"envelope"`
	AcceptedAt time.Time `json:"acceptedAt"`
	BodySHA256 string    `json:"bodySha256"`
}

// Inbox is the answer of GET /v1/inbox/{office}: messages in the order the
// platform accepted them and the cursor after the last one (the request's
// cursor when the page is empty).
type Inbox struct {
	Messages []InboxMessage `json:"messages"`
	Next     string         `json:"next"`
}

// AckRequest is the body of POST /v1/inbox/{office}/ack.
type AckRequest struct {
	MessageIDs []string `json:"messageIds"`
}

// AckResult is the answer of POST /v1/inbox/{office}/ack.
type AckResult struct {
	// Acknowledged counts the messages this call acknowledged (not those
	// acknowledged before, nor IDs outside the office's inbox).
	Acknowledged int `json:"acknowledged"`
}

// FromDomain returns the wire form of e.
func FromDomain(e domain.Envelope) Envelope {
	out := Envelope{
		MessageID:      e.MessageID,
		CollabNo:       e.CollabNo,
		CaseKind:       e.CaseKind,
		MessageType:    e.MessageType,
		SenderOffice:   e.SenderOffice,
		ReceiverOffice: e.ReceiverOffice,
		SenderUser:     e.SenderUser,
		Body:           e.Body,
		Attachments:    make([]Attachment, 0, len(e.Attachments)),
		ReplyToHash:    e.ReplyToHash,
		CaseSeq:        e.CaseSeq,
		Signature:      e.Signature,
		SignerKeyID:    e.SignerKeyID,
	}
	if !e.SentAt.IsZero() {
		out.SentAt = e.SentAt.UTC().Format(time.RFC3339Nano)
	}
	for _, a := range e.Attachments {
		out.Attachments = append(out.Attachments, Attachment(a))
	}
	return out
}

// ToDomain returns the domain form of e; a sentAt that is not RFC 3339 is a
// CodeInvalid *Error with Field "sentAt". It does not validate the rest: call
// domain.Envelope.Validate.
func (e Envelope) ToDomain() (domain.Envelope, error) {
	out := domain.Envelope{
		MessageID:      e.MessageID,
		CollabNo:       e.CollabNo,
		CaseKind:       e.CaseKind,
		MessageType:    e.MessageType,
		SenderOffice:   e.SenderOffice,
		ReceiverOffice: e.ReceiverOffice,
		SenderUser:     e.SenderUser,
		Body:           e.Body,
		ReplyToHash:    e.ReplyToHash,
		CaseSeq:        e.CaseSeq,
		Signature:      e.Signature,
		SignerKeyID:    e.SignerKeyID,
	}
	if e.SentAt != "" {
		t, err := time.Parse(time.RFC3339Nano, e.SentAt)
		if err != nil {
			return domain.Envelope{}, domain.FieldErrorf("sentAt", "the send time must be an RFC 3339 date-time").WithReason("envelope.sentAt")
		}
		out.SentAt = t.UTC()
	}
	for _, a := range e.Attachments {
		out.Attachments = append(out.Attachments, domain.AttachmentRef(a))
	}
	return out, nil
}
