package resolvers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

const runQueryOp = `query Run($input: QueryInput!, $first: Int, $after: String) {
  runQuery(input: $input, first: $first, after: $after) {
    columns { name pii masked }
    rows { id values }
    pageInfo { hasNextPage endCursor }
  }
}`

type queryPage struct {
	RunQuery struct {
		Columns []struct {
			Name   string
			Pii    *string
			Masked bool
		}
		Rows []struct {
			ID     string
			Values []*string
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   *string
		}
	}
}

func decode[T any](t *testing.T, r gqlResponse) T {
	t.Helper()
	require.Empty(t, r.Errors)
	var out T
	require.NoError(t, json.Unmarshal(r.Data, &out))
	return out
}

// requireCode checks the first error's code and reason.
func requireCode(t *testing.T, r gqlResponse, code, reason string) {
	t.Helper()
	require.NotEmpty(t, r.Errors, "expected %s", code)
	require.Equal(t, code, r.Errors[0].Extensions["code"], r.Errors[0].Message)
	if reason != "" {
		require.Equal(t, reason, r.Errors[0].Extensions["reason"], r.Errors[0].Message)
	}
}

// queryCasesOf saves n birth cases at office with applicant and ministry
// documents full of personal data.
func queryCasesOf(t *testing.T, db *storage.DB, office string, n int) {
	t.Helper()
	for i := range n {
		storagetest.CreateCase(t, db, func(c *domain.Case) {
			c.Office, c.AcceptanceOffice = office, office
			c.Applicant = json.RawMessage(fmt.Sprintf(`{"newbornName":"王小%d","ethnicity":"01","settleWith":"FATHER","declarantName":"王大明","declarantPhone":"13812345678"}`, i))
			c.Ministry = json.RawMessage(`{"certificate":{"Number":"O21000000` + fmt.Sprint(i) + `","Sex":"1","BirthTime":"2026-11-20T08:00:00+08:00","Hospital":"盘锦市中心医院","MotherName":"李娜","MotherIDNumber":"211102199003152301"},"household":{"Number":"211102000001"}}`)
			c.Result = json.RawMessage(`{"idNumber":"211102202611200011"}`)
		})
	}
}

// TestQuery_Roles: only analysts and supervisors query (1.5.1).
func TestQuery_Roles(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		r := b.do(t, b.token(t, b.clerk), `{ querySources { name } }`, nil)
		requireCode(t, r, "FORBIDDEN", "")
		r = b.do(t, "", `{ querySources { name } }`, nil)
		requireCode(t, r, "UNAUTHENTICATED", "")

		got := decode[struct{ QuerySources []struct{ Name string } }](t, b.do(t, b.token(t, b.analyst), `{ querySources { name } }`, nil))
		require.Equal(t, "BIRTH", got.QuerySources[0].Name)
		require.Equal(t, "RESIDENT", got.QuerySources[1].Name)
	})
}

