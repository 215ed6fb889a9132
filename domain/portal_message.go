package domain

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// PortalMessageKind says what a portal's message is (消息指令, 3.1.7).
type PortalMessageKind string

// Portal message kinds.
const (
	// MessageQuestion is a citizen's question passed on by the portal.
	MessageQuestion PortalMessageKind = "QUESTION"
	// MessageInstruction is an instruction from the portal's supervising
	// department on a case or to an office.
	MessageInstruction PortalMessageKind = "INSTRUCTION"
)

// PortalMessageStatus is where a portal's message stands.
type PortalMessageStatus string

// Portal message statuses.
const (
	MessageOpen     PortalMessageStatus = "OPEN"     // waits for an answer until DeadlineAt
	MessageAnswered PortalMessageStatus = "ANSWERED" // answered; the portal was notified
)

// Default answer deadlines of portal messages, like every waiting state's.
const (
	DefaultQuestionDeadline    = 3 * 24 * time.Hour
	DefaultInstructionDeadline = 24 * time.Hour
)

// PortalMessage is a message or instruction from an Internet+ portal
// (3.1.7), routed to an office's queue, or to the case of one of the
// portal's online applications (then to that application's station), and
// answered by the office's staff before its deadline.
type PortalMessage struct {
	ID           string
	ClientUserID string
	ClientID     string
	Kind         PortalMessageKind
	// ApplicationID and CaseID name what the message is about, when it is
	// about an online application (and its case, once opened).
	ApplicationID string
	CaseID        string
	// Office is the office that answers it.
	Office     string
	Subject    string
	Body       string
	Status     PortalMessageStatus
	DeadlineAt time.Time
	Answer     string
	AnsweredBy string
	AnsweredAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int
}

// Overdue reports whether m waits past its deadline at now.
func (m *PortalMessage) Overdue(now time.Time) bool {
	return m.Status == MessageOpen && now.After(m.DeadlineAt)
}

// PortalMessageFilter selects portal messages; the service sets the owner
// or the office prefix from the caller.
type PortalMessageFilter struct {
	ClientUserID string
	OfficePrefix string
	Status       PortalMessageStatus
	// OverdueAt keeps the open messages whose deadline passed before it.
	OverdueAt *time.Time
}

// PortalMessagePage is a page of portal messages, newest first by their
// immutable ID.
type PortalMessagePage struct {
	Messages    []*PortalMessage
	HasNextPage bool
	EndCursor   string
}

// PortalMessageRepository stores portal messages.
type PortalMessageRepository interface {
	CreatePortalMessage(ctx context.Context, m *PortalMessage) error
	// FindPortalMessage returns CodeNotFound when there is none.
	FindPortalMessage(ctx context.Context, id string) (*PortalMessage, error)
	// UpdatePortalMessage writes m's answer and status if its version is
	// still m.Version and increments it; CodeConflict otherwise.
	UpdatePortalMessage(ctx context.Context, m *PortalMessage) error
	// FindPortalMessages pages through messages matching f, newest first.
	FindPortalMessages(ctx context.Context, f PortalMessageFilter, p Page) (*PortalMessagePage, error)
}

// NewPortalMessage is what a portal sends.
type NewPortalMessage struct {
	Kind          PortalMessageKind
	ApplicationID string
	Office        string
	Subject       string
	Body          string
}

// portalMessageStaff may read and answer portal messages of their jurisdiction.
var portalMessageStaff = []Role{RoleClerk, RoleOfficer, RoleApprover, RoleAdmin}

