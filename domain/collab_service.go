package domain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Outgoing is a message a use case sends to another office.
type Outgoing struct {
	CollabNo       string
	CaseKind       string
	MessageType    string
	SenderOffice   string // the office acting (12 digits)
	ReceiverOffice string // the receiving deployment's office (12 digits)
	SenderUser     string
	Body           any // marshalled to a JSON object
	Attachments    []AttachmentRef
	ReplyToHash    string
}

// CollabService moves collaboration messages between this system and the
// platform so that each takes effect exactly once and in order per case:
// outgoing messages are logged and enqueued in the caller's transaction and
// delivered by a retried job with the message ID as idempotency key;
// incoming ones are stored once (unique message ID), acknowledged, then
// applied in case order, each in one transaction (DESIGN.md, "Collaboration
// transport").
type CollabService struct {
	DB       Database
	Platform Platform
	Keys     *KeyRing
	// Office is the office code whose platform inbox this system pulls.
	Office   string
	Now      func() time.Time
	NewID    func() string
	Handlers map[string]MessageHandler // by CaseKind + "/" + MessageType
	// DeliveryDeadline and ApplyDeadline make waiting messages overdue.
	DeliveryDeadline time.Duration
	ApplyDeadline    time.Duration
	// MaxBodyBytes bounds an incoming message's body (0: DefaultMaxMessageBody).
	MaxBodyBytes int
	// MaxApplyAttempts is how often an incoming message may fail to apply
	// other than by a refusal before it becomes a dead letter (0:
	// DefaultMaxApplyAttempts).
	MaxApplyAttempts int
	// DeliverOnCommit hands an outgoing message to the platform as soon as
	// the step that logged it commits, instead of waiting for a job worker
	// to pick up its DeliverMessage job (which stays the durable fallback).
	DeliverOnCommit bool

	drainMu       sync.Mutex // Drain's turns
	overdueMu     sync.Mutex
	overdueWarned map[string]bool // overdue messages already logged
}

// NewCollabService returns a CollabService with the built-in OPS handlers
// (PING, KEY_ANNOUNCEMENT); it panics on a nil dependency.
func NewCollabService(db Database, platform Platform, keys *KeyRing, office string, now func() time.Time, newID func() string) *CollabService {
	if db == nil || platform == nil || keys == nil || office == "" || now == nil || newID == nil {
		panic("domain: NewCollabService needs db, platform, keys, office, now and newID")
	}
	s := &CollabService{DB: db, Platform: platform, Keys: keys, Office: office, Now: now, NewID: newID,
		Handlers: map[string]MessageHandler{}, DeliveryDeadline: 10 * time.Minute, ApplyDeadline: 30 * time.Minute}
	s.Handle(PingKind, PingType, applyPing)
	s.Handle(PingKind, KeyAnnouncementType, s.applyKeyAnnouncement)
	return s
}

// Handle registers the handler of one kind of incoming message.
func (s *CollabService) Handle(caseKind, messageType string, h MessageHandler) {
	s.Handlers[caseKind+"/"+messageType] = h
}

// Send logs a signed envelope for out and enqueues its delivery, on tx: the
// caller's state change, the log entry and the delivery job commit together
// or not at all. The envelope's CaseSeq orders it after the sender's earlier
// messages on the case.
func (s *CollabService) Send(ctx context.Context, tx Repos, out Outgoing) (*Envelope, error) {
	body, err := json.Marshal(out.Body)
	if err != nil {
		return nil, fmt.Errorf("encode message body: %w", err)
	}
	seq, err := tx.Collab().NextCaseSeq(ctx, out.SenderOffice, out.CollabNo)
	if err != nil {
		return nil, err
	}
	// Microseconds: what both databases (and the platform) keep, so the
	// signed bytes survive storage.
	now := s.Now().UTC().Truncate(time.Microsecond)
	env := Envelope{MessageID: s.NewID(), CollabNo: out.CollabNo, CaseKind: out.CaseKind, MessageType: out.MessageType,
		SenderOffice: out.SenderOffice, ReceiverOffice: out.ReceiverOffice, SenderUser: out.SenderUser, SentAt: now,
		Body: body, Attachments: out.Attachments, ReplyToHash: out.ReplyToHash, CaseSeq: seq}
	env.Sign(s.Keys.Private, s.Keys.KeyID)
	if err := env.Validate(); err != nil {
		return nil, err
	}
	deadline := now.Add(s.DeliveryDeadline)
	m := &CollabMessage{Direction: DirectionOut, Envelope: env, Status: MessagePending, DeadlineAt: &deadline, CreatedAt: now, UpdatedAt: now}
	if _, err := tx.Collab().AppendMessage(ctx, m); err != nil {
		return nil, err
	}
	if err := tx.Jobs().Enqueue(ctx, DeliverMessageArgs{MessageID: env.MessageID}); err != nil {
		return nil, err
	}
	s.deliverSoon(tx, env.MessageID)
	return &env, nil
}

