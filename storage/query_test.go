package storage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"hukou/domain"
	"hukou/domain/birth"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// birthSource is the birth query source (1.5.1) as the engine builds it.
func birthSource(t testing.TB) *domain.QuerySource {
	t.Helper()
	src := domain.CaseQuerySource(birth.Workflow, "出生登记", (*birth.Service)(nil).QueryFields())
	require.NoError(t, src.Validate())
	return src
}

// queryCases saves the cases the compiler tests read, by name.
func queryCases(t *testing.T, db *storage.DB) map[string]string {
	t.Helper()
	day := 24 * time.Hour
	mk := func(mods ...func(*domain.Case)) string {
		return storagetest.CreateCase(t, db, mods...).ID
	}
	doc := func(s string) json.RawMessage { return json.RawMessage(s) }
	return map[string]string{
		"c1": mk(func(c *domain.Case) {
			c.Applicant = doc(`{"newbornName":"王小明","ethnicity":"01","settleWith":"FATHER"}`)
			c.Ministry = doc(`{"certificate":{"Number":"O110000001","Sex":"1","BirthTime":"2026-11-20T08:00:00+08:00","Hospital":"盘锦市中心医院"}}`)
			c.CreatedAt = storagetest.T0.Add(-10 * day)
		}),
		"c2": mk(func(c *domain.Case) {
			c.Status = "SUBMITTED"
			c.Applicant = doc(`{"newbornName":"李娜","ethnicity":"02","settleWith":"MOTHER"}`)
			c.Ministry = doc(`{"certificate":{"Number":"O110000002","Sex":"2","BirthTime":"2026-10-02T23:10:00+08:00","Hospital":"辽河油田医院"}}`)
			c.CreatedAt = storagetest.T0.Add(-40 * day)
		}),
		"c3": mk(func(c *domain.Case) {
			c.Status = "APPROVED"
			c.Applicant = doc(`{}`)
			c.Ministry = doc(`{"certificate":{"Number":"P2_0000003"}}`)
			c.DeadlineAt = nil
			c.CreatedAt = storagetest.T0.Add(-1 * day)
		}),
		"c4": mk(func(c *domain.Case) {
			c.Office, c.AcceptanceOffice = "211102000200", "211102000200"
			c.Applicant = doc(`{"newbornName":"王芳","ethnicity":"01","settleWith":""}`)
		}),
		// Never selected: another kind, and an office outside the jurisdiction 2111.
		"other kind": mk(func(c *domain.Case) {
			c.Kind = "MIGRATION"
			c.Applicant = doc(`{"newbornName":"王一"}`)
		}),
		"outside": mk(func(c *domain.Case) {
			c.Office = "110101000100"
			c.Applicant = doc(`{"newbornName":"王五"}`)
		}),
	}
}

func leaf(src *domain.QuerySource, field string, op domain.QueryOperator, args ...any) *domain.QueryNode {
	return &domain.QueryNode{Field: src.Field(field), Op: op, Args: args}
}

func group(op domain.QueryGroupOp, children ...*domain.QueryNode) *domain.QueryNode {
	return &domain.QueryNode{Group: op, Children: children}
}

