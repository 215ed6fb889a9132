package resolvers_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/documents/pdfread"
	"hukou/domain"
	"hukou/domain/birth"
	"hukou/graph/scalar"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
	"hukou/integrations/ministry/ministrysim"
	"hukou/resolvers"
	"hukou/storage"
	"hukou/storage/blob"
	"hukou/storage/storagetest"
)

const uploadArchiveMutation = `mutation($c: ID!, $m: String!, $f: Upload!) {
  uploadArchive(caseId: $c, materialCode: $m, file: $f) { id category materialCode name contentType size revision restriction valid url thumbnailUrl createdBy version }
}`

const caseArchivesQuery = `query($id: ID!) {
  case(id: $id) { id materials { code name required files { id } } files { id name } documents { id } }
}`

type caseFileJSON struct {
	ID           string `json:"id"`
	Category     string `json:"category"`
	MaterialCode string `json:"materialCode"`
	Name         string `json:"name"`
	ContentType  string `json:"contentType"`
	Size         int    `json:"size"`
	Restriction  string `json:"restriction"`
	Valid        bool   `json:"valid"`
	URL          string `json:"url"`
	ThumbnailURL string `json:"thumbnailUrl"`
	CreatedBy    string `json:"createdBy"`
	Version      int    `json:"version"`
}

