package domain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"
)

// QueryRoles may build, run, save and export query views (1.5.x): analysts,
// and the supervisors of casework (approvers) and administrators.
var QueryRoles = []Role{RoleAnalyst, RoleApprover, RoleAdmin}

// MaxRecentQueries is how many condition sets a user's history keeps per
// source (the newest).
const MaxRecentQueries = 10

// QueryRepository runs compiled query plans and keeps views and histories.
type QueryRepository interface {
	// RunQuery returns at most plan.Limit rows (plus one, to tell whether
	// there is a next page) in the plan's order; values are the columns'
	// texts, unmasked.
	RunQuery(ctx context.Context, plan *QueryPlan) ([]*QueryRow, error)
	// CountQuery counts the rows the plan's conditions select.
	CountQuery(ctx context.Context, plan *QueryPlan) (int, error)
	// StreamQuery calls fn with each row of the plan in order, reading them
	// from the database as fn consumes them (flat memory); fn's error stops
	// the stream and is returned.
	StreamQuery(ctx context.Context, plan *QueryPlan, fn func(*QueryRow) error) error
	// CreateQueryView inserts v (Version 1).
	CreateQueryView(ctx context.Context, v *QueryView) error
	// UpdateQueryView writes v if its stored version is still v.Version,
	// then increments it; CodeConflict otherwise.
	UpdateQueryView(ctx context.Context, v *QueryView) error
	// DeleteQueryView deletes the view at version; CodeConflict when it
	// changed, CodeNotFound when there is none.
	DeleteQueryView(ctx context.Context, id string, version int) error
	// FindQueryViewByID returns CodeNotFound when there is none.
	FindQueryViewByID(ctx context.Context, id string) (*QueryView, error)
	// FindQueryViews returns the views of source owned by ownerID or shared
	// with office, by name.
	FindQueryViews(ctx context.Context, source, ownerID, office string) ([]*QueryView, error)
	// AddRecentQuery records e as the newest of its user's and source's
	// history (an identical older entry is replaced) and deletes all but
	// the newest keep entries.
	AddRecentQuery(ctx context.Context, e *RecentQuery, keep int) error
	// FindRecentQueries returns a user's history for a source, newest first.
	FindRecentQueries(ctx context.Context, userID, source string) ([]*RecentQuery, error)
	// QueryExportRepository keeps background exports.
	QueryExportRepository
}

// QueryView is a saved query view (1.5.x): owned by a user, readable by the
// users of SharedOffice when set (read-only for them).
type QueryView struct {
	ID           string
	OwnerID      string
	OwnerName    string
	Source       string
	Name         string
	SharedOffice string
	Spec         QueryViewSpec
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Version      int
}

// QueryViewSpec is what a view keeps: its conditions, columns (order and
// width), sort, page size and the fields of its detail page, in order.
type QueryViewSpec struct {
	Condition    *QueryCondition   `json:"condition,omitempty"`
	Columns      []QueryViewColumn `json:"columns"`
	Sort         *QuerySort        `json:"sort,omitempty"`
	PageSize     int               `json:"pageSize"`
	DetailFields []string          `json:"detailFields"`
}

// QueryViewColumn is a column of a view; Width 0 is the default width.
type QueryViewColumn struct {
	Field string `json:"field"`
	Width int    `json:"width,omitempty"`
}

// RecentQuery is one condition set of a user's history for a source.
type RecentQuery struct {
	ID        string
	UserID    string
	Source    string
	Condition *QueryCondition
	// Hash identifies the condition set (identical sets share it).
	Hash string
	At   time.Time
}

// ExportFormat is a file format of an export.
type ExportFormat string

// Export formats.
const (
	ExportCSV  ExportFormat = "CSV"
	ExportXLSX ExportFormat = "XLSX"
)

// TableWriter writes a table row by row to an export file.
type TableWriter interface {
	WriteRow(cells []*string) error
	// Close finishes the file (an XLSX is complete only then).
	Close() error
}

// TableEncoder makes table files (implemented in documents).
type TableEncoder interface {
	// NewTable returns a writer of a table in format to w; CodeInvalid for
	// a format it does not write.
	NewTable(format ExportFormat, w io.Writer, title string) (TableWriter, error)
}

