package domain

import (
	"context"
	"strings"
	"testing"
	"time"
)

// testSource is a source with one field of each kind the checker treats
// differently.
func testSource() *QuerySource {
	return &QuerySource{Name: "T", Table: "things", OfficeColumn: "office", IDColumn: "id", DefaultSort: "at",
		Fields: []QueryField{
			{Name: "code", Type: QueryCode, Codes: []QueryCodeValue{{Code: "A"}, {Code: "B"}}, Store: QueryStore{Column: "code"}},
			{Name: "name", Type: QueryString, PII: PIIName, Store: QueryStore{Doc: "doc", Path: []string{"name"}}},
			{Name: "born", Type: QueryDate, PII: PIIBirthDate, Store: QueryStore{Column: "born"}},
			{Name: "at", Type: QueryDateTime, Sortable: true, Store: QueryStore{Column: "at"}},
			{Name: "when", Type: QueryDateTime, Store: QueryStore{Doc: "doc", Path: []string{"when"}}},
			{Name: "n", Type: QueryInteger, Store: QueryStore{Column: "n"}},
		}}
}

func TestQuerySource_Validate(t *testing.T) {
	t.Parallel()
	if err := testSource().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*QuerySource){
		"SQLInColumn":     func(s *QuerySource) { s.Fields[0].Store.Column = `code"; DROP TABLE x; --` },
		"SQLInPath":       func(s *QuerySource) { s.Fields[1].Store.Path = []string{"a'}"} },
		"SortableJSON":    func(s *QuerySource) { s.Fields[1].Sortable = true },
		"IntegerJSON":     func(s *QuerySource) { s.Fields[4].Type = QueryInteger },
		"CodeWithoutList": func(s *QuerySource) { s.Fields[0].Codes = nil },
		"Duplicate":       func(s *QuerySource) { s.Fields[1].Name = "code" },
		"UnsortableSort":  func(s *QuerySource) { s.DefaultSort = "code" },
		"BadTable":        func(s *QuerySource) { s.Table = "things;" },
	} {
		s := testSource()
		mod(s)
		if err := s.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestQueryChecker(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC) // 09:00 in China
	check := func(c *QueryCondition, masked bool) (*QueryNode, error) {
		q := &queryChecker{src: testSource(), masked: masked, today: dayOf(now),
			within: func(code string) (string, error) { return code[:6], nil }}
		return q.check(c, "condition", 1)
	}
	leaf := func(field string, op QueryOperator, values ...string) *QueryCondition {
		return &QueryCondition{Field: field, Op: op, Values: values}
	}
	t.Run("Bounds", func(t *testing.T) {
		tests := []struct {
			c    *QueryCondition
			op   QueryOperator
			args []any
		}{
			{leaf("born", OpEq, "1990-03-15"), OpRangeExcl, []any{"1990-03-15", "1990-03-16"}},
			{leaf("at", OpBetween, "2026-11-01", "2026-11-30"), OpRangeExcl,
				[]any{time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)}},
			{leaf("when", OpBetween, "2026-11-01", "2026-11-30"), OpRangeExcl, []any{"2026-11-01", "2026-12-01"}},
			{leaf("at", OpLastDays, "7"), OpAtLeast, []any{time.Date(2026, 11, 19, 16, 0, 0, 0, time.UTC)}},
			{leaf("n", OpBetween, "1", "5"), OpRangeIncl, []any{int64(1), int64(5)}},
			{leaf("code", OpIn, "A", "B"), OpIn, []any{"A", "B"}},
		}
		for _, tt := range tests {
			n, err := check(tt.c, false)
			if err != nil {
				t.Fatalf("%+v: %v", tt.c, err)
			}
			if n.Op != tt.op || len(n.Args) != len(tt.args) {
				t.Fatalf("%+v: got %s %v", tt.c, n.Op, n.Args)
			}
			for i := range tt.args {
				if at, ok := tt.args[i].(time.Time); ok {
					if !at.Equal(n.Args[i].(time.Time)) {
						t.Errorf("%+v: arg %d = %v, want %v", tt.c, i, n.Args[i], at)
					}
				} else if n.Args[i] != tt.args[i] {
					t.Errorf("%+v: arg %d = %v, want %v", tt.c, i, n.Args[i], tt.args[i])
				}
			}
		}
	})
	t.Run("Refusals", func(t *testing.T) {
		deep := leaf("code", OpEq, "A")
		for range MaxQueryDepth {
			deep = &QueryCondition{Group: GroupAnd, Children: []*QueryCondition{deep}}
		}
		wide := &QueryCondition{Group: GroupOr}
		for range MaxQueryNodes {
			wide.Children = append(wide.Children, leaf("code", OpEq, "A"))
		}
		tests := []struct {
			name   string
			c      *QueryCondition
			masked bool
			code   Code
			field  string
			reason string
		}{
			{"UnknownField", leaf("secret", OpEq, "x"), false, CodeInvalid, "condition.field", "query.unknown_field"},
			{"InternalOperator", leaf("at", OpRangeIncl, "2026-01-01", "2026-01-02"), false, CodeInvalid, "condition.op", "query.operator"},
			{"NotACode", leaf("code", OpEq, "C"), false, CodeInvalid, "condition.values.0", "query.value"},
			{"BetweenOneValue", leaf("n", OpBetween, "1"), false, CodeInvalid, "condition.values", "query.values"},
			{"NotANumber", leaf("n", OpEq, "1e3"), false, CodeInvalid, "condition.values.0", "query.value"},
			{"ZeroDays", leaf("at", OpLastDays, "0"), false, CodeInvalid, "condition.values", "query.value"},
			{"ControlCharacter", leaf("code", OpEq, "A\x00"), false, CodeInvalid, "condition.values.0", "query.value"},
			{"LongText", leaf("name", OpContains, strings.Repeat("王", MaxQueryText+1)), false, CodeInvalid, "condition.values", "query.value"},
			{"GroupWithField", &QueryCondition{Group: GroupAnd, Field: "code", Children: []*QueryCondition{leaf("code", OpEq, "A")}}, false, CodeInvalid, "condition", "query.malformed"},
			{"BadGroupOp", &QueryCondition{Group: "XOR", Children: []*QueryCondition{leaf("code", OpEq, "A")}}, false, CodeInvalid, "condition.group", "query.malformed"},
			{"EmptyGroup", &QueryCondition{Group: GroupAnd, Children: []*QueryCondition{{Group: GroupOr}}}, false, CodeInvalid, "condition.children.0", "query.empty_group"},
			{"NilChild", &QueryCondition{Group: GroupAnd, Children: []*QueryCondition{nil}}, false, CodeInvalid, "condition.children.0", "query.empty_condition"},
			{"TooDeep", deep, false, CodeInvalid, "", "query.too_deep"},
			{"TooWide", wide, false, CodeInvalid, "", "query.too_large"},
			{"MaskedName", leaf("name", OpPrefix, "王"), true, CodeForbidden, "condition.field", "query.pii_condition"},
			{"MaskedBirthDate", leaf("born", OpBetween, "1990-03-01", "1990-03-31"), true, CodeForbidden, "condition.field", "query.pii_condition"},
		}
		for _, tt := range tests {
			_, err := check(tt.c, tt.masked)
			e, ok := err.(*Error) //nolint:errorlint // the checker returns *Error unwrapped
			if !ok {
				t.Errorf("%s: got %v", tt.name, err)
				continue
			}
			if e.Code != tt.code || e.Reason != tt.reason || (tt.field != "" && e.Field != tt.field) {
				t.Errorf("%s: got %s %s %q (%s)", tt.name, e.Code, e.Reason, e.Field, e.Message)
			}
		}
	})
	t.Run("MaskedMayAskForEmptiness", func(t *testing.T) {
		if _, err := check(leaf("name", OpIsNull), true); err != nil {
			t.Fatal(err)
		}
	})
}

// TestQueryService_NoOfficeNoJurisdiction: a caller without an office (a
// broken account) is refused, never given the whole country.
func TestQueryService_NoOfficeNoJurisdiction(t *testing.T) {
	t.Parallel()
	s := &QueryService{sources: map[string]*QuerySource{"T": testSource()}}
	_, err := s.plan(context.Background(), &Actor{UserID: "u", Roles: []Role{RoleAnalyst}}, QueryRequest{Source: "T"})
	if ErrorCode(err) != CodeForbidden {
		t.Fatalf("got %v", err)
	}
}
