package domain

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// CaseKind is a business kind of cross-province handling. Each kind is a
// module (domain/<kind>) that declares its constant and registers itself
// with the engine (CaseService.Register); the engine knows none by name.
type CaseKind string

// Side says which office's copy of a case this is: the acceptance office
// (受理地) where the citizen applied, or the registration office (户籍地).
type Side string

// Sides.
const (
	SideAcceptance   Side = "ACCEPTANCE"
	SideRegistration Side = "REGISTRATION"
)

// CaseStatus is a state of a kind's workflow; each Workflow declares its own.
type CaseStatus string

// The common lifecycle statuses (the schema declares them; a kind adds its
// own). A kind's declaration lists which of them it uses.
const (
	StatusDraft     CaseStatus = "DRAFT"     // entered at A, editable until submitted
	StatusSubmitted CaseStatus = "SUBMITTED" // sent; waits for the platform
	StatusExtracted CaseStatus = "EXTRACTED" // R has it; A waits for its decision
	StatusReceived  CaseStatus = "RECEIVED"  // R's copy, in its approval queue
	StatusApproved  CaseStatus = "APPROVED"  // approved at R
	StatusRefused   CaseStatus = "REFUSED"   // refused
	StatusClosed    CaseStatus = "CLOSED"    // a refusal handled at A
	StatusCompleted CaseStatus = "COMPLETED" // done on this side
)

// Action names a step of a kind's workflow. A user step is named like the
// mutation that takes it, in upper snake case (SUBMIT_X for
// submitX); a message step after its message. Actions are
// stored in case histories: never rename one.
type Action string

// MessageType names a kind of collaboration message between offices.
type MessageType string

// MsgApplication is the message that carries a submitted case from the
// acceptance office to the registration office, for every kind: the engine
// creates the registration office's copy from it.
const MsgApplication MessageType = "APPLICATION"

// Case is one side's copy of a cross-province case. Both copies share the
// CollabNo; each side keeps its own history (Actions) and derives Status
// from it. Applicant holds what the clerk entered (editable until
// submission), Ministry what was fetched from the Ministry at intake (frozen,
// read-only), Result what the registration side decided and produced.
type Case struct {
	ID                   string
	Kind                 CaseKind
	Side                 Side
	CollabNo             string
	Status               CaseStatus
	AcceptanceOffice     string // 12-digit office that accepted the application
	RegistrationOffice   string // 12-digit office that holds the hukou (a station once known)
	RegistrationProvince string // 2-digit GB/T 2260 province of the hukou
	// Office is the office whose jurisdiction this copy belongs to: the
	// acceptance office on side A, the registration office on side R.
	Office     string
	Applicant  json.RawMessage
	Ministry   json.RawMessage
	Result     json.RawMessage
	DeadlineAt *time.Time
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int
	// People are the persons the case is about (the kind's Workflow.People),
	// kept beside it so the case list finds cases by name or ID number.
	// Reads fill it; the engine sets it before each save.
	People []CasePerson
}

// CasePerson is one person a case is about: a newborn, a parent, a mover,
// a declarant. Either field may be empty (a newborn has no ID number yet).
type CasePerson struct {
	Name     string
	IDNumber string
}

// CaseAction is one entry of a case's append-only history: who did what,
// when, moving the case from one status to another, by hand or because a
// message arrived (MessageID).
type CaseAction struct {
	ID        string // unique transaction ID of the action
	CaseID    string
	Seq       int // 1, 2, … within the case
	Action    Action
	From      CaseStatus
	To        CaseStatus
	ActorID   string
	ActorName string
	Office    string
	MessageID string
	Note      string
	Data      json.RawMessage
	At        time.Time
}

// StateSpec declares one status of a workflow.
type StateSpec struct {
	Status CaseStatus
	// Deadline makes a case in this status overdue after this long; 0 = none.
	Deadline time.Duration
	// AwaitsOtherSide marks a pending cross-province step: the case waits
	// for the other office's answer (shown as requested, then accepted or
	// rejected when the answer arrives).
	AwaitsOtherSide bool
	Terminal        bool
	// ReleasesKey frees the case's unique key (Workflow.Unique) when the
	// case reaches this status: a refused or closed case no longer holds
	// what it was opened for, so another case may take it.
	ReleasesKey bool
	// Capture opens the case's archives in this status: they may be
	// captured, changed and deleted (ArchiveService). In every other status
	// they are frozen, so what was submitted is what travels and stays.
	Capture bool
}

