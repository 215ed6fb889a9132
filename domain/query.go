package domain

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Query views (1.5.1–1.5.4, DESIGN.md "Queries"): a query is data, a source
// whose fields are declared as data (each kind in its own module, the
// register beside it), a condition tree over those fields, columns and a
// sort. This file holds the declarations and turns a client's condition
// tree into a checked QueryNode tree with typed values; storage compiles
// that tree to SQL, and nothing else reaches SQL.

// QueryFieldType is the type of a queryable field: it decides how values
// are parsed and which operators make sense.
type QueryFieldType string

// Field types.
const (
	QueryString   QueryFieldType = "STRING"
	QueryCode     QueryFieldType = "CODE"     // one of the field's Codes
	QueryDate     QueryFieldType = "DATE"     // YYYY-MM-DD
	QueryDateTime QueryFieldType = "DATETIME" // an instant; conditions take dates
	QueryInteger  QueryFieldType = "INTEGER"
	QueryOffice   QueryFieldType = "OFFICE"   // a 12-digit office code
	QueryDivision QueryFieldType = "DIVISION" // a 6-digit GB/T 2260 division
)

// QueryOperator is an operator of a condition.
type QueryOperator string

// Operators. BETWEEN takes two values, both included (for dates: the whole
// last day); IN one to MaxQueryValues; LAST_DAYS one positive number of days
// (today included); IS_NULL and NOT_NULL none (an empty text is null);
// WITHIN an office whose jurisdiction the value must lie in; the others one.
const (
	OpEq       QueryOperator = "EQ"
	OpNe       QueryOperator = "NE"
	OpIn       QueryOperator = "IN"
	OpBetween  QueryOperator = "BETWEEN"
	OpPrefix   QueryOperator = "PREFIX"
	OpContains QueryOperator = "CONTAINS"
	OpIsNull   QueryOperator = "IS_NULL"
	OpNotNull  QueryOperator = "NOT_NULL"
	OpLastDays QueryOperator = "LAST_DAYS"
	OpWithin   QueryOperator = "WITHIN"
)

// QueryGroupOp joins a group's children.
type QueryGroupOp string

// Group operators.
const (
	GroupAnd QueryGroupOp = "AND"
	GroupOr  QueryGroupOp = "OR"
)

// Limits of a condition tree: deep or wide trees and many expensive
// operators are refused before any SQL is built, so no caller can make the
// database scan the same table a hundred times in one statement.
const (
	MaxQueryDepth  = 5   // nesting of groups (the root group is depth 1)
	MaxQueryNodes  = 60  // groups and conditions together
	MaxQueryValues = 100 // values of one IN
	MaxQueryCost   = 100 // see queryCost
	MaxQueryText   = 100 // characters of one value
	MaxLastDays    = 36600
)

// DefaultOperators lists the operators a field of each type accepts when
// its declaration names none.
var DefaultOperators = map[QueryFieldType][]QueryOperator{
	QueryString:   {OpEq, OpNe, OpIn, OpPrefix, OpContains, OpIsNull, OpNotNull},
	QueryCode:     {OpEq, OpNe, OpIn, OpIsNull, OpNotNull},
	QueryDate:     {OpEq, OpBetween, OpLastDays, OpIsNull, OpNotNull},
	QueryDateTime: {OpBetween, OpLastDays, OpIsNull, OpNotNull},
	QueryInteger:  {OpEq, OpNe, OpIn, OpBetween, OpIsNull, OpNotNull},
	QueryOffice:   {OpEq, OpIn, OpWithin},
	QueryDivision: {OpEq, OpIn, OpPrefix, OpIsNull, OpNotNull},
}

// QueryStore says where a field lives: a column of the source's table, or
// a string inside one of its JSON text columns (Doc) at Path. Storage maps
// it to SQL per dialect (storage/query.go); both names are checked against
// identifierPattern when the source is built, so no declaration can smuggle
// SQL either.
type QueryStore struct {
	Column string
	Doc    string
	Path   []string
}

// QueryCodeValue is one value of a field's code list.
type QueryCodeValue struct {
	Code string
	Name string
}