// TestQueryCompiler compiles a table of condition trees (1.5.1) and checks
// each against hand-written SQL for the same question on both databases,
// and against the cases it must select.
func TestQueryCompiler(t *testing.T) {
	t.Parallel()
	src := birthSource(t)
	day := 24 * time.Hour
	// jx is the hand-written JSON text expression of each dialect.
	jx := func(d storage.Dialect, doc, path string) string {
		if d == storage.Postgres {
			return fmt.Sprintf("(%s::jsonb #>> '{%s}')", doc, path)
		}
		return fmt.Sprintf("json_extract(%s, '$.%s')", doc, dotted(path))
	}
	tests := []struct {
		name string
		tree *domain.QueryNode
		sql  func(d storage.Dialect) string
		want []string
	}{
		{"Eq", leaf(src, "status", domain.OpEq, "DRAFT"),
			func(storage.Dialect) string { return "status = 'DRAFT'" }, []string{"c1", "c4"}},
		{"NestedOrAnd", group(domain.GroupOr, leaf(src, "status", domain.OpEq, "SUBMITTED"),
			group(domain.GroupAnd, leaf(src, "newbornName", domain.OpPrefix, "王"), leaf(src, "office", domain.OpEq, "211102000200"))),
			func(d storage.Dialect) string {
				return "status = 'SUBMITTED' OR (" + jx(d, "applicant", "newbornName") + " LIKE '王%' AND office = '211102000200')"
			}, []string{"c2", "c4"}},
		{"JSONIsNull", leaf(src, "newbornName", domain.OpIsNull),
			func(d storage.Dialect) string { return "coalesce(" + jx(d, "applicant", "newbornName") + ", '') = ''" }, []string{"c3"}},
		{"JSONNotNull", leaf(src, "settleWith", domain.OpNotNull),
			func(d storage.Dialect) string { return "coalesce(" + jx(d, "applicant", "settleWith") + ", '') <> ''" }, []string{"c1", "c2"}},
		{"Contains", leaf(src, "hospital", domain.OpContains, "医院"),
			func(d storage.Dialect) string { return jx(d, "ministry", "certificate,Hospital") + " LIKE '%医院%'" }, []string{"c1", "c2"}},
		{"In", leaf(src, "ethnicity", domain.OpIn, "01", "02"),
			func(d storage.Dialect) string { return jx(d, "applicant", "ethnicity") + " IN ('01', '02')" }, []string{"c1", "c2", "c4"}},
		{"NeIncludesEmpty", leaf(src, "settleWith", domain.OpNe, "FATHER"),
			func(d storage.Dialect) string {
				return "coalesce(" + jx(d, "applicant", "settleWith") + ", '') <> 'FATHER'"
			}, []string{"c2", "c3", "c4"}},
		{"TimeRange", leaf(src, "createdAt", domain.OpRangeExcl, storagetest.T0.Add(-15*day), storagetest.T0),
			func(d storage.Dialect) string {
				if d == storage.Postgres {
					return "created_at >= timestamptz '2026-11-10 09:30:15.123456+00' AND created_at < timestamptz '2026-11-25 09:30:15.123456+00'"
				}
				return "julianday(created_at) >= julianday('2026-11-10 09:30:15.123456') AND julianday(created_at) < julianday('2026-11-25 09:30:15.123456')"
			}, []string{"c1", "c3"}},
		{"TimeIsNull", leaf(src, "deadlineAt", domain.OpIsNull),
			func(storage.Dialect) string { return "deadline_at IS NULL" }, []string{"c3"}},
		{"JSONDateRange", leaf(src, "birthTime", domain.OpRangeExcl, "2026-11-20", "2026-11-21"),
			func(d storage.Dialect) string {
				return "substr(" + jx(d, "ministry", "certificate,BirthTime") + ", 1, 10) = '2026-11-20'"
			}, []string{"c1"}},
		{"PrefixEscapesWildcards", leaf(src, "certificateNumber", domain.OpPrefix, "P2_"),
			func(d storage.Dialect) string {
				return "substr(" + jx(d, "ministry", "certificate,Number") + ", 1, 3) = 'P2_'"
			}, []string{"c3"}},
		{"UnderscoreIsNoWildcard", leaf(src, "certificateNumber", domain.OpPrefix, "O1_"),
			func(storage.Dialect) string { return "false" }, nil},
		{"WithinAsPrefix", leaf(src, "office", domain.OpPrefix, "211102"),
			func(storage.Dialect) string { return "office LIKE '211102%'" }, []string{"c4"}},
		{"AtLeast", leaf(src, "createdAt", domain.OpAtLeast, storagetest.T0.Add(-2*day)),
			func(d storage.Dialect) string {
				if d == storage.Postgres {
					return "created_at >= timestamptz '2026-11-23 09:30:15.123456+00'"
				}
				return "julianday(created_at) >= julianday('2026-11-23 09:30:15.123456')"
			}, []string{"c3", "c4"}},
	}
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ids := queryCases(t, db)
		name := map[string]string{}
		for n, id := range ids {
			name[id] = n
		}
		names := func(idList []string) []string {
			out := []string{}
			for _, id := range idList {
				out = append(out, name[id])
			}
			slices.Sort(out)
			return out
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rows, err := db.Queries().RunQuery(ctx, &domain.QueryPlan{Source: src, OfficePrefix: "2111", Where: tt.tree,
					Sort: src.Field("createdAt"), Descending: true, Columns: []*domain.QueryField{src.Field("newbornName")}})
				require.NoError(t, err)
				var got []string
				for _, r := range rows {
					got = append(got, r.ID)
				}
				var hand []string
				require.NoError(t, db.Bun().NewRaw("SELECT id FROM cases WHERE kind = 'BIRTH' AND office LIKE '2111%' AND ("+tt.sql(db.Dialect())+")").Scan(ctx, &hand))
				want := tt.want
				if want == nil {
					want = []string{}
				}
				require.Equal(t, want, names(got), "compiled")
				require.Equal(t, want, names(hand), "hand-written")

				n, err := db.Queries().CountQuery(ctx, &domain.QueryPlan{Source: src, OfficePrefix: "2111", Where: tt.tree})
				require.NoError(t, err)
				require.Equal(t, len(want), n)
			})
		}
	})
}

func dotted(path string) string {
	out := []byte(path)
	for i, c := range out {
		if c == ',' {
			out[i] = '.'
		}
	}
	return string(out)
}

