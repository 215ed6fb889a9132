package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
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
	Collab *domain.CollabService  // nil: no collaboration transport
	Hcybsh domain.HcybshGenerator // works generate_hcybsh jobs
	Cases  *domain.CaseService    // nil: no case jobs
	Online *domain.OnlineService  // nil: no webhook deliveries
	// HukouBooks issues e-hukou books (3.1.6); nil: no such jobs.
	HukouBooks *domain.HukouBookService
	// Queries writes background query exports; nil: none.
	Queries *domain.QueryService
	// Sweeper deletes orphan blobs every SweepEvery; nil: no sweeping.
	Sweeper    *domain.BlobSweeper
	SweepEvery time.Duration
}

// register adds every worker of hukou to workers. This is the one place
// workers are registered: a job kind without a worker here cannot be
// enqueued by the running queue.
func register(workers *river.Workers, deps Deps) error {
	for _, add := range []func() error{
		func() error { return river.AddWorkerSafely(workers, &pruneRefreshTokensWorker{deps: deps}) },
		func() error { return river.AddWorkerSafely(workers, &generateHcybshWorker{deps: deps}) },
	} {
		if err := add(); err != nil {
			return err
		}
	}
	if deps.Cases != nil {
		for _, add := range []func() error{
			func() error { return river.AddWorkerSafely(workers, &caseJobWorker{cases: deps.Cases}) },
			func() error { return river.AddWorkerSafely(workers, &caseScheduleWorker{cases: deps.Cases}) },
			func() error { return river.AddWorkerSafely(workers, &sendForwardsWorker{cases: deps.Cases}) },
		} {
			if err := add(); err != nil {
				return err
			}
		}
	}
	if deps.Online != nil {
		if err := river.AddWorkerSafely(workers, &deliverWebhookWorker{online: deps.Online}); err != nil {
			return err
		}
	}
	if deps.HukouBooks != nil {
		if err := river.AddWorkerSafely(workers, &issueHukouBookWorker{books: deps.HukouBooks}); err != nil {
			return err
		}
	}
	if deps.Queries != nil {
		if err := river.AddWorkerSafely(workers, &queryExportWorker{queries: deps.Queries}); err != nil {
			return err
		}
		if err := river.AddWorkerSafely(workers, &expireQueryExportsWorker{queries: deps.Queries}); err != nil {
			return err
		}
	}
	if deps.Sweeper != nil {
		if err := river.AddWorkerSafely(workers, &sweepBlobsWorker{deps: deps}); err != nil {
			return err
		}
	}
	if deps.Collab == nil {
		return nil
	}
	for _, add := range []func() error{
		func() error { return river.AddWorkerSafely(workers, &deliverMessageWorker{collab: deps.Collab}) },
		func() error { return river.AddWorkerSafely(workers, &pullInboxWorker{collab: deps.Collab}) },
		func() error { return river.AddWorkerSafely(workers, &applyMessagesWorker{collab: deps.Collab}) },
	} {
		if err := add(); err != nil {
			return err
		}
	}
	return nil
}

// periodic is one scheduled job: args enqueued every interval; id names it
// among the periodic jobs (default: the args' kind).
type periodic struct {
	every time.Duration
	args  domain.JobArgs
	id    string
}

// scheduleFor lists the scheduled jobs; the elected leader enqueues them.
// The kinds' own schedules are added when the queue starts (kindSchedules):
// the kinds register with the engine after the queue is built.
func scheduleFor(deps Deps, inboxEvery, forwardEvery time.Duration) []periodic {
	s := []periodic{{every: 24 * time.Hour, args: domain.PruneRefreshTokensArgs{}}}
	if deps.Collab != nil {
		s = append(s, periodic{every: inboxEvery, args: domain.PullInboxArgs{}})
		if deps.Cases != nil {
			s = append(s, periodic{every: forwardEvery, args: domain.SendForwardsArgs{}})
		}
	}
	if deps.Sweeper != nil {
		s = append(s, periodic{every: deps.SweepEvery, args: domain.SweepBlobsArgs{}})
	}
	if deps.Queries != nil {
		s = append(s, periodic{every: time.Hour, args: domain.ExpireQueryExportsArgs{}})
	}
	return s
}

// kindSchedules lists the periodic jobs of the registered kinds' schedules.
func kindSchedules(cases *domain.CaseService) []periodic {
	if cases == nil {
		return nil
	}
	var s []periodic
	for _, ks := range cases.Schedules() {
		s = append(s, periodic{every: ks.Every, args: domain.CaseScheduleArgs{CaseKind: ks.Kind, Name: ks.Name}, id: "case_schedule/" + string(ks.Kind) + "/" + ks.Name})
	}
	return s
}