// UniqueKey declares the key that at most one live case of a kind holds on
// each side (e.g. the medical birth certificate number of a birth): the
// engine claims it when the case is created, on both sides, by a database
// constraint, and frees it when the case reaches a status that ReleasesKey.
type UniqueKey struct {
	// Field names the input field the key is entered in, for the error.
	Field string
	// Of returns c's key ("" holds none); an error refuses the case.
	Of func(c *Case) (string, error)
	// All, set instead of Of, returns every key c holds (e.g. the ID number
	// of each person a migration moves: one live case per person). Empty
	// keys are skipped; an error refuses the case.
	All func(c *Case) ([]string, error)
}

// keys returns the keys c holds under k.
func (k *UniqueKey) keys(c *Case) ([]string, error) {
	if k.All != nil {
		return k.All(c)
	}
	key, err := k.Of(c)
	return []string{key}, err
}

// Step declares one transition: the action that fires it, the statuses it
// leaves, the status it reaches, the side whose copy it applies to, and who
// may fire it: users holding one of Roles, an incoming message of type
// OnMessage, or the kind's own scheduled work (System); exactly one of the
// three. A step with no From creates the case: at the acceptance office by
// a user (intake), at the registration office by the MsgApplication
// message.
type Step struct {
	Action    Action
	From      []CaseStatus
	To        CaseStatus
	Side      Side
	Roles     []Role
	OnMessage MessageType
	// System marks a step that only the kind's own background work fires,
	// as the system (CaseService.Act under a system actor, from a
	// Scheduled or JobRunner module): an external service's answer, such
	// as a production centre's feedback. No user may take it.
	System bool
	// Guard refuses the step for a case whose data does not allow it; its
	// error is returned as is (typically CodeInvalid naming a field).
	Guard func(c *Case) error
	// Levels, when set, are the office levels whose users may take the
	// step (the ID card review is the county bureau's, 2.1.4): a user of
	// another level is refused (CodeForbidden, auth.office_level) like one
	// without the role. Empty: any level.
	Levels []OfficeLevel
	// Stays marks an edit that leaves the case in the status it is in (a
	// modification allowed in several statuses, 1.2.4): To is then empty
	// and the step keeps c.Status.
	Stays bool
}

// target is the status the step moves c to.
func (st *Step) target(c *Case) CaseStatus {
	if st.Stays {
		return c.Status
	}
	return st.To
}

// levelRefused reports whether the step's declared office levels exclude
// actor (never the system).
func (st *Step) levelRefused(actor *Actor) bool {
	if len(st.Levels) == 0 || actor == nil || actor.System {
		return false
	}
	return actor.Office == nil || !slices.Contains(st.Levels, actor.Office.Level)
}

func levelError(st *Step) error {
	return Errorf(CodeForbidden, "%q is done at an office of level %v, not at yours", st.Action, st.Levels).WithReason("auth.office_level")
}

// Workflow is the one declaration of a business kind: its statuses and
// steps. The engine (Allowed, Available, Fire) is the same for every kind.
type Workflow struct {
	Kind   CaseKind
	States []StateSpec
	Steps  []Step
	// Unique, when set, is the key one live case of the kind holds per side.
	Unique *UniqueKey
	// People lists the persons a case is about, by name and ID number, for
	// the case list's search (nil: the kind's cases are found by number only).
	// It reads the case's own documents; an error refuses the save.
	People func(c *Case) ([]CasePerson, error)
	// Title is the business as printed for the applicant (新生儿出生登记),
	// on the acceptance receipt (受理回执, issue 19).
	Title string
	// Applicant is the person who applied at the counter (a birth's
	// declarant, a migration's applicant), named on the acceptance receipt;
	// nil: the kind's cases get no receipt.
	Applicant func(c *Case) (CasePerson, error)
	// Promise is the time the acceptance office promises the applicant,
	// counted from intake, printed on the receipt as the deadline (承诺办结
	// 时限); zero prints the case's current deadline instead.
	Promise time.Duration
}

// PeopleOf returns the persons c is about as the engine keeps them beside
// the case (case_people) for the case list's search: the kind's People,
// without entries that have neither a name nor an ID number; never nil.
// A kind that declares no People gives none. The seeder (population) calls
// it too, so a seeded case is found like one the engine saved.
func (w *Workflow) PeopleOf(c *Case) ([]CasePerson, error) {
	if w.People == nil {
		return []CasePerson{}, nil
	}
	people, err := w.People(c)
	if err != nil {
		return nil, fmt.Errorf("the persons of case %s: %w", c.ID, err)
	}
	people = slices.DeleteFunc(people, func(p CasePerson) bool { return p.Name == "" && p.IDNumber == "" })
	if people == nil {
		people = []CasePerson{}
	}
	return people, nil
}