// QueryService runs query views within the caller's jurisdiction, keeps
// saved views and recent conditions, and exports results; every query,
// count and export is audited, and personal data is masked for callers
// who read it masked (pii.go).
type QueryService struct {
	DB     Database
	Audit  AuditSink
	Tables TableEncoder
	Now    func() time.Time
	NewID  func() string
	// Blobs keeps background exports' files (query_export.go); without it
	// StartExport is CodeUnavailable.
	Blobs BlobStore
	// ExportThreshold, when set, sends exports of more rows to the
	// background (the streamed Export refuses them); StartExport takes any
	// size. ExportTTL is how long a finished export can be downloaded
	// (DefaultExportTTL when zero).
	ExportThreshold int
	ExportTTL       time.Duration
	sources         map[string]*QuerySource
	names           []string
}

// NewQueryService returns the service over the sources; it panics on a nil
// dependency or an invalid or duplicate source (start-up wiring errors).
func NewQueryService(db Database, audit AuditSink, tables TableEncoder, now func() time.Time, newID func() string, sources ...*QuerySource) *QueryService {
	if db == nil || audit == nil || tables == nil || now == nil || newID == nil {
		panic("domain: NewQueryService needs db, audit, tables, now and newID")
	}
	s := &QueryService{DB: db, Audit: audit, Tables: tables, Now: now, NewID: newID, sources: map[string]*QuerySource{}}
	for _, src := range sources {
		if err := src.Validate(); err != nil {
			panic(err)
		}
		if s.sources[src.Name] != nil {
			panic("domain: query source " + src.Name + " declared twice")
		}
		s.sources[src.Name] = src
		s.names = append(s.names, src.Name)
	}
	sort.Strings(s.names)
	return s
}

// Sources returns every source, by name. Errors: CodeForbidden without a
// query role.
func (s *QueryService) Sources(ctx context.Context) ([]*QuerySource, error) {
	if _, err := Authorize(ctx, QueryRoles...); err != nil {
		return nil, err
	}
	out := make([]*QuerySource, len(s.names))
	for i, n := range s.names {
		out[i] = s.sources[n]
	}
	return out, nil
}

// Source returns the source with name. Errors: CodeForbidden, CodeInvalid
// on "source" for an unknown one.
func (s *QueryService) Source(ctx context.Context, name string) (*QuerySource, error) {
	if _, err := Authorize(ctx, QueryRoles...); err != nil {
		return nil, err
	}
	return s.source(name)
}

func (s *QueryService) source(name string) (*QuerySource, error) {
	src := s.sources[name]
	if src == nil {
		return nil, FieldErrorf("source", "there is no query source %q; choose one of %v", clipValue(name), s.names).WithReason("query.unknown_source")
	}
	return src, nil
}

// CheckCondition checks c for the caller against src (the whitelist, the
// limits and personal data) and returns the typed tree; nil for none.
func (s *QueryService) CheckCondition(ctx context.Context, actor *Actor, src *QuerySource, c *QueryCondition) (*QueryNode, error) {
	if c == nil || (c.Group != "" && len(c.Children) == 0) {
		return nil, nil
	}
	chk := &queryChecker{src: src, masked: actor.MasksPersonalData(), today: dayOf(s.Now()),
		within: func(code string) (string, error) { return s.within(ctx, actor, code) }}
	return chk.check(c, "condition", 1)
}