// Deliver hands a logged outgoing message to the platform. It is safe to
// run more than once: a SENT message is not sent again, and the platform
// de-duplicates by message ID anyway. final marks the last attempt: a
// failure then moves the message to DEAD (a dead letter an administrator can
// replay). The error is returned so the job is retried.
func (s *CollabService) Deliver(ctx context.Context, messageID string, final bool) error {
	m, err := s.DB.Collab().FindMessage(ctx, messageID)
	if err != nil {
		return err
	}
	if m.Direction != DirectionOut || m.Status != MessagePending {
		return nil
	}
	sendErr := s.Platform.Send(ctx, m.Envelope)
	if sendErr == nil {
		err := s.DB.Collab().SetMessageStatus(ctx, messageID, MessagePending, MessageSent, "", true)
		if ErrorCode(err) == CodeConflict {
			return nil
		}
		return err
	}
	to := MessagePending
	if final || isPermanent(sendErr) {
		to = MessageDead
	}
	if err := s.DB.Collab().SetMessageStatus(ctx, messageID, MessagePending, to, sendErr.Error(), true); err != nil && ErrorCode(err) != CodeConflict {
		return errors.Join(sendErr, err)
	}
	if to == MessageDead {
		slog.WarnContext(ctx, "collaboration message is a dead letter", "message_id", messageID, "err", sendErr)
		return nil
	}
	return sendErr
}

// isPermanent reports an error that retrying cannot fix (the platform
// refused the envelope).
func isPermanent(err error) bool {
	switch ErrorCode(err) {
	case CodeInvalid, CodeConflict, CodeForbidden:
		return true
	}
	return false
}

// FindMessages pages through the message log entries the caller may see,
// newest first (ADMIN, OFFICER): those whose sender or receiver office, or
// whose case's office on this side, is within the caller's jurisdiction
// (the city bureau sees the whole log). Bodies carry personal data, so the
// read is audited: one READ entry per page naming the message IDs. Errors:
// CodeInvalid for a bad page, CodeForbidden for other roles.
//
// An ANALYST reads the messages of one case (the query views' source view,
// 1.5.x), by its collaboration number, with their bodies masked like every
// personal field; the whole log stays with ADMIN and OFFICER.
func (s *CollabService) FindMessages(ctx context.Context, f CollabMessageFilter, p Page) (*CollabMessagePage, error) {
	if a := ActorFromContext(ctx); a.HasRole(RoleAnalyst) && !a.HasRole(RoleAdmin, RoleOfficer) && strings.TrimSpace(f.CollabNo) == "" {
		return nil, FieldErrorf("filter", "an analyst reads the messages of one case: give its collaboration number").WithReason("collab.case_only")
	}
	return s.findMessages(ctx, "collaborationMessages", f, p, RoleAdmin, RoleOfficer, RoleAnalyst)
}

