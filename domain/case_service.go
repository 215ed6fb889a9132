package domain

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// CaseService is the case engine: it reads cases of every kind within the
// caller's jurisdiction and runs every kind's steps from its declaration
// alone. A kind plugs in with Register; the engine then fires its user
// steps (Act, Open), sends its messages (SendToOtherSide) and routes the
// messages that arrive for it, after checking that they come from the
// case's other side (DESIGN.md, "Trust boundaries"). It names no kind.
type CaseService struct {
	DB     Database
	Audit  AuditSink
	Collab *CollabService
	// Files keeps the files that travel with messages (set at start-up:
	// the archive service, which needs the engine itself).
	Files DocumentKeeper
	Now   func() time.Time
	NewID func() string
	// ExportMaxRows bounds a case list export (ExportCases); 0 is
	// DefaultCaseExportMaxRows.
	ExportMaxRows int
	// modules by kind, registered at start-up (never changed afterwards).
	modules map[CaseKind]Module
	// observers are told of every change of a case (Observe).
	observers []CaseObserver
}

// CaseObserver is told of each step fired on a case (by a user or a
// message) inside the step's transaction, after the case and its history
// entry are saved; an error rolls the step back.
type CaseObserver func(ctx context.Context, tx Repos, c *Case) error

// Observe adds an observer of every case change (start-up wiring, like
// Register; never called while cases change).
func (s *CaseService) Observe(o CaseObserver) { s.observers = append(s.observers, o) }

func (s *CaseService) notify(ctx context.Context, tx Repos, c *Case) error {
	for _, o := range s.observers {
		if err := o(ctx, tx, c); err != nil {
			return err
		}
	}
	return nil
}

// Module is a business kind plugged into the engine: its one declaration,
// how it applies the messages that arrive for it, and its kind-specific
// view of a case for the API.
type Module interface {
	// Workflow returns the kind's declaration (validated on Register).
	Workflow() *Workflow
	// Receivers returns how the kind applies incoming messages, by message
	// type; see ReceiveFunc. A message step without one is applied by
	// firing the step alone.
	Receivers() map[MessageType]ReceiveFunc
	// Details decodes the kind's part of c for the API (CaseDetails).
	Details(c *Case) (CaseDetails, error)
}

// CaseDetails is a kind's own part of a case as the API shows it (the
// schema's CaseDetails union); each kind returns its own type.
type CaseDetails interface{}

// ReceiveFunc applies an incoming message to its case inside the applying
// transaction. The engine has found this side's copy of the case and
// checked that the sender is its other side; for the step that creates the
// case (MsgApplication) it has created it. A ReceiveFunc changes c (saved
// by the engine) and returns the data recorded with the step. A *Error
// (other than CodeInternal or CodeUnavailable) makes the message a dead
// letter with its reason.
type ReceiveFunc func(ctx context.Context, tx Repos, c *Case, env *Envelope) (data any, err error)

// NewCaseService returns an engine without kinds; it panics on a nil
// dependency. collab may be nil only for an engine that will register no
// kind (one that serves archives of existing cases, in tests).
func NewCaseService(db Database, audit AuditSink, collab *CollabService, now func() time.Time, newID func() string) *CaseService {
	if db == nil || audit == nil || now == nil || newID == nil {
		panic("domain: NewCaseService needs db, audit, now and newID")
	}
	return &CaseService{DB: db, Audit: audit, Collab: collab, Now: now, NewID: newID, modules: map[CaseKind]Module{}}
}

// Register plugs a kind into the engine: its declaration is validated, and
// each of its message steps is routed from the collaboration service to
// the engine. It panics on an invalid declaration or a kind registered
// twice (start-up wiring errors).
func (s *CaseService) Register(m Module) {
	if s.Collab == nil {
		panic("domain: Register needs an engine with a collaboration service")
	}
	w := m.Workflow()
	if err := w.Validate(); err != nil {
		panic(err)
	}
	if _, dup := s.modules[w.Kind]; dup {
		panic(fmt.Sprintf("domain: kind %s registered twice", w.Kind))
	}
	receivers := m.Receivers()
	for msg := range receivers {
		if !w.firedBy(msg) {
			panic(fmt.Sprintf("domain: %s has a receiver for %s, which fires no step", w.Kind, msg))
		}
	}
	s.modules[w.Kind] = m
	for i := range w.Steps {
		st := &w.Steps[i]
		if st.OnMessage != "" {
			s.Collab.Handle(string(w.Kind), string(st.OnMessage), s.receive(w, st, receivers[st.OnMessage]))
		}
	}
}