// TestQuery_MaskingAndJurisdictionOnEveryField runs every field of every
// source as an analyst and as an administrator of the same city: the
// analyst reads exactly the administrator's values, masked where the field
// carries personal data; a county supervisor reads only the county's rows
// (1.5.1, DESIGN.md "Security and audit").
func TestQuery_MaskingAndJurisdictionOnEveryField(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		queryCasesOf(t, db, b.station, 3)
		queryCasesOf(t, db, b.otherStation, 2)
		approver := b.createUser(t, "approver", b.county, domain.RoleApprover)
		analyst, admin, supervisor := b.token(t, b.analyst), b.token(t, b.admin), b.token(t, approver)

		sources, err := b.res.Queries.Sources(systemCtx())
		require.NoError(t, err)
		for _, src := range sources {
			t.Run(src.Name, func(t *testing.T) {
				var cols []string
				for _, f := range src.Fields {
					cols = append(cols, f.Name)
				}
				in := map[string]any{"input": map[string]any{"source": src.Name, "columns": cols, "sort": map[string]any{"field": "createdAt"}}, "first": 200}
				clear := decode[queryPage](t, b.do(t, admin, runQueryOp, in)).RunQuery
				masked := decode[queryPage](t, b.do(t, analyst, runQueryOp, in)).RunQuery
				require.NotEmpty(t, clear.Rows)
				require.Len(t, masked.Rows, len(clear.Rows))
				maskedSome := false
				for i, f := range src.Fields {
					require.Equal(t, f.PII != "", masked.Columns[i].Masked, f.Name)
					require.False(t, clear.Columns[i].Masked, f.Name)
					for j, row := range clear.Rows {
						require.Equal(t, row.ID, masked.Rows[j].ID)
						want := row.Values[i]
						if want != nil && f.PII != "" {
							m := domain.MaskString(f.PII, *want)
							want = &m
							maskedSome = maskedSome || m != *row.Values[i]
						}
						require.Equal(t, want, masked.Rows[j].Values[i], "%s of row %d", f.Name, j)
					}
				}
				require.True(t, maskedSome, "some personal data was masked")

				office := "station"
				if src.Name == "BIRTH" {
					office = "office"
				}
				in["input"].(map[string]any)["columns"] = []string{office}
				county := decode[queryPage](t, b.do(t, supervisor, runQueryOp, in)).RunQuery
				require.NotEmpty(t, county.Rows)
				if src.Name == "BIRTH" {
					require.Len(t, county.Rows, 3)
				}
				for _, row := range county.Rows {
					require.True(t, strings.HasPrefix(*row.Values[0], b.county[:6]), "row of %s outside county %s", *row.Values[0], b.county)
				}
			})
		}
	})
}

