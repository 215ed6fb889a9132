package population

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"hukou/domain"
	"hukou/domain/idnumber"
)

// CaseKind is a business kind whose cases GenerateCases makes: its
// workflow (kind, statuses and the side of each step) and its declared
// query fields (domain.Queryable), which say which values its documents
// hold and where.
type CaseKind struct {
	Workflow *domain.Workflow
	Fields   []domain.QueryField
	// Weight is the kind's share of the cases (relative to the others').
	Weight int
}

// CaseConfig selects a case population (1.5.x, for query views, tests and
// benchmarks). Two generations with equal CaseConfigs produce identical
// cases.
type CaseConfig struct {
	// Seed and Division select the city, as for Config; its stations hold
	// the cases.
	Seed     int64
	Division string
	// Cases is the exact number of cases (rows; each one side's copy).
	Cases int
	Kinds []CaseKind
}

// CaseEpoch is the creation time of the oldest generated case: cases are
// created over the two years before RefDate.
var CaseEpoch = RefDate.AddDate(-2, 0, 0)

// otherProvinces are the registration or acceptance provinces across the
// border: each a station code there.
var otherProvinces = []string{"110105000100", "130102000200", "230103000300", "320102000400", "370102000500",
	"410102000600", "440103000700", "510104000800", "220102000900", "150102001000"}

var (
	hospitals   = []string{"盘锦市中心医院", "辽河油田总医院", "大洼区人民医院", "盘山县人民医院", "双台子区妇幼保健院", "兴隆台区中医院"}
	purposes    = []string{"子女入学", "办理公证", "继承财产", "出国探亲", "就业政审", "办理社保", "房产过户"}
	rejections  = []string{"照片不符合标准", "指纹采集不清晰", "户籍信息不一致", "材料不齐全"}
	authorities = []string{"盘锦市公安局兴隆台分局", "盘锦市公安局双台子分局", "盘锦市公安局大洼分局", "盘山县公安局"}
)

// GenerateCases streams cfg's cases to yield in creation order, as
// GenerateCaseRecords does, without their histories.
func GenerateCases(cfg CaseConfig, yield func(*domain.Case) error) error {
	return GenerateCaseRecords(cfg, func(c *domain.Case, _ []domain.CaseAction) error { return yield(c) })
}

// GenerateCaseRecords streams cfg's cases to yield in creation order, each
// with what the engine keeps beside a case it saved: its persons in
// c.People (the kind's Workflow.People read from the generated documents,
// as domain.Workflow.PeopleOf gives them) and its history, the steps of its
// side from the one that created it to its status (the shortest way through
// the kind's workflow), dated from its creation to its last update. The
// *domain.Case and the history passed to yield are reused by the next
// call. Each case draws from its own random stream (the seed and its
// index); creation times are spread evenly over the two years before
// RefDate. Side A copies belong to a station of the city and name a
// station in another province as the registration office; side R
// copies the other way round. Statuses are the side's own (from the
// workflow's steps), mostly finished for old cases and mostly open for new
// ones; every field a kind declares is filled (result fields once the case
// is decided). It returns a CodeInvalid *domain.Error for a bad config, and
// for a kind whose workflow leaves a status of a side unreachable from the
// step that creates the side's copy (1.5.x, issue 15).
func GenerateCaseRecords(cfg CaseConfig, yield func(c *domain.Case, history []domain.CaseAction) error) error {
	if cfg.Cases < 0 {
		return domain.FieldErrorf("cases", "must not be negative")
	}
	if len(cfg.Kinds) == 0 {
		return domain.FieldErrorf("kinds", "name at least one kind")
	}
	p, err := newPlan(Config{Seed: cfg.Seed, Division: cfg.Division})
	if err != nil {
		return err
	}
	kinds := make([]caseKind, len(cfg.Kinds))
	weights := make([]int, len(cfg.Kinds))
	for i, k := range cfg.Kinds {
		if kinds[i], err = newCaseKind(k); err != nil {
			return err
		}
		weights[i] = max(1, k.Weight)
	}
	kindCum := cumulate(weights)
	span := RefDate.Sub(CaseEpoch)
	pcg := rand.NewPCG(0, 0)
	rng := rand.New(pcg)
	var c domain.Case
	var history []domain.CaseAction
	for i := range cfg.Cases {
		pcg.Seed(p.seed^0x5ca5e5, mix64(uint64(i)+1))
		k := &kinds[pickCum(rng, kindCum)]
		// Creation times rise with i (jittered within a step), so IDs sort by them.
		created := CaseEpoch.Add(time.Duration(float64(span) * (float64(i) + rng.Float64()) / float64(max(cfg.Cases, 1))))
		st := p.pickStation(rng)
		other := otherProvinces[rng.IntN(len(otherProvinces))]
		side := domain.SideAcceptance
		if rng.IntN(100) < 45 && len(k.open[domain.SideRegistration])+len(k.done[domain.SideRegistration]) > 0 {
			side = domain.SideRegistration // a kind with steps on that side
		}
		age := RefDate.Sub(created)
		status := k.status(rng, side, age)
		updated := created.Add(time.Duration(rng.Int64N(int64(min(age, 60*24*time.Hour)) + 1)))
		c = domain.Case{
			ID: caseID(created, p.seed+uint64(i)), Kind: k.w.Kind, Side: side, Status: status,
			CollabNo:  fmt.Sprintf("%s%s%02d%08d", k.prefix, created.Format("20060102"), uint64(cfg.Seed)%100, i),
			CreatedBy: "seed", CreatedAt: created, UpdatedAt: updated, Version: 1 + rng.IntN(6),
		}
		if side == domain.SideAcceptance {
			c.AcceptanceOffice, c.RegistrationOffice, c.Office = st.office.Code, other, st.office.Code
		} else {
			c.AcceptanceOffice, c.RegistrationOffice, c.Office = other, st.office.Code, st.office.Code
		}
		c.RegistrationProvince = c.RegistrationOffice[:2]
		if spec, ok := k.w.State(status); ok && !spec.Terminal {
			d := created.Add(20 * 24 * time.Hour)
			c.DeadlineAt = &d
		}
		docs := k.documents(rng, p, &c, st)
		c.Applicant, c.Ministry, c.Result = docs["applicant"], docs["ministry"], docs["result"]
		// What follows draws after every draw above, so the cases are those
		// generated before persons and histories were (same seed, same rows).
		if c.People, err = k.w.PeopleOf(&c); err != nil {
			return fmt.Errorf("seed case %s: %w", c.CollabNo, err)
		}
		history = k.history(rng, &c, st, history[:0])
		if err := yield(&c, history); err != nil {
			return err
		}
	}
	return nil
}

