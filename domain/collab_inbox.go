package domain

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultMaxMessageBody is the largest incoming message body accepted when
// CollabService.MaxBodyBytes is 0: the platform's own limit (16 MiB).
const DefaultMaxMessageBody = 16 << 20

// DefaultMaxApplyAttempts is how often an incoming message may fail to
// apply for a reason other than a refusal (a database or service error)
// before it becomes a dead letter, when CollabService.MaxApplyAttempts is 0.
// Each pull of the inbox tries it once.
const DefaultMaxApplyAttempts = 10

// Limits of what an incoming envelope may carry beyond Validate's, so that
// it can always be stored (columns, memory) before anything else is decided.
const (
	maxSignatureBytes = 256
	maxAttachments    = 1000
	maxLastError      = 2000
)

// PullInbox fetches this system's inbox from the platform, stores each new
// message once, moves the cursor past them, and acknowledges them. Every
// message is stored, each in its own short transaction, whatever it holds:
// one that is malformed (NUL characters, invalid UTF-8, a body that is not
// a JSON object or is too large, fields too long, an impossible send time),
// whose signature does not verify with a key the peer directory binds to
// its sender office, that reuses a message ID for other content, or that
// takes a case sequence number already received, is stored as FAILED with
// the reason (a dead letter, logged at WARN); a malformed one is stored as
// a quarantined copy that keeps what can be kept and a digest of the rest.
// So no message can block the inbox. It returns how many new messages it
// stored; an error means the platform or the database did not answer.
func (s *CollabService) PullInbox(ctx context.Context, limit int) (int, error) {
	cursor, err := s.DB.Collab().Cursor(ctx, "inbox")
	if err != nil {
		return 0, err
	}
	msgs, next, err := s.Platform.Pull(ctx, s.Office, cursor, limit)
	if err != nil {
		return 0, err
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	stored := 0
	for i := range msgs {
		inserted, err := s.store(ctx, &msgs[i])
		if err != nil {
			return stored, fmt.Errorf("store incoming message %d of %d: %w", i+1, len(msgs), err)
		}
		if inserted {
			stored++
		}
	}
	if err := s.DB.Collab().SetCursor(ctx, "inbox", next); err != nil {
		return stored, err
	}
	ids := make([]string, len(msgs))
	for i := range msgs {
		ids[i] = msgs[i].MessageID
	}
	if err := s.Platform.Ack(ctx, s.Office, ids); err != nil {
		// Stored and cursor moved: an unacknowledged message is harmless; the
		// next pull acknowledges again.
		slog.WarnContext(ctx, "acknowledge inbox", "err", err)
	}
	return stored, nil
}

// store logs one incoming envelope, RECEIVED or FAILED, in one transaction;
// false when it was logged before (the platform delivered it again).
func (s *CollabService) store(ctx context.Context, env *Envelope) (bool, error) {
	now := s.Now().UTC()
	deadline := now.Add(s.ApplyDeadline)
	m := &CollabMessage{Direction: DirectionIn, Envelope: *env, Status: MessageReceived, DeadlineAt: &deadline, CreatedAt: now, UpdatedAt: now}
	malformed := s.inspect(env)
	if malformed != nil {
		m.Envelope = s.quarantine(env)
		m.Status, m.LastError = MessageFailed, safeText(malformed.Error())
	}
	inserted := false
	err := s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		inserted = false
		if malformed == nil {
			if err := s.verify(ctx, tx.Collab(), env, now); err != nil {
				if ErrorCode(err) != CodeInvalid {
					return err
				}
				m.Status, m.LastError = MessageFailed, safeText(err.Error())
			}
		}
		switch prev, err := tx.Collab().FindMessage(ctx, m.Envelope.MessageID); {
		case err == nil && prev.Direction == DirectionIn && sameEnvelope(&prev.Envelope, &m.Envelope):
			return nil // delivered again
		case err == nil:
			// Another message under a used ID: kept beside the first, under an
			// ID derived from its content, as a dead letter.
			orig := m.Envelope.MessageID
			m.Envelope.MessageID = "duplicate:" + m.Envelope.Hash()
			m.Status = MessageFailed
			m.LastError = Errorf(CodeConflict, "message ID %s was already used for a different message (log entry %d); this one is kept as %s",
				orig, prev.Seq, m.Envelope.MessageID).WithReason("collab.message_id_reused").Error()
			if _, err := tx.Collab().FindMessage(ctx, m.Envelope.MessageID); err == nil {
				return nil
			} else if ErrorCode(err) != CodeNotFound {
				return err
			}
		case ErrorCode(err) != CodeNotFound:
			return err
		}
		if m.Status == MessageReceived && env.CaseSeq > 0 {
			holder, err := tx.Collab().FindReceivedBySeq(ctx, env.SenderOffice, env.CollabNo, env.CaseSeq)
			switch {
			case err == nil:
				m.Status = MessageFailed
				m.LastError = Errorf(CodeConflict, "sequence %d of case %s from office %s was already received as message %s",
					env.CaseSeq, env.CollabNo, env.SenderOffice, holder.Envelope.MessageID).WithReason("collab.sequence_reused").Error()
			case ErrorCode(err) != CodeNotFound:
				return err
			}
		}
		if m.Status == MessageFailed {
			m.DeadlineAt = nil
		}
		var err error
		inserted, err = tx.Collab().AppendMessage(ctx, m)
		return err
	})
	if err != nil {
		return false, err
	}
	if inserted && m.Status == MessageFailed {
		slog.WarnContext(ctx, "incoming collaboration message is a dead letter", "message_id", m.Envelope.MessageID,
			"sender_office", m.Envelope.SenderOffice, "signer_key_id", m.Envelope.SignerKeyID, "collab_no", m.Envelope.CollabNo,
			"message_type", m.Envelope.CaseKind+"/"+m.Envelope.MessageType, "reason", m.LastError)
	}
	return inserted, nil
}