// TestQuery_Conditions: nested conditions, count, pagination, and bad
// input refused with a code, the node at fault and a reason (1.5.1).
func TestQuery_Conditions(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		queryCasesOf(t, db, b.station, 3)
		queryCasesOf(t, db, b.otherStation, 2)
		analyst := b.token(t, b.analyst)
		nested := map[string]any{"group": "AND", "children": []any{
			map[string]any{"field": "status", "op": "IN", "values": []string{"DRAFT", "SUBMITTED"}},
			map[string]any{"group": "OR", "children": []any{
				map[string]any{"field": "office", "op": "WITHIN", "values": []string{b.county}},
				map[string]any{"field": "hospital", "op": "CONTAINS", "values": []string{"不存在"}},
			}},
			map[string]any{"field": "createdAt", "op": "BETWEEN", "values": []string{"2026-11-01", "2026-11-25"}},
		}}
		in := map[string]any{"input": map[string]any{"source": "BIRTH", "condition": nested}, "first": 2}
		p1 := decode[queryPage](t, b.do(t, analyst, runQueryOp, in)).RunQuery
		require.Len(t, p1.Rows, 2)
		require.True(t, p1.PageInfo.HasNextPage)
		in["after"] = *p1.PageInfo.EndCursor
		p2 := decode[queryPage](t, b.do(t, analyst, runQueryOp, in)).RunQuery
		require.Len(t, p2.Rows, 1)
		require.False(t, p2.PageInfo.HasNextPage)
		require.NotContains(t, []string{p1.Rows[0].ID, p1.Rows[1].ID}, p2.Rows[0].ID)

		count := decode[struct{ QueryCount int }](t, b.do(t, analyst, `query($c: QueryConditionInput) { queryCount(source: "BIRTH", condition: $c) }`, map[string]any{"c": nested}))
		require.Equal(t, 3, count.QueryCount)

		bad := []struct {
			name      string
			input     map[string]any
			code      string
			field     string
			reason    string
			extraVars map[string]any
		}{
			{"UnknownSource", map[string]any{"source": "NOPE"}, "BAD_USER_INPUT", "source", "query.unknown_source", nil},
			{"UnknownField", map[string]any{"source": "BIRTH", "condition": map[string]any{"group": "AND", "children": []any{
				map[string]any{"field": "password", "op": "EQ", "values": []string{"x"}}}}}, "BAD_USER_INPUT", "condition.children.0.field", "query.unknown_field", nil},
			{"OperatorNotAllowed", map[string]any{"source": "BIRTH", "condition": map[string]any{"field": "status", "op": "CONTAINS", "values": []string{"D"}}},
				"BAD_USER_INPUT", "condition.op", "query.operator", nil},
			{"BadCode", map[string]any{"source": "BIRTH", "condition": map[string]any{"field": "status", "op": "EQ", "values": []string{"DRAFT'; DROP TABLE cases; --"}}},
				"BAD_USER_INPUT", "condition.values.0", "query.value", nil},
			{"BadDate", map[string]any{"source": "BIRTH", "condition": map[string]any{"field": "createdAt", "op": "BETWEEN", "values": []string{"2026-13-01", "2026-12-01"}}},
				"BAD_USER_INPUT", "condition.values.0", "query.value", nil},
			{"TooDeep", map[string]any{"source": "BIRTH", "condition": deep(6)}, "BAD_USER_INPUT", "", "query.too_deep", nil},
			{"TooManyValues", map[string]any{"source": "BIRTH", "condition": map[string]any{"field": "collabNo", "op": "IN", "values": make([]string, 101)}},
				"BAD_USER_INPUT", "condition.values", "query.values", nil},
			{"TooExpensive", map[string]any{"source": "BIRTH", "condition": map[string]any{"group": "OR", "children": contains(5)}},
				"BAD_USER_INPUT", "", "query.too_expensive", nil},
			{"OfficeOutsideJurisdiction", map[string]any{"source": "BIRTH", "condition": map[string]any{"field": "office", "op": "WITHIN", "values": []string{"110101000100"}}},
				"BAD_USER_INPUT", "condition.values", "query.office", nil},
			{"PIICondition", map[string]any{"source": "RESIDENT", "condition": map[string]any{"field": "idNumber", "op": "PREFIX", "values": []string{"2111021990"}}},
				"FORBIDDEN", "condition.field", "query.pii_condition", nil},
			{"UnsortableField", map[string]any{"source": "BIRTH", "sort": map[string]any{"field": "hospital"}}, "BAD_USER_INPUT", "sort", "query.sort", nil},
			{"BadCursor", map[string]any{"source": "BIRTH"}, "BAD_USER_INPUT", "after", "page.cursor", map[string]any{"after": "bm9wZQ"}},
			{"ForeignCursorShape", map[string]any{"source": "BIRTH"}, "BAD_USER_INPUT", "after", "page.cursor", map[string]any{"after": domain.CursorFor(`["not a time","x"]`)}},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				vars := map[string]any{"input": tt.input}
				for k, v := range tt.extraVars {
					vars[k] = v
				}
				r := b.do(t, analyst, runQueryOp, vars)
				requireCode(t, r, tt.code, tt.reason)
				if tt.field != "" {
					require.Equal(t, tt.field, r.Errors[0].Extensions["field"])
				}
			})
		}
		t.Run("NoSuchOperatorInSchema", func(t *testing.T) {
			r := b.do(t, analyst, runQueryOp, map[string]any{"input": map[string]any{"source": "BIRTH",
				"condition": map[string]any{"field": "createdAt", "op": "RANGE_INCL", "values": []string{"a", "b"}}}})
			require.NotEmpty(t, r.Errors) // the enum refuses the engine's internal operators
		})
	})
}

func deep(n int) map[string]any {
	c := map[string]any{"field": "status", "op": "EQ", "values": []string{"DRAFT"}}
	for range n {
		c = map[string]any{"group": "AND", "children": []any{c}}
	}
	return c
}

func contains(n int) []any {
	out := []any{}
	for range n {
		out = append(out, map[string]any{"field": "hospital", "op": "CONTAINS", "values": []string{"医院"}})
	}
	return out
}

const saveViewOp = `mutation($in: SaveQueryViewInput!) { saveQueryView(input: $in) { id name mine version sharedOffice
  spec { columns { field width } pageSize detailFields condition { group children { field op values } } } } }`

type savedView struct {
	SaveQueryView struct {
		ID           string
		Name         string
		Mine         bool
		Version      int
		SharedOffice *string
	}
}