// dayOf is t's date at UTC midnight in China's time zone, where every
// office is.
func dayOf(t time.Time) time.Time {
	y, m, d := t.In(chinaZone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

var chinaZone = time.FixedZone("CST", 8*3600)

// within returns the jurisdiction prefix of the office with code, which
// must lie in the caller's jurisdiction.
func (s *QueryService) within(ctx context.Context, actor *Actor, code string) (string, error) {
	if !officePattern.MatchString(code) {
		return "", FieldErrorf("", "%q is not a 12-digit office code", clipValue(code)).WithReason("query.value")
	}
	o, err := s.DB.Offices().FindOfficeByCode(ctx, code)
	if ErrorCode(err) == CodeNotFound || (err == nil && !actor.CanSee(code)) {
		return "", FieldErrorf("", "there is no office %s in your jurisdiction", code).WithReason("query.office")
	}
	if err != nil {
		return "", err
	}
	return o.JurisdictionPrefix(), nil
}

// plan checks req for actor and returns the plan storage runs.
func (s *QueryService) plan(ctx context.Context, actor *Actor, req QueryRequest) (*QueryPlan, error) {
	src, err := s.source(req.Source)
	if err != nil {
		return nil, err
	}
	where, err := s.CheckCondition(ctx, actor, src, req.Condition)
	if err != nil {
		return nil, err
	}
	if !actor.System && actor.Office == nil {
		// No office, no jurisdiction: never read as if it were the whole country.
		return nil, Errorf(CodeForbidden, "your account belongs to no office, so it has no jurisdiction to query").WithReason("auth.jurisdiction")
	}
	p := &QueryPlan{Source: src, OfficePrefix: jurisdictionOf(actor), Where: where}
	cols := req.Columns
	if len(cols) == 0 {
		cols = src.DefaultColumns
	}
	if len(cols) > len(src.Fields) {
		return nil, FieldErrorf("columns", "at most %d columns", len(src.Fields)).WithReason("query.columns")
	}
	for i, c := range cols {
		f := src.Field(c)
		if f == nil {
			return nil, FieldErrorf(fmt.Sprintf("columns.%d", i), "%s has no field %q", src.Name, clipValue(c)).WithReason("query.unknown_field")
		}
		p.Columns = append(p.Columns, f)
	}
	sortBy := QuerySort{Field: src.DefaultSort, Descending: true}
	if req.Sort != nil {
		sortBy = *req.Sort
	}
	p.Sort, p.Descending = src.Field(sortBy.Field), sortBy.Descending
	switch {
	case p.Sort == nil || !p.Sort.Sortable:
		return nil, FieldErrorf("sort", "%s cannot be sorted by %q; sortable fields are indexed ones", src.Name, clipValue(sortBy.Field)).WithReason("query.sort")
	case p.Sort.PII != "" && actor.MasksPersonalData():
		return nil, Errorf(CodeForbidden, "the field %s carries personal data, which your role reads masked: it cannot be the sort", p.Sort.Name).WithField("sort").WithReason("query.pii_sort")
	}
	return p, nil
}

// Run returns a page of the query, masked for the caller, and records the
// condition set in the caller's history when it asks for the first page.
// Errors: CodeForbidden without a query role or for conditions on
// personal data by a masked caller; CodeInvalid naming the input at fault;
// CodeUnavailable when the read cannot be audited (nothing is returned).
func (s *QueryService) Run(ctx context.Context, req QueryRequest) (*QueryResult, error) {
	actor, err := Authorize(ctx, QueryRoles...)
	if err != nil {
		return nil, err
	}
	if err := checkPage(&req.Page); err != nil {
		return nil, err
	}
	p, err := s.plan(ctx, actor, req)
	if err != nil {
		return nil, err
	}
	p.Limit = req.Page.First
	if req.Page.After != "" {
		if err := s.after(p, req.Page.After); err != nil {
			return nil, err
		}
	}
	rows, err := s.DB.Queries().RunQuery(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", p.Source.Name, err)
	}
	res := &QueryResult{Columns: p.Columns}
	if len(rows) > p.Limit {
		res.HasNextPage, rows = true, rows[:p.Limit]
	}
	if len(rows) > 0 {
		last := rows[len(rows)-1]
		key, _ := json.Marshal([]string{last.SortKey, last.ID})
		res.EndCursor = CursorFor(string(key))
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "query", "QuerySource", p.Source.Name,
		auditDetail(req.Condition, map[string]any{"rows": len(rows), "ids": strings.Join(ids, ",")}))); err != nil {
		return nil, err
	}
	maskRows(actor, p.Columns, rows)
	res.Rows = rows
	if req.Page.After == "" && req.Condition != nil {
		s.remember(ctx, actor, p.Source.Name, req.Condition)
	}
	return res, nil
}

// remember records c in the caller's history. A failure is logged and does
// not fail the query it belongs to (the history is a convenience).
func (s *QueryService) remember(ctx context.Context, actor *Actor, source string, c *QueryCondition) {
	b, err := json.Marshal(c)
	if err != nil || actor.UserID == "" {
		return
	}
	sum := sha256.Sum256(b)
	if err := s.DB.Queries().AddRecentQuery(ctx, &RecentQuery{ID: s.NewID(), UserID: actor.UserID, Source: source, Condition: c,
		Hash: hex.EncodeToString(sum[:]), At: s.Now()}, MaxRecentQueries); err != nil {
		slog.WarnContext(ctx, "query history not recorded", "user", actor.UserID, "source", source, "err", err)
	}
}

// after sets the keyset position from a cursor Run issued.
func (s *QueryService) after(p *QueryPlan, cursor string) error {
	bad := FieldErrorf("after", "the cursor is not one this query issued; start again from the first page").WithReason("page.cursor")
	key, err := CursorKey(cursor)
	if err != nil {
		return err
	}
	var kv []string
	if json.Unmarshal([]byte(key), &kv) != nil || len(kv) != 2 || kv[1] == "" {
		return bad
	}
	switch p.Sort.Type {
	case QueryDate, QueryDateTime:
		t, err := time.Parse(time.RFC3339Nano, kv[0])
		if err != nil {
			return bad
		}
		p.AfterValue = t
	default:
		p.AfterValue = kv[0]
	}
	p.AfterID = kv[1]
	return nil
}

// auditDetail is the audit log's detail of a query: its conditions and
// what it returned.
func auditDetail(c *QueryCondition, what map[string]any) string {
	what["condition"] = c
	b, _ := json.Marshal(what)
	return string(b)
}

// maskRows masks the values of personal-data columns for a masked caller.
func maskRows(actor *Actor, cols []*QueryField, rows []*QueryRow) {
	if !actor.MasksPersonalData() {
		return
	}
	for _, r := range rows {
		for i, f := range cols {
			if f.PII != "" && r.Values[i] != nil {
				v := MaskString(f.PII, *r.Values[i])
				r.Values[i] = &v
			}
		}
	}
}

// nameCodes writes the names of code values in an export row (a file is
// read by people: 女, not 2); a code without a name of its own stays.
func nameCodes(cols []*QueryField, r *QueryRow) {
	for i, f := range cols {
		if f.Type != QueryCode || r.Values[i] == nil {
			continue
		}
		for _, c := range f.Codes {
			if c.Code == *r.Values[i] && c.Name != "" && c.Name != c.Code {
				name := c.Name
				r.Values[i] = &name
				break
			}
		}
	}
}

// Count counts the rows the conditions select in the caller's
// jurisdiction (asked for on demand: counting costs a scan). Errors as Run.
func (s *QueryService) Count(ctx context.Context, source string, c *QueryCondition) (int, error) {
	actor, err := Authorize(ctx, QueryRoles...)
	if err != nil {
		return 0, err
	}
	p, err := s.plan(ctx, actor, QueryRequest{Source: source, Condition: c})
	if err != nil {
		return 0, err
	}
	n, err := s.DB.Queries().CountQuery(ctx, p)
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", source, err)
	}
	if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "query.count", "QuerySource", source,
		auditDetail(c, map[string]any{"count": n}))); err != nil {
		return 0, err
	}
	return n, nil
}