func (w *Workflow) firedBy(msg MessageType) bool {
	for _, st := range w.Steps {
		if st.OnMessage == msg {
			return true
		}
	}
	return false
}

// kindsSorted lists the registered kinds in order.
func (s *CaseService) kindsSorted() []CaseKind {
	kinds := make([]CaseKind, 0, len(s.modules))
	for k := range s.modules {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// Workflow returns the declaration of kind, or nil for an unknown kind.
func (s *CaseService) Workflow(kind CaseKind) *Workflow {
	if m := s.modules[kind]; m != nil {
		return m.Workflow()
	}
	return nil
}

// Details returns the kind's part of c. Errors: CodeInternal for a case of
// a kind no module registered, or data its module cannot decode.
func (s *CaseService) Details(c *Case) (CaseDetails, error) {
	m := s.modules[c.Kind]
	if m == nil {
		return nil, Errorf(CodeInternal, "no module for %s cases", c.Kind)
	}
	d, err := m.Details(c)
	if err != nil {
		return nil, fmt.Errorf("details of case %s: %w", c.ID, err)
	}
	return d, nil
}

// CaseReadRoles may read cases (each within its jurisdiction).
var CaseReadRoles = []Role{RoleClerk, RoleOfficer, RoleApprover, RoleArchivist, RoleAnalyst, RoleAdmin}

// Find returns a case the caller may see. Errors: CodeNotFound, the same for
// a case outside the caller's jurisdiction as for none (that refusal is
// audited as DENIED). The read is audited.
func (s *CaseService) Find(ctx context.Context, id string) (*Case, error) {
	actor, err := Authorize(ctx, CaseReadRoles...)
	if err != nil {
		return nil, err
	}
	missing := notFound("case not found")
	c, err := s.DB.Cases().FindCaseByID(ctx, id)
	if err != nil {
		return nil, orMissing(err, missing)
	}
	if !actor.CanSee(c.Office) {
		if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditDenied, "case", "Case", c.ID, "outside jurisdiction")); err != nil {
			return nil, err
		}
		return nil, missing
	}
	if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "case", "Case", c.ID, "")); err != nil {
		return nil, err
	}
	return c, nil
}

// FindCases pages through the cases the caller may see.
func (s *CaseService) FindCases(ctx context.Context, f CaseFilter, p Page) (*CasePage, error) {
	actor, err := Authorize(ctx, CaseReadRoles...)
	if err != nil {
		return nil, err
	}
	if err := checkPage(&p); err != nil {
		return nil, err
	}
	if err := checkCaseFilter(actor, &f); err != nil {
		return nil, err
	}
	if f.OfficePrefix, err = s.caseScope(ctx, actor, f.Office); err != nil {
		return nil, err
	}
	page, err := s.DB.Cases().FindCases(ctx, f, p)
	if err != nil {
		return nil, err
	}
	if len(page.Cases) > 0 || f.Person != "" {
		detail := caseIDs(page.Cases)
		if f.Person != "" {
			// Who looked for whom is part of the audit, found or not.
			detail = "person=" + f.Person + " " + detail
		}
		if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "cases", "Case", "", detail)); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// CountCases counts the cases f selects in the caller's jurisdiction: the
// case list's total, asked for on demand since counting costs a scan (19
// item 4). A search by person is audited with the term, as FindCases does.
// Errors: CodeForbidden, CodeInvalid as FindCases.
func (s *CaseService) CountCases(ctx context.Context, f CaseFilter) (int, error) {
	actor, err := Authorize(ctx, CaseReadRoles...)
	if err != nil {
		return 0, err
	}
	if err := checkCaseFilter(actor, &f); err != nil {
		return 0, err
	}
	if f.OfficePrefix, err = s.caseScope(ctx, actor, f.Office); err != nil {
		return 0, err
	}
	n, err := s.DB.Cases().CountCases(ctx, f)
	if err != nil {
		return 0, fmt.Errorf("count cases: %w", err)
	}
	if f.Person != "" {
		if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "cases.count", "Case", "",
			fmt.Sprintf("person=%s count=%d", f.Person, n))); err != nil {
			return 0, err
		}
	}
	return n, nil
}