// caseID is a UUIDv7-shaped ID carrying the creation time.
func caseID(at time.Time, i uint64) string {
	ms := uint64(at.UnixMilli())
	r := mix64(i ^ 0xca5e)
	return fmt.Sprintf("%08x-%04x-7%03x-%04x-%012x", ms>>16, ms&0xffff, (r>>52)&0xfff, 0x8000|(r>>36)&0x3fff, r&0xffffffffffff)
}

// caseKind is a CaseKind prepared for generation.
type caseKind struct {
	w      *domain.Workflow
	fields []domain.QueryField
	prefix string
	// open and done are the side's statuses (by the workflow's steps),
	// split into those still in progress and the terminal ones.
	open, done map[domain.Side][]domain.CaseStatus
	// paths are the steps that take the side's copy from its creation to
	// each status (a case's history).
	paths map[domain.Side]map[domain.CaseStatus][]*domain.Step
}

func newCaseKind(k CaseKind) (caseKind, error) {
	ck := caseKind{w: k.Workflow, fields: k.Fields, open: map[domain.Side][]domain.CaseStatus{}, done: map[domain.Side][]domain.CaseStatus{}}
	ck.prefix = strings.ToUpper(string(k.Workflow.Kind))
	ck.prefix = ck.prefix[:min(2, len(ck.prefix))]
	seen := map[domain.Side]map[domain.CaseStatus]bool{}
	add := func(side domain.Side, s domain.CaseStatus) {
		if seen[side] == nil {
			seen[side] = map[domain.CaseStatus]bool{}
		}
		spec, ok := k.Workflow.State(s)
		if s == "" || !ok || seen[side][s] {
			return
		}
		seen[side][s] = true
		if spec.Terminal {
			ck.done[side] = append(ck.done[side], s)
		} else {
			ck.open[side] = append(ck.open[side], s)
		}
	}
	for _, st := range k.Workflow.Steps {
		for _, f := range st.From {
			add(st.Side, f)
		}
		add(st.Side, st.To)
	}
	ck.paths = map[domain.Side]map[domain.CaseStatus][]*domain.Step{}
	for _, side := range []domain.Side{domain.SideAcceptance, domain.SideRegistration} {
		ck.paths[side] = stepPaths(k.Workflow, side)
		for _, s := range slices.Concat(ck.open[side], ck.done[side]) {
			if ck.paths[side][s] == nil {
				return caseKind{}, domain.FieldErrorf("kinds", "%s: no step of the %s side leads from the case's creation to %s", k.Workflow.Kind, side, s)
			}
		}
	}
	return ck, nil
}

