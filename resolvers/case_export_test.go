package resolvers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/documents"
	"hukou/domain"
	"hukou/domain/birth"
	"hukou/resolvers"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestCaseExport exports the case list (#19 item 4) on both databases for
// every role that reads it: the list's search in the caller's jurisdiction
// (a clerk never exports another station's cases), the shown columns in
// their order with Chinese headers, CSV with a byte-order mark, names masked
// for the analyst as the list shows them, an audit entry per export with the
// search and the rows, and a clear refusal above the cap.
func TestCaseExport(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		cases := storagetest.Engine(db, b.audit, birth.Workflow)
		cases.ExportMaxRows = 3
		mux := http.NewServeMux()
		mux.Handle("/exports/cases", resolvers.NewCaseExportHandler(cases, documents.Tables{}, b.tokens, b.res.Auth))
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)

		base := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
		mine1 := exportCase(t, db, b.station, "XT-A-0002", base, domain.CasePerson{Name: "张三丰", IDNumber: "211102199001011234"})
		mine2 := exportCase(t, db, b.station, "XT-A-0001", base.Add(time.Hour), domain.CasePerson{Name: "李四", IDNumber: ""},
			domain.CasePerson{Name: "王五", IDNumber: "211102198001011234"})
		other := exportCase(t, db, b.otherStation, "XT-B-0001", base.Add(2*time.Hour), domain.CasePerson{Name: "赵六"})
		_ = mine1

		export := func(t *testing.T, token string, body map[string]any) (*http.Response, []byte) {
			t.Helper()
			raw, err := json.Marshal(body)
			require.NoError(t, err)
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/exports/cases", bytes.NewReader(raw))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			out, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			return res, out
		}
		table := func(t *testing.T, body []byte) [][]string {
			t.Helper()
			require.True(t, bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")), "CSV starts with a UTF-8 byte-order mark")
			rows, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
			require.NoError(t, err)
			return rows
		}
		refused := func(t *testing.T, res *http.Response, body []byte, status int, code, reason string) {
			t.Helper()
			require.Equal(t, status, res.StatusCode, "%s", body)
			var e struct{ Code, Reason, Message string }
			require.NoError(t, json.Unmarshal(body, &e))
			require.Equal(t, code, e.Code)
			require.Equal(t, reason, e.Reason)
		}
		cols := []string{"people", "collabNo", "status", "side", "otherOffice", "kind"}

		t.Run("ClerkOwnStationShownColumnsInOrder", func(t *testing.T) {
			res, body := export(t, b.token(t, b.clerk), map[string]any{"filter": map[string]any{}, "orderBy": "COLLAB_NO_ASC", "columns": cols})
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
			require.Equal(t, "text/csv; charset=utf-8", res.Header.Get("Content-Type"))
			require.Contains(t, res.Header.Get("Content-Disposition"), "attachment")
			rows := table(t, body)
			require.Equal(t, []string{"当事人", "协同编号", "状态", "受理地/户籍地", "对方单位", "业务类型"}, rows[0])
			require.Len(t, rows, 3, "the clerk's two cases, never the other station's")
			require.Equal(t, []string{"李四、王五", "XT-A-0001", "待提交", "受理地"}, rows[1][:4], "ordered by collaboration number")
			require.NotEmpty(t, rows[1][4])
			require.Equal(t, "新生儿出生登记", rows[1][5])
			require.Equal(t, "张三丰", rows[2][0])
			require.NotContains(t, string(body), "XT-B-0001")

			// The list's filters apply: by collaboration number, by date.
			res, body = export(t, b.token(t, b.clerk), map[string]any{"filter": map[string]any{"collabNo": "XT-A-0002"}, "columns": []string{"collabNo"}})
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Equal(t, [][]string{{"协同编号"}, {"XT-A-0002"}}, table(t, body))
			res, body = export(t, b.token(t, b.clerk), map[string]any{"filter": map[string]any{"createdFrom": base.Add(30 * time.Minute)}, "columns": []string{"collabNo"}})
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Equal(t, [][]string{{"协同编号"}, {"XT-A-0001"}}, table(t, body))

			// The same export as a spreadsheet.
			res, body = export(t, b.token(t, b.clerk), map[string]any{"filter": map[string]any{}, "columns": cols, "format": "XLSX"})
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
			require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", res.Header.Get("Content-Type"))
			require.True(t, bytes.HasPrefix(body, []byte("PK")), "an XLSX is a zip file")
		})

		t.Run("ClerkNeverExportsAnotherOffice", func(t *testing.T) {
			res, body := export(t, b.token(t, b.clerk), map[string]any{"filter": map[string]any{"office": b.otherStation}, "columns": cols})
			refused(t, res, body, http.StatusNotFound, "NOT_FOUND", "case.office")
			res, body = export(t, b.token(t, b.otherClerk), map[string]any{"filter": map[string]any{}, "columns": []string{"collabNo"}})
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Equal(t, [][]string{{"协同编号"}, {"XT-B-0001"}}, table(t, body))
		})

		t.Run("MaskedAsTheListShowsThem", func(t *testing.T) {
			for _, tc := range []struct {
				user *domain.User
				want []string
			}{
				{b.admin, []string{"赵六", "李四、王五", "张三丰"}},
				{b.analyst, []string{"赵*", "李*、王*", "张**"}},
			} {
				res, body := export(t, b.token(t, tc.user), map[string]any{"filter": map[string]any{}, "orderBy": "CREATED_DESC", "columns": []string{"people"}})
				require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
				rows := table(t, body)
				var got []string
				for _, r := range rows[1:] {
					got = append(got, r[0])
				}
				require.Equal(t, tc.want, got, tc.user.Username)
			}
			// The analyst cannot search by person, as in the list.
			res, body := export(t, b.token(t, b.analyst), map[string]any{"filter": map[string]any{"person": "张"}, "columns": []string{"people"}})
			refused(t, res, body, http.StatusBadRequest, "BAD_USER_INPUT", "pii.search")
		})

		t.Run("Audited", func(t *testing.T) {
			before := len(b.auditEntries(t, domain.AuditFilter{ActorID: b.officer.ID, Operation: "cases.export"}))
			res, body := export(t, b.token(t, b.officer), map[string]any{"filter": map[string]any{"kind": "BIRTH"}, "columns": []string{"collabNo"}})
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
			entries := b.auditEntries(t, domain.AuditFilter{ActorID: b.officer.ID, Operation: "cases.export"})
			require.Len(t, entries, before+1)
			e := entries[0]
			require.Equal(t, domain.AuditRead, e.Action)
			var detail struct {
				Filter  map[string]any
				Rows    int
				Columns []string
			}
			require.NoError(t, json.Unmarshal([]byte(e.Detail), &detail))
			require.Equal(t, "BIRTH", detail.Filter["kind"])
			require.True(t, strings.HasPrefix(b.county, detail.Filter["jurisdiction"].(string)), "the officer's jurisdiction: %v", detail.Filter)
			require.Equal(t, len(table(t, body))-1, detail.Rows)
			require.Equal(t, []string{"collabNo"}, detail.Columns)
		})

		t.Run("Refused", func(t *testing.T) {
			// Above the cap: a clear refusal, nothing written, nothing audited.
			exportCase(t, db, b.station, "XT-A-0003", base, domain.CasePerson{Name: "钱七"})
			exportCase(t, db, b.station, "XT-A-0004", base, domain.CasePerson{Name: "孙八"})
			before := len(b.auditEntries(t, domain.AuditFilter{ActorID: b.admin.ID, Operation: "cases.export"}))
			res, body := export(t, b.token(t, b.admin), map[string]any{"filter": map[string]any{}, "columns": []string{"collabNo"}})
			refused(t, res, body, http.StatusBadRequest, "BAD_USER_INPUT", "case.export_too_large")
			require.Len(t, b.auditEntries(t, domain.AuditFilter{ActorID: b.admin.ID, Operation: "cases.export"}), before)
			res, body = export(t, b.token(t, b.admin), map[string]any{"filter": map[string]any{"office": b.otherStation}, "columns": []string{"collabNo"}})
			require.Equal(t, http.StatusOK, res.StatusCode, "a narrower search is under the cap")
			require.Equal(t, [][]string{{"协同编号"}, {"XT-B-0001"}}, table(t, body))

			clerk := b.token(t, b.clerk)
			res, body = export(t, clerk, map[string]any{"filter": map[string]any{}, "columns": []string{}})
			refused(t, res, body, http.StatusBadRequest, "BAD_USER_INPUT", "case.export_columns")
			res, body = export(t, clerk, map[string]any{"filter": map[string]any{}, "columns": []string{"collabNo", "idNumber"}})
			refused(t, res, body, http.StatusBadRequest, "BAD_USER_INPUT", "case.export_columns")
			res, body = export(t, clerk, map[string]any{"filter": map[string]any{"overdueAt": time.Now()}, "columns": []string{"collabNo"}})
			refused(t, res, body, http.StatusBadRequest, "BAD_USER_INPUT", "request.malformed")
			res, body = export(t, clerk, map[string]any{"filter": map[string]any{}, "orderBy": "NAME_ASC", "columns": []string{"collabNo"}})
			refused(t, res, body, http.StatusBadRequest, "BAD_USER_INPUT", "case.order")
			res, body = export(t, "", map[string]any{"filter": map[string]any{}, "columns": []string{"collabNo"}})
			refused(t, res, body, http.StatusUnauthorized, "UNAUTHENTICATED", "auth.required")
			// The portal client does not read the case list.
			res, body = export(t, b.token(t, b.portal), map[string]any{"filter": map[string]any{}, "columns": []string{"collabNo"}})
			refused(t, res, body, http.StatusForbidden, "FORBIDDEN", "auth.role")
		})
		_ = other
		_ = mine2
	})
}

// exportCase stores a birth case of office with a collaboration number,
// creation time and persons.
func exportCase(t *testing.T, db *storage.DB, office, collabNo string, created time.Time, people ...domain.CasePerson) string {
	t.Helper()
	c := &domain.Case{ID: newID(), Kind: birth.Kind, Side: domain.SideAcceptance, CollabNo: collabNo,
		Status: domain.StatusDraft, AcceptanceOffice: office, RegistrationOffice: "130102000100", RegistrationProvince: "13",
		Office: office, Applicant: json.RawMessage("{}"), Ministry: json.RawMessage("{}"), Result: json.RawMessage("{}"),
		People: people, CreatedBy: "clerk", CreatedAt: created, UpdatedAt: created}
	require.NoError(t, db.InTx(context.Background(), func(ctx context.Context, tx domain.Repos) error {
		return tx.Cases().CreateCase(ctx, c)
	}))
	return c.ID
}
