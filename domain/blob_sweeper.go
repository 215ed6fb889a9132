package domain

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// DefaultBlobSweepGrace is how old an unreferenced blob must be before the
// sweeper deletes it when none is configured: long enough that no upload,
// rendering or incoming message is still between its Put and its commit.
const DefaultBlobSweepGrace = 24 * time.Hour

// MinBlobSweepGrace is the shortest grace period a deployment may configure:
// a blob younger than this may belong to a transaction still running.
const MinBlobSweepGrace = time.Minute

// blobSweepBatch is how many candidate keys one reference look-up checks.
const blobSweepBatch = 500

// BlobReferences tells which blobs the database still refers to: any row
// of any table, valid or soft-deleted, current or historical (storage
// finds every column that holds blob keys).
type BlobReferences interface {
	// ReferencedBlobs returns the keys among keys that some row refers to.
	ReferencedBlobs(ctx context.Context, keys []string) (map[string]bool, error)
}

// BlobSweeper deletes orphan blobs: objects of the BlobStore that no row
// refers to and that were last Put more than Grace ago. Content is written
// before the row that refers to it is committed (STYLE.md §5), so a
// transaction that rolled back (a failed upload, a refused step whose
// document was rendered, a crash) leaves its blob behind; the sweeper is
// what removes it. An object younger than Grace is never touched, whatever
// refers to it, and a Put of existing bytes refreshes the object's time, so
// a row about to be committed keeps its blob. Each candidate is checked
// again (Stat) just before its Delete.
type BlobSweeper struct {
	Blobs  BlobStore
	Refs   BlobReferences
	Grace  time.Duration // 0: DefaultBlobSweepGrace; at least MinBlobSweepGrace
	Now    func() time.Time
	Logger *slog.Logger
}

// BlobSweep is what one sweep did.
type BlobSweep struct {
	Listed   int   // objects in the store
	Orphans  int   // old enough and referenced by nothing
	Deleted  int   // orphans deleted
	Freed    int64 // bytes deleted
	Kept     int   // old enough but still referenced
	Youngest int   // within the grace period, not considered
}

// Sweep lists the store once and deletes every orphan older than the grace
// period. Errors: the store's or the database's; a sweep that fails part
// way has deleted only orphans, and the next one goes on.
func (s *BlobSweeper) Sweep(ctx context.Context) (BlobSweep, error) {
	grace := s.Grace
	if grace == 0 {
		grace = DefaultBlobSweepGrace
	}
	if grace < MinBlobSweepGrace {
		return BlobSweep{}, fmt.Errorf("blob sweeper: grace period %s is shorter than %s", grace, MinBlobSweepGrace)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	cutoff := now().Add(-grace)
	var res BlobSweep
	batch := make([]string, 0, blobSweepBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		defer func() { batch = batch[:0] }()
		used, err := s.Refs.ReferencedBlobs(ctx, batch)
		if err != nil {
			return err
		}
		for _, key := range batch {
			if used[key] {
				res.Kept++
				continue
			}
			// Stat again: a Put since the listing (the same bytes uploaded
			// again) refreshed the time and keeps the object.
			ref, err := s.Blobs.Stat(ctx, key)
			if ErrorCode(err) == CodeNotFound {
				continue
			}
			if err != nil {
				return err
			}
			if !ref.ModTime.Before(cutoff) {
				res.Youngest++
				continue
			}
			res.Orphans++
			if err := s.Blobs.Delete(ctx, key); err != nil {
				return err
			}
			res.Deleted++
			res.Freed += ref.Size
			if s.Logger != nil {
				s.Logger.InfoContext(ctx, "orphan blob deleted", slog.String("key", key), slog.Int64("size", ref.Size), slog.Time("stored", ref.ModTime))
			}
		}
		return nil
	}
	err := s.Blobs.List(ctx, func(ref BlobRef) error {
		res.Listed++
		if !ref.ModTime.Before(cutoff) {
			res.Youngest++
			return nil
		}
		batch = append(batch, ref.Key)
		if len(batch) == blobSweepBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return res, err
}

// SweepBlobsArgs is the periodic job that runs the BlobSweeper.
type SweepBlobsArgs struct{}

// Kind implements JobArgs.
func (SweepBlobsArgs) Kind() string { return "sweep_orphan_blobs" }