// SendMessage records a portal's message or instruction (3.1.7), INTEGRATOR
// only: about one of its own online applications (routed to that
// application's station and case), or to an office within its scopes. Its
// deadline is the kind's (3 days for a question, 1 for an instruction).
// Audited, one transaction. Errors: CodeForbidden (scope); CodeNotFound
// for another portal's application (as for none); CodeInvalid naming the field.
func (s *OnlineService) SendMessage(ctx context.Context, in NewPortalMessage) (*PortalMessage, error) {
	actor, err := Authorize(ctx, RoleIntegrator)
	if err != nil {
		return nil, err
	}
	client, err := s.Integrators.Client(ctx)
	if err != nil {
		return nil, err
	}
	deadline := DefaultQuestionDeadline
	switch in.Kind {
	case MessageQuestion:
	case MessageInstruction:
		deadline = DefaultInstructionDeadline
	default:
		return nil, FieldErrorf("kind", "a message is a QUESTION or an INSTRUCTION").WithReason("message.kind")
	}
	in.Subject, in.Body = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Body)
	if in.Subject == "" || !printable(in.Subject, 200) {
		return nil, FieldErrorf("subject", "give a subject of at most 200 characters").WithReason("message.subject")
	}
	if in.Body == "" || len(in.Body) > 4000 || !printableText(in.Body) {
		return nil, FieldErrorf("body", "give a text of at most 4000 bytes").WithReason("message.body")
	}
	now := s.Now().UTC()
	m := &PortalMessage{ID: s.NewID(), ClientUserID: actor.UserID, ClientID: client.ClientID, Kind: in.Kind, Subject: in.Subject, Body: in.Body,
		Status: MessageOpen, DeadlineAt: now.Add(deadline), CreatedAt: now, UpdatedAt: now, Version: 1}
	if in.ApplicationID != "" {
		a, err := s.DB.Online().FindOnlineApplication(ctx, in.ApplicationID)
		if err != nil && ErrorCode(err) != CodeNotFound {
			return nil, err
		}
		if err != nil || a.ClientUserID != actor.UserID {
			return nil, &Error{Code: CodeNotFound, Field: "applicationId", Message: "no online application of yours has this ID", Reason: "not_found"}
		}
		// A message about an application goes to its station and case,
		// never to an office the portal names beside it.
		if in.Office != "" && in.Office != a.Office {
			return nil, FieldErrorf("office", "a message about an application goes to that application's station %s; leave office out", a.Office).WithReason("message.office_mismatch")
		}
		m.ApplicationID, m.CaseID, m.Office = a.ID, a.CaseID, a.Office
	} else {
		if !client.mayAddress(in.Office) {
			return nil, Errorf(CodeForbidden, "client %s may not address office %s", client.ClientID, in.Office).WithReason("integrator.scope")
		}
		if _, err := s.DB.Offices().FindOfficeByCode(ctx, in.Office); err != nil {
			return nil, orMissing(err, &Error{Code: CodeNotFound, Field: "office", Message: "no office has the code " + in.Office, Reason: "office.unknown"})
		}
		m.Office = in.Office
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if err := tx.PortalMessages().CreatePortalMessage(ctx, m); err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "portalMessage.send", "PortalMessage", m.ID,
			fmt.Sprintf("%s to %s", m.Kind, m.Office)))
	})
	if err != nil {
		return nil, fmt.Errorf("send portal message: %w", err)
	}
	return m, nil
}

// printableText reports whether s is valid UTF-8 without control characters but line breaks and tabs.
func printableText(s string) bool {
	return printable(strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(s), 4000)
}

// mayAddress reports whether the client may address office (its scopes).
func (c *IntegratorClient) mayAddress(office string) bool {
	for _, p := range c.Offices {
		if strings.HasPrefix(office, p) {
			return true
		}
	}
	return false
}

// FindMessages pages through the portal messages the caller may read,
// newest first (a stable cursor on the immutable ID): a portal its own,
// staff those routed to their jurisdiction; overdue keeps the open ones
// past their deadline (the operations view of waiting states). Audited.
func (s *OnlineService) FindMessages(ctx context.Context, status PortalMessageStatus, overdue bool, p Page) (*PortalMessagePage, error) {
	actor, err := Authorize(ctx, append([]Role{RoleIntegrator}, portalMessageStaff...)...)
	if err != nil {
		return nil, err
	}
	if err := checkPage(&p); err != nil {
		return nil, err
	}
	f := PortalMessageFilter{Status: status}
	if actor.HasRole(RoleIntegrator) && !actor.System {
		f.ClientUserID = actor.UserID
	} else {
		f.OfficePrefix = jurisdictionOf(actor)
	}
	if overdue {
		now := s.Now().UTC()
		f.OverdueAt = &now
	}
	page, err := s.DB.PortalMessages().FindPortalMessages(ctx, f, p)
	if err != nil {
		return nil, err
	}
	if len(page.Messages) > 0 {
		ids := make([]string, len(page.Messages))
		for i, m := range page.Messages {
			ids[i] = m.ID
		}
		if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "portalMessages", "PortalMessage", "", strings.Join(ids, ","))); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// AnswerMessage answers an open portal message (3.1.7): staff of the