// sameEnvelope reports whether two envelopes are the same message: the
// same signed content and signature.
func sameEnvelope(a, b *Envelope) bool {
	return bytes.Equal(a.Signature, b.Signature) && a.Hash() == b.Hash()
}

func (s *CollabService) maxBody() int {
	if s.MaxBodyBytes > 0 {
		return s.MaxBodyBytes
	}
	return DefaultMaxMessageBody
}

func (s *CollabService) maxApplyAttempts() int {
	if s.MaxApplyAttempts > 0 {
		return s.MaxApplyAttempts
	}
	return DefaultMaxApplyAttempts
}

// earliestSentAt and latestSentAt bound a send time both databases keep.
var (
	earliestSentAt = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	latestSentAt   = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

// inspect returns a CodeInvalid *Error saying why env cannot be stored or
// applied as it is, or nil: what Validate checks, and what the databases
// refuse or mangle (NUL characters, invalid UTF-8, times beyond year 9999 or
// finer than a microsecond, which would break the signature once stored)
// and bounds on size.
func (s *CollabService) inspect(env *Envelope) *Error {
	bad := func(field, reason, format string, args ...any) *Error {
		return FieldErrorf(field, format, args...).WithReason("envelope." + reason)
	}
	if n := len(env.Body); n > s.maxBody() {
		return bad("body", "body_too_large", "the body is too large: %d bytes, at most %d are accepted", n, s.maxBody())
	}
	fields := []struct{ name, value string }{
		{"messageId", env.MessageID}, {"collabNo", env.CollabNo}, {"caseKind", env.CaseKind}, {"messageType", env.MessageType},
		{"senderOffice", env.SenderOffice}, {"receiverOffice", env.ReceiverOffice}, {"senderUser", env.SenderUser},
		{"replyToHash", env.ReplyToHash}, {"signerKeyId", env.SignerKeyID}, {"body", string(env.Body)},
	}
	if len(env.Attachments) > maxAttachments {
		return bad("attachments", "attachments", "at most %d attachments are accepted, not %d", maxAttachments, len(env.Attachments))
	}
	for i, a := range env.Attachments {
		f := "attachments[" + itoa(i) + "]."
		fields = append(fields, struct{ name, value string }{f + "name", a.Name}, struct{ name, value string }{f + "contentType", a.ContentType})
	}
	for _, f := range fields {
		if !utf8.ValidString(f.value) {
			return bad(f.name, "encoding", "%s is not valid UTF-8", f.name)
		}
		if strings.IndexByte(f.value, 0) >= 0 {
			return bad(f.name, "nul", "%s contains a NUL character", f.name)
		}
	}
	if bytes.Contains(env.Body, []byte(`\u0000`)) && jsonHasNUL(env.Body) {
		return bad("body", "nul", "body contains a NUL character (\\u0000), which cannot be stored")
	}
	switch t := env.SentAt; {
	case t.Before(earliestSentAt) || t.After(latestSentAt):
		return bad("sentAt", "sentAt", "the send time %s is out of range", t.UTC().Format(time.RFC3339))
	case t.Nanosecond()%1000 != 0:
		return bad("sentAt", "sentAt", "the send time has more than microsecond precision")
	}
	if len(env.Signature) > maxSignatureBytes {
		return bad("signature", "signature", "the signature is %d bytes long", len(env.Signature))
	}
	if err := env.Validate(); err != nil {
		var de *Error
		if errors.As(err, &de) {
			return de
		}
		return bad("envelope", "invalid", "%v", err)
	}
	return nil
}

// jsonHasNUL reports whether a JSON text holds a NUL character in any
// string or key (as the escape \u0000), or cannot be decoded.
func jsonHasNUL(b []byte) bool {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return false // not JSON: Validate says so
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case string:
			return strings.IndexByte(x, 0) >= 0
		case []any:
			for _, e := range x {
				if walk(e) {
					return true
				}
			}
		case map[string]any:
			for k, e := range x {
				if strings.IndexByte(k, 0) >= 0 || walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// quarantine returns the copy of a malformed envelope that the log keeps:
// every field that would not store is replaced (a bad message ID by one
// derived from it, a bad body by its digest, size and a cleaned preview),
// deterministically, so the same message pulled again is recognised. The
// copy never verifies, so it can never be replayed into effect.
func (s *CollabService) quarantine(env *Envelope) Envelope {
	keep := func(ok bool, v, otherwise string) string {
		if ok {
			return v
		}
		return otherwise
	}
	q := Envelope{
		MessageID:      keep(reMessageID.MatchString(env.MessageID), env.MessageID, "quarantine:"+sha256Hex([]byte(env.MessageID))),
		CollabNo:       clip(env.CollabNo, 64, "-"),
		CaseKind:       keep(reKind.MatchString(env.CaseKind), env.CaseKind, "INVALID"),
		MessageType:    keep(reMessageType.MatchString(env.MessageType), env.MessageType, "INVALID"),
		SenderOffice:   keep(reOffice.MatchString(env.SenderOffice), env.SenderOffice, "000000000000"),
		ReceiverOffice: keep(reOffice.MatchString(env.ReceiverOffice), env.ReceiverOffice, "000000000000"),
		SenderUser:     clip(env.SenderUser, 64, "-"),
		SentAt:         earliestSentAt,
		ReplyToHash:    keep(reSHA256Hex.MatchString(env.ReplyToHash), env.ReplyToHash, ""),
		CaseSeq:        max(env.CaseSeq, 0),
		SignerKeyID:    clip(env.SignerKeyID, 128, "-"),
	}
	if t := env.SentAt; !t.Before(earliestSentAt) && !t.After(latestSentAt) {
		q.SentAt = t.UTC().Truncate(time.Microsecond)
	}
	if len(env.Signature) <= maxSignatureBytes {
		q.Signature = bytes.Clone(env.Signature)
	}
	body := env.Body
	if len(body) > s.maxBody() || !utf8.Valid(body) || bytes.IndexByte(body, 0) >= 0 || !isJSONObject(body) ||
		(bytes.Contains(body, []byte(`\u0000`)) && jsonHasNUL(body)) {
		preview := body[:min(len(body), 256)]
		body = encodeNoHTML(map[string]any{"quarantined": map[string]any{
			"sha256": sha256Hex(env.Body), "size": len(env.Body), "preview": clip(string(preview), 1024, ""),
			"attachments": len(env.Attachments)}})
	}
	q.Body = bytes.Clone(body)
	return q
}

// clip makes v storable text: valid UTF-8 without NUL characters, at most
// n bytes (cut at a character boundary), or otherwise when nothing is left.
func clip(v string, n int, otherwise string) string {
	v = strings.ReplaceAll(strings.ToValidUTF8(v, "\uFFFD"), "\x00", "\uFFFD")
	if len(v) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(v[cut]) {
			cut--
		}
		v = v[:cut]
	}
	if v == "" {
		return otherwise
	}
	return v
}

// safeText makes an error text storable as a message's last error.
func safeText(s string) string { return clip(s, maxLastError, "error") }

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// verify checks an incoming envelope before it may apply: well formed,
// addressed to this deployment, signed with a key the peer directory
// trusts at `at` (not revoked, within its window), and bound to an office
// prefix that covers the envelope's sender office. Errors: CodeInvalid with
// the reason (envelope.*); others when the directory cannot be read.
func (s *CollabService) verify(ctx context.Context, repo CollabRepository, env *Envelope, at time.Time) error {
	if err := env.Validate(); err != nil {
		return err
	}
	if deploymentOffice(env.ReceiverOffice) != deploymentOffice(s.Office) {
		return Errorf(CodeInvalid, "the message is addressed to office %s, outside this deployment (%s)",
			env.ReceiverOffice, deploymentOffice(s.Office)).WithReason("envelope.receiver_not_here")
	}
	k, err := s.trustedKey(ctx, repo, env.SignerKeyID, at)
	if err != nil {
		return err
	}
	if err := env.Verify(k.PublicKey); err != nil {
		return err
	}
	if !k.Covers(env.SenderOffice) {
		return Errorf(CodeInvalid, "the message claims to come from office %s, but its key %s speaks only for offices %s",
			env.SenderOffice, k.KeyID, strings.Join(k.Offices, ", ")).WithReason("envelope.signer_not_bound")
	}
	return nil
}

// verifyIntegrity checks that a logged envelope is unchanged since it was
// accepted: its signer key is known (revoked or expired since or not) and
// bound to its sender office, and the signature verifies.
func (s *CollabService) verifyIntegrity(ctx context.Context, env *Envelope) error {
	k, err := s.findKey(ctx, s.DB.Collab(), env.SignerKeyID)
	if err != nil {
		return err
	}
	if !k.Covers(env.SenderOffice) {
		return Errorf(CodeInvalid, "key %s does not speak for office %s", k.KeyID, env.SenderOffice).WithReason("envelope.signer_not_bound")
	}
	return env.Verify(k.PublicKey)
}

// ApplyReceived applies stored incoming messages in case order until none
// is ready: a message applies only after its predecessor (CaseSeq - 1) from
// the same sender on the same case. Each applies in one transaction that
// also moves it to APPLIED and publishes its event on commit, so a crash
// never half-applies one, and a message applies at most once even with
// several workers. A message its handler refuses becomes FAILED with the
// reason; one that fails otherwise (a database or service error) is tried
// again by later runs and becomes FAILED after MaxApplyAttempts; neither
// stops the others. A message still waiting for its predecessor after its
// deadline shows among the overdue messages and is logged at WARN. It
// returns how many it applied; an error means the database did not answer.
func (s *CollabService) ApplyReceived(ctx context.Context) (int, error) {
	applied := 0
	failedNow := map[string]bool{} // tried once in this run already
	for {
		msgs, err := s.DB.Collab().ReceivedInOrder(ctx, 500)
		if err != nil {
			return applied, err
		}
		progress := false
		for _, m := range msgs {
			if failedNow[m.Envelope.MessageID] {
				continue
			}
			ok, err := s.applyOne(ctx, m)
			if err != nil {
				failedNow[m.Envelope.MessageID] = true
				if err := s.applyFailed(ctx, m, err); err != nil {
					return applied, err
				}
				continue
			}
			if ok {
				applied++
				progress = true
			}
		}
		if !progress {
			break
		}
	}
	s.warnOverdue(ctx)
	return applied, nil
}

// applyFailed records a failed attempt to apply m; the last allowed one
// makes m a dead letter.
func (s *CollabService) applyFailed(ctx context.Context, m *CollabMessage, cause error) error {
	attempt := m.Attempts + 1
	to, text := MessageReceived, fmt.Sprintf("attempt %d of %d failed: %v", attempt, s.maxApplyAttempts(), cause)
	if attempt >= s.maxApplyAttempts() {
		to = MessageFailed
		text = Errorf(CodeInternal, "the message could not be applied in %d attempts; the last failed with: %v", attempt, cause).
			WithReason("collab.apply_failed").Error()
	}
	err := s.DB.Collab().SetMessageStatus(ctx, m.Envelope.MessageID, MessageReceived, to, safeText(text), true)
	if err != nil && ErrorCode(err) != CodeConflict {
		return errors.Join(cause, err)
	}
	if to == MessageFailed {
		slog.WarnContext(ctx, "incoming collaboration message is a dead letter", "message_id", m.Envelope.MessageID,
			"sender_office", m.Envelope.SenderOffice, "collab_no", m.Envelope.CollabNo, "reason", text)
	} else {
		slog.WarnContext(ctx, "incoming collaboration message could not be applied; it will be tried again", "message_id", m.Envelope.MessageID,
			"sender_office", m.Envelope.SenderOffice, "collab_no", m.Envelope.CollabNo, "attempt", attempt, "err", cause)
	}
	return nil
}

// warnOverdue logs, once per message and process, each incoming message
// still waiting after its deadline (usually for a predecessor that never
// came).
func (s *CollabService) warnOverdue(ctx context.Context) {
	now := s.Now().UTC()
	page, err := s.DB.Collab().FindMessages(ctx, CollabMessageFilter{Direction: DirectionIn, OverdueAt: &now}, Page{First: 100})
	if err != nil {
		slog.WarnContext(ctx, "list overdue incoming messages", "err", err)
		return
	}
	s.overdueMu.Lock()
	defer s.overdueMu.Unlock()
	if s.overdueWarned == nil || len(s.overdueWarned) > 10000 {
		s.overdueWarned = map[string]bool{}
	}
	for _, m := range page.Messages {
		if s.overdueWarned[m.Envelope.MessageID] {
			continue
		}
		s.overdueWarned[m.Envelope.MessageID] = true
		slog.WarnContext(ctx, "incoming collaboration message is overdue", "message_id", m.Envelope.MessageID,
			"sender_office", m.Envelope.SenderOffice, "collab_no", m.Envelope.CollabNo, "case_seq", m.Envelope.CaseSeq,
			"deadline", m.DeadlineAt, "last_error", m.LastError)
	}
}

// staleRetries is how often applyOne runs a message again at once when its
// handler met a concurrent change of the case (a job of this office writing
// it meanwhile); after that the message waits for the next run, counted as
// a failed attempt.
const staleRetries = 3

func (s *CollabService) applyOne(ctx context.Context, m *CollabMessage) (bool, error) {
	var err error
	for range staleRetries {
		var ok bool
		if ok, err = s.applyOnce(ctx, m); !IsStale(err) {
			return ok, err
		}
	}
	return false, fmt.Errorf("apply message %s: %w", m.Envelope.MessageID, err)
}

// applyOnce runs m's handler and records the outcome in one transaction. A
// stale error (a concurrent change) is returned as it is, for applyOne to
// retry; it never makes a dead letter.
func (s *CollabService) applyOnce(ctx context.Context, m *CollabMessage) (bool, error) {
	env := &m.Envelope
	var failure error
	err := s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		failure = nil
		last := int64(0)
		if env.CaseSeq > 0 {
			var err error
			if last, err = tx.Collab().AppliedCaseSeq(ctx, env.SenderOffice, env.CollabNo); err != nil {
				return err
			}
			if env.CaseSeq > last+1 {
				return errNotReady // waits for its predecessor
			}
			if env.CaseSeq <= last {
				failure = Errorf(CodeConflict, "sequence %d of case %s was already applied", env.CaseSeq, env.CollabNo).WithReason("collab.sequence_reused")
				return errRefused
			}
		}
		h := s.Handlers[env.CaseKind+"/"+env.MessageType]
		if h == nil {
			failure = Errorf(CodeInvalid, "no handler for %s/%s messages", env.CaseKind, env.MessageType).WithReason("collab.no_handler")
			return errRefused
		}
		office, err := h(ctx, tx, env)
		if err != nil {
			if c := ErrorCode(err); c == CodeInternal || c == CodeUnavailable || IsStale(err) {
				return err
			}
			failure = err
			return errRefused
		}
		if env.CaseSeq > 0 {
			if err := tx.Collab().SetAppliedCaseSeq(ctx, env.SenderOffice, env.CollabNo, last, env.CaseSeq); err != nil {
				return err
			}
		}
		if err := tx.Collab().SetMessageStatus(ctx, env.MessageID, MessageReceived, MessageApplied, "", true); err != nil {
			return err
		}
		if office == "" {
			office = env.ReceiverOffice
		}
		return tx.Collab().PublishCollabEvent(ctx, CollabEvent{MessageID: env.MessageID, CollabNo: env.CollabNo,
			CaseKind: env.CaseKind, MessageType: env.MessageType, SenderOffice: env.SenderOffice,
			ReceiverOffice: env.ReceiverOffice, Office: office, AppliedAt: s.Now().UTC()})
	})
	switch {
	case errors.Is(err, errNotReady):
		return false, nil
	case errors.Is(err, errRefused):
		// The handler's effects rolled back; record the refusal on its own.
		text := safeText(failure.Error())
		err := s.DB.Collab().SetMessageStatus(ctx, env.MessageID, MessageReceived, MessageFailed, text, true)
		if err != nil && ErrorCode(err) != CodeConflict {
			return false, err
		}
		if err == nil {
			slog.WarnContext(ctx, "incoming collaboration message is a dead letter", "message_id", env.MessageID,
				"sender_office", env.SenderOffice, "collab_no", env.CollabNo, "message_type", env.CaseKind+"/"+env.MessageType, "reason", text)
		}
		return false, nil
	case IsStale(err):
		return false, err
	case ErrorCode(err) == CodeConflict:
		return false, nil // another worker got there first
	case err != nil:
		return false, fmt.Errorf("apply message %s: %w", env.MessageID, err)
	}
	return true, nil
}

var (
	errNotReady = errors.New("predecessor not applied yet")
	errRefused  = errors.New("handler refused the message")
)
