package resolvers_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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

const fileLinksQuery = `query($ids: [ID!]!) { fileLinks(ids: $ids) { id url thumbnailUrl downloadUrl expiresAt } }`

type fileLinkJSON struct {
	ID, URL, ThumbnailURL, DownloadURL string
	ExpiresAt                          time.Time
}

// filesBundle is testBundle with archives, /files, and a second /files
// whose clock runs FileLinkTTL+1 s ahead (for expired links).
type filesBundle struct {
	*testBundle
	srv, later *httptest.Server
	archives   *domain.ArchiveService
	blobs      domain.BlobStore
	caseID     string
}

func setupFiles(t *testing.T, db *storage.DB, ministryURL string) *filesBundle {
	t.Helper()
	b := setup(t, db)
	blobs, err := blob.NewLocal(t.TempDir())
	require.NoError(t, err)
	cases := storagetest.Engine(db, b.audit, birth.Workflow)
	archives := domain.NewArchiveService(cases, blobs, ministry.New(httpclient.Config{BaseURL: ministryURL}), 0)
	res := *b.res
	res.Casework, res.Archives = cases, archives
	mux := http.NewServeMux()
	mux.Handle("/graphql", resolvers.NewHandler(resolvers.Config{Resolver: &res, Tokens: b.tokens}))
	mux.Handle("/files/", resolvers.NewFileHandler(archives, b.tokens, res.Auth))
	srv := httptest.NewServer(resolvers.SecurityHeaders(mux))
	t.Cleanup(srv.Close)
	later := httptest.NewServer(resolvers.NewFileHandlerAt(archives, b.tokens, res.Auth,
		func() time.Time { return time.Now().Add(domain.FileLinkTTL + time.Second) }))
	t.Cleanup(later.Close)
	return &filesBundle{testBundle: b, srv: srv, later: later, archives: archives, blobs: blobs, caseID: newBirthCase(t, db, b.station)}
}

// legacyFile stores a file as a row kept before the upload check existed
// would be: with the type and name its sender declared.
func (f *filesBundle) legacyFile(t *testing.T, name, contentType string, content []byte) string {
	t.Helper()
	ctx := context.Background()
	ref, err := f.blobs.Put(ctx, bytes.NewReader(content), contentType)
	require.NoError(t, err)
	now := time.Now().UTC()
	cf := &domain.CaseFile{ID: newID(), CaseID: f.caseID, Category: domain.FileArchive, MaterialCode: "BIRTH_CERT", Name: name,
		ContentType: contentType, Size: ref.Size, BlobKey: ref.Key, Restriction: domain.RestrictionNone, Valid: true,
		CreatedBy: "collaboration", CreatedAt: now, UpdatedAt: now}
	require.NoError(t, f.db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error { return tx.Files().CreateCaseFile(ctx, cf) }))
	return cf.ID
}

func (f *filesBundle) links(t *testing.T, token string, ids ...string) []fileLinkJSON {
	t.Helper()
	gids := make([]string, len(ids))
	for i, id := range ids {
		gids[i] = scalar.GlobalID("CaseFile", id)
	}
	var out struct{ FileLinks []fileLinkJSON }
	f.do2(t, f.srv.URL, token, fileLinksQuery, map[string]any{"ids": gids}).ok(t, &out)
	require.Len(t, out.FileLinks, len(ids))
	return out.FileLinks
}

// requireFileRefused requires a JSON error with code and reason from GET url.
func requireFileRefused(t *testing.T, rawURL string, status int, code, reason string) {
	t.Helper()
	resp, body := get(t, rawURL, "")
	require.Equal(t, status, resp.StatusCode, string(body))
	requireJSONError(t, resp, body, code)
	require.Contains(t, string(body), `"reason":"`+reason+`"`)
	require.Equal(t, "sandbox", resp.Header.Get("Content-Security-Policy"))
}

