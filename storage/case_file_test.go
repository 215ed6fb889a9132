package storage_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// newCaseFile returns an unsaved, valid archive of the case with every field set.
func newCaseFile(caseID string, mods ...func(*domain.CaseFile)) *domain.CaseFile {
	id := uuid.NewString()
	sum := sha256.Sum256([]byte(id))
	f := &domain.CaseFile{ID: id, CaseID: caseID, Category: "ARCHIVE", MaterialCode: "M01", Name: "户口簿首页.jpg",
		ContentType: "image/jpeg", Size: 204800, BlobKey: hex.EncodeToString(sum[:]), Restriction: "NO_DELETE",
		Valid: true, CreatedBy: "archivist-1", CreatedAt: storagetest.T0, UpdatedAt: storagetest.T0}
	for _, mod := range mods {
		mod(f)
	}
	return f
}

// createCaseFile saves newCaseFile(caseID, mods...).
func createCaseFile(t *testing.T, db *storage.DB, caseID string, mods ...func(*domain.CaseFile)) *domain.CaseFile {
	t.Helper()
	f := newCaseFile(caseID, mods...)
	require.NoError(t, db.Files().CreateCaseFile(context.Background(), f))
	return f
}

// document makes a case file the revision rev of a generated document of kind.
func document(kind string, rev int) func(*domain.CaseFile) {
	return func(f *domain.CaseFile) {
		f.Category, f.MaterialCode, f.Revision, f.Name, f.ContentType, f.Restriction = "DOCUMENT", kind, rev, kind+".pdf", "application/pdf", "NONE"
	}
}

// fileIDs returns the IDs of files, in order.
func fileIDs(files []*domain.CaseFile) []string {
	ids := make([]string, len(files))
	for i, f := range files {
		ids[i] = f.ID
	}
	return ids
}

func TestCaseFileRepository_CreateCaseFile(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := storagetest.CreateCase(t, db)

		t.Run("OK", func(t *testing.T) {
			f := newCaseFile(c.ID)
			f.Version = 9 // ignored: a new file starts at version 1
			require.NoError(t, db.Files().CreateCaseFile(ctx, f))
			require.Equal(t, 1, f.Version)
			got, err := db.Files().FindCaseFileByID(ctx, f.ID)
			require.NoError(t, err)
			require.Equal(t, f, utc(got))

			doc := createCaseFile(t, db, c.ID, document("REGISTRATION_FORM", 1))
			got, err = db.Files().FindCaseFileByID(ctx, doc.ID)
			require.NoError(t, err)
			require.Equal(t, doc, utc(got))
		})

		t.Run("ArchivesShareAMaterial", func(t *testing.T) {
			createCaseFile(t, db, c.ID, func(f *domain.CaseFile) { f.MaterialCode = "M07" })
			createCaseFile(t, db, c.ID, func(f *domain.CaseFile) { f.MaterialCode = "M07" })
		})

		t.Run("ErrDuplicateDocumentRevision", func(t *testing.T) {
			createCaseFile(t, db, c.ID, document("CERTIFICATE", 1))
			err := db.Files().CreateCaseFile(ctx, newCaseFile(c.ID, document("CERTIFICATE", 1)))
			requireCode(t, domain.CodeConflict, err)
			createCaseFile(t, db, c.ID, document("CERTIFICATE", 2))
			other := storagetest.CreateCase(t, db)
			createCaseFile(t, db, other.ID, document("CERTIFICATE", 1))
		})

		t.Run("ErrDuplicateID", func(t *testing.T) {
			f := createCaseFile(t, db, c.ID)
			err := db.Files().CreateCaseFile(ctx, newCaseFile(c.ID, func(g *domain.CaseFile) { g.ID = f.ID }))
			requireCode(t, domain.CodeConflict, err)
		})
	})
}

func TestCaseFileRepository_FindCaseFileByID(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := storagetest.CreateCase(t, db)

		t.Run("OK", func(t *testing.T) {
			f := createCaseFile(t, db, c.ID, func(f *domain.CaseFile) { f.Valid = false })
			got, err := db.Files().FindCaseFileByID(ctx, f.ID)
			require.NoError(t, err)
			require.Equal(t, f, utc(got), "invalid files are found by ID")
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.Files().FindCaseFileByID(ctx, uuid.NewString())
			requireCode(t, domain.CodeNotFound, err)
		})
	})
}

func TestCaseFileRepository_FindCaseFiles(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := storagetest.CreateCase(t, db)
		at := func(minutes int) func(*domain.CaseFile) {
			return func(f *domain.CaseFile) { f.CreatedAt = storagetest.T0.Add(time.Duration(minutes) * time.Minute) }
		}
		material := func(code string) func(*domain.CaseFile) { return func(f *domain.CaseFile) { f.MaterialCode = code } }
		// Created out of order.
		m02new := createCaseFile(t, db, c.ID, material("M02"), at(5))
		m01 := createCaseFile(t, db, c.ID, material("M01"), at(9))
		m02old := createCaseFile(t, db, c.ID, material("M02"), at(1))
		createCaseFile(t, db, c.ID, material("M01"), at(0), func(f *domain.CaseFile) { f.Valid = false })
		cert2 := createCaseFile(t, db, c.ID, document("CERTIFICATE", 2), at(7))
		cert1 := createCaseFile(t, db, c.ID, document("CERTIFICATE", 1), at(6))
		form := createCaseFile(t, db, c.ID, document("A_FORM", 1), at(8))
		other := storagetest.CreateCase(t, db)
		createCaseFile(t, db, other.ID)

		t.Run("Archives", func(t *testing.T) {
			got, err := db.Files().FindCaseFiles(ctx, c.ID, "ARCHIVE")
			require.NoError(t, err)
			require.Equal(t, fileIDs([]*domain.CaseFile{m01, m02old, m02new}), fileIDs(got))
			require.Equal(t, m01, utc(got[0]))
		})

		t.Run("Documents", func(t *testing.T) {
			got, err := db.Files().FindCaseFiles(ctx, c.ID, "DOCUMENT")
			require.NoError(t, err)
			require.Equal(t, fileIDs([]*domain.CaseFile{form, cert1, cert2}), fileIDs(got))
		})

		t.Run("AllCategories", func(t *testing.T) {
			got, err := db.Files().FindCaseFiles(ctx, c.ID, "")
			require.NoError(t, err)
			require.Equal(t, fileIDs([]*domain.CaseFile{form, cert1, cert2, m01, m02old, m02new}), fileIDs(got),
				"by material code, then oldest first")
		})

		t.Run("Empty", func(t *testing.T) {
			got, err := db.Files().FindCaseFiles(ctx, uuid.NewString(), "")
			require.NoError(t, err)
			require.Empty(t, got)
		})
	})
}

