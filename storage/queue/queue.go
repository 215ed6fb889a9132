package queue

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"hukou/domain"
	"hukou/storage"
)

// Defaults of Config.
const (
	DefaultMaxWorkers   = 10
	DefaultPollInterval = time.Second
	// sqlitePollInterval replaces DefaultPollInterval on SQLite.
	sqlitePollInterval = 200 * time.Millisecond
	DefaultStopTimeout = 30 * time.Second
	// DefaultBlobSweepInterval is how often the orphan blob sweeper runs.
	DefaultBlobSweepInterval = time.Hour
	// hardStopGrace bounds the wait for cancelled jobs to return after a
	// graceful stop timed out and the caller's context is already done.
	hardStopGrace = 10 * time.Second
)

// ErrJobsCancelled is returned (wrapped) by Stop when running jobs did not
// finish within Config.StopTimeout and their contexts were cancelled.
var ErrJobsCancelled = errors.New("running jobs did not finish in time and were cancelled")

// Config tunes a Queue; the zero value is usable.
type Config struct {
	// MaxWorkers is how many jobs run at once (default DefaultMaxWorkers).
	MaxWorkers int
	// PollInterval is how often idle workers look for new jobs (default
	// DefaultPollInterval; on SQLite 200 ms). On PostgreSQL it is the
	// fallback: the workers also listen for inserts (RiverWorkerDriver).
	PollInterval time.Duration
	// StopTimeout is how long Stop lets running jobs finish before cancelling
	// their contexts (default DefaultStopTimeout).
	StopTimeout time.Duration
	// JobTimeout cancels one attempt's context after this long (River's
	// default, 1 minute, when zero; -1 for none).
	JobTimeout time.Duration
	// Registerer receives the job metrics; nil registers them nowhere.
	Registerer prometheus.Registerer
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Now is the clock of the workers (default time.Now).
	Now func() time.Time
	// Collab, when set, registers the collaboration transport's workers and
	// schedules the inbox pull every InboxPollInterval (default 2 s).
	Collab            *domain.CollabService
	InboxPollInterval time.Duration
	// Cases, when set, registers the worker of the kinds' case jobs
	// (domain.CaseJobArgs), runs the kinds' schedules (domain.Scheduled,
	// added on Start) and, with Collab, sends the scheduled forwards every
	// ForwardInterval (default 1 minute).
	Cases           *domain.CaseService
	ForwardInterval time.Duration
	// Online, when set, registers the webhook deliveries' worker.
	Online *domain.OnlineService
	// HukouBooks, when set, registers the e-hukou-book applications' worker (3.1.6).
	HukouBooks *domain.HukouBookService
	// Queries, when set, registers the background query exports' worker.
	Queries *domain.QueryService
	// BlobSweeper, when set, registers the orphan blob sweeper and runs it
	// every BlobSweepInterval (default DefaultBlobSweepInterval).
	BlobSweeper       *domain.BlobSweeper
	BlobSweepInterval time.Duration
	// RescueStuckJobsAfter is how long a job may stay running (its worker
	// died with its process) before River retries it (default 5 minutes;
	// at least JobTimeout).
	RescueStuckJobsAfter time.Duration

	test testHooks
}

// testHooks are set only by tests of this package (export_test.go).
type testHooks struct {
	register func(*river.Workers) error
	fast     bool // River's TestOnly: no start-up jitter
}

// Queue is hukou's River client: it works the jobs of every registered
// worker and schedules the periodic ones.
type Queue struct {
	cases       *domain.CaseService
	client      *river.Client[*sql.Tx]
	inserter    *Inserter
	metrics     *Metrics
	stopTimeout time.Duration
	logger      *slog.Logger
	// closeDriver releases the driver's listener once the client stopped.
	closeDriver func()
}