// MaxExportRows bounds one export.
const MaxExportRows = 2_000_000

// Export writes every row of the query (its columns, in its order, masked
// for the caller, codes by their names) to w as a table in format, reading rows as it writes
// them. The export is audited before its first row (a failure then writes
// nothing and returns CodeUnavailable) and again when it ends, with the
// rows written and the file's SHA-256. It returns the rows written. Errors
// as Run, CodeInvalid on "format", and CodeInvalid (reason
// query.export_background) when ExportThreshold is set and the query
// selects more rows: such an export runs in the background (StartExport).
func (s *QueryService) Export(ctx context.Context, req QueryRequest, format ExportFormat, w io.Writer) (int, error) {
	actor, err := Authorize(ctx, QueryRoles...)
	if err != nil {
		return 0, err
	}
	if s.ExportThreshold > 0 {
		p, err := s.plan(ctx, actor, req)
		if err != nil {
			return 0, err
		}
		n, err := s.DB.Queries().CountQuery(ctx, p)
		if err != nil {
			return 0, fmt.Errorf("count export %s: %w", req.Source, err)
		}
		if n > s.ExportThreshold {
			return 0, FieldErrorf("condition", "this export has %d rows, more than %d: start it as a background export (startQueryExport) and download it when it is ready", n, s.ExportThreshold).WithReason("query.export_background")
		}
	}
	n, _, err := s.export(ctx, req, format, w, map[string]any{}, nil)
	return n, err
}