// TestArchives_UploadThroughGraphQLAndDownload uploads an archive with a
// hand-built GraphQL multipart request through the real handler, reads it
// back under the case's materials, and downloads it and its thumbnail from
// the files endpoint.
func TestArchives_UploadThroughGraphQLAndDownload(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		blobs, err := blob.NewLocal(t.TempDir())
		require.NoError(t, err)
		cases := storagetest.Engine(db, b.audit, birth.Workflow)
		archives := domain.NewArchiveService(cases, blobs, ministry.New(httpclient.Config{BaseURL: sim.URL}), 0)
		res := *b.res
		res.Casework, res.Archives = cases, archives
		mux := http.NewServeMux()
		mux.Handle("/graphql", resolvers.NewHandler(resolvers.Config{Resolver: &res, Tokens: b.tokens}))
		mux.Handle("/files/", resolvers.NewFileHandler(archives, b.tokens, res.Auth))
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)

		caseID := newBirthCase(t, db, b.station)
		caseGID := scalar.GlobalID("Case", caseID)
		img := testPNG(t, 640, 480)
		clerk := b.token(t, b.clerk)

		// Upload.
		r := uploadMultipart(t, srv.URL, clerk, uploadArchiveMutation, map[string]any{"c": caseGID, "m": "BIRTH_CERT"}, "f", "出生医学证明 1.png", "image/png", img)
		var up struct{ UploadArchive caseFileJSON }
		r.ok(t, &up)
		f := up.UploadArchive
		require.Equal(t, "ARCHIVE", f.Category)
		require.Equal(t, "BIRTH_CERT", f.MaterialCode)
		require.Equal(t, "出生医学证明 1.png", f.Name)
		require.Equal(t, "image/png", f.ContentType)
		require.Equal(t, len(img), f.Size)
		require.Equal(t, "NONE", f.Restriction)
		require.True(t, f.Valid)
		require.Equal(t, "clerk", f.CreatedBy)
		fileID := strings.TrimPrefix(f.URL, "/files/")
		require.Equal(t, scalar.GlobalID("CaseFile", fileID), f.ID)
		require.Equal(t, f.URL+"/thumbnail", f.ThumbnailURL)

		// Listed under its material, and among the case's files.
		var got struct {
			Case struct {
				Materials []struct {
					Code     string
					Required bool
					Files    []struct{ ID string }
				}
				Files     []struct{ ID, Name string }
				Documents []struct{ ID string }
			}
		}
		b.do2(t, srv.URL, clerk, caseArchivesQuery, map[string]any{"id": caseGID}).ok(t, &got)
		var listed []string
		var codes []string
		for _, m := range got.Case.Materials {
			codes = append(codes, m.Code)
			if m.Code == "BIRTH_CERT" {
				for _, x := range m.Files {
					listed = append(listed, x.ID)
				}
			}
		}
		require.Contains(t, codes, "BIRTH_APPLICATION")
		require.Equal(t, []string{f.ID}, listed)
		require.Len(t, got.Case.Files, 1)
		require.Empty(t, got.Case.Documents)

		// Refusals through GraphQL.
		requireError(t, uploadMultipart(t, srv.URL, clerk, uploadArchiveMutation, map[string]any{"c": caseGID, "m": "BIRTH_CERT"},
			"f", "notes.txt", "text/plain", []byte("plain text")), "BAD_USER_INPUT", "file", "archive.content_type")
		requireError(t, uploadMultipart(t, srv.URL, clerk, uploadArchiveMutation, map[string]any{"c": caseGID, "m": "NOPE"},
			"f", "a.png", "image/png", img), "BAD_USER_INPUT", "materialCode", "archive.material_unknown")
		requireError(t, uploadMultipart(t, srv.URL, clerk, uploadArchiveMutation, map[string]any{"c": "bad", "m": "BIRTH_CERT"},
			"f", "a.png", "image/png", img), "BAD_USER_INPUT", "caseId", "node.id")
		requireError(t, uploadMultipart(t, srv.URL, b.token(t, b.otherClerk), uploadArchiveMutation, map[string]any{"c": caseGID, "m": "BIRTH_CERT"},
			"f", "a.png", "image/png", img), "NOT_FOUND", "", "not_found")
		// Issue 16 item 5: a "PDF" that is none, and a decompression bomb's header, refused with a code and
		// nothing kept (the case still lists one file).
		archives.PDF = pdfread.Reader{}
		requireError(t, uploadMultipart(t, srv.URL, clerk, uploadArchiveMutation, map[string]any{"c": caseGID, "m": "BIRTH_CERT"},
			"f", "scan.pdf", "application/pdf", []byte("%PDF-1.7\n<html><script>alert(1)</script></html>")), "BAD_USER_INPUT", "file", "archive.pdf_unreadable")
		bomb := testPNG(t, 8, 8)
		binary.BigEndian.PutUint32(bomb[16:], 30000) // IHDR width
		binary.BigEndian.PutUint32(bomb[20:], 30000) // and height: 900 megapixels announced
		binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29]))
		requireError(t, uploadMultipart(t, srv.URL, clerk, uploadArchiveMutation, map[string]any{"c": caseGID, "m": "BIRTH_CERT"},
			"f", "bomb.png", "image/png", bomb), "BAD_USER_INPUT", "file", "archive.image_dimensions")
		b.do2(t, srv.URL, clerk, caseArchivesQuery, map[string]any{"id": caseGID}).ok(t, &got)
		require.Len(t, got.Case.Files, 1, "nothing kept of a refused file")
		archives.MaxSize = 1000
		e := requireError(t, uploadMultipart(t, srv.URL, clerk, uploadArchiveMutation, map[string]any{"c": caseGID, "m": "BIRTH_CERT"},
			"f", "a.png", "image/png", img), "BAD_USER_INPUT", "file", "archive.too_large")
		require.Contains(t, e.Message, "1000 bytes")
		archives.MaxSize = 0

		// Download: 401 without a token, outside the jurisdiction 404 as for no file, 200 with the bytes.
		resp, body := get(t, srv.URL+f.URL, "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		requireJSONError(t, resp, body, "UNAUTHENTICATED")
		resp, body = get(t, srv.URL+f.URL, "not-a-token")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		requireJSONError(t, resp, body, "UNAUTHENTICATED")
		resp, hidden := get(t, srv.URL+f.URL, b.token(t, b.otherClerk))
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		requireJSONError(t, resp, hidden, "NOT_FOUND")
		resp, body = get(t, srv.URL+"/files/0190c0de-0000-7000-8000-000000000000", clerk)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		requireJSONError(t, resp, body, "NOT_FOUND")
		require.Equal(t, string(body), string(hidden), "the same answer as for a file that does not exist")
		// An analyst reads no file (ID numbers, names and birth dates in clear): refused, and audited.
		for _, u := range []string{f.URL, f.URL + "/thumbnail"} {
			resp, body = get(t, srv.URL+u, b.token(t, b.analyst))
			require.Equal(t, http.StatusForbidden, resp.StatusCode)
			requireJSONError(t, resp, body, "FORBIDDEN")
			require.Contains(t, string(body), "masked")
		}
		require.Len(t, b.auditEntries(t, domain.AuditFilter{Action: domain.AuditDenied, SubjectID: fileID, ActorID: b.analyst.ID}), 2)

		resp, body = get(t, srv.URL+f.URL, clerk)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, img, body)
		require.Equal(t, "image/png", resp.Header.Get("Content-Type"))
		etag := resp.Header.Get("ETag")
		require.Regexp(t, `^"[0-9a-f]{64}"$`, etag)
		require.Contains(t, resp.Header.Get("Content-Disposition"), "inline; ")
		require.Contains(t, resp.Header.Get("Content-Disposition"), "filename*=UTF-8''%E5%87%BA%E7%94%9F%E5%8C%BB%E5%AD%A6%E8%AF%81%E6%98%8E%201.png")
		require.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))

		// ?download=1 makes it an attachment. (Browsers open files through
		// signed links: TestSecurity_Files.)
		resp, body = get(t, srv.URL+f.URL+"?download=1", clerk)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, img, body)
		require.True(t, strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; "))

		// Revalidation against the ETag.
		req, err := http.NewRequest(http.MethodGet, srv.URL+f.URL, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+clerk)
		req.Header.Set("If-None-Match", etag)
		resp, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusNotModified, resp.StatusCode)

		// The thumbnail, also by the global ID.
		resp, body = get(t, srv.URL+"/files/"+f.ID+"/thumbnail", clerk)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "image/jpeg", resp.Header.Get("Content-Type"))
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(body))
		require.NoError(t, err)
		require.Equal(t, domain.ThumbnailSize, cfg.Width)
		require.Equal(t, domain.ThumbnailSize, cfg.Height)

		// Every download was audited as a read, with the caller's address.
		reads := b.auditEntries(t, domain.AuditFilter{Action: domain.AuditRead, SubjectID: fileID, ActorID: b.clerk.ID})
		require.Len(t, reads, 4)
		require.Equal(t, "127.0.0.1", reads[0].RemoteAddr)
		denied := b.auditEntries(t, domain.AuditFilter{Action: domain.AuditDenied, SubjectID: fileID, ActorID: b.otherClerk.ID})
		require.Len(t, denied, 1)

		// Delete through GraphQL: the download is gone.
		var del struct{ DeleteArchive caseFileJSON }
		b.do2(t, srv.URL, clerk, `mutation($id: ID!, $v: Int!) { deleteArchive(id: $id, version: $v, reason: "重复") { id valid version } }`,
			map[string]any{"id": f.ID, "v": f.Version}).ok(t, &del)
		require.False(t, del.DeleteArchive.Valid)
		resp, _ = get(t, srv.URL+f.URL, clerk)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		requireError(t, b.do2(t, srv.URL, clerk, `mutation($id: ID!) { setArchiveRestriction(id: $id, version: 0, restriction: NO_DELETE) { id } }`,
			map[string]any{"id": f.ID}), "FORBIDDEN", "", "auth.role")

		// Restore through GraphQL; both changes are in the case's history.
		var restored struct{ RestoreArchive caseFileJSON }
		b.do2(t, srv.URL, clerk, `mutation($id: ID!, $v: Int!) { restoreArchive(id: $id, version: $v) { id valid version } }`,
			map[string]any{"id": f.ID, "v": del.DeleteArchive.Version}).ok(t, &restored)
		require.True(t, restored.RestoreArchive.Valid)
		requireError(t, b.do2(t, srv.URL, clerk, `mutation($id: ID!, $v: Int!) { deleteArchive(id: $id, version: $v, reason: " ") { id } }`,
			map[string]any{"id": f.ID, "v": restored.RestoreArchive.Version}), "BAD_USER_INPUT", "reason", "archive.reason_required")
		var tl struct {
			Node struct {
				Timeline []struct{ Action, Note string }
			}
		}
		b.do2(t, srv.URL, clerk, `query($id: ID!) { node(id: $id) { ... on Case { timeline { action note } } } }`,
			map[string]any{"id": caseGID}).ok(t, &tl)
		var actions []string
		for _, a := range tl.Node.Timeline {
			actions = append(actions, a.Action)
		}
		require.Subset(t, actions, []string{"DELETE_ARCHIVE", "RESTORE_ARCHIVE"})

		// Archive search (1.4.8): by the case's collaboration number and status, with the case and the
		// material's name; refused to the analyst; the other station's clerk finds nothing.
		var collab struct{ Node struct{ CollabNo string } }
		b.do2(t, srv.URL, clerk, `query($id: ID!) { node(id: $id) { ... on Case { collabNo } } }`, map[string]any{"id": caseGID}).ok(t, &collab)
		const search = `query($s: ArchiveSearchInput!) { searchArchives(search: $s, first: 5) {
			edges { cursor node { materialName file { id valid restriction deleteReason } case { id collabNo kind status } } }
			pageInfo { hasNextPage endCursor } } }`
		var found struct {
			SearchArchives struct {
				Edges []struct {
					Cursor string
					Node   struct {
						MaterialName string
						File         struct{ ID string }
						Case         struct{ ID, CollabNo, Kind string }
					}
				}
				PageInfo struct{ HasNextPage bool }
			}
		}
		b.do2(t, srv.URL, clerk, search, map[string]any{"s": map[string]any{"collabNo": collab.Node.CollabNo, "status": "VALID", "kind": "BIRTH"}}).ok(t, &found)
		require.Len(t, found.SearchArchives.Edges, 1)
		hit := found.SearchArchives.Edges[0].Node
		require.Equal(t, f.ID, hit.File.ID)
		require.Equal(t, caseGID, hit.Case.ID)
		require.Equal(t, "出生医学证明", hit.MaterialName)
		b.do2(t, srv.URL, b.token(t, b.otherClerk), search, map[string]any{"s": map[string]any{"collabNo": collab.Node.CollabNo}}).ok(t, &found)
		require.Empty(t, found.SearchArchives.Edges, "outside the caller's jurisdiction")
		requireError(t, b.do2(t, srv.URL, b.token(t, b.analyst), search, map[string]any{"s": map[string]any{}}), "FORBIDDEN", "", "auth.role")
		var types struct{ ArchiveMaterialTypes []struct{ Code, Name string } }
		b.do2(t, srv.URL, clerk, `{ archiveMaterialTypes { code name } }`, nil).ok(t, &types)
		require.Contains(t, types.ArchiveMaterialTypes, struct{ Code, Name string }{"BIRTH_CERT", "出生医学证明"})
		requireError(t, b.do2(t, srv.URL, clerk, search, map[string]any{"s": map[string]any{"personIdNumber": "12345"}}), "BAD_USER_INPUT", "personIdNumber", "")
	})
}