// New builds the queue over db and installs its Inserter on db, so
// Repos.Jobs() enqueues through it (with the check that a worker is
// registered for the kind). River's tables must exist (db.MigrateUp). The
// queue does nothing until Start.
//
// On PostgreSQL River is pinned to db's current schema (the first of the
// DSN's search_path). On SQLite the single connection is shared: River's
// pollers wait for it while a transaction holds it, and an enqueue inside a
// transaction uses that transaction, so the two never wait on each other.
func New(db *storage.DB, cfg Config) (*Queue, error) {
	ctx := context.Background()
	logger := cmp.Or(cfg.Logger, slog.Default())
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	schema, err := db.RiverSchema(ctx)
	if err != nil {
		return nil, err
	}
	metrics, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, fmt.Errorf("register job metrics: %w", err)
	}

	workers := river.NewWorkers()
	deps := Deps{DB: db, Now: now, Logger: logger, Collab: cfg.Collab, Hcybsh: db, Cases: cfg.Cases, Online: cfg.Online, HukouBooks: cfg.HukouBooks,
		Queries: cfg.Queries,
		Sweeper: cfg.BlobSweeper, SweepEvery: cmp.Or(cfg.BlobSweepInterval, DefaultBlobSweepInterval)}
	if err := register(workers, deps); err != nil {
		return nil, fmt.Errorf("register workers: %w", err)
	}
	if cfg.test.register != nil {
		if err := cfg.test.register(workers); err != nil {
			return nil, fmt.Errorf("register test workers: %w", err)
		}
	}

	poll := cmp.Or(cfg.PollInterval, DefaultPollInterval)
	if cfg.PollInterval == 0 && db.Dialect() == storage.SQLite {
		// No LISTEN/NOTIFY on SQLite (RiverWorkerDriver): a job enqueued by
		// a step waits for the next poll, so poll often; a poll is one
		// indexed read on the local file.
		poll = sqlitePollInterval
	}
	driver, closeDriver, err := db.RiverWorkerDriver(ctx)
	if err != nil {
		return nil, err
	}
	client, err := river.NewClient(driver, &river.Config{
		Schema:               schema,
		Logger:               slog.New(quietHandler{logger.Handler()}),
		Workers:              workers,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cmp.Or(cfg.MaxWorkers, DefaultMaxWorkers)}},
		PeriodicJobs:         periodicJobs(scheduleFor(deps, cmp.Or(cfg.InboxPollInterval, 2*time.Second), cmp.Or(cfg.ForwardInterval, time.Minute))),
		FetchPollInterval:    poll,
		FetchCooldown:        min(poll, river.FetchCooldownDefault),
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: max(cmp.Or(cfg.RescueStuckJobsAfter, 5*time.Minute), cmp.Or(cfg.JobTimeout, time.Minute)),
		Middleware:           []rivertype.Middleware{&metricsMiddleware{m: metrics}},
		TestOnly:             cfg.test.fast,
	})
	if err != nil {
		closeDriver()
		return nil, fmt.Errorf("river client: %w", err)
	}
	q := &Queue{
		closeDriver: closeDriver,
		cases:       cfg.Cases,
		client:      client,
		inserter:    &Inserter{client: client},
		metrics:     metrics,
		stopTimeout: cmp.Or(cfg.StopTimeout, DefaultStopTimeout),
		logger:      logger,
	}
	db.SetJobInserter(q.inserter)
	return q, nil
}

// Start starts working jobs in the background and returns. ctx provides
// values only: cancelling it does not stop the queue; call Stop.
func (q *Queue) Start(ctx context.Context) error {
	if _, err := q.client.PeriodicJobs().AddManySafely(periodicJobs(kindSchedules(q.cases))); err != nil {
		return fmt.Errorf("schedule the kinds' periodic jobs: %w", err)
	}
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	return nil
}

// Stop stops fetching new jobs and waits for running ones to finish, for up
// to Config.StopTimeout or until ctx is done. After that it cancels the
// running jobs' contexts, waits for them to return (River records them as
// failed attempts, retried later) and returns an error wrapping
// ErrJobsCancelled. Stop on a queue that was never started returns nil.
func (q *Queue) Stop(ctx context.Context) error {
	defer q.closeDriver()
	softCtx, cancel := context.WithTimeout(ctx, q.stopTimeout)
	err := q.client.Stop(softCtx)
	cancel()
	if err == nil {
		return nil
	}
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("stop job queue: %w", err)
	}
	q.logger.WarnContext(ctx, "job queue: running jobs did not finish in time; cancelling them", slog.Duration("stop_timeout", q.stopTimeout))
	hardCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hardStopGrace)
	defer cancel()
	if err := q.client.StopAndCancel(hardCtx); err != nil {
		return fmt.Errorf("stop job queue: %w: %w", ErrJobsCancelled, err)
	}
	return fmt.Errorf("stop job queue: %w", ErrJobsCancelled)
}

// Inserter returns the queue's Inserter (already installed on the DB).
func (q *Queue) Inserter() *Inserter { return q.inserter }

// Metrics returns the job metrics.
func (q *Queue) Metrics() *Metrics { return q.metrics }

// Client returns the River client, for operations views (listing, retrying
// and cancelling jobs) and tests.
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }

// quietHandler passes River's own log records on from WARN up: its INFO
// records (job counts every few seconds) would drown the server's log. The
// workers log through Deps.Logger at every level.
type quietHandler struct{ slog.Handler }

func (h quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h quietHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(attrs)}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name)}
}
