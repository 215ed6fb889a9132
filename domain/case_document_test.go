package domain_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// pngHeaderOnly is a PNG whose header announces w×h pixels and carries no
// image data: a decompression bomb's calling card, cheap to make.
func pngHeaderOnly(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 16, 6 // 16-bit RGBA
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	chunk("IHDR", ihdr)
	chunk("IEND", nil)
	return b.Bytes()
}

// TestArchiveService_IncomingFiles: files that arrive from another
// deployment (archives with an application, documents in a kind's
// messages) get the checks of an upload, whatever the sender declared: a
// refused file is a CodeInvalid error (the message becomes a dead letter)
// and nothing is stored; an accepted one is stored with its sniffed type
// and a name whose extension follows it.
func TestArchiveService_IncomingFiles(t *testing.T) {
	t.Parallel()
	html := []byte("<!doctype html><html><body><script>fetch('/graphql')</script></body></html>")
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	tests := []struct {
		name, fileName, declared string
		content                  []byte
		reason                   string // refused with this reason; "" when kept
		wantType, wantName       string
	}{
		{"HTMLClaimingPNG", "photo.png", "image/png", html, "archive.content_type", "", ""},
		{"HTMLClaimingHTML", "page.html", "text/html", html, "archive.content_type", "", ""},
		{"SVGClaimingSVG", "seal.svg", "image/svg+xml", svg, "archive.content_type", "", ""},
		{"Empty", "x.pdf", "application/pdf", nil, "archive.empty", "", ""},
		{"PixelBomb", "bomb.png", "image/png", pngHeaderOnly(100000, 100000), "archive.image_dimensions", "", ""},
		{"BrokenImage", "x.png", "image/png", append(pngHeaderOnly(10, 10)[:20], 0, 0), "archive.image_unreadable", "", ""},
		{"PNGClaimingPDF", "form.pdf", "application/pdf", nil, "", "image/png", "form.png"},
		{"PDFClaimingPNG", "form", "image/png", pdf, "", "application/pdf", "form.pdf"},
		{"NameWithPath", "../../etc/passwd.pdf", "application/pdf", pdf, "", "application/pdf", "archive.pdf"},
	}
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newArchiveFixture(t, db, 0)
		img := pngImage(t, 40, 30)
		for _, keep := range []struct {
			what string
			fn   func(tx domain.Repos, name, declared string, content []byte) error
		}{
			{"archive", func(tx domain.Repos, name, declared string, content []byte) error {
				return f.svc.KeepArchive(ctx, tx, f.caseID, "BIRTH_CERT", name, declared, content)
			}},
			{"document", func(tx domain.Repos, name, declared string, content []byte) error {
				return f.svc.KeepDocument(ctx, tx, f.caseID, "SIGNED_FORM", name, declared, content)
			}},
		} {
			for _, tt := range tests {
				content := tt.content
				if tt.name == "PNGClaimingPDF" {
					content = img
				}
				before, err := db.Files().FindCaseFiles(ctx, f.caseID, "")
				require.NoError(t, err)
				err = db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
					return keep.fn(tx, tt.fileName, tt.declared, content)
				})
				after, ferr := db.Files().FindCaseFiles(ctx, f.caseID, "")
				require.NoError(t, ferr)
				if tt.reason != "" {
					requireCode(t, err, domain.CodeInvalid, "file", tt.reason)
					require.Len(t, after, len(before), "%s %s: nothing stored", keep.what, tt.name)
					continue
				}
				require.NoError(t, err, "%s %s", keep.what, tt.name)
				require.Len(t, after, len(before)+1)
				seen := map[string]bool{}
				for _, cf := range before {
					seen[cf.ID] = true
				}
				var kept *domain.CaseFile
				for _, cf := range after {
					if !seen[cf.ID] {
						kept = cf
					}
				}
				require.Equal(t, tt.wantType, kept.ContentType, "%s %s", keep.what, tt.name)
				require.Equal(t, tt.wantName, kept.Name, "%s %s", keep.what, tt.name)
			}
		}

		t.Run("TooLarge", func(t *testing.T) {
			small := newArchiveFixture(t, db, 1024)
			err := db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
				return small.svc.KeepArchive(ctx, tx, small.caseID, "BIRTH_CERT", "big.png", "image/png", pngImage(t, 800, 600))
			})
			requireCode(t, err, domain.CodeInvalid, "file", "archive.too_large")
		})
	})
}