// withQuery returns rawURL with its query parameter key set to value.
func withQuery(t *testing.T, rawURL, key, value string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	require.NoError(t, err)
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestSecurity_Files replays the stored-XSS chain of issue 10 against the
// real handlers on both databases: hostile content is never rendered in
// our origin, and files open only through short-lived signed links bound
// to the user (never with a token in the URL).
func TestSecurity_Files(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		f := setupFiles(t, db, sim.URL)
		clerk := f.token(t, f.clerk)
		img := testPNG(t, 64, 48)
		var up struct{ UploadArchive caseFileJSON }
		uploadMultipart(t, f.srv.URL, clerk, uploadArchiveMutation, map[string]any{"c": scalar.GlobalID("Case", f.caseID), "m": "BIRTH_CERT"},
			"f", "出生医学证明.png", "image/png", img).ok(t, &up)
		pngID := strings.TrimPrefix(up.UploadArchive.URL, "/files/")
		htmlID := f.legacyFile(t, "invoice.html", "text/html", []byte(`<!doctype html><script>fetch("/graphql")</script>`))
		svgID := f.legacyFile(t, "seal.svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
		links := f.links(t, clerk, pngID, htmlID, svgID)
		png, html, svg := links[0], links[1], links[2]
		require.Equal(t, scalar.GlobalID("CaseFile", pngID), png.ID)
		require.WithinDuration(t, time.Now().Add(domain.FileLinkTTL), png.ExpiresAt, 5*time.Second)
		for _, l := range links {
			require.NotContains(t, l.URL, clerk, "no token in a URL")
			require.NotContains(t, l.URL, "access_token")
		}
		minted := f.auditEntries(t, domain.AuditFilter{Action: domain.AuditRead, SubjectID: pngID, ActorID: f.clerk.ID})
		require.Len(t, minted, 1, "minting is audited")
		require.Equal(t, "archive.link", minted[0].Operation)

		t.Run("ImageInlineSandboxed", func(t *testing.T) {
			resp, body := get(t, f.srv.URL+png.URL, "")
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.Equal(t, img, body)
			require.Equal(t, "image/png", resp.Header.Get("Content-Type"))
			require.True(t, strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline; "))
			require.Equal(t, "sandbox", resp.Header.Get("Content-Security-Policy"))
			require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			resp, _ = get(t, f.srv.URL+png.ThumbnailURL, "")
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.Equal(t, "image/jpeg", resp.Header.Get("Content-Type"))
			require.Equal(t, "sandbox", resp.Header.Get("Content-Security-Policy"))
			resp, _ = get(t, f.srv.URL+png.DownloadURL, "")
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.True(t, strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; "))
			reads := f.auditEntries(t, domain.AuditFilter{Action: domain.AuditRead, SubjectID: pngID, ActorID: f.clerk.ID})
			require.Len(t, reads, 4, "the mint and each of the three reads")
		})

		t.Run("StoredHTMLAndSVGAreAttachmentsSandboxed", func(t *testing.T) {
			for _, l := range []fileLinkJSON{html, svg} {
				resp, _ := get(t, f.srv.URL+l.URL, "")
				require.Equal(t, http.StatusOK, resp.StatusCode)
				require.Equal(t, "application/octet-stream", resp.Header.Get("Content-Type"), "never text/html or image/svg+xml")
				require.True(t, strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; "), resp.Header.Get("Content-Disposition"))
				require.Equal(t, "sandbox", resp.Header.Get("Content-Security-Policy"))
				require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			}
		})

		t.Run("TokenInURLRefused", func(t *testing.T) {
			requireFileRefused(t, f.srv.URL+up.UploadArchive.URL+"?access_token="+clerk, http.StatusUnauthorized, "UNAUTHENTICATED", "auth.required")
		})

		t.Run("ForgedLinkRefused", func(t *testing.T) {
			u, err := url.Parse(png.URL)
			require.NoError(t, err)
			sig := u.Query().Get("sig")
			forged := "A"
			if sig[0] == 'A' {
				forged = "B"
			}
			requireFileRefused(t, f.srv.URL+withQuery(t, png.URL, "sig", forged+sig[1:]), http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_invalid")
			requireFileRefused(t, f.srv.URL+withQuery(t, png.URL, "sig", "not base64!"), http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_invalid")
			requireFileRefused(t, f.srv.URL+withQuery(t, png.URL, "sig", ""), http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_invalid")
			// A later expiry with the old signature.
			exp := png.ExpiresAt.Add(time.Minute).Unix()
			requireFileRefused(t, f.srv.URL+withQuery(t, png.URL, "exp", strconv.FormatInt(exp, 10)), http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_invalid")
			// The signature of one file on another.
			requireFileRefused(t, f.srv.URL+strings.Replace(png.URL, pngID, htmlID, 1), http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_invalid")
			// Garbage in the parameters: refused, never a 500.
			requireFileRefused(t, f.srv.URL+withQuery(t, png.URL, "u", "\x00"), http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_invalid")
			requireFileRefused(t, f.srv.URL+withQuery(t, png.URL, "exp", "soon"), http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_invalid")
			requireFileRefused(t, f.srv.URL+withQuery(t, png.URL, "g", "x"), http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_invalid")
			requireFileRefused(t, f.srv.URL+withQuery(t, png.URL, "u", strings.Repeat("u", 5000)), http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_invalid")
		})

		t.Run("OtherUsersLinkRefused", func(t *testing.T) {
			// The clerk's link presented as another user's (who could read
			// the file too) or as a user outside the jurisdiction.
			colleague := f.createUser(t, "colleague", f.station, domain.RoleClerk)
			requireFileRefused(t, f.srv.URL+withQuery(t, png.URL, "u", colleague.ID), http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_invalid")
			requireFileRefused(t, f.srv.URL+withQuery(t, png.URL, "u", f.otherClerk.ID), http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_invalid")
			// Nobody outside the jurisdiction can mint one; a masked role neither.
			requireError(t, f.do2(t, f.srv.URL, f.token(t, f.otherClerk), fileLinksQuery, map[string]any{"ids": []string{png.ID}}), "NOT_FOUND", "", "not_found")
			requireError(t, f.do2(t, f.srv.URL, f.token(t, f.analyst), fileLinksQuery, map[string]any{"ids": []string{png.ID}}), "FORBIDDEN", "", "pii.document")
			requireError(t, f.do2(t, f.srv.URL, "", fileLinksQuery, map[string]any{"ids": []string{png.ID}}), "UNAUTHENTICATED", "", "")
			require.Len(t, f.auditEntries(t, domain.AuditFilter{Action: domain.AuditDenied, SubjectID: pngID, ActorID: f.otherClerk.ID}), 1)
		})

		t.Run("ExpiredLinkRefused", func(t *testing.T) {
			requireFileRefused(t, f.later.URL+png.URL, http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_expired")
		})

		t.Run("BadRequestsRefused", func(t *testing.T) {
			many := make([]string, domain.MaxFileLinks+1)
			for i := range many {
				many[i] = png.ID
			}
			requireError(t, f.do2(t, f.srv.URL, clerk, fileLinksQuery, map[string]any{"ids": many}), "BAD_USER_INPUT", "ids", "files.too_many")
			requireError(t, f.do2(t, f.srv.URL, clerk, fileLinksQuery, map[string]any{"ids": []string{"nope"}}), "BAD_USER_INPUT", "ids", "node.id")
		})

		t.Run("LinksDieWithTheSession", func(t *testing.T) {
			leaver := f.createUser(t, "leaver-files", f.station, domain.RoleClerk)
			s := f.login(t, leaver.Username)
			l := f.links(t, s.AccessToken, pngID)[0]
			resp, _ := get(t, f.srv.URL+l.URL, "")
			require.Equal(t, http.StatusOK, resp.StatusCode)
			var out struct{ Logout bool }
			f.do(t, "", `mutation($t: String!) { logout(refreshToken: $t) }`, map[string]any{"t": s.RefreshToken}).ok(t, &out)
			requireFileRefused(t, f.srv.URL+l.URL, http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_revoked")
			// Claiming the new generation does not help: the MAC covers it.
			requireFileRefused(t, f.srv.URL+withQuery(t, l.URL, "g", "99"), http.StatusUnauthorized, "UNAUTHENTICATED", "files.link_invalid")
		})
	})
}
