package queue

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"hukou/domain"
)

// Deps is what workers may use. Workers reach the database through DB (never
// through River's transaction), so they stay testable without River.
type Deps struct {
	DB     domain.Database
	Now    func() time.Time
	Logger *slog.Logger
}

// register adds every worker of hukou to workers. This is the one place
// workers are registered: a job kind without a worker here cannot be
// enqueued by the running queue.
func register(workers *river.Workers, deps Deps) error {
	for _, add := range []func() error{
		func() error { return river.AddWorkerSafely(workers, &pruneRefreshTokensWorker{deps: deps}) },
	} {
		if err := add(); err != nil {
			return err
		}
	}
	return nil
}

// periodic is one scheduled job: args enqueued every interval.
type periodic struct {
	every time.Duration
	args  domain.JobArgs
}

// schedule lists the scheduled jobs; the elected leader enqueues them.
var schedule = []periodic{
	{every: 24 * time.Hour, args: domain.PruneRefreshTokensArgs{}},
}

func periodicJobs() []*river.PeriodicJob {
	jobs := make([]*river.PeriodicJob, 0, len(schedule))
	for _, p := range schedule {
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(p.every),
			func() (river.JobArgs, *river.InsertOpts) { return p.args, nil },
			&river.PeriodicJobOpts{ID: p.args.Kind()}))
	}
	return jobs
}

// pruneRefreshTokensWorker deletes refresh tokens expired more than
// domain.RefreshTokenRetention ago.
type pruneRefreshTokensWorker struct {
	river.WorkerDefaults[domain.PruneRefreshTokensArgs]
	deps Deps
}

func (w *pruneRefreshTokensWorker) Work(ctx context.Context, _ *river.Job[domain.PruneRefreshTokensArgs]) error {
	before := w.deps.Now().Add(-domain.RefreshTokenRetention)
	n, err := w.deps.DB.Users().PruneRefreshTokens(ctx, before)
	if err != nil {
		return fmt.Errorf("prune refresh tokens: %w", err)
	}
	w.deps.Logger.InfoContext(ctx, "pruned refresh tokens", slog.Int("deleted", n), slog.Time("expired_before", before))
	return nil
}
