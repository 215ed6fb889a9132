package queue

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage/storagetest"
)

// TestSchedule_EveryPeriodicJobHasAWorker inserts each scheduled job through
// the queue's client, which refuses kinds without a registered worker.
func TestSchedule_EveryPeriodicJobHasAWorker(t *testing.T) {
	t.Parallel()
	db := storagetest.OpenSQLite(t)
	collab := domain.NewCollabService(db, noPlatform{}, &domain.KeyRing{}, "211100000000", time.Now, func() string { return "id" })
	cases := domain.NewCaseService(db, noAudit{}, collab, time.Now, func() string { return "id" })
	sweeper := &domain.BlobSweeper{}
	q, err := New(db, Config{Collab: collab, Cases: cases, BlobSweeper: sweeper})
	require.NoError(t, err)
	deps := Deps{Collab: collab, Cases: cases, Sweeper: sweeper, SweepEvery: time.Hour}
	schedule := scheduleFor(deps, time.Second, time.Minute)
	require.Contains(t, schedule, periodic{every: time.Hour, args: domain.SweepBlobsArgs{}}, "orphan blobs are swept")
	require.Contains(t, schedule, periodic{every: 24 * time.Hour, args: domain.PruneRefreshTokensArgs{}}, "prune runs daily")
	require.Contains(t, schedule, periodic{every: time.Second, args: domain.PullInboxArgs{}}, "the inbox is pulled")
	require.Contains(t, schedule, periodic{every: time.Minute, args: domain.SendForwardsArgs{}}, "the forwards are sent")
	require.Len(t, periodicJobs(schedule), len(schedule))
	for _, args := range []domain.JobArgs{domain.DeliverMessageArgs{MessageID: "m"}, domain.ApplyMessagesArgs{}, domain.GenerateHcybshArgs{RunID: 1},
		domain.CaseJobArgs{CaseID: "c", Job: "j"}, domain.CaseScheduleArgs{CaseKind: "K", Name: "n"}} {
		require.NoError(t, q.Inserter().Insert(context.Background(), args), args.Kind())
	}
	for _, p := range schedule {
		require.NoError(t, q.Inserter().Insert(context.Background(), p.args), p.args.Kind())
	}
	require.Error(t, q.Inserter().Insert(context.Background(), unknownKind{}), "an unregistered kind is refused")
}

type unknownKind struct{}

func (unknownKind) Kind() string { return "no_such_worker" }

// noPlatform is never called: these tests only insert jobs.
type noPlatform struct{ domain.Platform }

// noAudit is never called either.
type noAudit struct{ domain.AuditSink }
