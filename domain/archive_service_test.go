package domain_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/birth"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
	"hukou/integrations/ministry/ministrysim"
	"hukou/storage"
	"hukou/storage/blob"
	"hukou/storage/storagetest"
)

const (
	archStation      = "211103000100"
	archOtherStation = "211104000100"
	archCity         = "211100000000"
)

var (
	simOnce sync.Once
	simURL  string
)

// ministryClient returns a client of one real Ministry simulator over HTTP,
// shared by the package's tests.
func ministryClient(t *testing.T) domain.Ministry {
	t.Helper()
	simOnce.Do(func() {
		srv := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
		simURL = srv.URL // lives as long as the test binary
	})
	return ministry.New(httpclient.Config{BaseURL: simURL, Timeout: 5 * time.Second})
}

func actorAt(office string, level domain.OfficeLevel, name string, roles ...domain.Role) context.Context {
	return domain.WithActor(context.Background(), &domain.Actor{UserID: uuid.NewString(), Username: name, OfficeCode: office,
		Office: &domain.Office{Code: office, Level: level}, Roles: roles, RemoteAddr: "127.0.0.1"})
}

// archiveFixture is an ArchiveService over a real database, a real local
// blob store and the Ministry simulator, with a BIRTH case in DRAFT at
// archStation whose hukou is in Hebei (13).
type archiveFixture struct {
	db       *storage.DB
	blobs    *blob.Local
	audit    *storage.AuditWriter
	svc      *domain.ArchiveService
	caseID   string
	clerk    context.Context
	other    context.Context // a clerk of another station
	archivst context.Context
	admin    context.Context
}

func newArchiveFixture(t *testing.T, db *storage.DB, maxSize int64) *archiveFixture {
	t.Helper()
	blobs, err := blob.NewLocal(t.TempDir())
	require.NoError(t, err)
	audit := storage.NewAuditWriter(db)
	t.Cleanup(audit.Close)
	cases := storagetest.Engine(db, audit, birth.Workflow)
	f := &archiveFixture{db: db, blobs: blobs, audit: audit,
		svc:      domain.NewArchiveService(cases, blobs, ministryClient(t), maxSize),
		clerk:    actorAt(archStation, domain.OfficePoliceStation, "clerk", domain.RoleClerk),
		other:    actorAt(archOtherStation, domain.OfficePoliceStation, "other-clerk", domain.RoleClerk),
		archivst: actorAt(archStation, domain.OfficePoliceStation, "archivist", domain.RoleArchivist),
		admin:    actorAt(archCity, domain.OfficeCityBureau, "admin", domain.RoleAdmin),
	}
	f.caseID = createBirthCase(t, db, archStation)
	return f
}

// createBirthCase stores a BIRTH case at the acceptance side, in DRAFT.
func createBirthCase(t *testing.T, db *storage.DB, office string) string {
	t.Helper()
	c := &domain.Case{ID: uuid.NewString(), Kind: birth.Kind, Side: domain.SideAcceptance, CollabNo: "XT" + uuid.NewString()[:18],
		Status: domain.StatusDraft, AcceptanceOffice: office, RegistrationOffice: "130102000100", RegistrationProvince: "13",
		Office: office, Applicant: json.RawMessage("{}"), Ministry: json.RawMessage("{}"), Result: json.RawMessage("{}"),
		CreatedBy: "clerk", CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	require.NoError(t, db.InTx(context.Background(), func(ctx context.Context, tx domain.Repos) error {
		return tx.Cases().CreateCase(ctx, c)
	}))
	return c.ID
}

func pngImage(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 0x80, A: 0xff})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func requireCode(t *testing.T, err error, code domain.Code, field, reason string) *domain.Error {
	t.Helper()
	var de *domain.Error
	require.True(t, errors.As(err, &de), "want a *domain.Error, got %v", err)
	require.Equal(t, code, de.Code, "error: %v", err)
	if field != "" {
		require.Equal(t, field, de.Field, "error: %v", err)
	}
	if reason != "" {
		require.Equal(t, reason, de.Reason, "error: %v", err)
	}
	return de
}