// TestQuery_Views: a view is saved with its layout, shared read-only with
// the owner's office, invisible elsewhere, and guarded by its version; the
// last N condition sets are kept (1.5.1).
func TestQuery_Views(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		owner := b.token(t, b.analyst)
		colleague := b.token(t, b.createUser(t, "analyst2", b.city, domain.RoleAnalyst))
		elsewhere := b.token(t, b.createUser(t, "analyst3", b.county, domain.RoleAnalyst))
		spec := map[string]any{"columns": []any{map[string]any{"field": "collabNo", "width": 180}, map[string]any{"field": "status"}},
			"pageSize": 20, "detailFields": []string{"status", "collabNo"},
			"condition": map[string]any{"group": "AND", "children": []any{map[string]any{"field": "status", "op": "EQ", "values": []string{"DRAFT"}}}}}
		v := decode[savedView](t, b.do(t, owner, saveViewOp, map[string]any{"in": map[string]any{"source": "BIRTH", "name": "待提交", "shared": true, "spec": spec}})).SaveQueryView
		require.True(t, v.Mine)
		require.Equal(t, b.city, *v.SharedOffice)

		views := `query($id: ID!) { queryView(id: $id) { name mine spec { columns { field width } } } queryViews(source: "BIRTH") { id } }`
		got := decode[struct {
			QueryView struct {
				Name string
				Mine bool
				Spec struct {
					Columns []struct {
						Field string
						Width int
					}
				}
			}
			QueryViews []struct{ ID string }
		}](t, b.do(t, colleague, views, map[string]any{"id": v.ID}))
		require.False(t, got.QueryView.Mine)
		require.Equal(t, 180, got.QueryView.Spec.Columns[0].Width)
		require.Len(t, got.QueryViews, 1)

		change := map[string]any{"id": v.ID, "version": v.Version, "source": "BIRTH", "name": "改名", "spec": spec}
		requireCode(t, b.do(t, colleague, saveViewOp, map[string]any{"in": change}), "FORBIDDEN", "query.view_read_only")
		requireCode(t, b.do(t, colleague, `mutation($id: ID!) { deleteQueryView(input: {id: $id, version: 1}) }`, map[string]any{"id": v.ID}), "FORBIDDEN", "query.view_read_only")
		requireCode(t, b.do(t, elsewhere, views, map[string]any{"id": v.ID}), "NOT_FOUND", "")

		renamed := decode[savedView](t, b.do(t, owner, saveViewOp, map[string]any{"in": change})).SaveQueryView
		require.Equal(t, 2, renamed.Version)
		require.Nil(t, renamed.SharedOffice, "not shared unless asked again")
		requireCode(t, b.do(t, owner, saveViewOp, map[string]any{"in": change}), "CONFLICT", "query.view_stale")
		requireCode(t, b.do(t, colleague, views, map[string]any{"id": v.ID}), "NOT_FOUND", "")

		badSpec := map[string]any{"columns": []any{map[string]any{"field": "nope"}}}
		r := b.do(t, owner, saveViewOp, map[string]any{"in": map[string]any{"source": "BIRTH", "name": "x", "spec": badSpec}})
		requireCode(t, r, "BAD_USER_INPUT", "query.unknown_field")
		require.Equal(t, "spec.columns.0", r.Errors[0].Extensions["field"])
		r = b.do(t, owner, saveViewOp, map[string]any{"in": map[string]any{"source": "BIRTH", "name": "  ", "spec": spec}})
		requireCode(t, r, "BAD_USER_INPUT", "query.view_name")

		require.Empty(t, b.do(t, owner, `mutation($id: ID!) { deleteQueryView(input: {id: $id, version: 2}) }`, map[string]any{"id": v.ID}).Errors)
		requireCode(t, b.do(t, owner, views, map[string]any{"id": v.ID}), "NOT_FOUND", "")

		t.Run("RecentKeepsLastN", func(t *testing.T) {
			for i := range domain.MaxRecentQueries + 2 {
				c := map[string]any{"field": "collabNo", "op": "PREFIX", "values": []string{fmt.Sprintf("XT%02d", i)}}
				decode[queryPage](t, b.do(t, owner, runQueryOp, map[string]any{"input": map[string]any{"source": "BIRTH", "condition": c}}))
			}
			recent := decode[struct {
				RecentQueries []struct{ Condition struct{ Values []string } }
			}](t, b.do(t, owner, `{ recentQueries(source: "BIRTH") { condition { field op values } } }`, nil)).RecentQueries
			require.Len(t, recent, domain.MaxRecentQueries)
			require.Equal(t, fmt.Sprintf("XT%02d", domain.MaxRecentQueries+1), recent[0].Condition.Values[0])
			require.Equal(t, "XT02", recent[len(recent)-1].Condition.Values[0])
			others := decode[struct{ RecentQueries []struct{ At time.Time } }](t, b.do(t, colleague, `{ recentQueries(source: "BIRTH") { at } }`, nil))
			require.Empty(t, others.RecentQueries)
		})
	})
}