func (s *CollabService) findMessages(ctx context.Context, op string, f CollabMessageFilter, p Page, roles ...Role) (*CollabMessagePage, error) {
	if len(roles) == 0 {
		roles = []Role{RoleAdmin, RoleOfficer}
	}
	actor, err := Authorize(ctx, roles...)
	if err != nil {
		return nil, err
	}
	if err := checkPage(&p); err != nil {
		return nil, err
	}
	f.OfficePrefix = jurisdictionOf(actor)
	page, err := s.DB.Collab().FindMessages(ctx, f, p)
	if err != nil {
		return nil, err
	}
	if len(page.Messages) > 0 {
		ids := make([]string, len(page.Messages))
		for i, m := range page.Messages {
			ids[i] = m.Envelope.MessageID
		}
		if err := s.audit(ctx, actor, AuditRead, op, "", strings.Join(ids, ",")); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// FindMessage returns one log entry the caller may see (ADMIN, OFFICER; the
// jurisdiction of FindMessages), audited as a READ. Errors: CodeNotFound,
// the same for an entry outside the caller's jurisdiction as for none at
// all (that refusal is audited as DENIED); CodeForbidden for other roles.
func (s *CollabService) FindMessage(ctx context.Context, messageID string) (*CollabMessage, error) {
	actor, err := Authorize(ctx, RoleAdmin, RoleOfficer)
	if err != nil {
		return nil, err
	}
	m, err := s.visibleMessage(ctx, actor, "collaborationMessage", messageID)
	if err != nil {
		return nil, err
	}
	if err := s.audit(ctx, actor, AuditRead, "collaborationMessage", messageID, ""); err != nil {
		return nil, err
	}
	return m, nil
}

// visibleMessage loads the entry messageID if actor may see it. An entry
// outside the jurisdiction answers as one that does not exist, and the
// attempt is audited as DENIED. It runs outside any transaction, so that the
// refusal stays audited.
func (s *CollabService) visibleMessage(ctx context.Context, actor *Actor, op, messageID string) (*CollabMessage, error) {
	page, err := s.DB.Collab().FindMessages(ctx, CollabMessageFilter{MessageID: messageID, OfficePrefix: jurisdictionOf(actor)}, Page{First: 1})
	if err != nil {
		return nil, err
	}
	if len(page.Messages) == 1 {
		return page.Messages[0], nil
	}
	if _, err := s.DB.Collab().FindMessage(ctx, messageID); err == nil {
		if err := s.audit(ctx, actor, AuditDenied, op, messageID, "outside jurisdiction"); err != nil {
			return nil, err
		}
	} else if ErrorCode(err) != CodeNotFound {
		return nil, err
	}
	return nil, Errorf(CodeNotFound, "collaboration message %s not found", messageID).WithReason("not_found")
}

// audit writes an entry about the message log at once (not through a
// batching sink): these reads are rare and the entry must not be lost.
func (s *CollabService) audit(ctx context.Context, actor *Actor, action AuditAction, op, subjectID, detail string) error {
	return s.DB.Audit().AppendAudit(ctx, NewAuditEntry(actor, s.Now(), action, op, "CollabMessage", subjectID, detail))
}

// DeadLetters lists the messages within the caller's jurisdiction that will
// not move without an administrator: outgoing DEAD and incoming FAILED. As
// FindMessages, audited.
func (s *CollabService) DeadLetters(ctx context.Context, p Page) (*CollabMessagePage, error) {
	return s.findMessages(ctx, "deadLetters", CollabMessageFilter{Statuses: []MessageStatus{MessageDead, MessageFailed}}, p)
}

// OverdueMessages lists the messages within the caller's jurisdiction still
// waiting (PENDING or RECEIVED) after their deadline. As FindMessages,
// audited.
func (s *CollabService) OverdueMessages(ctx context.Context, p Page) (*CollabMessagePage, error) {
	now := s.Now().UTC()
	return s.findMessages(ctx, "overdueMessages", CollabMessageFilter{OverdueAt: &now}, p)
}

// Replay puts a dead letter back to work: a DEAD outgoing message is
// delivered again, a FAILED incoming one is applied again (after its cause
// was fixed, e.g. a peer key added). ADMIN only, within the jurisdiction
// of FindMessages; audited. Errors: CodeNotFound (also outside the
// jurisdiction, audited as DENIED); CodeConflict when the message is not a
// dead letter.
func (s *CollabService) Replay(ctx context.Context, messageID string) (*CollabMessage, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if _, err := s.visibleMessage(ctx, actor, "replayMessage", messageID); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		m, err := tx.Collab().FindMessage(ctx, messageID)
		if err != nil {
			return err
		}
		switch m.Status {
		case MessageDead:
			if err := tx.Collab().SetMessageStatus(ctx, messageID, MessageDead, MessagePending, "replayed", false); err != nil {
				return err
			}
			if err := tx.Jobs().Enqueue(ctx, DeliverMessageArgs{MessageID: messageID}); err != nil {
				return err
			}
		case MessageFailed:
			if m.Direction != DirectionIn {
				return Errorf(CodeConflict, "message %s is not an incoming dead letter", messageID).WithReason("collab.not_dead")
			}
			if err := s.inspect(&m.Envelope); err != nil {
				return err
			}
			// Trust as when it arrived: the key must have been valid then,
			// and must not be revoked now.
			if err := s.verify(ctx, tx.Collab(), &m.Envelope, m.CreatedAt); err != nil {
				return err
			}
			if err := tx.Collab().SetMessageStatus(ctx, messageID, MessageFailed, MessageReceived, "replayed", false); err != nil {
				return err
			}
			if err := tx.Jobs().Enqueue(ctx, ApplyMessagesArgs{}); err != nil {
				return err
			}
		default:
			return Errorf(CodeConflict, "message %s is %s, not a dead letter", messageID, m.Status).WithReason("collab.not_dead")
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, s.Now(), AuditChange, "replayMessage", "CollabMessage", messageID, string(m.Status)))
	})
	if err != nil {
		return nil, err
	}
	return s.DB.Collab().FindMessage(ctx, messageID)
}

