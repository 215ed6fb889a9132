package domain

import (
	"context"
	"encoding/json"
	"time"
)

// CaseService reads cases of every kind within the caller's jurisdiction and
// runs the engine's bookkeeping: firing a declared step on a case, appending
// the action to its history and saving it, in the caller's transaction.
type CaseService struct {
	DB        Database
	Audit     AuditSink
	Now       func() time.Time
	NewID     func() string
	Workflows map[CaseKind]*Workflow
}

// NewCaseService returns a CaseService knowing every declared workflow; it
// panics on a nil dependency.
func NewCaseService(db Database, audit AuditSink, now func() time.Time, newID func() string) *CaseService {
	if db == nil || audit == nil || now == nil || newID == nil {
		panic("domain: NewCaseService needs db, audit, now and newID")
	}
	return &CaseService{DB: db, Audit: audit, Now: now, NewID: newID,
		Workflows: map[CaseKind]*Workflow{KindBirth: BirthWorkflow}}
}

var caseReadRoles = []Role{RoleClerk, RoleOfficer, RoleApprover, RoleArchivist, RoleAnalyst, RoleAdmin}

// Find returns a case the caller may see. Errors: CodeNotFound,
// CodeForbidden outside the jurisdiction. The read is audited.
func (s *CaseService) Find(ctx context.Context, id string) (*Case, error) {
	actor, err := Authorize(ctx, caseReadRoles...)
	if err != nil {
		return nil, err
	}
	c, err := s.DB.Cases().FindCaseByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.CanSee(c.Office) {
		s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditDenied, "case", "Case", c.ID, "outside jurisdiction"))
		return nil, Errorf(CodeForbidden, "this case belongs to office %s, outside your jurisdiction", c.Office).WithReason("auth.jurisdiction")
	}
	s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "case", "Case", c.ID, ""))
	return c, nil
}

// FindCases pages through the cases the caller may see.
func (s *CaseService) FindCases(ctx context.Context, f CaseFilter, p Page) (*CasePage, error) {
	actor, err := Authorize(ctx, caseReadRoles...)
	if err != nil {
		return nil, err
	}
	if err := checkPage(&p); err != nil {
		return nil, err
	}
	f.OfficePrefix = jurisdictionOf(actor)
	page, err := s.DB.Cases().FindCases(ctx, f, p)
	if err != nil {
		return nil, err
	}
	if len(page.Cases) > 0 {
		s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "cases", "Case", "", caseIDs(page.Cases)))
	}
	return page, nil
}

// OverdueCases lists cases of the caller's jurisdiction past their deadline.
func (s *CaseService) OverdueCases(ctx context.Context, p Page) (*CasePage, error) {
	now := s.Now().UTC()
	return s.FindCases(ctx, CaseFilter{OverdueAt: &now}, p)
}

// Queues counts the caller's cases by kind, side and status (the work queues).
func (s *CaseService) Queues(ctx context.Context) ([]QueueCount, error) {
	actor, err := Authorize(ctx, caseReadRoles...)
	if err != nil {
		return nil, err
	}
	return s.DB.Cases().CountQueues(ctx, jurisdictionOf(actor))
}

// Timeline returns a case's history (the caller must be able to see the case).
func (s *CaseService) Timeline(ctx context.Context, c *Case) ([]*CaseAction, error) {
	if _, err := Authorize(ctx, caseReadRoles...); err != nil {
		return nil, err
	}
	return s.DB.Cases().FindCaseActions(ctx, c.ID)
}

// AvailableActions lists the actions the caller may take on c now, from its
// kind's declaration.
func (s *CaseService) AvailableActions(ctx context.Context, c *Case) []string {
	w := s.Workflows[c.Kind]
	actor := ActorFromContext(ctx)
	if w == nil || actor == nil {
		return []string{}
	}
	return w.Available(c, actor)
}

// fire runs one declared step on c inside tx: the engine's checks, the new
// status, the history entry and the save (optimistic on c.Version), and an
// audit entry for a user action.
func (s *CaseService) fire(ctx context.Context, tx Repos, c *Case, action string, actor *Actor, note string, data any, messageID string) error {
	w := s.Workflows[c.Kind]
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	if data == nil {
		raw = json.RawMessage("{}")
	}
	a, err := w.Fire(c, action, actor, s.Now().UTC(), note, raw, messageID)
	if err != nil {
		return err
	}
	a.ID = s.NewID()
	if err := tx.Cases().UpdateCase(ctx, c); err != nil {
		return err
	}
	if err := tx.Cases().AppendCaseAction(ctx, a); err != nil {
		return err
	}
	if !actor.System {
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, a.At, AuditChange, string(c.Kind)+"."+action, "Case", c.ID, note))
	}
	return nil
}

// create stores a new case with its first history entry.
func (s *CaseService) create(ctx context.Context, tx Repos, c *Case, actor *Actor, action, messageID string) error {
	now := s.Now().UTC()
	c.CreatedAt, c.UpdatedAt = now, now
	if spec, ok := s.Workflows[c.Kind].State(c.Status); ok && spec.Deadline > 0 {
		d := now.Add(spec.Deadline)
		c.DeadlineAt = &d
	}
	if err := tx.Cases().CreateCase(ctx, c); err != nil {
		return err
	}
	a := &CaseAction{ID: s.NewID(), CaseID: c.ID, Action: action, From: "", To: c.Status, ActorID: actor.UserID,
		ActorName: actor.Shown(), Office: actor.OfficeCode, MessageID: messageID, Data: json.RawMessage("{}"), At: now}
	if err := tx.Cases().AppendCaseAction(ctx, a); err != nil {
		return err
	}
	if !actor.System {
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, string(c.Kind)+"."+action, "Case", c.ID, c.CollabNo))
	}
	return nil
}

// loadForUpdate loads a case the caller acts on, checking it is of kind.
func (s *CaseService) loadForUpdate(ctx context.Context, tx Repos, id string, kind CaseKind) (*Case, error) {
	c, err := tx.Cases().FindCaseByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Kind != kind {
		return nil, Errorf(CodeNotFound, "no %s case has this ID", kind).WithReason("not_found")
	}
	return c, nil
}

func caseIDs(cs []*Case) string {
	b := make([]byte, 0, len(cs)*37)
	for i, c := range cs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, c.ID...)
	}
	return string(b)
}

// deploymentOffice is the city bureau office code of the deployment that
// serves office: collaboration messages are addressed to it.
func deploymentOffice(office string) string {
	if len(office) < 4 {
		return office
	}
	return office[:4] + "00000000"
}

// systemActor acts for incoming messages.
var systemActor = &Actor{Username: "collaboration", System: true}
