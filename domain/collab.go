package domain

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Direction says whether a collaboration message left this system or arrived.
type Direction string

// Directions.
const (
	DirectionOut Direction = "OUT"
	DirectionIn  Direction = "IN"
)

// MessageStatus is where a collaboration message stands.
type MessageStatus string

// Message statuses: outgoing PENDING → SENT (or DEAD after the last failed
// delivery); incoming RECEIVED → APPLIED (or FAILED when it can never apply:
// bad signature, no handler, refused by its handler).
const (
	MessagePending  MessageStatus = "PENDING"
	MessageSent     MessageStatus = "SENT"
	MessageDead     MessageStatus = "DEAD"
	MessageReceived MessageStatus = "RECEIVED"
	MessageApplied  MessageStatus = "APPLIED"
	MessageFailed   MessageStatus = "FAILED"
)

// CollabMessage is one entry of this system's hash-chained message log: every
// envelope sent or received, in the order it was logged. LogHash chains the
// entry to the one before (ChainHash), so any change to a logged envelope, its
// signature or the order of entries, and any gap, is detectable (VerifyLog).
type CollabMessage struct {
	Seq        int64 // position in the log, from 1
	Direction  Direction
	Envelope   Envelope
	PrevHash   string
	LogHash    string
	Status     MessageStatus
	Attempts   int
	LastError  string
	DeadlineAt *time.Time // when a PENDING or RECEIVED message is overdue
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// GenesisHash is the PrevHash of the first log entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ChainHash is the LogHash of a log entry: SHA-256 over the previous entry's
// hash, the entry's position and direction, the envelope's Hash and its
// signature.
func ChainHash(prev string, seq int64, dir Direction, env *Envelope) string {
	h := sha256.New()
	for _, part := range []string{prev, strconv.FormatInt(seq, 10), string(dir), env.Hash(), hex.EncodeToString(env.Signature)} {
		h.Write([]byte(part))
		h.Write([]byte{'|'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// CollabMessageFilter selects log entries; empty fields do not filter.
type CollabMessageFilter struct {
	CollabNo  string
	Direction Direction
	Statuses  []MessageStatus
	// OverdueAt selects PENDING and RECEIVED entries whose deadline is before it.
	OverdueAt *time.Time
	// MessageID selects the one entry with that message ID.
	MessageID string
	// OfficePrefix keeps the entries an office whose jurisdiction is this
	// office-code prefix may see: its sender or receiver office starts with
	// it, or a case of this deployment with the entry's collaboration number
	// belongs to an office that does. "" keeps every entry. CollabService
	// sets it from the caller, never a client.
	OfficePrefix string
}

// CollabMessagePage is a page of log entries, newest first.
type CollabMessagePage struct {
	Messages    []*CollabMessage
	HasNextPage bool
	EndCursor   string
}

// CollabEvent tells subscribers that an incoming message was applied. It is
// published when, and only if, the applying transaction commits.
type CollabEvent struct {
	MessageID      string
	CollabNo       string
	CaseKind       string
	MessageType    string
	SenderOffice   string
	ReceiverOffice string
	// Office is the office whose users may see the event (jurisdiction).
	Office    string
	AppliedAt time.Time
	// Audience, when set, is the one user the event is for (an online
	// application's portal, OnlineEventType); office subscribers skip it.
	Audience string `json:",omitempty"`
	// Subject and Status are the ID and new status of what changed (an
	// online application).
	Subject string `json:",omitempty"`
	Status  string `json:",omitempty"`
}

// CollabRepository keeps the message log, the per-case sequence counters
// and the inbox cursor.
type CollabRepository interface {
	// AppendMessage logs m at the end of the chain, setting Seq, PrevHash and
	// LogHash; concurrent appends are serialised. It returns false, and logs
	// nothing, when m's message ID is already logged.
	AppendMessage(ctx context.Context, m *CollabMessage) (bool, error)
	// FindMessage returns CodeNotFound when no entry has the message ID.
	FindMessage(ctx context.Context, messageID string) (*CollabMessage, error)
	// SetMessageStatus moves an entry from one status to another, recording
	// the error text and counting an attempt when attempted is set. It
	// returns CodeConflict when the entry is no longer in status from.
	SetMessageStatus(ctx context.Context, messageID string, from, to MessageStatus, lastError string, attempted bool) error
	// FindMessages pages through the log, newest first.
	FindMessages(ctx context.Context, f CollabMessageFilter, p Page) (*CollabMessagePage, error)
	// LogRange returns up to limit entries with Seq > after, in log order.
	LogRange(ctx context.Context, after int64, limit int) ([]*CollabMessage, error)
	// ReceivedInOrder returns up to limit RECEIVED entries that are ready to
	// apply (unordered, or whose case sequence is at most one past the last
	// applied one of their sender and case), ordered by sender,
	// collaboration number and case sequence. A message waiting for a
	// predecessor is not returned, so waiting messages never crowd out
	// ready ones.
	ReceivedInOrder(ctx context.Context, limit int) ([]*CollabMessage, error)
	// NextCaseSeq returns the next sequence number for messages this system
	// sends from sender on collabNo (1, 2, …).
	NextCaseSeq(ctx context.Context, sender, collabNo string) (int64, error)
	// AppliedCaseSeq returns the last applied sequence number of messages from
	// sender on collabNo (0 when none).
	AppliedCaseSeq(ctx context.Context, sender, collabNo string) (int64, error)
	// SetAppliedCaseSeq moves that number from prev to next; CodeConflict when
	// it is no longer prev.
	SetAppliedCaseSeq(ctx context.Context, sender, collabNo string, prev, next int64) error
	// Cursor returns a stored cursor ("" when unset); SetCursor stores one.
	Cursor(ctx context.Context, name string) (string, error)
	SetCursor(ctx context.Context, name, value string) error
	// PublishCollabEvent publishes e once the current transaction commits.
	PublishCollabEvent(ctx context.Context, e CollabEvent) error
	// FindReceivedBySeq returns the incoming message, in any status but
	// FAILED, that holds sequence caseSeq of sender on collabNo;
	// CodeNotFound when none does.
	FindReceivedBySeq(ctx context.Context, sender, collabNo string, caseSeq int64) (*CollabMessage, error)

	// CreatePeerKey keeps a key announced through the platform;
	// CodeConflict when its key ID is taken.
	CreatePeerKey(ctx context.Context, k *PeerKey) error
	// FindPeerKey returns an announced key; CodeNotFound when none has the ID.
	FindPeerKey(ctx context.Context, keyID string) (*PeerKey, error)
	// FindPeerKeys returns every announced key by key ID.
	FindPeerKeys(ctx context.Context) ([]*PeerKey, error)
}

// CollabEvents delivers published CollabEvents to subscribers, across every
// instance that shares the database.
type CollabEvents interface {
	// SubscribeCollabEvents returns a channel of events that is closed when
	// ctx ends.
	SubscribeCollabEvents(ctx context.Context) <-chan CollabEvent
}

// KeyRing holds this system's signing key and the configured part of the
// peer directory: the keys it trusts, each bound to the offices it may
// speak for (DESIGN.md, "Trust boundaries").
type KeyRing struct {
	KeyID   string
	Private ed25519.PrivateKey
	// Directory holds the configured peer keys and revoked key IDs; keys
	// announced through the platform are kept in the database beside it.
	Directory *PeerDirectory
	// DevTrust, when set, also trusts any key DevKey derives, each for its
	// own office's city: every development instance then trusts every
	// other without configuration. Never set it in production.
	DevTrust bool
}

// DevKey derives the development signing key of an office deterministically.
// It is public knowledge, so it proves nothing outside development and tests.
func DevKey(office string) (keyID string, priv ed25519.PrivateKey) {
	seed := sha256.Sum256([]byte("hukou development signing key for " + office))
	return "dev:" + office, ed25519.NewKeyFromSeed(seed[:])
}

// MessageHandler applies one incoming message inside the applying
// transaction. A *Error other than CodeInternal/CodeUnavailable means the
// message can never apply (it goes to FAILED); any other error is retried.
type MessageHandler func(ctx context.Context, tx Repos, env *Envelope) (office string, err error)

// DeliverMessageArgs is the job that hands one logged outgoing message to the platform.
type DeliverMessageArgs struct {
	MessageID string `json:"message_id"`
}

// Kind implements JobArgs.
func (DeliverMessageArgs) Kind() string { return "deliver_message" }

// PullInboxArgs is the periodic job that pulls this system's platform inbox
// and applies what arrived.
type PullInboxArgs struct{}

// Kind implements JobArgs.
func (PullInboxArgs) Kind() string { return "pull_inbox" }

// ApplyMessagesArgs is the job that applies received messages in order.
type ApplyMessagesArgs struct{}

// Kind implements JobArgs.
func (ApplyMessagesArgs) Kind() string { return "apply_messages" }
