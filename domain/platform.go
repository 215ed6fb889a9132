package domain

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Platform is the collaboration platform (协同平台) as the domain needs it: a
// carrier that routes envelopes between offices by the receiver's office
// code. It keeps what it accepts (a restart loses nothing) and does not
// verify signatures: receivers do.
type Platform interface {
	// Send hands env to the platform. It is idempotent by env.MessageID: the
	// platform stores a message once however often it is sent, so a caller
	// may retry after a lost answer. Errors: CodeInvalid (Field names the bad
	// envelope field); CodeConflict when MessageID was already used for a
	// different envelope; CodeUnavailable when the platform does not answer.
	Send(ctx context.Context, env Envelope) error
	// Pull returns up to limit unacknowledged messages addressed to office
	// that the platform accepted after cursor ("" for the beginning), in the
	// order it accepted them, and the cursor to pass next time (cursor itself
	// when there is nothing new). Pull changes nothing: pulling again with an
	// old cursor is allowed and returns the still-unacknowledged messages.
	// Errors: CodeInvalid for a malformed office, cursor or limit;
	// CodeUnavailable.
	Pull(ctx context.Context, office string, cursor string, limit int) (msgs []Envelope, next string, err error)
	// Ack acknowledges messages of office's inbox: Pull no longer returns
	// them. Acknowledging twice, or an ID that is not in office's inbox, is
	// not an error. Errors: CodeInvalid; CodeUnavailable.
	Ack(ctx context.Context, office string, messageIDs []string) error
}

// Envelope is one message between two offices through the platform. The
// signature covers CanonicalBytes, that is every field but Signature.
type Envelope struct {
	MessageID      string          // unique, chosen by the sender (idempotency key)
	CollabNo       string          // the case's collaboration number
	CaseKind       string          // e.g. "BIRTH"
	MessageType    string          // e.g. "APPLICATION", "DECISION"
	SenderOffice   string          // 12-digit office code
	ReceiverOffice string          // 12-digit office code; the platform routes by it
	SenderUser     string          // who caused the message
	SentAt         time.Time       // when the sender created it
	Body           json.RawMessage // a JSON object; signed in canonical form
	Attachments    []AttachmentRef // files that travel beside the body, by hash
	ReplyToHash    string          // Hash() of the envelope this answers; "" if none
	CaseSeq        int64           // 1, 2, … per sender and case: receivers apply in this order; 0 = unordered
	Signature      []byte          // Ed25519 over CanonicalBytes
	SignerKeyID    string          // names the key that verifies Signature
}

// AttachmentRef names a file carried with an envelope and pins its content.
type AttachmentRef struct {
	Name        string
	SHA256      string // lowercase hex SHA-256 of the content
	Size        int64
	ContentType string
}

var (
	reMessageID   = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)
	reMessageType = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	reSHA256Hex   = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// Validate returns a CodeInvalid *Error naming the first malformed field by