// QueryField is a queryable field of a source, declared as data.
type QueryField struct {
	Name  string // the API's name, camelCase
	Label string // what the SPA shows (zh-CN: the field's name on the forms)
	Type  QueryFieldType
	// Operators the field accepts; nil takes DefaultOperators[Type].
	Operators []QueryOperator
	// Codes lists the values of a CODE field; a condition's values must be
	// among them.
	Codes []QueryCodeValue
	// PII marks a field carrying a personal identifier: masked for callers
	// who read masked data (pii.go), who may neither filter nor sort on it.
	PII   PIIKind
	Store QueryStore
	// Sortable fields are indexed columns that are never null (keyset
	// pagination needs both).
	Sortable bool
}

// Ops returns the operators f accepts.
func (f *QueryField) Ops() []QueryOperator {
	if f.Operators != nil {
		return f.Operators
	}
	return DefaultOperators[f.Type]
}

// QuerySource is what a query view reads: a table, the filter that keeps
// one kind's rows (Kind: the kind column equals it), the column that places
// a row in an office's jurisdiction, and the fields.
type QuerySource struct {
	Name  string // BIRTH, … or RESIDENT
	Label string
	Table string
	// KindColumn and Kind keep the rows of one kind of a shared table.
	KindColumn string
	Kind       string
	// OfficeColumn holds the 12-digit office each row belongs to.
	OfficeColumn string
	// IDColumn is the row's unique key (keyset pagination's tie-breaker).
	IDColumn       string
	Fields         []QueryField
	DefaultColumns []string
	DefaultSort    string
}

// Field returns the field with name, or nil.
func (s *QuerySource) Field(name string) *QueryField {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return &s.Fields[i]
		}
	}
	return nil
}