func TestArchiveService(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		f := newArchiveFixture(t, db, 0)
		img := pngImage(t, 800, 600)

		// Upload → listed under its material → open → thumbnail.
		up, err := f.svc.Upload(f.clerk, f.caseID, "BIRTH_CERT", "出生医学证明.png", "image/png", bytes.NewReader(img))
		require.NoError(t, err)
		require.Equal(t, domain.FileArchive, up.Category)
		require.Equal(t, "image/png", up.ContentType)
		require.EqualValues(t, len(img), up.Size)
		require.Len(t, up.BlobKey, 64)
		require.Equal(t, domain.RestrictionNone, up.Restriction)
		require.True(t, up.Valid)
		require.Equal(t, 1, up.Version)

		mats, err := f.svc.MaterialsFor(f.clerk, f.caseID)
		require.NoError(t, err)
		codes := map[string]*domain.ArchiveMaterial{}
		for _, m := range mats {
			codes[m.Code] = m
		}
		require.Contains(t, codes, "BIRTH_APPLICATION", "Hebei's own material is on the list")
		require.True(t, codes["BIRTH_CERT"].Required)
		require.Len(t, codes["BIRTH_CERT"].Files, 1)
		require.Equal(t, up.ID, codes["BIRTH_CERT"].Files[0].ID)
		require.Empty(t, codes["PARENT_ID"].Files)

		rc, of, err := f.svc.Open(f.clerk, up.ID)
		require.NoError(t, err)
		got, err := io.ReadAll(rc)
		rc.Close()
		require.NoError(t, err)
		require.Equal(t, img, got)
		require.Equal(t, up.BlobKey, of.BlobKey)

		thumb, _, err := f.svc.Thumbnail(f.clerk, up.ID)
		require.NoError(t, err)
		cfg, format, err := image.DecodeConfig(bytes.NewReader(thumb))
		require.NoError(t, err)
		require.Equal(t, "jpeg", format)
		require.Equal(t, domain.ThumbnailSize, cfg.Width)
		require.Equal(t, domain.ThumbnailSize, cfg.Height)
		_, err = jpeg.Decode(bytes.NewReader(thumb))
		require.NoError(t, err)

		// The reads are audited, and committed before they were answered.
		page, err := db.Audit().FindAuditEntries(context.Background(), domain.AuditFilter{Action: domain.AuditRead, SubjectID: up.ID}, domain.Page{First: 10})
		require.NoError(t, err)
		require.Len(t, page.Entries, 2, "open and thumbnail")

		t.Run("ErrTooLarge", func(t *testing.T) {
			small := newArchiveFixture(t, db, 1024)
			_, err := small.svc.Upload(small.clerk, small.caseID, "BIRTH_CERT", "big.png", "image/png", bytes.NewReader(img))
			de := requireCode(t, err, domain.CodeInvalid, "file", "archive.too_large")
			require.Contains(t, de.Message, "1024 bytes")
			require.Contains(t, de.Message, itoa(len(img))+" bytes")
			// Also when the size cannot be known up front (not a Seeker).
			_, err = small.svc.Upload(small.clerk, small.caseID, "BIRTH_CERT", "big.png", "image/png", io.MultiReader(bytes.NewReader(img)))
			de = requireCode(t, err, domain.CodeInvalid, "file", "archive.too_large")
			require.Contains(t, de.Message, itoa(len(img))+" bytes")
		})
		t.Run("ErrWrongType", func(t *testing.T) {
			_, err := f.svc.Upload(f.clerk, f.caseID, "BIRTH_CERT", "notes.png", "image/png", strings.NewReader("just some text, not an image"))
			requireCode(t, err, domain.CodeInvalid, "file", "archive.content_type")
			_, err = f.svc.Upload(f.clerk, f.caseID, "BIRTH_CERT", "x.gif", "image/gif", bytes.NewReader([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")))
			requireCode(t, err, domain.CodeInvalid, "file", "archive.content_type")
		})
		t.Run("ErrUnknownMaterial", func(t *testing.T) {
			_, err := f.svc.Upload(f.clerk, f.caseID, "PROPERTY_CERT", "a.png", "image/png", bytes.NewReader(img))
			requireCode(t, err, domain.CodeInvalid, "materialCode", "archive.material_unknown")
		})
		t.Run("ErrOtherStationAsNotFound", func(t *testing.T) {
			// Another station's archive answers as one that does not exist.
			_, _, err := f.svc.Open(f.other, "0190c0de-0000-7000-8000-000000000000")
			requireCode(t, err, domain.CodeNotFound, "", "not_found")
			missing := err.Error()
			_, err = f.svc.Upload(f.other, f.caseID, "BIRTH_CERT", "a.png", "image/png", bytes.NewReader(img))
			requireCode(t, err, domain.CodeNotFound, "", "not_found")
			_, _, err = f.svc.Open(f.other, up.ID)
			requireCode(t, err, domain.CodeNotFound, "", "not_found")
			require.Equal(t, missing, err.Error())
			_, err = f.svc.Delete(f.other, up.ID, 0, "拍摄错误")
			requireCode(t, err, domain.CodeNotFound, "", "not_found")
			analyst := actorAt(archStation, domain.OfficePoliceStation, "analyst", domain.RoleAnalyst)
			_, err = f.svc.Upload(analyst, f.caseID, "BIRTH_CERT", "a.png", "image/png", bytes.NewReader(img))
			requireCode(t, err, domain.CodeForbidden, "", "auth.role")
		})
		t.Run("ErrMaskedRoleReadsNoFile", func(t *testing.T) {
			// Within the jurisdiction, and whether the file exists or not.
			analyst := actorAt(archStation, domain.OfficePoliceStation, "analyst", domain.RoleAnalyst)
			for _, id := range []string{up.ID, "0190c0de-0000-7000-8000-000000000000"} {
				_, _, err := f.svc.Open(analyst, id)
				requireCode(t, err, domain.CodeForbidden, "", "pii.document")
				_, _, err = f.svc.Thumbnail(analyst, id)
				requireCode(t, err, domain.CodeForbidden, "", "pii.document")
			}
		})
		t.Run("ModifyAndSoftDelete", func(t *testing.T) {
			a, err := f.svc.Upload(f.clerk, f.caseID, "PARENT_ID", "id.png", "image/png", bytes.NewReader(pngImage(t, 300, 200)))
			require.NoError(t, err)
			// Stale version.
			_, err = f.svc.Modify(f.clerk, a.ID, a.Version+1, "HOUSEHOLD_BOOK")
			requireCode(t, err, domain.CodeConflict, "", "archive.stale")
			// Change the material and the image.
			replacement := pngImage(t, 310, 200)
			m, err := f.svc.Modify(f.clerk, a.ID, a.Version, "HOUSEHOLD_BOOK", domain.ArchiveUpload{Name: "book.png", ContentType: "image/png", Content: bytes.NewReader(replacement)})
			require.NoError(t, err)
			require.Equal(t, "HOUSEHOLD_BOOK", m.MaterialCode)
			require.Equal(t, "book.png", m.Name)
			require.NotEqual(t, a.BlobKey, m.BlobKey)
			require.Equal(t, a.Version+1, m.Version)

			d, err := f.svc.Delete(f.clerk, m.ID, m.Version, "拍摄错误")
			require.NoError(t, err)
			require.False(t, d.Valid)
			files, err := f.svc.Files(f.clerk, f.caseID)
			require.NoError(t, err)
			for _, x := range files {
				require.NotEqual(t, a.ID, x.ID, "a deleted archive is not listed")
			}
			row, err := db.Files().FindCaseFileByID(context.Background(), a.ID)
			require.NoError(t, err, "the row stays")
			require.False(t, row.Valid)
			_, _, err = f.svc.Open(f.clerk, a.ID)
			requireCode(t, err, domain.CodeNotFound, "", "")
			_, err = f.svc.Delete(f.clerk, a.ID, 0, "拍摄错误")
			requireCode(t, err, domain.CodeNotFound, "", "")
		})
		t.Run("RestrictionNoDelete", func(t *testing.T) {
			a, err := f.svc.Upload(f.clerk, f.caseID, "MARRIAGE_CERT", "m.png", "image/png", bytes.NewReader(pngImage(t, 100, 100)))
			require.NoError(t, err)
			_, err = f.svc.SetRestriction(f.clerk, a.ID, 0, domain.RestrictionNoDelete)
			requireCode(t, err, domain.CodeForbidden, "", "auth.role")
			_, err = f.svc.SetRestriction(f.archivst, a.ID, 0, "LOCKED")
			requireCode(t, err, domain.CodeInvalid, "restriction", "")
			r, err := f.svc.SetRestriction(f.archivst, a.ID, a.Version, domain.RestrictionNoDelete)
			require.NoError(t, err)
			require.Equal(t, domain.RestrictionNoDelete, r.Restriction)
			for _, ctx := range []context.Context{f.clerk, f.archivst, f.admin} {
				_, err = f.svc.Delete(ctx, a.ID, 0, "拍摄错误")
				requireCode(t, err, domain.CodeForbidden, "", "archive.restricted")
			}
			// NO_DELETE still allows modification.
			m, err := f.svc.Modify(f.clerk, a.ID, 0, "HOUSEHOLD_BOOK")
			require.NoError(t, err)
			// NO_MODIFY refuses it, for the admin too.
			_, err = f.svc.SetRestriction(f.admin, a.ID, m.Version, domain.RestrictionNoDeleteNoModify)
			require.NoError(t, err)
			_, err = f.svc.Modify(f.admin, a.ID, 0, "BIRTH_CERT")
			requireCode(t, err, domain.CodeForbidden, "", "archive.restricted")
			row, err := db.Files().FindCaseFileByID(context.Background(), a.ID)
			require.NoError(t, err)
			require.True(t, row.Valid)
			require.Equal(t, "HOUSEHOLD_BOOK", row.MaterialCode)
		})
		t.Run("FailedCommitLeavesNoRow", func(t *testing.T) {
			caseID := createBirthCase(t, db, archStation)
			cases := storagetest.EngineOn(failingCommit{db}, f.audit, birth.Workflow)
			svc := domain.NewArchiveService(cases, f.blobs, ministryClient(t), 0)
			content := pngImage(t, 123, 45)
			_, err := svc.Upload(f.clerk, caseID, "BIRTH_CERT", "x.png", "image/png", bytes.NewReader(content))
			require.ErrorContains(t, err, "commit failed")
			files, err := db.Files().FindCaseFiles(context.Background(), caseID, "")
			require.NoError(t, err)
			require.Empty(t, files, "the rolled-back row is gone")
			// The blob was stored first; it is an orphan for the sweeper.
			ref, err := f.blobs.Put(context.Background(), bytes.NewReader(content), "image/png")
			require.NoError(t, err)
			_, err = f.blobs.Stat(context.Background(), ref.Key)
			require.NoError(t, err)
		})
		t.Run("ClosedCaseRefusesCapture", func(t *testing.T) {
			caseID := createBirthCase(t, db, archStation)
			ctx := context.Background()
			c, err := db.Cases().FindCaseByID(ctx, caseID)
			require.NoError(t, err)
			c.Status = domain.StatusCompleted
			require.NoError(t, db.Cases().UpdateCase(ctx, c))
			_, err = f.svc.Upload(f.clerk, caseID, "BIRTH_CERT", "x.png", "image/png", bytes.NewReader(img))
			requireCode(t, err, domain.CodeInvalidTransition, "", "archive.case_closed")
		})
		t.Run("SubmittedCaseFreezesArchives", func(t *testing.T) {
			caseID := createBirthCase(t, db, archStation)
			a, err := f.svc.Upload(f.clerk, caseID, "BIRTH_CERT", "x.png", "image/png", bytes.NewReader(img))
			require.NoError(t, err)
			ctx := context.Background()
			c, err := db.Cases().FindCaseByID(ctx, caseID)
			require.NoError(t, err)
			require.True(t, f.svc.CanCapture(f.clerk, c), "a draft is open for capture")
			c.Status = domain.StatusSubmitted
			require.NoError(t, db.Cases().UpdateCase(ctx, c))
			require.False(t, f.svc.CanCapture(f.clerk, c), "the declaration closes capture once submitted")
			_, err = f.svc.Upload(f.clerk, caseID, "PARENT_ID", "y.png", "image/png", bytes.NewReader(img))
			requireCode(t, err, domain.CodeInvalidTransition, "", "archive.case_frozen")
			_, err = f.svc.Delete(f.clerk, a.ID, 0, "拍摄错误")
			requireCode(t, err, domain.CodeInvalidTransition, "", "archive.case_frozen")
			_, err = f.svc.Modify(f.clerk, a.ID, 0, "PARENT_ID")
			requireCode(t, err, domain.CodeInvalidTransition, "", "archive.case_frozen")
			_, err = f.svc.SetRestriction(f.archivst, a.ID, a.Version, domain.RestrictionNoDelete)
			require.NoError(t, err, "an archivist still flags a frozen case's archives")
		})
		t.Run("RequireMaterials", func(t *testing.T) {
			caseID := createBirthCase(t, db, archStation)
			ctx := context.Background()
			c, err := db.Cases().FindCaseByID(ctx, caseID)
			require.NoError(t, err)
			err = f.svc.RequireMaterials(f.clerk, c)
			requireCode(t, err, domain.CodeInvalid, "materials", "archive.materials_missing")
			require.ErrorContains(t, err, "出生医学证明 (BIRTH_CERT)")
			missing, err := f.svc.MissingMaterials(f.clerk, c)
			require.NoError(t, err)
			for _, m := range missing {
				_, err := f.svc.Upload(f.clerk, caseID, m.Code, m.Code+".png", "image/png", bytes.NewReader(img))
				require.NoError(t, err)
			}
			require.NoError(t, f.svc.RequireMaterials(f.clerk, c), "every required material captured")
		})
		t.Run("AttachDocumentRevisions", func(t *testing.T) {
			ctx := context.Background()
			for want := 1; want <= 2; want++ {
				ref, err := f.blobs.Put(ctx, strings.NewReader("%PDF-1.4 form "+itoa(want)), "application/pdf")
				require.NoError(t, err)
				var doc *domain.CaseFile
				require.NoError(t, db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
					doc, err = f.svc.AttachDocument(ctx, tx, f.caseID, string(domain.DocRegistrationForm), "常表.pdf", ref)
					return err
				}))
				require.Equal(t, want, doc.Revision)
				require.Equal(t, domain.FileDocument, doc.Category)
			}
			c, err := db.Cases().FindCaseByID(ctx, f.caseID)
			require.NoError(t, err)
			docs, err := f.svc.CaseFiles(f.clerk, c, domain.FileDocument)
			require.NoError(t, err)
			require.Len(t, docs, 2)
			// Generated documents are not archives: they cannot be deleted.
			_, err = f.svc.Delete(f.admin, docs[0].ID, 0, "拍摄错误")
			requireCode(t, err, domain.CodeForbidden, "", "")
			// The thumbnail of a PDF is the placeholder, still 240 px.
			thumb, _, err := f.svc.Thumbnail(f.clerk, docs[0].ID)
			require.NoError(t, err)
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(thumb))
			require.NoError(t, err)
			require.Equal(t, domain.ThumbnailSize, cfg.Width)
		})
	})
}

// failingCommit runs a transaction's work, then fails it (as a commit
// failure would): everything the work wrote is rolled back.
type failingCommit struct{ *storage.DB }

func (d failingCommit) InTx(ctx context.Context, fn func(ctx context.Context, tx domain.Repos) error) error {
	errCommit := errors.New("commit failed")
	err := d.DB.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		return errCommit
	})
	return err
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
