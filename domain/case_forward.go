package domain

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// Scheduled forwarding ("forwarded on a schedule", DESIGN.md "Collaboration
// transport"): a kind's message that is not sent in the step that saves it
// but by the next run of a periodic job, which sends every pending forward.
// The forward is recorded in the step's transaction (it exists if and only
// if the step commits), and each one is sent in its own transaction together
// with its marking as sent, which is conditional: it is sent exactly once,
// through crashes, restarts and two instances running the job at once. Until
// the platform has accepted its message a forward past its due time is
// overdue, and shows so.

// CaseForward is one scheduled message of a case to its other side.
type CaseForward struct {
	ID          string
	CaseID      string
	Kind        CaseKind
	MessageType MessageType
	// Message is the message as stored (ForwardedMessage, JSON).
	Message json.RawMessage
	// SavedBy is the user whose step scheduled it.
	SavedBy   string
	CreatedAt time.Time
	// DueAt is when an undelivered forward becomes overdue.
	DueAt time.Time
	// SentAt and MessageID are set when the schedule sent it.
	SentAt    *time.Time
	MessageID string
}

// ForwardedMessage is a Message as a forward stores it.
type ForwardedMessage struct {
	Body        json.RawMessage `json:"body"`
	Attachments []AttachmentRef `json:"attachments,omitempty"`
	ReplyToHash string          `json:"replyToHash,omitempty"`
}

// ForwardState is where a forward stands.
type ForwardState string

// Forward states.
const (
	ForwardScheduled ForwardState = "SCHEDULED" // waits for the next run of the schedule
	ForwardSent      ForwardState = "SENT"      // in the outgoing log, not yet accepted by the platform
	ForwardDelivered ForwardState = "DELIVERED" // the platform accepted it
	ForwardDead      ForwardState = "DEAD"      // its delivery exhausted its retries: a dead letter to replay
)

// ForwardView is a forward with its delivery state, for the API.
type ForwardView struct {
	*CaseForward
	State   ForwardState
	Overdue bool
}

// DefaultForwardDue is how long a forward may wait for delivery before it
// is overdue, when the kind names no other time.
const DefaultForwardDue = time.Hour

// Forward records m to be sent from c's office to c's other side by the
// next run of the forwarding schedule (SendForwards), on tx: with the
// caller's step or not at all. due is how long it may take to be delivered
// before it shows as overdue (0: DefaultForwardDue).
func (s *CaseService) Forward(ctx context.Context, tx Repos, c *Case, m Message, due time.Duration) (*CaseForward, error) {
	body, err := json.Marshal(m.Body)
	if err != nil {
		return nil, fmt.Errorf("encode the %s forward of case %s: %w", m.Type, c.CollabNo, err)
	}
	stored, err := json.Marshal(ForwardedMessage{Body: body, Attachments: m.Attachments, ReplyToHash: m.ReplyToHash})
	if err != nil {
		return nil, err
	}
	if due <= 0 {
		due = DefaultForwardDue
	}
	user := "collaboration"
	if a := ActorFromContext(ctx); a != nil && !a.System {
		user = a.Username
	}
	now := s.Now().UTC()
	f := &CaseForward{ID: s.NewID(), CaseID: c.ID, Kind: c.Kind, MessageType: m.Type, Message: stored, SavedBy: user,
		CreatedAt: now, DueAt: now.Add(due)}
	if err := tx.Cases().CreateCaseForward(ctx, f); err != nil {
		return nil, fmt.Errorf("schedule the %s forward of case %s: %w", m.Type, c.CollabNo, err)
	}
	return f, nil
}