var reCaseIDNumber = regexp.MustCompile(`^([0-9]{15}|[0-9]{17}[0-9Xx])$`)

// checkCaseFilter checks and normalises the search of the case list: a
// person is an ID number (upper-cased X) or the start of a name, and only
// callers who see personal data unmasked may search by it; a date range
// runs forward.
func checkCaseFilter(actor *Actor, f *CaseFilter) error {
	f.Person = strings.TrimSpace(f.Person)
	if f.Person != "" {
		switch {
		case actor.MasksPersonalData():
			return FieldErrorf("person", "names and ID numbers are masked for your role, so you cannot search cases by them; filter by kind, status or date").
				WithReason("pii.search")
		case utf8.RuneCountInString(f.Person) > 32:
			return FieldErrorf("person", "give a name or an ID number of at most 32 characters").WithReason("case.person_too_long")
		case reCaseIDNumber.MatchString(f.Person):
			f.Person = strings.ToUpper(f.Person)
		}
	}
	if f.CreatedFrom != nil && f.CreatedBefore != nil && !f.CreatedFrom.Before(*f.CreatedBefore) {
		return FieldErrorf("createdBefore", "the end of the date range must come after its start").WithReason("case.date_range")
	}
	return nil
}

// caseScope is the office code prefix a case search covers: the actor's
// jurisdiction, or the office asked for (and the offices under it) when
// that lies within it. An office outside the jurisdiction, or unknown,
// answers NOT_FOUND like one that does not exist.
func (s *CaseService) caseScope(ctx context.Context, actor *Actor, office string) (string, error) {
	mine := jurisdictionOf(actor)
	office = strings.TrimSpace(office)
	if office == "" {
		return mine, nil
	}
	o, err := s.DB.Offices().FindOfficeByCode(ctx, office)
	if err != nil || !strings.HasPrefix(o.Code, mine) {
		return "", Errorf(CodeNotFound, "no office %s in your jurisdiction", office).WithField("office").WithReason("case.office")
	}
	return o.JurisdictionPrefix(), nil
}

// IsCaseIDNumberSearch reports whether a normalised CaseFilter.Person is an
// ID number (matched exactly) rather than the start of a name.
func IsCaseIDNumberSearch(person string) bool { return reCaseIDNumber.MatchString(person) }

// OverdueCases lists cases of the caller's jurisdiction past their deadline.
func (s *CaseService) OverdueCases(ctx context.Context, p Page) (*CasePage, error) {
	now := s.Now().UTC()
	return s.FindCases(ctx, CaseFilter{OverdueAt: &now}, p)
}

// Queues counts the caller's cases by kind, side and status (the work
// queues, 2.1.1–2.1.4), with overdue counts and the nearest deadline, and
// marks what the caller can do in each from the kind's declaration.
func (s *CaseService) Queues(ctx context.Context) ([]QueueCount, error) {
	actor, err := Authorize(ctx, CaseReadRoles...)
	if err != nil {
		return nil, err
	}
	qs, err := s.DB.Cases().CountQueues(ctx, jurisdictionOf(actor), s.Now().UTC())
	if err != nil {
		return nil, err
	}
	for i := range qs {
		q := &qs[i]
		q.Actions = []Action{}
		w := s.Workflow(q.Kind)
		if w == nil {
			continue
		}
		q.Actions = w.ActionsIn(q.Side, q.Status, actor)
		if spec, ok := w.State(q.Status); ok {
			q.AwaitsOtherSide, q.Terminal = spec.AwaitsOtherSide, spec.Terminal
		}
	}
	return qs, nil
}

// Timeline returns a case's history (the caller must be able to see the case).
func (s *CaseService) Timeline(ctx context.Context, c *Case) ([]*CaseAction, error) {
	if _, err := Authorize(ctx, CaseReadRoles...); err != nil {
		return nil, err
	}
	return s.DB.Cases().FindCaseActions(ctx, c.ID)
}

// AvailableActions lists the actions the caller may take on c now, from its
// kind's declaration.
func (s *CaseService) AvailableActions(ctx context.Context, c *Case) []Action {
	w := s.Workflow(c.Kind)
	actor := ActorFromContext(ctx)
	if w == nil || actor == nil {
		return []Action{}
	}
	return w.Available(c, actor)
}

// AwaitingOtherSide reports whether c waits for the other office's answer.
func (s *CaseService) AwaitingOtherSide(c *Case) bool {
	spec, _ := s.state(c)
	return spec.AwaitsOtherSide
}