// State returns the spec of status s.
func (w *Workflow) State(s CaseStatus) (StateSpec, bool) {
	for _, st := range w.States {
		if st.Status == s {
			return st, true
		}
	}
	return StateSpec{}, false
}

// Step returns the step fired by action.
func (w *Workflow) Step(action Action) (*Step, bool) {
	for i := range w.Steps {
		if w.Steps[i].Action == action {
			return &w.Steps[i], true
		}
	}
	return nil, false
}

// Allowed reports whether actor may fire action on c now. Errors:
// CodeInvalid for an unknown action; CodeForbidden when the step belongs to
// the other side, to incoming messages only, to other roles, or the case is
// outside the actor's jurisdiction; CodeInvalidTransition (shown as
// CONFLICT) when the case's status does not allow the step; the Guard's error.
func (w *Workflow) Allowed(c *Case, action Action, actor *Actor) error {
	st, ok := w.Step(action)
	if !ok || st.Creates() {
		return FieldErrorf("action", "%s cases have no action %q", w.Kind, action).WithReason("case.action_unknown")
	}
	switch {
	case st.Side != c.Side:
		return Errorf(CodeForbidden, "%q is done at the %s office, and this is the %s copy of the case", action, sideName(st.Side), sideName(c.Side)).WithReason("case.wrong_side")
	case actor == nil:
		return Errorf(CodeUnauthenticated, "sign in first").WithReason("auth.required")
	case st.OnMessage != "" && !actor.System:
		return Errorf(CodeForbidden, "%q happens when the other office's answer arrives; it cannot be done by hand", action).WithReason("case.by_message")
	case st.System && !actor.System:
		return systemError(st)
	case !actor.System && !actor.HasRole(st.Roles...):
		return roleError(st)
	case st.levelRefused(actor):
		return levelError(st)
	case !actor.CanSee(c.Office):
		return Errorf(CodeForbidden, "this case belongs to office %s, outside your jurisdiction", c.Office).WithReason("auth.jurisdiction")
	case !slices.Contains(st.From, c.Status):
		return Errorf(CodeInvalidTransition, "%q is not possible while the case is %s", action, c.Status).WithReason("case.out_of_order")
	}
	if st.Guard != nil {
		return st.Guard(c)
	}
	return nil
}

// MayTake checks, before any case is loaded, that actor holds a role of
// the user step action: CodeInvalid for an unknown action, CodeForbidden
// for a message step or another role. It is the first check of every step,
// so a caller without the role learns nothing about the case or its input.
func (w *Workflow) MayTake(action Action, actor *Actor) error {
	st, ok := w.Step(action)
	switch {
	case !ok:
		return FieldErrorf("action", "%s cases have no action %q", w.Kind, action).WithReason("case.action_unknown")
	case actor == nil:
		return Errorf(CodeUnauthenticated, "sign in first").WithReason("auth.required")
	case st.OnMessage != "" && !actor.System:
		return Errorf(CodeForbidden, "%q happens when the other office's message arrives; it cannot be done by hand", action).WithReason("case.by_message")
	case st.System && !actor.System:
		return systemError(st)
	case !actor.System && !actor.HasRole(st.Roles...):
		return roleError(st)
	case st.levelRefused(actor):
		return levelError(st)
	}
	return nil
}

func roleError(st *Step) error {
	return Errorf(CodeForbidden, "%q needs one of the roles %v", st.Action, st.Roles).WithReason("auth.role")
}

func systemError(st *Step) error {
	return Errorf(CodeForbidden, "%q happens when an external service answers; it cannot be done by hand", st.Action).WithReason("case.by_system")
}

// automatic reports whether no user takes the step: a message or the
// system fires it.
func (st *Step) automatic() bool { return st.OnMessage != "" || st.System }

// Creates reports whether the step creates the case (it leaves no status).
func (st *Step) Creates() bool { return len(st.From) == 0 }

// Available lists the actions actor may fire on c now, in declaration
// order: exactly those Allowed accepts (a test checks every state and role).
func (w *Workflow) Available(c *Case, actor *Actor) []Action {
	out := []Action{}
	for _, st := range w.Steps {
		if !st.automatic() && !st.Creates() && w.Allowed(c, st.Action, actor) == nil {
			out = append(out, st.Action)
		}
	}
	return out
}