// do2 POSTs a query to the server at baseURL with token as the bearer.
func (b *testBundle) do2(t *testing.T, baseURL, token, query string, vars map[string]any) gqlResponse {
	t.Helper()
	return post(t, baseURL, "Bearer "+token, token == "", query, vars)
}

// uploadMultipart sends query as a GraphQL multipart request (the spec's
// operations, map and file parts), with the file as variable fileVar.
func uploadMultipart(t *testing.T, baseURL, token, query string, vars map[string]any, fileVar, filename, contentType string, content []byte) gqlResponse {
	t.Helper()
	vars[fileVar] = nil
	ops, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	require.NoError(t, mw.WriteField("operations", string(ops)))
	require.NoError(t, mw.WriteField("map", `{"0": ["variables.`+fileVar+`"]}`))
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="0"; filename="`+filename+`"`)
	h.Set("Content-Type", contentType)
	part, err := mw.CreatePart(h)
	require.NoError(t, err)
	_, err = part.Write(content)
	require.NoError(t, err)
	require.NoError(t, mw.Close())

	req, err := http.NewRequest(http.MethodPost, baseURL+"/graphql", &body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out gqlResponse
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	out.Status = resp.StatusCode
	require.Less(t, out.Status, 500, "errors: %+v", out.Errors)
	return out
}

func get(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

func requireJSONError(t *testing.T, resp *http.Response, body []byte, code string) {
	t.Helper()
	require.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json"), resp.Header.Get("Content-Type"))
	var e struct{ Code, Message string }
	require.NoError(t, json.Unmarshal(body, &e), string(body))
	require.Equal(t, code, e.Code)
	require.NotEmpty(t, e.Message)
}

// newBirthCase stores a BIRTH case at the acceptance side, in DRAFT, at
// office, with the hukou in Hebei (13).
func newBirthCase(t *testing.T, db *storage.DB, office string) string {
	t.Helper()
	now := time.Now().UTC()
	c := &domain.Case{ID: newID(), Kind: birth.Kind, Side: domain.SideAcceptance, CollabNo: "XT" + newID()[:18],
		Status: domain.StatusDraft, AcceptanceOffice: office, RegistrationOffice: "130102000100", RegistrationProvince: "13",
		Office: office, Applicant: json.RawMessage("{}"), Ministry: json.RawMessage("{}"), Result: json.RawMessage("{}"),
		CreatedBy: "clerk", CreatedAt: now, UpdatedAt: now}
	require.NoError(t, db.InTx(context.Background(), func(ctx context.Context, tx domain.Repos) error {
		return tx.Cases().CreateCase(ctx, c)
	}))
	return c.ID
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 0x40, A: 0xff})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}