func periodicJobs(schedule []periodic) []*river.PeriodicJob {
	jobs := make([]*river.PeriodicJob, 0, len(schedule))
	for _, p := range schedule {
		id := p.id
		if id == "" {
			id = p.args.Kind()
		}
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(p.every),
			func() (river.JobArgs, *river.InsertOpts) { return p.args, nil },
			&river.PeriodicJobOpts{ID: id}))
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
	// Expired idempotency keys (issue 18 item 6) go with them, daily.
	if n, err = w.deps.DB.Idempotency().PruneIdempotencyKeys(ctx, w.deps.Now()); err != nil {
		return fmt.Errorf("prune idempotency keys: %w", err)
	}
	w.deps.Logger.InfoContext(ctx, "pruned idempotency keys", slog.Int("deleted", n))
	return nil
}

// deliverMessageWorker hands one logged outgoing message to the platform.
// Retries back off from 1 s to 5 minutes; the last failure makes it a dead letter.
type deliverMessageWorker struct {
	river.WorkerDefaults[domain.DeliverMessageArgs]
	collab *domain.CollabService
}

func (w *deliverMessageWorker) Work(ctx context.Context, job *river.Job[domain.DeliverMessageArgs]) error {
	return w.collab.Deliver(ctx, job.Args.MessageID, job.Attempt >= job.MaxAttempts)
}

func (w *deliverMessageWorker) NextRetry(job *river.Job[domain.DeliverMessageArgs]) time.Time {
	backoff := min(time.Second<<min(job.Attempt-1, 20), 5*time.Minute)
	return time.Now().Add(backoff/2 + time.Duration(rand.Int64N(int64(backoff/2)+1)))
}

// pullInboxWorker pulls the platform inbox and applies what is ready.
type pullInboxWorker struct {
	river.WorkerDefaults[domain.PullInboxArgs]
	collab *domain.CollabService
}

func (w *pullInboxWorker) Work(ctx context.Context, _ *river.Job[domain.PullInboxArgs]) error {
	return w.collab.Drain(ctx)
}

// Timeout keeps a long backlog from being cut short by the default job timeout.
func (w *pullInboxWorker) Timeout(*river.Job[domain.PullInboxArgs]) time.Duration {
	return 5 * time.Minute
}

// applyMessagesWorker applies received messages (after a replay).
type applyMessagesWorker struct {
	river.WorkerDefaults[domain.ApplyMessagesArgs]
	collab *domain.CollabService
}

func (w *applyMessagesWorker) Work(ctx context.Context, _ *river.Job[domain.ApplyMessagesArgs]) error {
	_, err := w.collab.ApplyReceived(ctx)
	return err
}

// generateHcybshWorker works one full generation of household member
// identifiers (domain.HcybshService.Start enqueues it). Progress is committed
// with each batch, so a retried or rescued attempt resumes from the
// checkpoint; the last failed attempt marks the run FAILED.
type generateHcybshWorker struct {
	river.WorkerDefaults[domain.GenerateHcybshArgs]
	deps Deps
}

func (w *generateHcybshWorker) Work(ctx context.Context, job *river.Job[domain.GenerateHcybshArgs]) error {
	if w.deps.Hcybsh == nil {
		return fmt.Errorf("generate hcybsh: no generator configured")
	}
	start := w.deps.Now()
	err := w.deps.Hcybsh.WorkHcybshRun(ctx, job.Args.RunID)
	if err != nil {
		if job.Attempt >= job.MaxAttempts || domain.ErrorCode(err) != domain.CodeInternal { // a refusal (e.g. a full household) is not retried
			if ferr := w.deps.Hcybsh.FailHcybshRun(context.WithoutCancel(ctx), job.Args.RunID, err.Error()); ferr != nil {
				return errors.Join(err, ferr)
			}
			return river.JobCancel(err)
		}
		return fmt.Errorf("generate hcybsh run %d: %w", job.Args.RunID, err)
	}
	w.deps.Logger.InfoContext(ctx, "hcybsh generation done", slog.Int64("run", job.Args.RunID), slog.Duration("elapsed", w.deps.Now().Sub(start)))
	return nil
}

// Timeout: a full generation takes minutes (10 M residents: about 10); it
// stops on cancellation (queue Stop) and resumes from its checkpoint.
func (w *generateHcybshWorker) Timeout(*river.Job[domain.GenerateHcybshArgs]) time.Duration {
	return -1
}

// caseJobWorker runs a kind's durable job about one case (domain.CaseJobArgs)
// through the engine, which hands it to the case's module; River retries it
// with backoff until it succeeds.
type caseJobWorker struct {
	river.WorkerDefaults[domain.CaseJobArgs]
	cases *domain.CaseService
}

func (w *caseJobWorker) Work(ctx context.Context, job *river.Job[domain.CaseJobArgs]) error {
	return w.cases.RunJob(ctx, job.Args)
}

// caseScheduleWorker runs one run of a kind's schedule (domain.Scheduled).
// A failed run is not retried: the next run of the schedule does the work.
type caseScheduleWorker struct {
	river.WorkerDefaults[domain.CaseScheduleArgs]
	cases *domain.CaseService
}

