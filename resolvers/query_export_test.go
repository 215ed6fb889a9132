package resolvers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"hukou/domain"
	"hukou/domain/birth"
	"hukou/domain/population"
	"hukou/storage"
	"hukou/storage/blob"
	"hukou/storage/queue"
	"hukou/storage/storagetest"
)

const startExportOp = `mutation($in: StartQueryExportInput!) { startQueryExport(input: $in) { id state total rows format } }`
const exportStatusOp = `query($id: ID!) { queryExport(id: $id) { id state total rows sha256 size error expiresAt downloadUrl } }`

type exportJSON struct {
	ID, State, Format string
	Total, Rows       int
	Sha256            *string
	Size              *int
	Error             *string
	DownloadURL       *string
}

// TestQueryExport_Background (1.5.x, issue 15 item 1): an export above the
// threshold is refused by the streamed endpoint and runs as a River job
// instead; its owner follows the progress over the subscription, then
// downloads the file through the signed link: it has every row, masked as
// the analyst reads, and the download is audited with the rows and the
// file's SHA-256. Nobody else (another analyst, an administrator, no
// token, a link signed for another user) sees or downloads it.
func TestQueryExport_Background(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := setup(t, db)
		queryCasesOf(t, db, b.station, 7)
		blobs, err := blob.Open(ctx, t.TempDir())
		require.NoError(t, err)
		b.res.Queries.Blobs, b.res.Queries.ExportThreshold = blobs, 5
		q, err := queue.New(db, queue.Config{Queries: b.res.Queries, PollInterval: 50 * time.Millisecond})
		require.NoError(t, err)
		t.Cleanup(func() { _ = q.Stop(context.Background()) })
		analyst := b.token(t, b.analyst)
		other := b.token(t, b.createUser(t, "analyst2", b.city, domain.RoleAnalyst))
		query := map[string]any{"source": "BIRTH", "columns": []string{"collabNo", "motherIdNumber", "newbornName"}}

		// The streamed endpoint sends 7 rows (more than 5) to the background.
		raw, _ := json.Marshal(map[string]any{"source": "BIRTH", "format": "CSV"})
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/exports/query", bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+analyst)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		require.Contains(t, string(msg), "query.export_background")

		// Refusals first: a clerk, a bad format, personal data as a condition for a masked caller.
		requireCode(t, b.do(t, b.token(t, b.clerk), startExportOp, map[string]any{"in": map[string]any{"query": query, "format": "CSV"}}), "FORBIDDEN", "")
		requireCode(t, b.do(t, analyst, startExportOp, map[string]any{"in": map[string]any{"query": map[string]any{"source": "BIRTH",
			"condition": map[string]any{"field": "newbornName", "op": "PREFIX", "values": []string{"王"}}}, "format": "CSV"}}), "FORBIDDEN", "")

		for _, format := range []string{"CSV", "XLSX"} {
			t.Run(format, func(t *testing.T) {
				var started struct{ StartQueryExport exportJSON }
				b.do(t, analyst, startExportOp, map[string]any{"in": map[string]any{"query": query, "format": format}}).ok(t, &started)
				e := started.StartQueryExport
				require.Equal(t, "QUEUED", e.State)
				require.Equal(t, 7, e.Total)

				// Another analyst, and the administrator, do not see it.
				requireCode(t, b.do(t, other, exportStatusOp, map[string]any{"id": e.ID}), "NOT_FOUND", "")
				requireCode(t, b.do(t, b.token(t, b.admin), exportStatusOp, map[string]any{"id": e.ID}), "NOT_FOUND", "")

				// Progress over the subscription until done (the queue works the job).
				wsCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
				defer cancel()
				ws, _, err := websocket.Dial(wsCtx, "ws"+strings.TrimPrefix(b.srv.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
				require.NoError(t, err)
				defer func() { _ = ws.CloseNow() }()
				write := func(v any) { m, _ := json.Marshal(v); require.NoError(t, ws.Write(wsCtx, websocket.MessageText, m)) }
				write(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + analyst}})
				write(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
					"query": `subscription($id: ID!) { queryExportProgress(id: $id) { state rows total } }`, "variables": map[string]any{"id": e.ID}}})
				require.NoError(t, q.Start(ctx))
				var states []string
				for done := false; !done; {
					_, m, err := ws.Read(wsCtx)
					require.NoError(t, err)
					var msg struct {
						Type    string
						Payload struct {
							Data struct{ QueryExportProgress exportJSON }
						}
					}
					require.NoError(t, json.Unmarshal(m, &msg))
					switch msg.Type {
					case "next":
						p := msg.Payload.Data.QueryExportProgress
						states = append(states, p.State)
						require.NotEqual(t, "FAILED", p.State)
						done = p.State == "DONE"
						if done {
							require.Equal(t, 7, p.Rows)
						}
					case "complete":
						done = true
					case "connection_ack", "ka", "ping":
					default:
						t.Fatalf("subscription: %s", m)
					}
				}
				require.Equal(t, "DONE", states[len(states)-1], "states %v", states)

				var status struct{ QueryExport exportJSON }
				b.do(t, analyst, exportStatusOp, map[string]any{"id": e.ID}).ok(t, &status)
				done := status.QueryExport
				require.Equal(t, "DONE", done.State)
				require.NotNil(t, done.DownloadURL)
				require.NotNil(t, done.Sha256)

				get := func(url, token string) (int, []byte) {
					req, _ := http.NewRequest(http.MethodGet, url, nil)
					if token != "" {
						req.Header.Set("Authorization", "Bearer "+token)
					}
					resp, err := http.DefaultClient.Do(req)
					require.NoError(t, err)
					defer resp.Body.Close()
					body, _ := io.ReadAll(resp.Body)
					return resp.StatusCode, body
				}
				code, file := get(b.srv.URL+*done.DownloadURL, "")
				require.Equal(t, http.StatusOK, code, string(file))
				sum := sha256.Sum256(file)
				require.Equal(t, hex.EncodeToString(sum[:]), *done.Sha256)
				var rows [][]string
				if format == "CSV" {
					rows, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(string(file), "\uFEFF"))).ReadAll()
					require.NoError(t, err)
				} else {
					f, err := excelize.OpenReader(bytes.NewReader(file))
					require.NoError(t, err)
					rows, err = f.GetRows(f.GetSheetName(0))
					require.NoError(t, err)
					f.Close()
				}
				require.Len(t, rows, 8, "the header and every row")
				require.Equal(t, []string{"协同编号", "母亲公民身份号码", "新生儿姓名"}, rows[0])
				for _, r := range rows[1:] {
					require.Equal(t, "211102**********01", r[1], "masked for the analyst")
					require.True(t, strings.HasPrefix(r[2], "王*"), r[2])
				}
				// The download is audited with the rows and the file's hash.
				var found bool
				for _, a := range b.auditEntries(t, domain.AuditFilter{SubjectType: "QueryExport"}) {
					if a.Operation == "query.export.download" && a.SubjectID == e.ID {
						require.Contains(t, a.Detail, `"rows":7`)
						require.Contains(t, a.Detail, *done.Sha256)
						found = true
					}
				}
				require.True(t, found, "download audited")

				// Nobody else downloads it: another analyst's token, none, the
				// owner's link with another user in it, a link for another export.
				code, _ = get(b.srv.URL+"/exports/query/"+e.ID, other)
				require.Equal(t, http.StatusNotFound, code)
				code, _ = get(b.srv.URL+"/exports/query/"+e.ID, "")
				require.Equal(t, http.StatusUnauthorized, code)
				code, _ = get(b.srv.URL+strings.Replace(*done.DownloadURL, "u="+b.analyst.ID, "u="+b.admin.ID, 1), "")
				require.Equal(t, http.StatusUnauthorized, code)
				code, _ = get(b.srv.URL+strings.Replace(*done.DownloadURL, e.ID, started.StartQueryExport.ID+"x", 1), "")
				require.Equal(t, http.StatusUnauthorized, code)
				code, body := get(b.srv.URL+"/exports/query/"+e.ID, analyst)
				require.Equal(t, http.StatusOK, code)
				require.Equal(t, file, body)

				// Once expired, the hourly job lets go of the file (the orphan
				// sweeper deletes the blob); the row stays, the download is refused.
				now := b.res.Queries.Now
				b.res.Queries.Now = func() time.Time { return now().Add(domain.DefaultExportTTL + time.Minute) }
				defer func() { b.res.Queries.Now = now }()
				n, err := b.res.Queries.ExpireExports(ctx)
				require.NoError(t, err)
				require.Equal(t, 1, n, "this export alone (an earlier one was expired already)")
				kept, err := db.Queries().FindQueryExport(ctx, e.ID)
				require.NoError(t, err)
				require.Empty(t, kept.BlobKey, "nothing references the file any more")
				code, body = get(b.srv.URL+"/exports/query/"+e.ID, analyst)
				require.Equal(t, http.StatusNotFound, code)
				require.Contains(t, string(body), "query.export_expired")
			})
		}

		// A long export records its progress while it streams, and finishes, on
		// both databases (SQLite's one connection is busy reading the rows).
		t.Run("Large", func(t *testing.T) {
			_, err := db.SeedCases(ctx, population.CaseConfig{Seed: 5, Division: "211100", Cases: 40000,
				Kinds: population.CaseKindsOf((*birth.Service)(nil))}, nil)
			require.NoError(t, err)
			var started struct{ StartQueryExport exportJSON }
			b.do(t, analyst, startExportOp, map[string]any{"in": map[string]any{"query": map[string]any{"source": "BIRTH"}, "format": "XLSX"}}).ok(t, &started)
			e := started.StartQueryExport
			require.Greater(t, e.Total, 40000)
			var last exportJSON
			require.Eventually(t, func() bool {
				var out struct{ QueryExport exportJSON }
				b.do(t, analyst, exportStatusOp, map[string]any{"id": e.ID}).ok(t, &out)
				last = out.QueryExport
				require.NotEqual(t, "FAILED", last.State, "%v", last.Error)
				return last.State == "DONE"
			}, 2*time.Minute, 200*time.Millisecond)
			require.Equal(t, e.Total, last.Rows)
		})
	})
}