// TestQuery_Export: CSV and XLSX exports stream every row, masked for an
// analyst, and are audited with the file's SHA-256 (1.5.1).
func TestQuery_Export(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		queryCasesOf(t, db, b.station, 3)
		analyst := b.token(t, b.analyst)
		body := map[string]any{"source": "BIRTH", "columns": []string{"collabNo", "motherIdNumber", "newbornName"},
			"condition": map[string]any{"field": "status", "op": "EQ", "values": []string{"DRAFT"}}}

		export := func(t *testing.T, token string, body map[string]any) (*http.Response, []byte) {
			raw, err := json.Marshal(body)
			require.NoError(t, err)
			req, err := http.NewRequest(http.MethodPost, b.srv.URL+"/exports/query", bytes.NewReader(raw))
			require.NoError(t, err)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			out, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			return resp, out
		}

		t.Run("XLSX", func(t *testing.T) {
			body["format"] = "XLSX"
			resp, file := export(t, analyst, body)
			require.Equal(t, http.StatusOK, resp.StatusCode, string(file))
			require.Contains(t, resp.Header.Get("Content-Disposition"), ".xlsx")
			f, err := excelize.OpenReader(bytes.NewReader(file))
			require.NoError(t, err)
			defer f.Close()
			rows, err := f.GetRows(f.GetSheetName(0))
			require.NoError(t, err)
			require.Len(t, rows, 4)
			require.Equal(t, []string{"协同编号", "母亲公民身份号码", "新生儿姓名"}, rows[0])
			require.Equal(t, "211102**********01", rows[1][1])
			require.Equal(t, "王**", rows[1][2])
			requireExportAudited(t, b, file, 3)
		})
		t.Run("CSV", func(t *testing.T) {
			body["format"] = "CSV"
			resp, file := export(t, analyst, body)
			require.Equal(t, http.StatusOK, resp.StatusCode, string(file))
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(file), "\uFEFF"))).ReadAll()
			require.NoError(t, err)
			require.Len(t, rows, 4)
			require.Equal(t, "211102**********01", rows[2][1])
			requireExportAudited(t, b, file, 3)

			resp, file = export(t, analyst, map[string]any{"source": "BIRTH", "columns": []string{"settleWith"}, "format": "CSV"})
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.Contains(t, string(file), "随父", "codes are written by their names")
		})
		t.Run("Refusals", func(t *testing.T) {
			resp, _ := export(t, "", body)
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			resp, _ = export(t, b.token(t, b.clerk), body)
			require.Equal(t, http.StatusForbidden, resp.StatusCode)
			resp, out := export(t, analyst, map[string]any{"source": "BIRTH", "format": "PDF"})
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, string(out))
			resp, out = export(t, analyst, map[string]any{"source": "RESIDENT", "condition": map[string]any{"field": "name", "op": "PREFIX", "values": []string{"王"}}})
			require.Equal(t, http.StatusForbidden, resp.StatusCode, string(out))
			resp, _ = export(t, analyst, map[string]any{"source": "BIRTH", "unknown": 1})
			require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		})
	})
}

// requireExportAudited finds the export's closing audit entry: its rows
// and the SHA-256 of the file served.
func requireExportAudited(t *testing.T, b *testBundle, file []byte, rows int) {
	t.Helper()
	sum := sha256.Sum256(file)
	page, err := b.db.Audit().FindAuditEntries(context.Background(), domain.AuditFilter{SubjectType: "QuerySource"}, domain.Page{First: 50})
	require.NoError(t, err)
	for _, e := range page.Entries {
		if e.Operation == "query.export" && strings.Contains(e.Detail, hex.EncodeToString(sum[:])) {
			require.Contains(t, e.Detail, fmt.Sprintf(`"rows":%d`, rows))
			return
		}
	}
	t.Fatalf("no audit entry of the export with SHA-256 %x", sum)
}