// Terminal reports whether c reached a terminal status of its workflow.
func (s *CaseService) Terminal(c *Case) bool {
	spec, _ := s.state(c)
	return spec.Terminal
}

func (s *CaseService) state(c *Case) (StateSpec, bool) {
	if w := s.Workflow(c.Kind); w != nil {
		return w.State(c.Status)
	}
	return StateSpec{}, false
}

// StepRequest is one user step on an existing case, for Act. Only Ref and
// Action are required; the functions run in the order listed.
type StepRequest struct {
	Ref    CaseRef
	Action Action
	// Note is recorded with the step in the case's history.
	Note string
	// Data is recorded with the step (marshalled to JSON).
	Data any
	// Validate checks the input, once the caller is known to hold a role of
	// the step and before anything is loaded.
	Validate func() error
	// Prepare does slow work (render a document, store a blob) outside any
	// transaction, on the case as loaded and checked; the transaction then
	// refuses the step if the case changed meanwhile.
	Prepare func(ctx context.Context, c *Case) error
	// Change edits the case before the step fires, inside the transaction.
	Change func(ctx context.Context, tx Repos, c *Case) error
	// Effects runs after the step fired, inside the same transaction:
	// register changes, documents recorded, messages sent.
	Effects func(ctx context.Context, tx Repos, c *Case) error
}

// Act takes one user step on a case of kind, in one transaction: the
// caller's role from the step's declaration, the input (Validate), then the
// case's side, jurisdiction, status and the version the user saw, the slow
// work (Prepare) outside the transaction, then Change, the step (new
// status, deadline, history entry, audit entry) and Effects, committed
// together. Errors: CodeForbidden (role, side), CodeInvalidTransition
// (status), CodeConflict (stale version), CodeNotFound (no case of kind has
// the ID, or it is outside the caller's jurisdiction: the same answer, the
// latter audited as DENIED), and those of the functions.
func (s *CaseService) Act(ctx context.Context, kind CaseKind, req StepRequest) (*Case, error) {
	w := s.Workflow(kind)
	if w == nil {
		return nil, Errorf(CodeInternal, "no module for %s cases", kind)
	}
	actor := ActorFromContext(ctx)
	if err := w.MayTake(req.Action, actor); err != nil {
		return nil, err
	}
	if req.Validate != nil {
		if err := req.Validate(); err != nil {
			return nil, err
		}
	}
	// Checked first outside the transaction: a refusal is audited there
	// (a durable audit write inside the transaction would wait on a commit
	// while holding it), and slow work is prepared there.
	pre, err := s.loadForStep(ctx, s.DB, w, req, actor)
	if err != nil {
		return nil, err
	}
	if req.Prepare != nil {
		if err := req.Prepare(ctx, pre); err != nil {
			return nil, fmt.Errorf("%s %s: %w", strings.ToLower(string(req.Action)), pre.ID, err)
		}
		req.Ref.Version = pre.Version // the transaction acts on what was prepared
	}
	var c *Case
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		var err error
		if c, err = s.loadForStep(ctx, tx, w, req, actor); err != nil {
			return err
		}
		if req.Change != nil {
			if err := req.Change(ctx, tx, c); err != nil {
				return err
			}
		}
		if err := s.fire(ctx, tx, c, req.Action, actor, req.Note, req.Data, ""); err != nil {
			return err
		}
		if req.Effects != nil {
			return req.Effects(ctx, tx, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", strings.ToLower(string(req.Action)), req.Ref.ID, err)
	}
	return c, nil
}

// loadForStep loads a case of w's kind and checks the step and version. A
// case outside the actor's jurisdiction is refused first, as one that does
// not exist: the step's side and status would tell about it. The refusal is
// audited when repos is the pool (Act checks there before its transaction).
func (s *CaseService) loadForStep(ctx context.Context, repos Repos, w *Workflow, req StepRequest, actor *Actor) (*Case, error) {
	missing := notFound("no %s case has this ID", w.Kind)
	c, err := repos.Cases().FindCaseByID(ctx, req.Ref.ID)
	if err != nil {
		return nil, orMissing(err, missing)
	}
	if c.Kind != w.Kind {
		return nil, missing
	}
	if !actor.CanSee(c.Office) {
		if _, onPool := repos.(Database); onPool {
			if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditDenied, strings.ToLower(string(req.Action)), "Case", c.ID, "outside jurisdiction")); err != nil {
				return nil, err
			}
		}
		return nil, missing
	}
	if err := w.Allowed(c, req.Action, actor); err != nil {
		return nil, err
	}
	if req.Ref.Version != 0 && req.Ref.Version != c.Version {
		return nil, Errorf(CodeConflict, "the case was changed by someone else meanwhile (version %d, you saw %d); reload it", c.Version, req.Ref.Version).WithReason("case.stale")
	}
	return c, nil
}

