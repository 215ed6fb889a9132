package domain_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestArchivePages: several images as one material (issue 16 item 5), on
// both databases: the pages are served in order, a PDF is captured alone,
// the pages together stay within the limit, a replacement keeps the old
// pages (their blobs still referenced for the sweeper), and every page
// travels to the other office.
func TestArchivePages(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newArchiveFixture(t, db, 0)
		p1, p2, p3 := pngImage(t, 30, 20), pngImage(t, 31, 20), pngImage(t, 32, 20)
		page := func(name string, b []byte) domain.ArchiveUpload {
			return domain.ArchiveUpload{Name: name, ContentType: "image/png", Content: bytes.NewReader(b)}
		}
		a, err := f.svc.UploadPages(f.clerk, f.caseID, "BIRTH_CERT", []domain.ArchiveUpload{page("第1页.png", p1), page("第2页.png", p2), page("第3页.png", p3)})
		require.NoError(t, err)
		require.Equal(t, 3, a.Pages)
		read := func(n int) []byte {
			t.Helper()
			rc, pf, err := f.svc.OpenPage(f.clerk, a.ID, n)
			require.NoError(t, err)
			defer rc.Close()
			b, err := io.ReadAll(rc)
			require.NoError(t, err)
			require.Equal(t, a.ID, pf.ID)
			return b
		}
		require.Equal(t, p1, read(1))
		require.Equal(t, p2, read(2))
		require.Equal(t, p3, read(3))
		_, _, err = f.svc.OpenPage(f.clerk, a.ID, 4)
		requireCode(t, err, domain.CodeNotFound, "", "archive.page")
		_, _, err = f.svc.OpenPage(f.other, a.ID, 2)
		requireCode(t, err, domain.CodeNotFound, "", "")
		got, err := db.Files().FindCaseFileByID(ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, 3, got.Pages)

		// Every page goes to the other office, as one material with its
		// pages in order.
		contents, err := f.svc.ArchiveContents(ctx, f.caseID)
		require.NoError(t, err)
		require.Len(t, contents, 1)
		names := []string{contents[0].Name}
		for _, p := range contents[0].Pages {
			names = append(names, p.Name)
		}
		require.Equal(t, []string{"第1页.png", "第2页.png", "第3页.png"}, names)
		require.Equal(t, p3, contents[0].Pages[1].Content)
		require.Len(t, domain.FlattenPages(contents), 3, "for contracts of single files (the production centre)")

		// A PDF alone, never among pages; the pages together within the limit.
		_, err = f.svc.UploadPages(f.clerk, f.caseID, "BIRTH_CERT", []domain.ArchiveUpload{page("a.png", p1),
			{Name: "b.pdf", ContentType: "application/pdf", Content: bytes.NewReader([]byte("%PDF-1.4 x"))}})
		requireCode(t, err, domain.CodeInvalid, "file", "archive.pages")
		small := newArchiveFixture(t, db, int64(len(p1)+len(p2)-1))
		_, err = small.svc.UploadPages(small.clerk, small.caseID, "BIRTH_CERT", []domain.ArchiveUpload{page("a.png", p1), page("b.png", p2)})
		requireCode(t, err, domain.CodeInvalid, "file", "archive.too_large")

		// Replaced by two pages: the old three are kept and stay referenced.
		q1, q2 := pngImage(t, 33, 20), pngImage(t, 34, 20)
		m, err := f.svc.Modify(f.clerk, a.ID, a.Version, "", page("新1.png", q1), page("新2.png", q2))
		require.NoError(t, err)
		require.Equal(t, 2, m.Pages)
		require.Equal(t, q2, read(2))
		_, _, err = f.svc.OpenPage(f.clerk, a.ID, 3)
		requireCode(t, err, domain.CodeNotFound, "", "archive.page")
		versions, err := db.Files().FindCaseFileVersions(ctx, a.ID)
		require.NoError(t, err)
		require.Len(t, versions, 1)
		require.Equal(t, 3, versions[0].Pages)
		old, err := db.Files().FindCaseFilePages(ctx, a.ID, versions[0].PageSet)
		require.NoError(t, err)
		require.Len(t, old, 2)
		used, err := db.ReferencedBlobs(ctx, []string{keyOf(p2), keyOf(p3), keyOf(q2)})
		require.NoError(t, err)
		require.Equal(t, map[string]bool{keyOf(p2): true, keyOf(p3): true, keyOf(q2): true}, used, "old and new pages are referenced")
	})
}