func (w *caseScheduleWorker) Work(ctx context.Context, job *river.Job[domain.CaseScheduleArgs]) error {
	if err := w.cases.RunSchedule(ctx, job.Args); err != nil {
		return river.JobCancel(err)
	}
	return nil
}

// sendForwardsWorker sends the pending scheduled forwards
// (domain.CaseService.SendForwards). A forward that fails stays pending for
// the next run; the run is not retried on its own.
type sendForwardsWorker struct {
	river.WorkerDefaults[domain.SendForwardsArgs]
	cases *domain.CaseService
}

func (w *sendForwardsWorker) Work(ctx context.Context, _ *river.Job[domain.SendForwardsArgs]) error {
	for {
		n, err := w.cases.SendForwards(ctx, 100)
		if err != nil {
			return river.JobCancel(err)
		}
		if n < 100 {
			return nil
		}
	}
}

// deliverWebhookWorker posts one signed webhook to a portal (issue 18).
// Retries back off from 1 s to 5 minutes; the last failure makes the
// delivery dead, for an administrator to replay.
type deliverWebhookWorker struct {
	river.WorkerDefaults[domain.DeliverWebhookArgs]
	online *domain.OnlineService
}

func (w *deliverWebhookWorker) Work(ctx context.Context, job *river.Job[domain.DeliverWebhookArgs]) error {
	return w.online.DeliverWebhook(ctx, job.Args.DeliveryID, job.Attempt >= job.MaxAttempts)
}

func (w *deliverWebhookWorker) NextRetry(job *river.Job[domain.DeliverWebhookArgs]) time.Time {
	backoff := min(time.Second<<min(job.Attempt-1, 20), 5*time.Minute)
	return time.Now().Add(backoff/2 + time.Duration(rand.Int64N(int64(backoff/2)+1)))
}

// issueHukouBookWorker asks the Ministry's e-licence service for an
// e-hukou book (3.1.6); an unavailable service is retried with the
// webhook's backoff, the last attempt refuses the application.
type issueHukouBookWorker struct {
	river.WorkerDefaults[domain.IssueHukouBookArgs]
	books *domain.HukouBookService
}

func (w *issueHukouBookWorker) Work(ctx context.Context, job *river.Job[domain.IssueHukouBookArgs]) error {
	return w.books.Issue(ctx, job.Args.ApplicationID, job.Attempt >= job.MaxAttempts)
}

func (w *issueHukouBookWorker) NextRetry(job *river.Job[domain.IssueHukouBookArgs]) time.Time {
	backoff := min(time.Second<<min(job.Attempt-1, 20), 5*time.Minute)
	return time.Now().Add(backoff/2 + time.Duration(rand.Int64N(int64(backoff/2)+1)))
}

// sweepBlobsWorker runs the orphan blob sweeper (domain.BlobSweeper). A
// sweep that fails part way is retried; what it deleted was orphaned.
type sweepBlobsWorker struct {
	river.WorkerDefaults[domain.SweepBlobsArgs]
	deps Deps
}

func (w *sweepBlobsWorker) Work(ctx context.Context, _ *river.Job[domain.SweepBlobsArgs]) error {
	res, err := w.deps.Sweeper.Sweep(ctx)
	if err != nil {
		return fmt.Errorf("sweep orphan blobs: %w", err)
	}
	w.deps.Logger.InfoContext(ctx, "orphan blobs swept", slog.Int("listed", res.Listed), slog.Int("deleted", res.Deleted),
		slog.Int64("freed_bytes", res.Freed), slog.Int("referenced", res.Kept), slog.Int("within_grace", res.Youngest))
	return nil
}

// Timeout: listing a large store takes a while.
func (w *sweepBlobsWorker) Timeout(*river.Job[domain.SweepBlobsArgs]) time.Duration {
	return 30 * time.Minute
}

// queryExportWorker writes a background query export (issue 15): once,
// without retries (the export records its own failure for its owner).
type queryExportWorker struct {
	river.WorkerDefaults[domain.QueryExportArgs]
	queries *domain.QueryService
}

func (w *queryExportWorker) Work(ctx context.Context, job *river.Job[domain.QueryExportArgs]) error {
	return w.queries.RunExportJob(ctx, job.Args.ExportID)
}

// expireQueryExportsWorker lets go of expired exports' files (hourly).
type expireQueryExportsWorker struct {
	river.WorkerDefaults[domain.ExpireQueryExportsArgs]
	queries *domain.QueryService
}

func (w *expireQueryExportsWorker) Work(ctx context.Context, _ *river.Job[domain.ExpireQueryExportsArgs]) error {
	_, err := w.queries.ExpireExports(ctx)
	return err
}

// Timeout: an export of two million rows takes minutes.
func (w *queryExportWorker) Timeout(*river.Job[domain.QueryExportArgs]) time.Duration {
	return time.Hour
}