// identifierPattern is what table, column, document and path names may be.
var identifierPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$|^[a-zA-Z][a-zA-Z0-9]{0,62}$`)

// Validate checks a declaration (start-up wiring: an error is a bug).
func (s *QuerySource) Validate() error {
	if s.Name == "" || s.Table == "" || s.OfficeColumn == "" || s.IDColumn == "" {
		return fmt.Errorf("query source %q: name, table, office and ID columns are required", s.Name)
	}
	for _, id := range []string{s.Table, s.OfficeColumn, s.IDColumn} {
		if !identifierPattern.MatchString(id) {
			return fmt.Errorf("query source %s: bad identifier %q", s.Name, id)
		}
	}
	if s.KindColumn != "" && !identifierPattern.MatchString(s.KindColumn) {
		return fmt.Errorf("query source %s: bad kind column %q", s.Name, s.KindColumn)
	}
	seen := map[string]bool{}
	for i := range s.Fields {
		f := &s.Fields[i]
		if f.Name == "" || seen[f.Name] {
			return fmt.Errorf("query source %s: field %q is empty or declared twice", s.Name, f.Name)
		}
		seen[f.Name] = true
		if _, ok := DefaultOperators[f.Type]; !ok {
			return fmt.Errorf("query source %s: field %s has unknown type %q", s.Name, f.Name, f.Type)
		}
		st := f.Store
		switch {
		case st.Column != "" && st.Doc == "" && len(st.Path) == 0:
			if !identifierPattern.MatchString(st.Column) {
				return fmt.Errorf("query source %s: field %s: bad column %q", s.Name, f.Name, st.Column)
			}
		case st.Column == "" && st.Doc != "" && len(st.Path) > 0:
			if !identifierPattern.MatchString(st.Doc) || f.Sortable || f.Type == QueryInteger {
				return fmt.Errorf("query source %s: field %s: bad document %q (JSON fields are texts, never sortable)", s.Name, f.Name, st.Doc)
			}
			for _, p := range st.Path {
				if !identifierPattern.MatchString(p) {
					return fmt.Errorf("query source %s: field %s: bad path %q", s.Name, f.Name, p)
				}
			}
		default:
			return fmt.Errorf("query source %s: field %s: a column or a document and path", s.Name, f.Name)
		}
		if f.Type == QueryCode && len(f.Codes) == 0 {
			return fmt.Errorf("query source %s: code field %s has no codes", s.Name, f.Name)
		}
	}
	for _, c := range s.DefaultColumns {
		if !seen[c] {
			return fmt.Errorf("query source %s: default column %s is no field", s.Name, c)
		}
	}
	if f := s.Field(s.DefaultSort); f == nil || !f.Sortable {
		return fmt.Errorf("query source %s: default sort %q is no sortable field", s.Name, s.DefaultSort)
	}
	return nil
}

// QueryCondition is a condition tree as a client sends it: a group (Group
// set, Children) or a condition on one field (Field, Op, Values).
type QueryCondition struct {
	Group    QueryGroupOp      `json:"group,omitempty"`
	Children []*QueryCondition `json:"children,omitempty"`
	Field    string            `json:"field,omitempty"`
	Op       QueryOperator     `json:"op,omitempty"`
	Values   []string          `json:"values,omitempty"`
}

// QueryNode is a checked condition: a group, or a predicate on a declared
// field with typed arguments. Op is one of the storage operators below.
type QueryNode struct {
	Group    QueryGroupOp
	Children []*QueryNode
	Field    *QueryField
	Op       QueryOperator
	Args     []any // string, int64 or time.Time (a date at UTC midnight)
}

// Storage operators a QueryNode may carry beside EQ, NE, IN, PREFIX,
// CONTAINS, IS_NULL and NOT_NULL: a range with an included lower and an
// included (RangeIncl) or excluded (RangeExcl) upper bound, and a lower
// bound alone (AtLeast).
const (
	OpRangeIncl QueryOperator = "RANGE_INCL"
	OpRangeExcl QueryOperator = "RANGE_EXCL"
	OpAtLeast   QueryOperator = "AT_LEAST"
)

// queryChecker checks one tree for one caller.
type queryChecker struct {
	src    *QuerySource
	masked bool
	today  time.Time
	// covers reports whether the caller's jurisdiction covers an office,
	// and returns the jurisdiction prefix of that office (WITHIN).
	within func(code string) (string, error)
	nodes  int
	cost   int
}

// CheckCondition checks c against src's whitelist and the limits, for a
// caller who reads masked data when masked, and returns the typed tree (nil
// for a nil or empty c: no condition). Errors are CodeInvalid naming the
// offending node by its path ("condition.children.1.values"), or
// CodeForbidden for a condition on personal data by a masked caller.
func (q *queryChecker) check(c *QueryCondition, path string, depth int) (*QueryNode, error) {
	if c == nil {
		return nil, FieldErrorf(path, "a condition is empty").WithReason("query.empty_condition")
	}
	q.nodes++
	if q.nodes > MaxQueryNodes {
		return nil, FieldErrorf(path, "a query may have at most %d conditions and groups", MaxQueryNodes).WithReason("query.too_large")
	}
	if c.Group != "" {
		if c.Field != "" || c.Op != "" || len(c.Values) > 0 {
			return nil, FieldErrorf(path, "a group has children, not a field").WithReason("query.malformed")
		}
		if c.Group != GroupAnd && c.Group != GroupOr {
			return nil, FieldErrorf(path+".group", "a group joins with AND or OR, not %q", c.Group).WithReason("query.malformed")
		}
		if depth >= MaxQueryDepth {
			return nil, FieldErrorf(path, "groups may be nested at most %d deep", MaxQueryDepth).WithReason("query.too_deep")
		}
		if len(c.Children) == 0 {
			return nil, FieldErrorf(path, "a group needs at least one condition").WithReason("query.empty_group")
		}
		n := &QueryNode{Group: c.Group}
		for i, ch := range c.Children {
			cn, err := q.check(ch, fmt.Sprintf("%s.children.%d", path, i), depth+1)
			if err != nil {
				return nil, err
			}
			n.Children = append(n.Children, cn)
		}
		return n, nil
	}
	if len(c.Children) > 0 {
		return nil, FieldErrorf(path, "a condition on a field has no children; make it a group").WithReason("query.malformed")
	}
	f := q.src.Field(c.Field)
	if f == nil {
		return nil, FieldErrorf(path+".field", "%s has no field %q", q.src.Name, clipValue(c.Field)).WithReason("query.unknown_field")
	}
	if !slices.Contains(f.Ops(), c.Op) {
		return nil, FieldErrorf(path+".op", "the field %s takes %v, not %q", f.Name, f.Ops(), clipValue(string(c.Op))).WithReason("query.operator")
	}
	if q.masked && f.PII != "" && c.Op != OpIsNull && c.Op != OpNotNull {
		return nil, Errorf(CodeForbidden, "the field %s carries personal data, which your role reads masked: it cannot be a condition (only whether it is empty)", f.Name).
			WithField(path + ".field").WithReason("query.pii_condition")
	}
	q.cost += opCost(f, c.Op)
	if q.cost > MaxQueryCost {
		return nil, FieldErrorf(path, "the query is too expensive (text searches and JSON fields cost most); remove some conditions").WithReason("query.too_expensive")
	}
	return q.leaf(f, c, path)
}

// opCost weighs a condition by what it makes the database do: a text search
// cannot use an index, a JSON field is parsed per row.
func opCost(f *QueryField, op QueryOperator) int {
	cost := 1
	if op == OpContains {
		cost = 10
	}
	if f.Store.Doc != "" {
		cost *= 3
	}
	return cost
}

func clipValue(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

func (q *queryChecker) leaf(f *QueryField, c *QueryCondition, path string) (*QueryNode, error) {
	want := map[QueryOperator]int{OpIsNull: 0, OpNotNull: 0, OpBetween: 2}
	n, fixed := want[c.Op]
	switch {
	case c.Op == OpIn:
		if len(c.Values) < 1 || len(c.Values) > MaxQueryValues {
			return nil, FieldErrorf(path+".values", "IN takes between 1 and %d values", MaxQueryValues).WithReason("query.values")
		}
	case !fixed && len(c.Values) != 1:
		return nil, FieldErrorf(path+".values", "%s takes one value", c.Op).WithReason("query.values")
	case fixed && len(c.Values) != n:
		return nil, FieldErrorf(path+".values", "%s takes %d values", c.Op, n).WithReason("query.values")
	}
	node := &QueryNode{Field: f, Op: c.Op}
	switch c.Op {
	case OpIsNull, OpNotNull:
		return node, nil
	case OpLastDays:
		days, err := strconv.Atoi(c.Values[0])
		if err != nil || days < 1 || days > MaxLastDays {
			return nil, FieldErrorf(path+".values", "the number of days is a whole number from 1 to %d", MaxLastDays).WithReason("query.value")
		}
		node.Op, node.Args = OpAtLeast, []any{q.bound(f, q.today.AddDate(0, 0, 1-days))}
		return node, nil
	case OpWithin:
		prefix, err := q.within(c.Values[0])
		if err != nil {
			return nil, withField(err, path+".values")
		}
		node.Op, node.Args = OpPrefix, []any{prefix}
		return node, nil
	case OpPrefix, OpContains:
		v := c.Values[0]
		if v == "" || utf8.RuneCountInString(v) > MaxQueryText || !plainText(v) {
			return nil, FieldErrorf(path+".values", "the text is between 1 and %d characters, without control characters", MaxQueryText).WithReason("query.value")
		}
		node.Args = []any{v}
		return node, nil
	}
	for i, v := range c.Values {
		a, err := q.value(f, v)
		if err != nil {
			return nil, err.WithField(fmt.Sprintf("%s.values.%d", path, i))
		}
		node.Args = append(node.Args, a)
	}
	if c.Op == OpBetween {
		if t, ok := node.Args[1].(time.Time); ok {
			node.Op, node.Args[1] = OpRangeExcl, t.AddDate(0, 0, 1)
		} else {
			node.Op = OpRangeIncl
		}
		node.Args[0], node.Args[1] = q.bound(f, node.Args[0]), q.bound(f, node.Args[1])
	}
	if c.Op == OpEq && f.Type == QueryDate {
		node.Op, node.Args = OpRangeExcl, []any{q.bound(f, node.Args[0]), q.bound(f, node.Args[0].(time.Time).AddDate(0, 0, 1))}
	}
	return node, nil
}

// bound is a date bound as the field's storage compares it: a JSON field's
// dates and times are RFC 3339 or YYYY-MM-DD texts (which sort like their
// dates) and a date column compares with a date's text, so both get
// YYYY-MM-DD; a time column gets the instant the date begins in China.
func (q *queryChecker) bound(f *QueryField, v any) any {
	t, ok := v.(time.Time)
	if !ok {
		return v
	}
	if f.Store.Doc != "" || f.Type == QueryDate {
		return t.Format(time.DateOnly)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, chinaZone).UTC()
}

func withField(err error, field string) error {
	var e *Error
	if errors.As(err, &e) && e.Field == "" {
		c := *e
		c.Field = field
		return &c
	}
	return err
}

// plainText reports whether s is valid UTF-8 without control characters
// (no stored value has them, and a NUL cannot even be bound on SQLite).
func plainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

var (
	officePattern   = regexp.MustCompile(`^[0-9]{12}$`)
	divisionPattern = regexp.MustCompile(`^[0-9]{6}$`)
)

// value parses one value for f.
func (q *queryChecker) value(f *QueryField, v string) (any, *Error) {
	bad := func(format string, args ...any) (any, *Error) {
		return nil, FieldErrorf("", format, args...).WithReason("query.value")
	}
	if utf8.RuneCountInString(v) > MaxQueryText || !plainText(v) {
		return bad("a value is at most %d characters, without control characters", MaxQueryText)
	}
	switch f.Type {
	case QueryCode:
		for _, c := range f.Codes {
			if c.Code == v {
				return v, nil
			}
		}
		return bad("%q is not a code of %s", clipValue(v), f.Name)
	case QueryDate, QueryDateTime:
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return bad("%q is not a date (YYYY-MM-DD)", clipValue(v))
		}
		return t, nil
	case QueryInteger:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return bad("%q is not a whole number", clipValue(v))
		}
		return n, nil
	case QueryOffice:
		if !officePattern.MatchString(v) {
			return bad("%q is not a 12-digit office code", clipValue(v))
		}
		return v, nil
	case QueryDivision:
		if !divisionPattern.MatchString(v) {
			return bad("%q is not a 6-digit division code", clipValue(v))
		}
		return v, nil
	default:
		if v == "" {
			return bad("the text is empty; use IS_NULL for empty fields")
		}
		return v, nil
	}
}

// QuerySort orders results by a sortable field, ties broken by the row ID.
type QuerySort struct {
	Field      string `json:"field"`
	Descending bool   `json:"descending"`
}

// QueryRequest is one query: a source, its conditions, the columns shown
// and the order, and a page of it.
type QueryRequest struct {
	Source    string
	Condition *QueryCondition
	Columns   []string
	Sort      *QuerySort
	Page      Page
}

// QueryPlan is a checked request as storage executes it. OfficePrefix
// confines every row to the caller's jurisdiction ("" only for system
// callers); Where is nil without conditions; Limit 0 reads every row
// (exports).
type QueryPlan struct {
	Source       *QuerySource
	OfficePrefix string
	Where        *QueryNode
	Columns      []*QueryField
	Sort         *QueryField
	Descending   bool
	// AfterValue and AfterID are the sort value and ID of the last row of
	// the previous page (keyset pagination); AfterID "" starts at the top.
	AfterValue any
	AfterID    string
	Limit      int
}

// QueryRow is one result row: its ID and one value per column, as text
// (nil for null), already masked for the caller.
type QueryRow struct {
	ID string
	// SortKey is the row's sort value as text (RFC 3339 for times), for
	// the cursor.
	SortKey string
	Values  []*string
}

// QueryResult is a page of a query.
type QueryResult struct {
	Columns     []*QueryField
	Rows        []*QueryRow
	HasNextPage bool
	EndCursor   string
}
