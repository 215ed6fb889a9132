package domain_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"io"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/platform/platformsim"
	"hukou/storage/storagetest"
)

// TestEngine_MultiPageArchiveTravels (issue 16 items 2 and 5): a
// three-page material travels to the other office as one material with
// its pages in order (one signed attachment per page) and is kept there as
// one archive of three pages, beside a single-page one; an application
// whose pages are not the ones its sender signed (reordered) is a dead
// letter and keeps nothing. Across two deployments and the platform
// simulator, on SQLite and on PostgreSQL.
func TestEngine_MultiPageArchiveTravels(t *testing.T) {
	t.Parallel()
	for _, dbKind := range []string{"sqlite", "postgres"} {
		t.Run(dbKind, func(t *testing.T) {
			t.Parallel()
			open := storagetest.OpenSQLite
			if dbKind == "postgres" {
				open = storagetest.OpenPostgres
			}
			ctx := context.Background()
			sim, err := platformsim.New(platformsim.Config{DBPath: filepath.Join(t.TempDir(), "platform.db")})
			require.NoError(t, err)
			t.Cleanup(func() { _ = sim.Close() })
			srv := httptest.NewServer(sim)
			t.Cleanup(srv.Close)
			const panjin, shijiazhuang, nanjing = "211100000000", "130100000000", "320100000000"
			var peers []domain.PeerKey
			for _, o := range []string{panjin, shijiazhuang, nanjing} {
				id, priv := domain.DevKey(o)
				peers = append(peers, domain.PeerKey{KeyID: id, PublicKey: priv.Public().(ed25519.PublicKey), Offices: []string{o[:2]}})
			}
			pj := startDeployment(t, open(t), panjin, srv.URL, peers)
			sjz := startDeployment(t, open(t), shijiazhuang, srv.URL, peers)
			nj := startDeployment(t, open(t), nanjing, srv.URL, peers)
			pjArch := domain.NewArchiveService(pj.cases, mustLocal(t), ministryClient(t), 0)
			pj.cases.Files = pjArch
			sjzBlobs := mustLocal(t)
			sjz.cases.Files = domain.NewArchiveService(sjz.cases, sjzBlobs, ministryClient(t), 0)

			clerk := actor("211103000100", domain.OfficePoliceStation, domain.RoleClerk)
			c := &domain.Case{ID: uuid.NewString(), Kind: toyKind, CollabNo: "TOY" + uuid.NewString()[:12], AcceptanceOffice: "211103000100",
				RegistrationOffice: "130102000100", RegistrationProvince: "13", Office: "211103000100", Applicant: []byte(`{"n":7}`), Ministry: []byte(`{}`)}
			require.NoError(t, pj.cases.Create(clerk, c, "START_TOY"))

			// Panjin's archives: a three-page material and a single page,
			// stored as uploadArchive stores them.
			pages := [][]byte{pngImage(t, 21, 20), pngImage(t, 22, 20), pngImage(t, 23, 20)}
			single := pngImage(t, 24, 20)
			put := func(b []byte) domain.BlobRef {
				ref, err := pjArch.Blobs.Put(ctx, bytes.NewReader(b), "image/png")
				require.NoError(t, err)
				return ref
			}
			now := time.Now().UTC()
			multi := &domain.CaseFile{ID: uuid.NewString(), CaseID: c.ID, Category: domain.FileArchive, MaterialCode: "HOUSEHOLD_BOOK", Name: "户口簿第1页.png",
				ContentType: "image/png", Size: int64(len(pages[0])), BlobKey: put(pages[0]).Key, Restriction: domain.RestrictionNone, Valid: true,
				Pages: 3, PageSet: uuid.NewString(), CreatedBy: "clerk", CreatedAt: now, UpdatedAt: now}
			one := &domain.CaseFile{ID: uuid.NewString(), CaseID: c.ID, Category: domain.FileArchive, MaterialCode: "BIRTH_CERT", Name: "出生医学证明.png",
				ContentType: "image/png", Size: int64(len(single)), BlobKey: put(single).Key, Restriction: domain.RestrictionNone, Valid: true,
				Pages: 1, CreatedBy: "clerk", CreatedAt: now, UpdatedAt: now}
			require.NoError(t, pj.db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
				for _, f := range []*domain.CaseFile{multi, one} {
					if err := tx.Files().CreateCaseFile(ctx, f); err != nil {
						return err
					}
				}
				return tx.Files().AppendCaseFilePages(ctx, []*domain.CaseFilePage{
					{FileID: multi.ID, PageSet: multi.PageSet, Page: 2, Name: "户口簿第2页.png", ContentType: "image/png", Size: int64(len(pages[1])), BlobKey: put(pages[1]).Key, CreatedAt: now},
					{FileID: multi.ID, PageSet: multi.PageSet, Page: 3, Name: "户口簿第3页.png", ContentType: "image/png", Size: int64(len(pages[2])), BlobKey: put(pages[2]).Key, CreatedAt: now},
				})
			}))

			archives, err := pjArch.ArchiveContents(ctx, c.ID)
			require.NoError(t, err)
			require.Len(t, archives, 2, "one material per archive, whatever its pages")
			require.Len(t, domain.ArchiveAttachments(archives), 4, "one signed attachment per page")
			_, err = pj.cases.Act(clerk, toyKind, domain.StepRequest{Ref: domain.CaseRef{ID: c.ID, Version: c.Version}, Action: "SEND_TOY",
				Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
					return pj.cases.SendApplication(ctx, tx, c, archives)
				}})
			require.NoError(t, err)

			var rc *domain.Case
			require.Eventually(t, func() bool {
				rc, err = sjz.db.Cases().FindCaseByCollabNo(ctx, c.CollabNo, domain.SideRegistration)
				return err == nil
			}, 20*time.Second, 50*time.Millisecond, "the application never reached Shijiazhuang")
			files, err := sjz.db.Files().FindCaseFiles(ctx, rc.ID, domain.FileArchive)
			require.NoError(t, err)
			require.Len(t, files, 2, "received as two archives, not four")
			byCode := map[string]*domain.CaseFile{}
			for _, f := range files {
				byCode[f.MaterialCode] = f
			}
			got := byCode["HOUSEHOLD_BOOK"]
			require.NotNil(t, got)
			require.Equal(t, 3, got.Pages)
			require.Equal(t, "户口簿第1页.png", got.Name)
			require.Equal(t, 1, byCode["BIRTH_CERT"].Pages)
			read := func(key string) []byte {
				rc, _, err := sjzBlobs.Open(ctx, key)
				require.NoError(t, err)
				defer rc.Close()
				b, err := io.ReadAll(rc)
				require.NoError(t, err)
				return b
			}
			require.Equal(t, pages[0], read(got.BlobKey))
			more, err := sjz.db.Files().FindCaseFilePages(ctx, got.ID, got.PageSet)
			require.NoError(t, err)
			require.Len(t, more, 2)
			for i, p := range more {
				require.Equal(t, i+2, p.Page)
				require.Equal(t, pages[i+1], read(p.BlobKey), "page %d in order", p.Page)
			}

			// Nanjing sends an application whose pages are reordered after
			// signing: a dead letter, and nothing kept.
			signed := []domain.FileContent{{MaterialCode: "HOUSEHOLD_BOOK", Name: "a.png", ContentType: "image/png", Content: pages[0],
				Pages: []domain.FilePage{{Name: "b.png", ContentType: "image/png", Content: pages[1]}, {Name: "c.png", ContentType: "image/png", Content: pages[2]}}}}
			swapped := []domain.FileContent{signed[0]}
			swapped[0].Pages = []domain.FilePage{signed[0].Pages[1], signed[0].Pages[0]}
			forged := "TOY" + uuid.NewString()[:12]
			require.NoError(t, nj.db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
				_, err := nj.collab.Send(ctx, tx, domain.Outgoing{CollabNo: forged, CaseKind: string(toyKind), MessageType: string(domain.MsgApplication),
					SenderOffice: "320102000100", ReceiverOffice: shijiazhuang, SenderUser: "clerk", Attachments: domain.ArchiveAttachments(signed),
					Body: domain.ApplicationBody{Case: domain.CaseWire{CollabNo: forged, AcceptanceOffice: "320102000100", RegistrationOffice: "130102000100",
						RegistrationProvince: "13", Applicant: []byte(`{"n":8}`), Ministry: []byte(`{}`)}, Archives: swapped}})
				return err
			}))
			require.Eventually(t, func() bool {
				page, err := sjz.db.Collab().FindMessages(ctx, domain.CollabMessageFilter{Statuses: []domain.MessageStatus{domain.MessageFailed}}, domain.Page{First: 10})
				require.NoError(t, err)
				return len(page.Messages) == 1 && bytes.Contains([]byte(page.Messages[0].LastError), []byte("signed hash"))
			}, 20*time.Second, 50*time.Millisecond, "the reordered pages were not refused")
			_, err = sjz.db.Cases().FindCaseByCollabNo(ctx, forged, domain.SideRegistration)
			require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err), "nothing kept of the refused application")
		})
	}
}