// ActionsIn lists the user steps actor's roles may take on side's cases in
// status (before any case's guard): what the work queue of that status
// offers the actor.
func (w *Workflow) ActionsIn(side Side, status CaseStatus, actor *Actor) []Action {
	out := []Action{}
	for _, st := range w.Steps {
		if st.OnMessage == "" && !st.Creates() && st.Side == side && slices.Contains(st.From, status) &&
			actor != nil && (actor.System || actor.HasRole(st.Roles...)) && !st.levelRefused(actor) {
			out = append(out, st.Action)
		}
	}
	return out
}

// Fire checks Allowed, moves c to the step's status (setting its deadline
// from the new status) and returns the action to append to its history.
// It never touches storage.
func (w *Workflow) Fire(c *Case, action Action, actor *Actor, at time.Time, note string, data json.RawMessage, messageID string) (*CaseAction, error) {
	if err := w.Allowed(c, action, actor); err != nil {
		return nil, err
	}
	st, _ := w.Step(action)
	to := st.target(c)
	a := &CaseAction{CaseID: c.ID, Action: action, From: c.Status, To: to, ActorID: actor.UserID,
		ActorName: actor.Shown(), Office: actor.OfficeCode, MessageID: messageID, Note: note, Data: data, At: at}
	if st.Stays { // an edit keeps the status and its deadline
		c.UpdatedAt = at
		return a, nil
	}
	c.Status, c.UpdatedAt = to, at
	w.setDeadline(c, at)
	return a, nil
}

// setDeadline sets c's deadline from its status's declared one, from at.
func (w *Workflow) setDeadline(c *Case, at time.Time) {
	c.DeadlineAt = nil
	if spec, ok := w.State(c.Status); ok && spec.Deadline > 0 {
		d := at.Add(spec.Deadline)
		c.DeadlineAt = &d
	}
}

// Validate checks the declaration itself: every step's statuses are
// declared, actions are unique, user steps name roles, a message type fires
// one step, only the application message creates a case, and system steps
// leave a status. Registration of a workflow panics on an invalid one.
func (w *Workflow) Validate() error {
	if w.Kind == "" {
		return Errorf(CodeInternal, "a workflow needs a kind")
	}
	seen := map[Action]bool{}
	messages := map[MessageType]bool{}
	for _, st := range w.Steps {
		if st.OnMessage != "" {
			if messages[st.OnMessage] {
				return Errorf(CodeInternal, "%s: message %s fires two steps", w.Kind, st.OnMessage)
			}
			messages[st.OnMessage] = true
		}
		if st.Creates() && st.OnMessage != "" && st.OnMessage != MsgApplication {
			return Errorf(CodeInternal, "%s: %q creates a case from %s; only %s may", w.Kind, st.Action, st.OnMessage, MsgApplication)
		}
		if seen[st.Action] {
			return Errorf(CodeInternal, "%s: action %q declared twice", w.Kind, st.Action)
		}
		seen[st.Action] = true
		if st.Stays {
			if st.To != "" || st.Creates() {
				return Errorf(CodeInternal, "%s: %q stays in its status: it names no To and leaves at least one status", w.Kind, st.Action)
			}
		} else if _, ok := w.State(st.To); !ok {
			return Errorf(CodeInternal, "%s: %q leads to undeclared status %s", w.Kind, st.Action, st.To)
		}
		if len(st.Levels) > 0 && len(st.Roles) == 0 {
			return Errorf(CodeInternal, "%s: %q restricts office levels but is no user step", w.Kind, st.Action)
		}
		for _, f := range st.From {
			if _, ok := w.State(f); !ok {
				return Errorf(CodeInternal, "%s: %q leaves undeclared status %s", w.Kind, st.Action, f)
			}
		}
		triggers := 0
		for _, set := range []bool{len(st.Roles) > 0, st.OnMessage != "", st.System} {
			if set {
				triggers++
			}
		}
		if triggers != 1 {
			return Errorf(CodeInternal, "%s: %q must name roles, a message or the system: exactly one", w.Kind, st.Action)
		}
		if st.System && st.Creates() {
			return Errorf(CodeInternal, "%s: %q is a system step; only users and the application message create cases", w.Kind, st.Action)
		}
	}
	return nil
}