func TestCaseFileRepository_UpdateCaseFile(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := storagetest.CreateCase(t, db)

		t.Run("OK", func(t *testing.T) {
			f := createCaseFile(t, db, c.ID)
			want := *f
			sum := sha256.Sum256([]byte("new content"))
			f.MaterialCode, f.Name, f.ContentType, f.Size, f.BlobKey = "M02", "户口簿首页-重拍.png", "image/png", 99, hex.EncodeToString(sum[:])
			f.Restriction, f.UpdatedAt = "NO_DELETE_NO_MODIFY", storagetest.T0.Add(time.Hour)
			// Fields that are not written.
			f.Category, f.Revision, f.CreatedBy, f.CreatedAt = "DOCUMENT", 4, "someone else", storagetest.T0.Add(time.Hour)
			require.NoError(t, db.Files().UpdateCaseFile(ctx, f))
			require.Equal(t, 2, f.Version)

			want.MaterialCode, want.Name, want.ContentType, want.Size, want.BlobKey = f.MaterialCode, f.Name, f.ContentType, f.Size, f.BlobKey
			want.Restriction, want.UpdatedAt, want.Version = f.Restriction, f.UpdatedAt, 2
			got, err := db.Files().FindCaseFileByID(ctx, f.ID)
			require.NoError(t, err)
			require.Equal(t, &want, utc(got))
		})

		t.Run("SoftDelete", func(t *testing.T) {
			f := createCaseFile(t, db, c.ID, func(f *domain.CaseFile) { f.MaterialCode = "M09" })
			f.Valid, f.UpdatedAt = false, storagetest.T0.Add(time.Minute)
			require.NoError(t, db.Files().UpdateCaseFile(ctx, f))
			got, err := db.Files().FindCaseFileByID(ctx, f.ID)
			require.NoError(t, err)
			require.False(t, got.Valid)
			require.Equal(t, f, utc(got))
			files, err := db.Files().FindCaseFiles(ctx, c.ID, "ARCHIVE")
			require.NoError(t, err)
			require.NotContains(t, fileIDs(files), f.ID)

			f.Valid = true // restored
			require.NoError(t, db.Files().UpdateCaseFile(ctx, f))
			files, err = db.Files().FindCaseFiles(ctx, c.ID, "ARCHIVE")
			require.NoError(t, err)
			require.Contains(t, fileIDs(files), f.ID)
		})

		t.Run("ErrStaleVersion", func(t *testing.T) {
			f := createCaseFile(t, db, c.ID)
			mine, theirs := *f, *f
			theirs.Name = "theirs.jpg"
			require.NoError(t, db.Files().UpdateCaseFile(ctx, &theirs))
			mine.Valid = false
			requireCode(t, domain.CodeConflict, db.Files().UpdateCaseFile(ctx, &mine))
			require.Equal(t, 1, mine.Version)
			got, err := db.Files().FindCaseFileByID(ctx, f.ID)
			require.NoError(t, err)
			require.True(t, got.Valid)
			require.Equal(t, "theirs.jpg", got.Name)
			require.Equal(t, 2, got.Version)
		})
	})
}

func TestCaseFileRepository_MaxDocumentRevision(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := storagetest.CreateCase(t, db)
		max := func(caseID, kind string) int {
			t.Helper()
			n, err := db.Files().MaxDocumentRevision(ctx, caseID, kind)
			require.NoError(t, err)
			return n
		}

		t.Run("OK", func(t *testing.T) {
			require.Zero(t, max(c.ID, "CERTIFICATE"))
			createCaseFile(t, db, c.ID, document("CERTIFICATE", 1))
			require.Equal(t, 1, max(c.ID, "CERTIFICATE"))
			createCaseFile(t, db, c.ID, document("CERTIFICATE", 2), func(f *domain.CaseFile) { f.Valid = false })
			require.Equal(t, 2, max(c.ID, "CERTIFICATE"), "invalid revisions count")
			createCaseFile(t, db, c.ID, document("A_FORM", 5))
			createCaseFile(t, db, c.ID, func(f *domain.CaseFile) { f.MaterialCode, f.Revision = "CERTIFICATE", 9 }) // an archive
			require.Equal(t, 2, max(c.ID, "CERTIFICATE"), "per kind, documents only")
			require.Zero(t, max(storagetest.CreateCase(t, db).ID, "CERTIFICATE"), "per case")
		})
	})
}