// SendForwards sends the pending forwards, oldest first, up to limit, each
// in its own transaction with its marking as sent; a forward someone else
// sent meanwhile is skipped (the conditional marking rolls the second send
// back). It returns how many it sent; one that fails is left for the next
// run and logged, without holding up the others.
func (s *CaseService) SendForwards(ctx context.Context, limit int) (int, error) {
	pending, err := s.DB.Cases().FindPendingForwards(ctx, limit)
	if err != nil {
		return 0, err
	}
	ctx = WithActor(ctx, systemActor)
	sent := 0
	var firstErr error
	for _, f := range pending {
		err := s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
			c, err := tx.Cases().FindCaseByID(ctx, f.CaseID)
			if err != nil {
				return err
			}
			var m ForwardedMessage
			if err := json.Unmarshal(f.Message, &m); err != nil {
				return fmt.Errorf("decode forward %s: %w", f.ID, err)
			}
			env, err := s.SendToOtherSide(ctx, tx, c, Message{Type: f.MessageType, Body: m.Body, Attachments: m.Attachments, ReplyToHash: m.ReplyToHash})
			if err != nil {
				return err
			}
			return tx.Cases().MarkForwardSent(ctx, f.ID, s.Now().UTC(), env.MessageID)
		})
		switch {
		case err == nil:
			sent++
		case ErrorCode(err) == CodeConflict: // sent by another run
		default:
			slog.WarnContext(ctx, "a scheduled forward could not be sent; the next run retries it", "forward", f.ID, "case", f.CaseID, "type", f.MessageType, "err", err)
			if firstErr == nil {
				firstErr = fmt.Errorf("forward %s of case %s: %w", f.ID, f.CaseID, err)
			}
		}
	}
	return sent, firstErr
}

// Forwards lists c's forwards, oldest first, with their delivery states (the
// caller must be able to see c).
func (s *CaseService) Forwards(ctx context.Context, c *Case) ([]*ForwardView, error) {
	if _, err := Authorize(ctx, CaseReadRoles...); err != nil {
		return nil, err
	}
	fs, err := s.DB.Cases().FindCaseForwards(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]*ForwardView, len(fs))
	for i, f := range fs {
		v := &ForwardView{CaseForward: f, State: ForwardScheduled}
		if f.SentAt != nil {
			v.State = ForwardSent
			m, err := s.DB.Collab().FindMessage(ctx, f.MessageID)
			switch {
			case err == nil && m.Status == MessageSent:
				v.State = ForwardDelivered
			case err == nil && m.Status == MessageDead:
				v.State = ForwardDead
			case err != nil && ErrorCode(err) != CodeNotFound:
				return nil, err
			}
		}
		v.Overdue = v.State != ForwardDelivered && now.After(f.DueAt)
		out[i] = v
	}
	return out, nil
}

// SendForwardsArgs is the periodic job that sends the pending forwards.
type SendForwardsArgs struct{}

// Kind implements JobArgs.
func (SendForwardsArgs) Kind() string { return "send_case_forwards" }

// Scheduled is implemented by a module with periodic work of its own, such
// as polling an external service for answers that fire its System steps.
// Each Schedule runs every Every on one instance at a time (a periodic job
// the queue's leader enqueues), as the system; an error is logged and the
// next run tries again, so a Run must be idempotent.
type Scheduled interface {
	Schedules() []Schedule
}

// Schedule is one periodic task of a module.
type Schedule struct {
	// Name is unique within the kind and part of the job's arguments:
	// never rename one.
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// KindSchedule is a registered kind's schedule, for the queue.
type KindSchedule struct {
	Kind  CaseKind
	Name  string
	Every time.Duration
}

// Schedules lists the schedules of every registered kind that has some, in
// a stable order.
func (s *CaseService) Schedules() []KindSchedule {
	var out []KindSchedule
	for _, kind := range s.kindsSorted() {
		if m, ok := s.modules[kind].(Scheduled); ok {
			for _, sc := range m.Schedules() {
				out = append(out, KindSchedule{Kind: kind, Name: sc.Name, Every: sc.Every})
			}
		}
	}
	return out
}

// CaseScheduleArgs is the periodic job of one kind's schedule.
type CaseScheduleArgs struct {
	CaseKind CaseKind `json:"kind"`
	Name     string   `json:"name"`
}

// Kind implements JobArgs.
func (CaseScheduleArgs) Kind() string { return "case_schedule" }

// RunSchedule runs a kind's schedule as the system (the case_schedule
// worker calls it).
func (s *CaseService) RunSchedule(ctx context.Context, args CaseScheduleArgs) error {
	m, ok := s.modules[args.CaseKind].(Scheduled)
	if !ok {
		return Errorf(CodeInternal, "%s cases have no schedules", args.CaseKind)
	}
	for _, sc := range m.Schedules() {
		if sc.Name == args.Name {
			if err := sc.Run(WithActor(ctx, systemActor)); err != nil {
				return fmt.Errorf("%s schedule %s: %w", args.CaseKind, args.Name, err)
			}
			return nil
		}
	}
	return Errorf(CodeInternal, "%s cases have no schedule %q", args.CaseKind, args.Name)
}