// its wire name (messageId, collabNo, caseKind, messageType, senderOffice,
// receiverOffice, senderUser, sentAt, body, attachments[i].name|sha256|size|
// contentType, replyToHash, signature, signerKeyId), or nil. A valid envelope
// must be signed, but Validate does not check the signature: Verify does.
func (e *Envelope) Validate() error {
	bad := func(field, msg string) error {
		return FieldErrorf(field, "%s", msg).WithReason("envelope." + field)
	}
	switch {
	case !reMessageID.MatchString(e.MessageID):
		return bad("messageId", "the message ID must be 1 to 128 letters, digits or . _ : -")
	case e.CollabNo == "" || len(e.CollabNo) > 64:
		return bad("collabNo", "the collaboration number is required (at most 64 characters)")
	case !reKind.MatchString(e.CaseKind):
		return bad("caseKind", "the case kind must be an upper-case code such as BIRTH")
	case !reMessageType.MatchString(e.MessageType):
		return bad("messageType", "the message type must be 1 to 64 letters, digits or . _ -")
	case !reOffice.MatchString(e.SenderOffice):
		return bad("senderOffice", "the sender office code must be 12 digits")
	case !reOffice.MatchString(e.ReceiverOffice):
		return bad("receiverOffice", "the receiver office code must be 12 digits")
	case e.SenderUser == "" || len(e.SenderUser) > 64:
		return bad("senderUser", "the sending user is required (at most 64 characters)")
	case e.SentAt.IsZero():
		return bad("sentAt", "the send time is required")
	case !isJSONObject(e.Body):
		return bad("body", "the body must be a JSON object")
	case e.ReplyToHash != "" && !reSHA256Hex.MatchString(e.ReplyToHash):
		return bad("replyToHash", "the reply-to hash must be 64 lowercase hex digits")
	case e.CaseSeq < 0:
		return bad("caseSeq", "the case sequence cannot be negative")
	case len(e.Signature) == 0:
		return bad("signature", "the envelope must be signed")
	case e.SignerKeyID == "" || len(e.SignerKeyID) > 128:
		return bad("signerKeyId", "the signer key ID is required (at most 128 characters)")
	}
	for i, a := range e.Attachments {
		f := "attachments[" + itoa(i) + "]."
		switch {
		case a.Name == "" || len(a.Name) > 255:
			return bad(f+"name", "an attachment name is required (at most 255 characters)")
		case !reSHA256Hex.MatchString(a.SHA256):
			return bad(f+"sha256", "an attachment hash must be 64 lowercase hex digits")
		case a.Size < 0:
			return bad(f+"size", "an attachment size cannot be negative")
		case a.ContentType == "" || len(a.ContentType) > 255:
			return bad(f+"contentType", "an attachment content type is required")
		}
	}
	return nil
}

func isJSONObject(b json.RawMessage) bool {
	t := bytes.TrimSpace(b)
	return len(t) > 0 && t[0] == '{' && json.Valid(t)
}

func itoa(i int) string {
	var buf [20]byte
	n := len(buf)
	for {
		n--
		buf[n] = byte('0' + i%10)
		if i /= 10; i == 0 {
			return string(buf[n:])
		}
	}
}

// CanonicalBytes is the deterministic serialization of every field of e but
// Signature, which Sign signs and Hash hashes. It is one JSON object with
// keys in lexicographic order, no insignificant whitespace and no HTML
// escaping:
//
//	{"attachments":[{"contentType":…,"name":…,"sha256":…,"size":…}…],
//	 "body":<body>,"caseKind":…,"caseSeq":…,"collabNo":…,"messageId":…,"messageType":…,
//	 "receiverOffice":…,"replyToHash":…,"senderOffice":…,"senderUser":…,
//	 "sentAt":…,"signerKeyId":…}
//
// sentAt is RFC 3339 in UTC with nanoseconds and trailing zeros trimmed
// (time.RFC3339Nano); attachments is [] when there are none; replyToHash is
// "" when empty. <body> is the body re-encoded canonically: object keys
// sorted, numbers kept as written, strings escaped as encoding/json does
// without HTML escaping; so whitespace, key order or escaping changed in
// transit does not break a signature, while any change of content does. A
// body that is not valid JSON is embedded as a JSON string of its bytes, so
// that it can never verify as a different valid body.
func (e *Envelope) CanonicalBytes() []byte {
	type att struct {
		ContentType string `json:"contentType"`
		Name        string `json:"name"`
		SHA256      string `json:"sha256"`
		Size        int64  `json:"size"`
	}
	type canon struct {
		Attachments    []att           `json:"attachments"`
		Body           json.RawMessage `json:"body"`
		CaseKind       string          `json:"caseKind"`
		CaseSeq        int64           `json:"caseSeq"`
		CollabNo       string          `json:"collabNo"`
		MessageID      string          `json:"messageId"`
		MessageType    string          `json:"messageType"`
		ReceiverOffice string          `json:"receiverOffice"`
		ReplyToHash    string          `json:"replyToHash"`
		SenderOffice   string          `json:"senderOffice"`
		SenderUser     string          `json:"senderUser"`
		SentAt         string          `json:"sentAt"`
		SignerKeyID    string          `json:"signerKeyId"`
	}
	c := canon{
		Attachments:    make([]att, 0, len(e.Attachments)),
		Body:           CanonicalJSON(e.Body),
		CaseKind:       e.CaseKind,
		CaseSeq:        e.CaseSeq,
		CollabNo:       e.CollabNo,
		MessageID:      e.MessageID,
		MessageType:    e.MessageType,
		ReceiverOffice: e.ReceiverOffice,
		ReplyToHash:    e.ReplyToHash,
		SenderOffice:   e.SenderOffice,
		SenderUser:     e.SenderUser,
		SentAt:         e.SentAt.UTC().Format(time.RFC3339Nano),
		SignerKeyID:    e.SignerKeyID,
	}
	for _, a := range e.Attachments {
		c.Attachments = append(c.Attachments, att{ContentType: a.ContentType, Name: a.Name, SHA256: a.SHA256, Size: a.Size})
	}
	return encodeNoHTML(c)
}

