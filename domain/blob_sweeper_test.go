package domain_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/birth"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestBlobSweeper runs the orphan sweeper against both databases and both
// blob stores (a local folder and the real S3 server): the blob of an
// upload whose transaction rolled back disappears once older than the grace
// period; a blob an archive refers to stays, and so does one of a
// soft-deleted archive; an orphan within the grace period stays.
func TestBlobSweeper(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		storagetest.EachBlobStore(t, func(t *testing.T, blobs domain.BlobStore) {
			ctx := context.Background()
			audit := storage.NewAuditWriter(db)
			t.Cleanup(audit.Close)
			clerk := actorAt(archStation, domain.OfficePoliceStation, "clerk", domain.RoleClerk)
			svc := domain.NewArchiveService(storagetest.Engine(db, audit, birth.Workflow), blobs, ministryClient(t), 0)
			caseID := createBirthCase(t, db, archStation)

			kept, err := svc.Upload(clerk, caseID, "BIRTH_CERT", "出生医学证明.png", "image/png", bytes.NewReader(pngImage(t, 64, 48)))
			require.NoError(t, err)
			deleted, err := svc.Upload(clerk, caseID, "BIRTH_CERT", "作废.png", "image/png", bytes.NewReader(pngImage(t, 65, 48)))
			require.NoError(t, err)
			_, err = svc.Delete(clerk, deleted.ID, deleted.Version, "拍摄错误")
			require.NoError(t, err)

			// An upload whose transaction rolls back: its blob was stored first.
			rolledBack := domain.NewArchiveService(storagetest.EngineOn(failingCommit{db}, audit, birth.Workflow), blobs, ministryClient(t), 0)
			orphan := pngImage(t, 66, 48)
			_, err = rolledBack.Upload(clerk, caseID, "BIRTH_CERT", "x.png", "image/png", bytes.NewReader(orphan))
			require.ErrorContains(t, err, "commit failed")
			orphanKey := keyOf(orphan)
			_, err = blobs.Stat(ctx, orphanKey)
			require.NoError(t, err, "the rolled-back upload's blob is stored")

			grace := time.Hour
			sweep := func(at time.Time) domain.BlobSweep {
				t.Helper()
				s := &domain.BlobSweeper{Blobs: blobs, Refs: db, Grace: grace, Now: func() time.Time { return at }}
				res, err := s.Sweep(ctx)
				require.NoError(t, err)
				return res
			}
			exists := func(key string) bool {
				t.Helper()
				_, err := blobs.Stat(ctx, key)
				if domain.ErrorCode(err) == domain.CodeNotFound {
					return false
				}
				require.NoError(t, err)
				return true
			}

			// Within the grace period: nothing is touched.
			res := sweep(time.Now())
			require.Equal(t, 3, res.Listed)
			require.Zero(t, res.Deleted)
			require.True(t, exists(orphanKey), "an orphan within the grace period stays")

			// Past it: the orphan goes; the referenced blobs stay.
			res = sweep(time.Now().Add(grace + time.Minute))
			require.Equal(t, domain.BlobSweep{Listed: 3, Orphans: 1, Deleted: 1, Freed: int64(len(orphan)), Kept: 2}, res)
			require.False(t, exists(orphanKey), "the rolled-back upload's blob is gone")
			require.True(t, exists(kept.BlobKey), "a referenced blob stays")
			require.True(t, exists(deleted.BlobKey), "a soft-deleted archive keeps its blob")
			rc, f, err := svc.Open(clerk, kept.ID)
			require.NoError(t, err)
			rc.Close()
			require.Equal(t, kept.BlobKey, f.BlobKey)

			// A second sweep finds nothing more; an unmigrated database is
			// never taken for one that refers to nothing.
			res = sweep(time.Now().Add(grace + time.Minute))
			require.Equal(t, 0, res.Deleted)
			_, err = (&domain.BlobSweeper{Blobs: blobs, Refs: db, Grace: time.Second}).Sweep(ctx)
			require.Error(t, err, "a grace period under a minute is refused")
		})
	})
}

func TestBlobSweeper_UnmigratedDatabaseDeletesNothing(t *testing.T) {
	t.Parallel()
	db := storagetest.OpenSQLiteUnmigrated(t)
	storagetest.EachBlobStore(t, func(t *testing.T, blobs domain.BlobStore) {
		ctx := context.Background()
		ref, err := blobs.Put(ctx, bytes.NewReader([]byte("%PDF-1.4 orphan?")), "application/pdf")
		require.NoError(t, err)
		s := &domain.BlobSweeper{Blobs: blobs, Refs: db, Grace: time.Hour, Now: func() time.Time { return time.Now().Add(48 * time.Hour) }}
		_, err = s.Sweep(ctx)
		require.ErrorContains(t, err, "no blob_key column")
		_, err = blobs.Stat(ctx, ref.Key)
		require.NoError(t, err)
	})
}

func keyOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