func sideName(s Side) string {
	if s == SideAcceptance {
		return "acceptance"
	}
	return "registration"
}

// Overdue reports whether c is past its deadline at now.
func (c *Case) Overdue(now time.Time) bool { return c.DeadlineAt != nil && now.After(*c.DeadlineAt) }

// OwnOffice is the office that acts for c's side: the acceptance office on
// side A, the registration office on side R.
func (c *Case) OwnOffice() string {
	if c.Side == SideAcceptance {
		return c.AcceptanceOffice
	}
	return c.RegistrationOffice
}

// OtherOffice is the office on the other side of c.
func (c *Case) OtherOffice() string {
	if c.Side == SideAcceptance {
		return c.RegistrationOffice
	}
	return c.AcceptanceOffice
}

// MinistryCheck is the result of one Ministry look-up made at intake, shown
// with the case so the clerk sees what was verified (1.1.1).
type MinistryCheck struct {
	Check  string // what was checked; each kind documents its checks
	Passed bool
	Detail string // the value checked: province, certificate or household number
}

// CaseRef names a case at the version its user saw (0 skips the check).
type CaseRef struct {
	ID      string
	Version int
}

// CaseFilter selects cases; empty fields do not filter. The service sets
// OfficePrefix from the caller's jurisdiction.
type CaseFilter struct {
	Kind         CaseKind
	Side         Side
	Statuses     []CaseStatus
	CollabNo     string
	OverdueAt    *time.Time
	OfficePrefix string
	// Person finds cases about a person: an ID number (15 or 18
	// characters) exactly, anything else as the start of a name.
	Person string
	// CreatedFrom and CreatedBefore bound when the case was opened.
	CreatedFrom, CreatedBefore *time.Time
	// Office narrows the cases to an office handling them on this side and
	// the offices under it (a station, or a county bureau's stations), within
	// the caller's jurisdiction (the case list's office search, #19).
	Office string
	// Order sorts the page (the case list's sortable columns, #19); ""
	// is CaseOrderUpdatedDesc. A cursor belongs to the order it was made in.
	Order CaseOrder
}

// CaseOrder is how a page of cases is sorted: by the time of the last
// change, by the time the case was opened, or by collaboration number, each
// way, the case ID breaking ties (keyset paging on the pair).
type CaseOrder string

// Case orders.
const (
	CaseOrderUpdatedDesc  CaseOrder = "UPDATED_DESC"
	CaseOrderUpdatedAsc   CaseOrder = "UPDATED_ASC"
	CaseOrderCreatedDesc  CaseOrder = "CREATED_DESC"
	CaseOrderCreatedAsc   CaseOrder = "CREATED_ASC"
	CaseOrderCollabNoAsc  CaseOrder = "COLLAB_NO_ASC"
	CaseOrderCollabNoDesc CaseOrder = "COLLAB_NO_DESC"
)

// CasePage is a page of cases, most recently updated first.
type CasePage struct {
	Cases       []*Case
	HasNextPage bool
	EndCursor   string
}

// QueueCount is the number of cases of one kind, side and status, with
// how many of them are past their deadline and the nearest deadline. Queues
// adds what the caller can do there: the actions their roles may take, or
// that the cases wait for the other office, or are finished.
type QueueCount struct {
	Kind         CaseKind
	Side         Side
	Status       CaseStatus
	Count        int
	Overdue      int
	NextDeadline *time.Time
	// Set by CaseService.Queues from the kind's declaration.
	Actions         []Action
	AwaitsOtherSide bool
	Terminal        bool
}

// Decode decodes c's applicant, Ministry and result documents into a
// kind's types; a nil target or an empty document is skipped. Errors name
// the document and the case (stored data that does not decode is a bug or
// a tampered row, never the user's input).
func (c *Case) Decode(applicant, ministry, result any) error {
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		into any
	}{{"applicant", c.Applicant, applicant}, {"ministry", c.Ministry, ministry}, {"result", c.Result, result}} {
		if len(f.raw) == 0 || f.into == nil {
			continue
		}
		if err := json.Unmarshal(f.raw, f.into); err != nil {
			return fmt.Errorf("decode the %s data of %s case %s: %w", f.name, c.Kind, c.ID, err)
		}
	}
	return nil
}

// SetResult stores v, encoded, as c's Result.
func (c *Case) SetResult(v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode the result of %s case %s: %w", c.Kind, c.ID, err)
	}
	c.Result = raw
	return nil
}