// CanonicalJSON re-encodes a JSON value canonically (see
// Envelope.CanonicalBytes). Input that is not valid JSON comes back as a
// JSON string holding its bytes; empty input comes back as null.
func CanonicalJSON(b []byte) json.RawMessage {
	if len(bytes.TrimSpace(b)) == 0 {
		return json.RawMessage("null")
	}
	if !json.Valid(b) {
		return encodeNoHTML(string(b))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return encodeNoHTML(string(b))
	}
	return encodeNoHTML(v) // encoding/json sorts map keys
}

func encodeNoHTML(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("domain: canonical encoding: " + err.Error()) // only plain values reach here
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// Hash returns the lowercase hex SHA-256 of CanonicalBytes: what a reply
// puts in ReplyToHash and what message logs chain.
func (e *Envelope) Hash() string {
	sum := sha256.Sum256(e.CanonicalBytes())
	return hex.EncodeToString(sum[:])
}

// BodySHA256 returns the lowercase hex SHA-256 of the canonical body, the
// digest the platform keeps of every message it carries.
func (e *Envelope) BodySHA256() string {
	sum := sha256.Sum256(CanonicalJSON(e.Body))
	return hex.EncodeToString(sum[:])
}

// Sign sets SignerKeyID to keyID and Signature to the Ed25519 signature of
// CanonicalBytes under priv.
func (e *Envelope) Sign(priv ed25519.PrivateKey, keyID string) {
	e.SignerKeyID = keyID
	e.Signature = ed25519.Sign(priv, e.CanonicalBytes())
}

// ErrBadSignature is returned (wrapped in a CodeInvalid *Error) by Verify.
var ErrBadSignature = errors.New("envelope signature does not verify")

// Verify checks Signature against CanonicalBytes under pub. It returns a
// CodeInvalid *Error with Field "signature" (reason envelope.signature_bad)
// when the envelope is unsigned, the key has the wrong size, or any signed
// field was changed after signing.
func (e *Envelope) Verify(pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize || len(e.Signature) != ed25519.SignatureSize ||
		!ed25519.Verify(pub, e.CanonicalBytes(), e.Signature) {
		return &verifyError{e: &Error{Code: CodeInvalid, Field: "signature", Reason: "envelope.signature_bad",
			Message: "the message signature does not verify: it was changed or signed by another key (signer " + strings.TrimSpace(e.SignerKeyID) + ")"}}
	}
	return nil
}

// verifyError is a domain *Error that also matches ErrBadSignature.
type verifyError struct{ e *Error }

func (v *verifyError) Error() string   { return v.e.Error() }
func (v *verifyError) Unwrap() []error { return []error{v.e, ErrBadSignature} }

// Clone returns a deep copy of e (Body, Attachments and Signature are not shared).
func (e *Envelope) Clone() Envelope {
	c := *e
	c.Body = slices.Clone(e.Body)
	c.Attachments = slices.Clone(e.Attachments)
	c.Signature = slices.Clone(e.Signature)
	return c
}
