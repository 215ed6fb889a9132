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
	q, err := New(db, Config{})
	require.NoError(t, err)
	require.Contains(t, schedule, periodic{every: 24 * time.Hour, args: domain.PruneRefreshTokensArgs{}}, "prune runs daily")
	require.Len(t, periodicJobs(), len(schedule))
	for _, p := range schedule {
		require.NoError(t, q.Inserter().Insert(context.Background(), p.args), p.args.Kind())
	}
	require.Error(t, q.Inserter().Insert(context.Background(), unknownKind{}), "an unregistered kind is refused")
}

type unknownKind struct{}

func (unknownKind) Kind() string { return "no_such_worker" }