// export writes the export for the caller in ctx, audited with extra, and
// calls progress (when set) after each row; it returns the rows written
// and the file's SHA-256.
func (s *QueryService) export(ctx context.Context, req QueryRequest, format ExportFormat, w io.Writer, extra map[string]any, progress func(n int)) (int, string, error) {
	actor, err := Authorize(ctx, QueryRoles...)
	if err != nil {
		return 0, "", err
	}
	p, err := s.plan(ctx, actor, req)
	if err != nil {
		return 0, "", err
	}
	p.Limit = 0
	hash := sha256.New()
	tw, err := s.Tables.NewTable(format, io.MultiWriter(w, hash), p.Source.Label)
	if err != nil {
		return 0, "", err
	}
	detail := func(what map[string]any) string {
		for k, v := range extra {
			what[k] = v
		}
		return auditDetail(req.Condition, what)
	}
	if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "query.export", "QuerySource", p.Source.Name,
		detail(map[string]any{"format": format, "state": "started"}))); err != nil {
		return 0, "", err
	}
	header := make([]*string, len(p.Columns))
	for i, f := range p.Columns {
		header[i] = &f.Label
	}
	if err := tw.WriteRow(header); err != nil {
		return 0, "", err
	}
	n := 0
	err = s.DB.Queries().StreamQuery(ctx, p, func(r *QueryRow) error {
		if n >= MaxExportRows {
			return FieldErrorf("condition", "an export has at most %d rows; narrow the conditions", MaxExportRows).WithReason("query.export_too_large")
		}
		maskRows(actor, p.Columns, []*QueryRow{r})
		nameCodes(p.Columns, r)
		n++
		if progress != nil {
			progress(n)
		}
		return tw.WriteRow(r.Values)
	})
	if err == nil {
		err = tw.Close()
	}
	state := "done"
	if err != nil {
		state = "failed"
	}
	sum := hex.EncodeToString(hash.Sum(nil))
	if aerr := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "query.export", "QuerySource", p.Source.Name,
		detail(map[string]any{"format": format, "state": state, "rows": n, "sha256": sum}))); aerr != nil && err == nil {
		err = aerr
	}
	return n, sum, err
}

// RecentConditions returns the caller's last condition sets for source,
// newest first.
func (s *QueryService) RecentConditions(ctx context.Context, source string) ([]*RecentQuery, error) {
	actor, err := Authorize(ctx, QueryRoles...)
	if err != nil {
		return nil, err
	}
	if _, err := s.source(source); err != nil {
		return nil, err
	}
	return s.DB.Queries().FindRecentQueries(ctx, actor.UserID, source)
}

// Views returns the caller's views of source and those shared with the
// caller's office, by name.
func (s *QueryService) Views(ctx context.Context, source string) ([]*QueryView, error) {
	actor, err := Authorize(ctx, QueryRoles...)
	if err != nil {
		return nil, err
	}
	if _, err := s.source(source); err != nil {
		return nil, err
	}
	return s.DB.Queries().FindQueryViews(ctx, source, actor.UserID, actor.OfficeCode)
}

// View returns a view the caller owns or that is shared with the caller's
// office; CodeNotFound otherwise, the same as for none.
func (s *QueryService) View(ctx context.Context, id string) (*QueryView, error) {
	actor, err := Authorize(ctx, QueryRoles...)
	if err != nil {
		return nil, err
	}
	v, err := s.DB.Queries().FindQueryViewByID(ctx, id)
	missing := notFound("query view not found")
	if err != nil {
		return nil, orMissing(err, missing)
	}
	if v.OwnerID != actor.UserID && (v.SharedOffice == "" || v.SharedOffice != actor.OfficeCode) {
		return nil, missing
	}
	return v, nil
}

// Mine reports whether the caller owns v (others read it only).
func (v *QueryView) Mine(ctx context.Context) bool {
	a := ActorFromContext(ctx)
	return a != nil && a.UserID == v.OwnerID
}

// MaxViewName is the longest name of a view.
const MaxViewName = 60

// SaveView creates v (ID "") or updates the caller's view v.ID at
// v.Version; Share makes it readable by the caller's office. Errors:
// CodeInvalid naming the field (name, source, spec.…); CodeForbidden for a
// view the caller does not own (shared views are read-only); CodeNotFound;
// CodeConflict for a stale version. The change is audited.
func (s *QueryService) SaveView(ctx context.Context, v *QueryView, share bool) (*QueryView, error) {
	actor, err := Authorize(ctx, QueryRoles...)
	if err != nil {
		return nil, err
	}
	src, err := s.source(v.Source)
	if err != nil {
		return nil, err
	}
	v.Name = strings.TrimSpace(v.Name)
	if v.Name == "" || len([]rune(v.Name)) > MaxViewName {
		return nil, FieldErrorf("name", "a view's name has 1 to %d characters", MaxViewName).WithReason("query.view_name")
	}
	if err := s.checkSpec(ctx, actor, src, &v.Spec); err != nil {
		return nil, err
	}
	now := s.Now()
	v.SharedOffice = ""
	if share {
		v.SharedOffice = actor.OfficeCode
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if v.ID == "" {
			v.ID, v.OwnerID, v.OwnerName, v.CreatedAt, v.UpdatedAt = s.NewID(), actor.UserID, actor.Shown(), now, now
			if err := tx.Queries().CreateQueryView(ctx, v); err != nil {
				return err
			}
		} else {
			old, err := s.owned(ctx, tx, actor, v.ID)
			if err != nil {
				return err
			}
			if old.Source != v.Source {
				return FieldErrorf("source", "a view keeps its source; save a new view instead").WithReason("query.view_source")
			}
			v.OwnerID, v.OwnerName, v.CreatedAt, v.UpdatedAt = old.OwnerID, old.OwnerName, old.CreatedAt, now
			if err := tx.Queries().UpdateQueryView(ctx, v); err != nil {
				return err
			}
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "saveQueryView", "QueryView", v.ID, v.Name))
	})
	if err != nil {
		return nil, fmt.Errorf("save query view: %w", err)
	}
	return v, nil
}