// Open checks that the caller may take the creating step action of kind
// (its declared roles) and returns the caller, before any look-up is made
// for a new case. Errors: CodeForbidden, CodeUnauthenticated.
func (s *CaseService) Open(ctx context.Context, kind CaseKind, action Action) (*Actor, error) {
	w := s.Workflow(kind)
	if w == nil {
		return nil, Errorf(CodeInternal, "no module for %s cases", kind)
	}
	actor := ActorFromContext(ctx)
	if err := w.MayTake(action, actor); err != nil {
		return nil, err
	}
	if st, _ := w.Step(action); !st.Creates() || st.Side != SideAcceptance {
		return nil, Errorf(CodeInternal, "%s: %s does not create a case at the acceptance office", kind, action)
	}
	return actor, nil
}

// Create stores a new acceptance-office case made by the creating step
// action (after Open), with its first history entry and audit entry, in
// one transaction; c's Kind, Side and Status come from the declaration.
// Effects run in the same transaction after the case is stored (a case
// created complete, such as a certificate issued at once, records its
// document there).
func (s *CaseService) Create(ctx context.Context, c *Case, action Action, effects ...func(ctx context.Context, tx Repos, c *Case) error) error {
	actor := ActorFromContext(ctx)
	w := s.Workflow(c.Kind)
	if w == nil {
		return Errorf(CodeInternal, "no module for %s cases", c.Kind)
	}
	st, ok := w.Step(action)
	if !ok || !st.Creates() {
		return Errorf(CodeInternal, "%s: %s does not create a case", c.Kind, action)
	}
	c.Side, c.Status = st.Side, st.To
	err := s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if err := s.create(ctx, tx, w, c, actor, action, ""); err != nil {
			return err
		}
		for _, fx := range effects {
			if err := fx(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", strings.ToLower(string(action)), err)
	}
	return nil
}

// fire runs one declared step on c inside tx: the engine's checks, the new
// status, the history entry and the save (optimistic on c.Version), and an
// audit entry for a user action.
func (s *CaseService) fire(ctx context.Context, tx Repos, c *Case, action Action, actor *Actor, note string, data any, messageID string) error {
	raw := json.RawMessage("{}")
	if data != nil {
		var err error
		if raw, err = json.Marshal(data); err != nil {
			return fmt.Errorf("encode the data of %s: %w", action, err)
		}
	}
	w := s.Workflow(c.Kind)
	a, err := w.Fire(c, action, actor, s.Now().UTC(), note, raw, messageID)
	if err != nil {
		return err
	}
	a.ID = s.NewID()
	if err := setPeople(w, c); err != nil {
		return err
	}
	if err := tx.Cases().UpdateCase(ctx, c); err != nil {
		return err
	}
	if spec, _ := w.State(c.Status); spec.ReleasesKey && w.Unique != nil {
		if err := tx.Cases().ReleaseCaseKeys(ctx, c.ID); err != nil {
			return err
		}
	}
	if err := tx.Cases().AppendCaseAction(ctx, a); err != nil {
		return err
	}
	if err := s.notify(ctx, tx, c); err != nil {
		return err
	}
	if !actor.System {
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, a.At, AuditChange, string(c.Kind)+"."+string(action), "Case", c.ID, note))
	}
	return nil
}

// setPeople sets c.People from the kind's declaration before a save.
func setPeople(w *Workflow, c *Case) error {
	if w == nil || w.People == nil {
		return nil
	}
	people, err := w.PeopleOf(c)
	if err != nil {
		return err
	}
	c.People = people
	return nil
}