// LogVerification is the result of VerifyLog.
type LogVerification struct {
	OK             bool
	Entries        int
	FirstBrokenSeq int64
	Problem        string
}

// VerifyLog walks the whole message log and checks that every entry chains
// to the one before without gaps, and that every applied incoming and every
// outgoing envelope still verifies under its signer's key (one the peer
// directory knows and binds to the sender, revoked or expired since or
// not: the check is of integrity, not trust). ADMIN only.
func (s *CollabService) VerifyLog(ctx context.Context) (*LogVerification, error) {
	if _, err := Authorize(ctx, RoleAdmin); err != nil {
		return nil, err
	}
	v := &LogVerification{OK: true}
	prev, after := GenesisHash, int64(0)
	for {
		batch, err := s.DB.Collab().LogRange(ctx, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, m := range batch {
			v.Entries++
			problem := ""
			switch {
			case m.Seq != after+1:
				problem = fmt.Sprintf("entry %d is missing", after+1)
			case m.PrevHash != prev:
				problem = "the entry does not chain to the one before"
			case m.LogHash != ChainHash(m.PrevHash, m.Seq, m.Direction, &m.Envelope):
				problem = "the entry's content does not match its hash"
			case m.Status != MessageFailed:
				if err := s.verifyIntegrity(ctx, &m.Envelope); err != nil {
					if c := ErrorCode(err); c != CodeInvalid && c != CodeNotFound {
						return nil, err
					}
					problem = "the envelope's signature does not verify: " + ErrorMessage(err)
				}
			}
			if problem != "" {
				v.OK, v.FirstBrokenSeq, v.Problem = false, m.Seq, problem
				return v, nil
			}
			prev, after = m.LogHash, m.Seq
		}
		if len(batch) < 1000 {
			return v, nil
		}
	}
}

// Events returns the collaboration events the caller may see (its
// jurisdiction), until ctx ends.
func (s *CollabService) Events(ctx context.Context, bus CollabEvents) (<-chan CollabEvent, error) {
	actor, err := RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	in := bus.SubscribeCollabEvents(ctx)
	out := make(chan CollabEvent, 16)
	go func() {
		defer close(out)
		for e := range in {
			if e.Audience == "" && actor.CanSee(e.Office) {
				select {
				case out <- e:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// PingKind and PingType name the connectivity check between two offices: a
// signed note that travels like any business message and is applied by
// being logged. Operations use it to prove a link end to end.
const (
	PingKind = "OPS"
	PingType = "PING"
)

// SendPing sends a ping to receiverOffice on collabNo (ADMIN), audited, and
// returns its log entry (the sender reads what it sent, whatever office the
// deployment signs it for).
func (s *CollabService) SendPing(ctx context.Context, receiverOffice, collabNo, text string) (*CollabMessage, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if !reOffice.MatchString(receiverOffice) {
		return nil, FieldErrorf("receiverOffice", "an office code has 12 digits").WithReason("collab.office")
	}
	if collabNo == "" || len(collabNo) > 64 {
		return nil, FieldErrorf("collabNo", "give a collaboration number of at most 64 characters").WithReason("collab.collab_no")
	}
	var m *CollabMessage
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		env, err := s.Send(ctx, tx, Outgoing{CollabNo: collabNo, CaseKind: PingKind, MessageType: PingType,
			SenderOffice: s.Office, ReceiverOffice: receiverOffice, SenderUser: actor.Username, Body: map[string]string{"text": text}})
		if err != nil {
			return err
		}
		if m, err = tx.Collab().FindMessage(ctx, env.MessageID); err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, s.Now(), AuditChange, "sendCollaborationPing", "CollabMessage", env.MessageID, receiverOffice))
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func applyPing(_ context.Context, _ Repos, env *Envelope) (string, error) {
	var body struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(env.Body, &body); err != nil {
		return "", FieldErrorf("body", "a ping body is {\"text\": …}").WithReason("collab.ping_body")
	}
	return env.ReceiverOffice, nil
}