// stepPaths finds, for every status the side's copy of a case of w can
// reach, the shortest sequence of the side's steps that reaches it from a
// step that creates the copy, searching breadth first in declaration
// order (deterministic). Edits that stay in their status are never part of
// one.
func stepPaths(w *domain.Workflow, side domain.Side) map[domain.CaseStatus][]*domain.Step {
	paths := map[domain.CaseStatus][]*domain.Step{}
	var queue []domain.CaseStatus
	for i := range w.Steps {
		st := &w.Steps[i]
		if st.Side == side && st.Creates() && !st.Stays && paths[st.To] == nil {
			paths[st.To] = []*domain.Step{st}
			queue = append(queue, st.To)
		}
	}
	for len(queue) > 0 {
		from := queue[0]
		queue = queue[1:]
		for i := range w.Steps {
			st := &w.Steps[i]
			if st.Side != side || st.Creates() || st.Stays || paths[st.To] != nil || !slices.Contains(st.From, from) {
				continue
			}
			paths[st.To] = append(slices.Clip(paths[from]), st)
			queue = append(queue, st.To)
		}
	}
	return paths
}

// Who the history of a generated case names: a user step was taken by the
// seeder at the case's station, or at its county bureau for a step of the
// bureaus only (Step.Levels, the ID card review); a message or system step
// by the engine's system actor, "collaboration", as the engine records it.
const (
	seedActor   = "seed"
	systemActor = "collaboration"
)

// history appends to out the history of c, just generated: one entry per
// step of its path, shaped as the engine writes them (the creating step
// from no status, Data "{}", a message step with its message's ID), the
// first at c.CreatedAt, the last at c.UpdatedAt, the others in between in
// order.
func (k *caseKind) history(rng *rand.Rand, c *domain.Case, st *station, out []domain.CaseAction) []domain.CaseAction {
	path := k.paths[c.Side][c.Status]
	span := c.UpdatedAt.Sub(c.CreatedAt)
	var from domain.CaseStatus
	for i, step := range path {
		at := c.CreatedAt
		switch {
		case i == len(path)-1 && i > 0:
			at = c.UpdatedAt
		case i > 0:
			// Step i within the i-th of len(path)-1 equal slices of the span.
			at = c.CreatedAt.Add(time.Duration((float64(i) + rng.Float64()) / float64(len(path)-1) * float64(span)))
		}
		a := domain.CaseAction{ID: caseID(at, rng.Uint64()), CaseID: c.ID, Seq: i + 1, Action: step.Action, From: from, To: step.To,
			ActorName: seedActor, Office: c.Office, Data: emptyData, At: at}
		switch {
		case step.OnMessage != "" || step.System:
			a.ActorName, a.Office = systemActor, ""
		case len(step.Levels) > 0 && !slices.Contains(step.Levels, domain.OfficePoliceStation):
			a.Office = st.office.ParentCode
		}
		if step.OnMessage != "" {
			a.MessageID = caseID(at, rng.Uint64())
		}
		out = append(out, a)
		from = step.To
	}
	return out
}

var emptyData = json.RawMessage("{}")

// status picks a status of side: a case older than 60 days is finished
// nine times in ten, a newer one a third of the time.
func (k *caseKind) status(rng *rand.Rand, side domain.Side, age time.Duration) domain.CaseStatus {
	open, done := k.open[side], k.done[side]
	finished := 33
	if age > 60*24*time.Hour {
		finished = 90
	}
	if len(done) > 0 && (len(open) == 0 || rng.IntN(100) < finished) {
		return done[rng.IntN(len(done))]
	}
	return open[rng.IntN(len(open))]
}

// decided reports whether a case in status has its result: it is finished,
// or its approval or verdict came.
func decided(spec domain.StateSpec, status domain.CaseStatus) bool {
	if spec.Terminal {
		return true
	}
	switch status {
	case domain.StatusDraft, domain.StatusSubmitted, domain.StatusExtracted, domain.StatusReceived:
		return false
	}
	return true
}

// documents fills every declared field of c's kind: applicant and ministry
// ones always, result ones once the case is decided, the ones that tell a
// refusal only for a refused case.
func (k *caseKind) documents(rng *rand.Rand, p *plan, c *domain.Case, st *station) map[string]json.RawMessage {
	docs := map[string]map[string]any{"applicant": {}, "ministry": {}, "result": {}}
	spec, _ := k.w.State(c.Status)
	isDecided := decided(spec, c.Status)
	// A refusal, rejection or revocation is told by a refused case, and by
	// one decided case in twenty (a certificate revoked after it was issued).
	refused := c.Status == domain.StatusRefused || c.Status == domain.StatusClosed || c.Status == "REVOKED" || rng.IntN(20) == 0
	for _, f := range k.fields {
		if f.Store.Doc == "" || len(f.Store.Path) == 0 || docs[f.Store.Doc] == nil {
			continue
		}
		lower := strings.ToLower(f.Name)
		tellsRefusal := strings.Contains(lower, "refus") || strings.Contains(lower, "reject") || strings.Contains(lower, "revok")
		if f.Store.Doc == "result" && (!isDecided || tellsRefusal != refused) {
			continue
		}
		setPath(docs[f.Store.Doc], f.Store.Path, fieldValue(rng, p, &f, c, st))
	}
	out := map[string]json.RawMessage{}
	for name, d := range docs {
		b, _ := json.Marshal(d) // maps of strings always marshal
		out[name] = b
	}
	return out
}