// TestQueryRepository_Keyset pages through a sorted query two rows at a
// time: every row once, in order, on both databases (1.5.1).
func TestQueryRepository_Keyset(t *testing.T) {
	t.Parallel()
	src := birthSource(t)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		var want []string
		for i := range 5 {
			c := storagetest.CreateCase(t, db, func(c *domain.Case) {
				c.CreatedAt = storagetest.T0.Add(time.Duration(i%3) * time.Hour) // ties on the sort value
			})
			want = append(want, c.ID)
		}
		plan := &domain.QueryPlan{Source: src, OfficePrefix: "2111", Sort: src.Field("createdAt"), Descending: true,
			Columns: []*domain.QueryField{src.Field("collabNo"), src.Field("createdAt"), src.Field("deadlineAt")}, Limit: 2}
		var got []string
		var lastKey string
		for range 10 {
			rows, err := db.Queries().RunQuery(ctx, plan)
			require.NoError(t, err)
			more := len(rows) > plan.Limit
			if more {
				rows = rows[:plan.Limit]
			}
			for _, r := range rows {
				got = append(got, r.ID)
				require.Equal(t, storagetest.T0.Add(72*time.Hour).Format(time.RFC3339), *r.Values[2])
				if lastKey != "" {
					require.LessOrEqual(t, r.SortKey, lastKey)
				}
				lastKey = r.SortKey
			}
			if !more {
				break
			}
			last := rows[len(rows)-1]
			at, err := time.Parse(time.RFC3339Nano, last.SortKey)
			require.NoError(t, err)
			plan.AfterValue, plan.AfterID = at, last.ID
		}
		slices.Sort(want)
		sorted := slices.Clone(got)
		slices.Sort(sorted)
		require.Equal(t, want, sorted, "every row once")
	})
}

// TestQueryRepository_History keeps exactly the last N condition sets per
// user and source, an identical set moving to the top (1.5.1).
func TestQueryRepository_History(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		u := storagetest.CreateUser(t, db)
		add := func(i int, at time.Time) {
			c := &domain.QueryCondition{Field: "status", Op: domain.OpEq, Values: []string{fmt.Sprint(i)}}
			require.NoError(t, db.Queries().AddRecentQuery(ctx, &domain.RecentQuery{ID: fmt.Sprintf("h-%s-%d-%d", u.ID[:8], i, at.Unix()),
				UserID: u.ID, Source: "BIRTH", Condition: c, Hash: fmt.Sprintf("%064d", i), At: at}, 3))
		}
		for i := range 5 {
			add(i, storagetest.T0.Add(time.Duration(i)*time.Minute))
		}
		add(2, storagetest.T0.Add(time.Hour)) // again: the newest now
		got, err := db.Queries().FindRecentQueries(ctx, u.ID, "BIRTH")
		require.NoError(t, err)
		var values []string
		for _, e := range got {
			values = append(values, e.Condition.Values[0])
		}
		require.Equal(t, []string{"2", "4", "3"}, values)
		other, err := db.Queries().FindRecentQueries(ctx, u.ID, "RESIDENT")
		require.NoError(t, err)
		require.Empty(t, other)
	})
}

// TestQueryCompiler_ExpressionIndex: the compiled JSON expression of the
// birth certificate number is the one its index is built on, so PostgreSQL
// estimates a selective prefix condition from the index's statistics and
// uses the index even for a page sorted by another indexed column (at 1 M
// cases: 0.2 ms instead of 6–8 s walking the sort's index).
func TestQueryCompiler_ExpressionIndex(t *testing.T) {
	t.Parallel()
	db := storagetest.OpenPostgres(t)
	ctx := context.Background()
	src := birthSource(t)
	plan := &domain.QueryPlan{Source: src, OfficePrefix: "2111", Where: leaf(src, "certificateNumber", domain.OpPrefix, "O0000012"),
		Sort: src.Field("updatedAt"), Descending: true, Columns: []*domain.QueryField{src.Field("collabNo")}, Limit: 50}
	_, err := db.Bun().ExecContext(ctx, `INSERT INTO cases (id, kind, side, collab_no, status, acceptance_office, registration_office,
  registration_province, office, ministry)
SELECT 'c' || i, 'BIRTH', 'ACCEPTANCE', 'XT' || i, 'DRAFT', '211103000100', '110101000100', '11', '211103000100',
       '{"certificate":{"Number":"O' || lpad(i::text, 9, '0') || '"}}'
FROM generate_series(1, 5000) AS s(i); ANALYZE cases`)
	require.NoError(t, err)
	err = db.Bun().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			return err
		}
		q, err := storage.CompileForTest(tx, db.Dialect(), plan)
		if err != nil {
			return err
		}
		var lines []string
		if err := tx.NewRaw("EXPLAIN "+q).Scan(ctx, &lines); err != nil {
			return err
		}
		require.Contains(t, strings.Join(lines, "\n"), "cases_birth_certificate_idx")
		return nil
	})
	require.NoError(t, err)
}