// create stores a new case with its first history entry.
func (s *CaseService) create(ctx context.Context, tx Repos, w *Workflow, c *Case, actor *Actor, action Action, messageID string) error {
	now := s.Now().UTC()
	c.CreatedAt, c.UpdatedAt = now, now
	w.setDeadline(c, now)
	if c.Result == nil {
		c.Result = json.RawMessage("{}")
	}
	if err := setPeople(w, c); err != nil {
		return err
	}
	if err := tx.Cases().CreateCase(ctx, c); err != nil {
		return err
	}
	if err := s.claimKey(ctx, tx, w, c); err != nil {
		return err
	}
	a := &CaseAction{ID: s.NewID(), CaseID: c.ID, Action: action, From: "", To: c.Status, ActorID: actor.UserID,
		ActorName: actor.Shown(), Office: actor.OfficeCode, MessageID: messageID, Data: json.RawMessage("{}"), At: now}
	if err := tx.Cases().AppendCaseAction(ctx, a); err != nil {
		return err
	}
	if !actor.System {
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, string(c.Kind)+"."+string(action), "Case", c.ID, c.CollabNo))
	}
	return nil
}

// claimKey makes c, just created, the holder of its unique keys on its
// side, if its kind declares them (Workflow.Unique).
func (s *CaseService) claimKey(ctx context.Context, tx Repos, w *Workflow, c *Case) error {
	if w.Unique == nil {
		return nil
	}
	keys, err := w.Unique.keys(c)
	if err != nil {
		return err
	}
	for _, key := range keys {
		if key == "" {
			continue
		}
		if err := s.keyFree(ctx, tx, w, c.Side, key); err != nil {
			return err
		}
		err = tx.Cases().ClaimCaseKey(ctx, &CaseKey{Kind: c.Kind, Side: c.Side, Key: key, CaseID: c.ID, CollabNo: c.CollabNo, CreatedAt: s.Now().UTC()})
		if ErrorCode(err) == CodeConflict { // a concurrent claim won
			return keyTaken(w, key, "")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// KeyFree checks that no live case of kind on side holds key (see
// Workflow.Unique), so a look-up can refuse before anything is entered.
// Errors: CodeConflict (reason case.key_taken) naming the holder and the
// declared field.
func (s *CaseService) KeyFree(ctx context.Context, kind CaseKind, side Side, key string) error {
	w := s.Workflow(kind)
	if w == nil || w.Unique == nil || key == "" {
		return nil
	}
	return s.keyFree(ctx, s.DB, w, side, key)
}

func (s *CaseService) keyFree(ctx context.Context, repos Repos, w *Workflow, side Side, key string) error {
	held, err := repos.Cases().FindCaseKey(ctx, w.Kind, side, key)
	switch {
	case ErrorCode(err) == CodeNotFound:
		return nil
	case err != nil:
		return err
	}
	return keyTaken(w, key, held.CollabNo)
}

func keyTaken(w *Workflow, key, collabNo string) error {
	msg := fmt.Sprintf("%s is already held by another %s case here", key, w.Kind)
	if collabNo != "" {
		msg = fmt.Sprintf("%s is already held by %s case %s here; it is free again only if that case is refused or closed", key, w.Kind, collabNo)
	}
	return &Error{Code: CodeConflict, Field: w.Unique.Field, Reason: "case.key_taken", Message: msg}
}

// CaptureOpen reports whether c's archives may be captured, changed and
// deleted in its status (StateSpec.Capture).
func (s *CaseService) CaptureOpen(c *Case) bool {
	spec, _ := s.state(c)
	return spec.Capture
}

// CaseJobArgs is a kind's durable job about one case: work that must not be
// lost but cannot run inside the step's transaction (a call to an external
// service, a document that could not be rendered yet). The module that
// enqueued it (CaseService.EnqueueJob) runs it as its JobRunner; River
// retries it with backoff until it succeeds.
type CaseJobArgs struct {
	CaseID string `json:"caseId"`
	Job    string `json:"job"`
}

// Kind implements JobArgs.
func (CaseJobArgs) Kind() string { return "case_job" }

// JobRunner is implemented by a module whose steps enqueue case jobs.
type JobRunner interface {
	// RunJob does job for c, as the system. It must be idempotent: a job
	// may run again after a crash or a lost acknowledgement.
	RunJob(ctx context.Context, c *Case, job string) error
}

// EnqueueJob enqueues job for c on tx: it exists if and only if the step
// commits.
func (s *CaseService) EnqueueJob(ctx context.Context, tx Repos, c *Case, job string) error {
	if _, ok := s.modules[c.Kind].(JobRunner); !ok {
		return Errorf(CodeInternal, "%s cases run no jobs", c.Kind)
	}
	return tx.Jobs().Enqueue(ctx, CaseJobArgs{CaseID: c.ID, Job: job})
}

// RunJob runs a case job (the case_job worker calls it): it loads the case
// and hands it to its module as the system.
func (s *CaseService) RunJob(ctx context.Context, args CaseJobArgs) error {
	c, err := s.DB.Cases().FindCaseByID(ctx, args.CaseID)
	if err != nil {
		return fmt.Errorf("case job %s of case %s: %w", args.Job, args.CaseID, err)
	}
	r, ok := s.modules[c.Kind].(JobRunner)
	if !ok {
		return Errorf(CodeInternal, "%s cases run no jobs (job %s)", c.Kind, args.Job)
	}
	if err := r.RunJob(WithActor(ctx, systemActor), c, args.Job); err != nil {
		return fmt.Errorf("case job %s of case %s: %w", args.Job, c.ID, err)
	}
	return nil
}

// Message is a message a kind sends about a case to the case's other side.
type Message struct {
	Type        MessageType
	Body        any // marshalled to a JSON object
	Attachments []AttachmentRef
	ReplyToHash string
}

// SendToOtherSide logs and enqueues m on tx, from c's own office to the
// deployment of the office on c's other side, signed by the collaboration
// keys and sent by the caller (the system for message handlers): it commits
// with the caller's state change or not at all.
func (s *CaseService) SendToOtherSide(ctx context.Context, tx Repos, c *Case, m Message) (*Envelope, error) {
	user := "collaboration"
	if a := ActorFromContext(ctx); a != nil && !a.System {
		user = a.Username
	}
	env, err := s.Collab.Send(ctx, tx, Outgoing{CollabNo: c.CollabNo, CaseKind: string(c.Kind), MessageType: string(m.Type),
		SenderOffice: c.OwnOffice(), ReceiverOffice: deploymentOffice(c.OtherOffice()), SenderUser: user,
		Body: m.Body, Attachments: m.Attachments, ReplyToHash: m.ReplyToHash})
	if err != nil {
		return nil, fmt.Errorf("send %s of case %s: %w", m.Type, c.CollabNo, err)
	}
	return env, nil
}

// ApplicationBody is the MsgApplication message of every kind: the
// acceptance office's case as it travels, and the archives captured for it
// (1.4.10), each pinned by the envelope's attachment hashes in order.
type ApplicationBody struct {
	Case     CaseWire      `json:"case"`
	Archives []FileContent `json:"archives,omitempty"`
	// Licences are the e-licences cited as materials (4.1.2), as the
	// acceptance office fetched them; the registration office verifies
	// each against the Ministry (LicenceService.CitedLicences).
	Licences []CitedLicence `json:"licences,omitempty"`
}

// CaseWire is a case as it travels between offices.
type CaseWire struct {
	CollabNo             string          `json:"collabNo"`
	AcceptanceOffice     string          `json:"acceptanceOffice"`
	RegistrationOffice   string          `json:"registrationOffice"`
	RegistrationProvince string          `json:"registrationProvince"`
	Applicant            json.RawMessage `json:"applicant"`
	Ministry             json.RawMessage `json:"ministry"`
}

// SendApplication sends c, with the archives captured for it and the
// licences it cites (4.1.2), to the registration office (the submit step's
// effect), on tx.
func (s *CaseService) SendApplication(ctx context.Context, tx Repos, c *Case, archives []FileContent) error {
	cited, err := citationsToSend(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	_, err = s.SendToOtherSide(ctx, tx, c, Message{Type: MsgApplication, Attachments: ArchiveAttachments(archives),
		Body: ApplicationBody{Case: CaseWire{CollabNo: c.CollabNo, AcceptanceOffice: c.AcceptanceOffice, RegistrationOffice: c.RegistrationOffice,
			RegistrationProvince: c.RegistrationProvince, Applicant: c.Applicant, Ministry: c.Ministry}, Archives: archives, Licences: cited}})
	return err
}

// receive returns the collaboration handler of a message step: the engine
// finds (or, for an application, creates) this side's copy of the case,
// checks that the message comes from the case's other side and is addressed
// to this deployment, lets the kind apply it (rf, optional) and fires the
// step as the system.
func (s *CaseService) receive(w *Workflow, st *Step, rf ReceiveFunc) MessageHandler {
	return func(ctx context.Context, tx Repos, env *Envelope) (string, error) {
		ctx = WithActor(ctx, systemActor)
		if st.Creates() {
			return s.receiveApplication(ctx, tx, w, st, rf, env)
		}
		c, err := tx.Cases().FindCaseByCollabNo(ctx, env.CollabNo, st.Side)
		if ErrorCode(err) == CodeNotFound {
			return "", Errorf(CodeNotFound, "no %s case %s is kept here on the %s side", w.Kind, env.CollabNo, sideName(st.Side)).WithReason("collab.case_unknown")
		} else if err != nil {
			return "", err
		}
		if c.Kind != w.Kind {
			return "", Errorf(CodeInvalid, "case %s is a %s case, not %s", env.CollabNo, c.Kind, w.Kind).WithReason("collab.kind_mismatch")
		}
		if env.SenderOffice != c.OtherOffice() || env.ReceiverOffice != deploymentOffice(c.Office) {
			return "", Errorf(CodeForbidden, "a %s message for case %s came from office %s to %s; only office %s, the case's other side, may send it here",
				env.MessageType, env.CollabNo, env.SenderOffice, env.ReceiverOffice, c.OtherOffice()).WithReason("collab.sender_not_party")
		}
		var data any
		if rf != nil {
			if data, err = rf(ctx, tx, c, env); err != nil {
				return "", err
			}
		}
		return c.Office, s.fire(ctx, tx, c, st.Action, systemActor, "", data, env.MessageID)
	}
}

// receiveApplication creates this side's copy of a case from its
// application: only from an office outside this deployment, about a
// registration office inside it, with every archive matching its signed
// hash.
func (s *CaseService) receiveApplication(ctx context.Context, tx Repos, w *Workflow, st *Step, rf ReceiveFunc, env *Envelope) (string, error) {
	var body ApplicationBody
	if err := json.Unmarshal(env.Body, &body); err != nil {
		return "", FieldErrorf("body", "the application is malformed: %v", err).WithReason("collab.application_body")
	}
	wire := body.Case
	own := s.Collab.Office
	switch {
	case wire.CollabNo != env.CollabNo:
		return "", FieldErrorf("body", "the application does not carry its case").WithReason("collab.application_body")
	case deploymentOffice(env.SenderOffice) == deploymentOffice(own) || wire.AcceptanceOffice != env.SenderOffice:
		return "", Errorf(CodeForbidden, "an application must come from its acceptance office outside this deployment (sender %s, acceptance office %s)",
			env.SenderOffice, wire.AcceptanceOffice).WithReason("collab.sender_not_party")
	case deploymentOffice(wire.RegistrationOffice) != deploymentOffice(own) || env.ReceiverOffice != deploymentOffice(own):
		return "", Errorf(CodeForbidden, "the application names registration office %s, outside this deployment", wire.RegistrationOffice).WithReason("collab.receiver_not_here")
	}
	if err := CheckArchiveAttachments(body.Archives, env); err != nil {
		return "", err
	}
	c := &Case{ID: s.NewID(), Kind: w.Kind, Side: st.Side, CollabNo: env.CollabNo, Status: st.To,
		AcceptanceOffice: wire.AcceptanceOffice, RegistrationOffice: wire.RegistrationOffice, RegistrationProvince: wire.RegistrationProvince,
		Office: wire.RegistrationOffice, Applicant: wire.Applicant, Ministry: wire.Ministry, CreatedBy: env.SenderUser}
	if err := s.create(ctx, tx, w, c, systemActor, st.Action, env.MessageID); err != nil {
		return "", err
	}
	for i := range body.Archives {
		if s.Files == nil {
			return "", Errorf(CodeInternal, "the engine has no file keeper")
		}
		if err := s.Files.KeepArchiveFile(ctx, tx, c.ID, "", &body.Archives[i]); err != nil {
			return "", err
		}
	}
	if err := keepCitations(ctx, tx, c.ID, body.Licences); err != nil {
		return "", err
	}
	if rf != nil {
		if _, err := rf(ctx, tx, c, env); err != nil {
			return "", err
		}
		if err := setPeople(s.Workflow(c.Kind), c); err != nil {
			return "", err
		}
		if err := tx.Cases().UpdateCase(ctx, c); err != nil {
			return "", err
		}
	}
	return c.Office, nil
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