func setPath(doc map[string]any, path []string, v string) {
	for _, p := range path[:len(path)-1] {
		next, ok := doc[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			doc[p] = next
		}
		doc = next
	}
	doc[path[len(path)-1]] = v
}

// fieldValue is a plausible value of f in c: by the field's type, its
// personal-data class and, for free text, its name.
func fieldValue(rng *rand.Rand, p *plan, f *domain.QueryField, c *domain.Case, st *station) string {
	t := c.CreatedAt.Add(time.Duration(rng.Int64N(int64(72 * time.Hour))))
	switch f.Type {
	case domain.QueryCode:
		if len(f.Codes) == 0 {
			return ""
		}
		return f.Codes[rng.IntN(len(f.Codes))].Code
	case domain.QueryDate:
		if strings.Contains(strings.ToLower(f.Name), "until") {
			return t.AddDate(10+5*rng.IntN(3), 0, 0).Format(time.DateOnly)
		}
		return t.In(chinaTime).Format(time.DateOnly)
	case domain.QueryDateTime:
		if f.PII == domain.PIIBirthDate {
			t = c.CreatedAt.AddDate(0, 0, -1-rng.IntN(60))
		}
		return t.In(chinaTime).Format(time.RFC3339)
	case domain.QueryOffice:
		return c.RegistrationOffice
	case domain.QueryDivision:
		return st.office.Code[:6]
	case domain.QueryInteger:
		return fmt.Sprint(rng.IntN(1000))
	}
	lower := strings.ToLower(f.Name)
	switch {
	case f.PII == domain.PIIName:
		return pickSurname(rng) + pick(rng, eraPools[len(eraPools)-1][rng.IntN(2)].whole)
	case f.PII == domain.PIIIDNumber:
		birth := RefDate.AddDate(-18-rng.IntN(50), 0, -rng.IntN(365))
		return idnumber.Generate(st.office.Code[:6], birth, rng.IntN(1000))
	case f.PII == domain.PIIPhone:
		return fmt.Sprintf("13%d%08d", rng.IntN(10), rng.IntN(100_000_000))
	case strings.Contains(lower, "purpose"):
		return purposes[rng.IntN(len(purposes))]
	case strings.Contains(lower, "rejection") || f.PII == domain.PIIText:
		return rejections[rng.IntN(len(rejections))]
	case strings.Contains(lower, "hospital"):
		return hospitals[rng.IntN(len(hospitals))]
	case strings.Contains(lower, "authority"):
		return authorities[rng.IntN(len(authorities))]
	case strings.Contains(lower, "province"):
		return c.RegistrationProvince
	case strings.Contains(lower, "class"):
		return []string{"111", "112", "121", "210", "220"}[rng.IntN(5)]
	case strings.Contains(lower, "householdnumber"):
		return fmt.Sprintf("%s%05d", st.office.Code[:6], rng.IntN(100_000))
	}
	// A number or an identifier: the field's initial and digits.
	return fmt.Sprintf("%c%09d", strings.ToUpper(f.Name)[0], rng.IntN(1_000_000_000))
}

var chinaTime = time.FixedZone("CST", 8*3600)

// caseWeights are the kinds' shares of a generated population, roughly as
// a city's cross-province business splits; a kind not named here weighs 10.
var caseWeights = map[domain.CaseKind]int{"BIRTH": 35, "MIGRATION": 30, "ID_CARD": 20, "INFO_CERT": 8, "MATTER_CERT": 7}

// CaseKindsOf returns the CaseKinds of the modules that are
// domain.Queryable (their declared fields), weighted by caseWeights.
func CaseKindsOf(mods ...domain.Module) []CaseKind {
	var out []CaseKind
	for _, m := range mods {
		q, ok := m.(domain.Queryable)
		if !ok {
			continue
		}
		w := m.Workflow()
		weight, ok := caseWeights[w.Kind]
		if !ok {
			weight = 10
		}
		out = append(out, CaseKind{Workflow: w, Fields: q.QueryFields(), Weight: weight})
	}
	return out
}