// office it is routed to (CLERK, OFFICER, APPROVER, ADMIN within
// jurisdiction). The answer, its audit entry and the portal's webhook are
// committed together. Errors: CodeNotFound (also outside the
// jurisdiction); CodeInvalidTransition when already answered; CodeConflict
// for a stale version; CodeInvalid (field answer).
func (s *OnlineService) AnswerMessage(ctx context.Context, id string, version int, answer string) (*PortalMessage, error) {
	actor, err := Authorize(ctx, portalMessageStaff...)
	if err != nil {
		return nil, err
	}
	answer = strings.TrimSpace(answer)
	if answer == "" || len(answer) > 4000 || !printableText(answer) {
		return nil, FieldErrorf("answer", "give an answer of at most 4000 bytes").WithReason("message.answer")
	}
	var out *PortalMessage
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		missing := notFound("no portal message has this ID")
		m, err := tx.PortalMessages().FindPortalMessage(ctx, id)
		if err != nil {
			return orMissing(err, missing)
		}
		if !actor.CanSee(m.Office) {
			return missing
		}
		if m.Status != MessageOpen {
			return Errorf(CodeInvalidTransition, "the message was already answered").WithReason("message.answered")
		}
		if version != 0 && version != m.Version {
			return Errorf(CodeConflict, "the message changed meanwhile; reload it").WithReason("message.stale")
		}
		now := s.Now().UTC()
		m.Status, m.Answer, m.AnsweredBy, m.AnsweredAt, m.UpdatedAt = MessageAnswered, answer, actor.Shown(), &now, now
		if err := tx.PortalMessages().UpdatePortalMessage(ctx, m); err != nil {
			return err
		}
		if err := tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "portalMessage.answer", "PortalMessage", m.ID, "")); err != nil {
			return err
		}
		out = m
		return s.notifyMessage(ctx, tx, m)
	})
	if err != nil {
		return nil, fmt.Errorf("answer portal message %s: %w", id, err)
	}
	return out, nil
}

// MessagePayload is the webhook body of an answered portal message.
type MessagePayload struct {
	ID            string              `json:"id"`
	Type          string              `json:"type"`
	Seq           int                 `json:"seq"`
	MessageID     string              `json:"messageId"`
	ApplicationID string              `json:"applicationId,omitempty"`
	Status        PortalMessageStatus `json:"status"`
	Answer        string              `json:"answer"`
	At            time.Time           `json:"at"`
}

// notifyMessage posts the answer of m to its portal's webhook, in tx.
func (s *OnlineService) notifyMessage(ctx context.Context, tx Repos, m *PortalMessage) error {
	client, err := tx.Integrators().FindIntegratorClient(ctx, m.ClientUserID)
	if ErrorCode(err) == CodeNotFound || (err == nil && client.WebhookURL == "") {
		return nil
	} else if err != nil {
		return err
	}
	now := s.Now().UTC()
	d := &WebhookDelivery{ID: s.NewID(), ClientUserID: m.ClientUserID, ApplicationID: m.ApplicationID, Status: WebhookPending, CreatedAt: now, UpdatedAt: now}
	if err := tx.Online().CreateWebhookDelivery(ctx, d); err != nil {
		return err
	}
	if d.Payload, err = json.Marshal(MessagePayload{ID: d.ID, Type: "portal_message.answered", Seq: d.Seq, MessageID: m.ID,
		ApplicationID: m.ApplicationID, Status: m.Status, Answer: MaskText(m.Answer), At: now}); err != nil {
		return err
	}
	if err := tx.Online().UpdateWebhookDelivery(ctx, d); err != nil {
		return err
	}
	return tx.Jobs().Enqueue(ctx, DeliverWebhookArgs{DeliveryID: d.ID}, WithMaxAttempts(WebhookMaxAttempts))
}