// owned returns the view id if the caller owns it: CodeNotFound when the
// caller cannot see it at all, CodeForbidden when it is shared with the
// caller read-only.
func (s *QueryService) owned(ctx context.Context, tx Repos, actor *Actor, id string) (*QueryView, error) {
	old, err := tx.Queries().FindQueryViewByID(ctx, id)
	missing := notFound("query view not found")
	if err != nil {
		return nil, orMissing(err, missing)
	}
	switch {
	case old.OwnerID == actor.UserID:
		return old, nil
	case old.SharedOffice != "" && old.SharedOffice == actor.OfficeCode:
		return nil, Errorf(CodeForbidden, "this view is shared with you read-only; save a copy to change it").WithReason("query.view_read_only")
	default:
		return nil, missing
	}
}

// DeleteView deletes the caller's view at version. Errors as SaveView.
func (s *QueryService) DeleteView(ctx context.Context, id string, version int) error {
	actor, err := Authorize(ctx, QueryRoles...)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if _, err := s.owned(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := tx.Queries().DeleteQueryView(ctx, id, version); err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, s.Now(), AuditChange, "deleteQueryView", "QueryView", id, ""))
	})
}

// checkSpec checks a view's spec against its source, for the caller.
func (s *QueryService) checkSpec(ctx context.Context, actor *Actor, src *QuerySource, sp *QueryViewSpec) error {
	if _, err := s.CheckCondition(ctx, actor, src, sp.Condition); err != nil {
		return prefixField(err, "spec.")
	}
	if len(sp.Columns) == 0 || len(sp.Columns) > len(src.Fields) {
		return FieldErrorf("spec.columns", "a view shows 1 to %d columns", len(src.Fields)).WithReason("query.columns")
	}
	seen := map[string]bool{}
	for i, c := range sp.Columns {
		if src.Field(c.Field) == nil || seen[c.Field] {
			return FieldErrorf(fmt.Sprintf("spec.columns.%d", i), "%q is no field of %s, or is shown twice", clipValue(c.Field), src.Name).WithReason("query.unknown_field")
		}
		if c.Width < 0 || c.Width > 2000 {
			return FieldErrorf(fmt.Sprintf("spec.columns.%d.width", i), "a width is 0 (default) to 2000 pixels").WithReason("query.width")
		}
		seen[c.Field] = true
	}
	if sp.Sort != nil {
		f := src.Field(sp.Sort.Field)
		if f == nil || !f.Sortable || (f.PII != "" && actor.MasksPersonalData()) {
			return FieldErrorf("spec.sort", "%s cannot be sorted by %q", src.Name, clipValue(sp.Sort.Field)).WithReason("query.sort")
		}
	}
	if sp.PageSize == 0 {
		sp.PageSize = 50
	}
	if sp.PageSize < 1 || sp.PageSize > MaxPageSize {
		return FieldErrorf("spec.pageSize", "a page has 1 to %d rows", MaxPageSize).WithReason("page.size")
	}
	for i, d := range sp.DetailFields {
		if src.Field(d) == nil || slices.Index(sp.DetailFields, d) != i {
			return FieldErrorf(fmt.Sprintf("spec.detailFields.%d", i), "%q is no field of %s, or is listed twice", clipValue(d), src.Name).WithReason("query.unknown_field")
		}
	}
	return nil
}

func prefixField(err error, prefix string) error {
	if e, ok := err.(*Error); ok && e.Field != "" { //nolint:errorlint // CheckCondition returns *Error unwrapped
		c := *e
		c.Field = prefix + e.Field
		return &c
	}
	return err
}
