package queue_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertest"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/queue"
	"hukou/storage/storagetest"
)

// sleepArgs is a test-only job: its worker reports the start, then sleeps.
type sleepArgs struct {
	Name string        `json:"name"`
	For  time.Duration `json:"for"`
}

func (sleepArgs) Kind() string { return "test_sleep" }

// failArgs is a test-only job whose worker always fails.
type failArgs struct{}

func (failArgs) Kind() string { return "test_fail" }

type sleepWorker struct {
	river.WorkerDefaults[sleepArgs]
	started   chan string
	finished  atomic.Int32
	cancelled atomic.Int32
}

func (w *sleepWorker) Work(ctx context.Context, job *river.Job[sleepArgs]) error {
	select {
	case w.started <- job.Args.Name:
	default:
	}
	select {
	case <-time.After(job.Args.For):
		w.finished.Add(1)
		return nil
	case <-ctx.Done():
		w.cancelled.Add(1)
		return ctx.Err()
	}
}

type failWorker struct {
	river.WorkerDefaults[failArgs]
}

func (failWorker) Work(context.Context, *river.Job[failArgs]) error {
	return errors.New("always fails")
}

// startQueue builds and starts a queue with the test workers, stopped at cleanup.
func startQueue(t *testing.T, db *storage.DB, cfg queue.Config) (*queue.Queue, *sleepWorker) {
	t.Helper()
	w := &sleepWorker{started: make(chan string, 100)}
	cfg.PollInterval = 20 * time.Millisecond
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg = queue.WithTestWorkers(cfg, func(ws *river.Workers) error {
		if err := river.AddWorkerSafely(ws, w); err != nil {
			return err
		}
		return river.AddWorkerSafely(ws, failWorker{})
	})
	q, err := queue.New(db, cfg)
	require.NoError(t, err)
	require.NoError(t, q.Start(context.Background()))
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
	return q, w
}

func installInserter(t *testing.T, db *storage.DB) *queue.Inserter {
	t.Helper()
	ins, err := queue.NewInserter(context.Background(), db)
	require.NoError(t, err)
	db.SetJobInserter(ins)
	return ins
}

func riverSchema(t *testing.T, db *storage.DB) string {
	t.Helper()
	s, err := db.RiverSchema(context.Background())
	require.NoError(t, err)
	return s
}

// requireInserted asserts a job of args' kind exists, through rivertest and
// the dialect's driver.
func requireInserted[T river.JobArgs](t *testing.T, db *storage.DB, args T) {
	t.Helper()
	ctx := context.Background()
	opts := &rivertest.RequireInsertedOpts{Schema: riverSchema(t, db)}
	if db.Dialect() == storage.Postgres {
		rivertest.RequireInserted(ctx, t, riverdatabasesql.New(db.SQL()), args, opts)
	} else {
		rivertest.RequireInserted(ctx, t, riversqlite.New(db.SQL()), args, opts)
	}
}

func requireNotInserted[T river.JobArgs](t *testing.T, db *storage.DB, args T) {
	t.Helper()
	ctx := context.Background()
	opts := &rivertest.RequireInsertedOpts{Schema: riverSchema(t, db)}
	if db.Dialect() == storage.Postgres {
		rivertest.RequireNotInserted(ctx, t, riverdatabasesql.New(db.SQL()), args, opts)
	} else {
		rivertest.RequireNotInserted(ctx, t, riversqlite.New(db.SQL()), args, opts)
	}
}

func requireInsertedTx[T river.JobArgs](t *testing.T, db *storage.DB, tx *sql.Tx, args T) *river.Job[T] {
	t.Helper()
	ctx := context.Background()
	opts := &rivertest.RequireInsertedOpts{Schema: riverSchema(t, db)}
	if db.Dialect() == storage.Postgres {
		return rivertest.RequireInsertedTx[*riverdatabasesql.Driver](ctx, t, tx, args, opts)
	}
	return rivertest.RequireInsertedTx[*riversqlite.Driver](ctx, t, tx, args, opts)
}

func countJobs(t *testing.T, db *storage.DB, kind string) int {
	t.Helper()
	n, err := db.Bun().NewSelect().Table("river_job").Where("kind = ?", kind).Count(context.Background())
	require.NoError(t, err)
	return int(n)
}

func TestEnqueue_RolledBackTxInsertsNothing_CommittedTxInserts(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		installInserter(t, db)
		boom := errors.New("boom")

		err := db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
			require.NoError(t, tx.Jobs().Enqueue(ctx, domain.PruneRefreshTokensArgs{}))
			return boom
		})
		require.ErrorIs(t, err, boom)
		requireNotInserted(t, db, domain.PruneRefreshTokensArgs{})
		require.Zero(t, countJobs(t, db, "prune_refresh_tokens"))

		err = db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
			return tx.Jobs().Enqueue(ctx, domain.PruneRefreshTokensArgs{}, domain.WithMaxAttempts(3), domain.InQueue("default"))
		})
		require.NoError(t, err)
		requireInserted(t, db, domain.PruneRefreshTokensArgs{})
		require.Equal(t, 1, countJobs(t, db, "prune_refresh_tokens"))
	})
}

func TestInserter_InsertTxVisibleInTxOnly(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ins := installInserter(t, db)
		at := time.Now().Add(time.Hour).Truncate(time.Second)

		tx, err := db.Bun().BeginTx(ctx, nil)
		require.NoError(t, err)
		require.NoError(t, ins.InsertTx(ctx, tx.Tx, sleepArgs{Name: "x"}, domain.ScheduledAt(at), domain.WithMaxAttempts(2)))
		job := requireInsertedTx(t, db, tx.Tx, sleepArgs{Name: "x"})
		require.Equal(t, 2, job.MaxAttempts)
		require.Equal(t, rivertype.JobStateScheduled, job.State)
		require.WithinDuration(t, at, job.ScheduledAt, time.Second)
		require.NoError(t, tx.Rollback())
		requireNotInserted(t, db, sleepArgs{Name: "x"})
	})
}

func TestEnqueue_UniqueByArgs(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		installInserter(t, db)
		for range 3 {
			require.NoError(t, db.Jobs().Enqueue(ctx, domain.PruneRefreshTokensArgs{}, domain.UniqueByArgs(24*time.Hour)))
		}
		require.Equal(t, 1, countJobs(t, db, "prune_refresh_tokens"))
	})
}

func TestEnqueue_WithoutInserterIsAnInternalError(t *testing.T) {
	t.Parallel()
	db := storagetest.OpenSQLite(t)
	err := db.Jobs().Enqueue(context.Background(), domain.PruneRefreshTokensArgs{})
	require.Equal(t, domain.CodeInternal, domain.ErrorCode(err))
}

func TestPruneRefreshTokensJob_RunsForReal(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		insertOffice(t, db, "211100000000", "")
		require.NoError(t, db.Users().CreateUser(ctx, &domain.User{ID: "u1", Username: "clerk", DisplayName: "张三",
			PasswordHash: "x", OfficeCode: "211100000000", Roles: []domain.Role{domain.RoleClerk}, CreatedAt: now, UpdatedAt: now}))
		tokens := map[string]time.Time{
			"old":    now.Add(-8 * 24 * time.Hour), // expired more than 7 days ago: pruned
			"recent": now.Add(-6 * 24 * time.Hour), // expired, but within the 7 days: kept
			"live":   now.Add(24 * time.Hour),
		}
		for name, exp := range tokens {
			require.NoError(t, db.Users().CreateRefreshToken(ctx, &domain.RefreshToken{ID: name, UserID: "u1",
				TokenHash: "hash-" + name, ExpiresAt: exp, CreatedAt: now.Add(-30 * 24 * time.Hour)}))
		}

		reg := prometheus.NewRegistry()
		q, _ := startQueue(t, db, queue.Config{Registerer: reg, Now: func() time.Time { return now }})
		events, cancel := q.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
		defer cancel()

		require.NoError(t, db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
			return tx.Jobs().Enqueue(ctx, domain.PruneRefreshTokensArgs{})
		}))
		ev := waitEvent(t, events, "prune_refresh_tokens")
		require.Equal(t, river.EventKindJobCompleted, ev.Kind)

		_, err := db.Users().FindRefreshToken(ctx, "hash-old")
		require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err))
		for _, kept := range []string{"recent", "live"} {
			_, err := db.Users().FindRefreshToken(ctx, "hash-"+kept)
			require.NoError(t, err, kept)
		}
		require.Equal(t, 1.0, testutil.ToFloat64(q.Metrics().Jobs.WithLabelValues("prune_refresh_tokens", queue.OutcomeCompleted)))
		n, err := testutil.GatherAndCount(reg, "hukou_jobs_total", "hukou_job_duration_seconds")
		require.NoError(t, err)
		require.Equal(t, 2, n)
	})
}

func TestMetrics_CountFailures(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		q, _ := startQueue(t, db, queue.Config{})
		events, cancel := q.Client().Subscribe(river.EventKindJobFailed)
		defer cancel()
		require.NoError(t, db.Jobs().Enqueue(ctx, failArgs{}, domain.WithMaxAttempts(1)))
		ev := waitEvent(t, events, "test_fail")
		require.Equal(t, rivertype.JobStateDiscarded, ev.Job.State)
		require.Equal(t, 1.0, testutil.ToFloat64(q.Metrics().Jobs.WithLabelValues("test_fail", queue.OutcomeFailed)))
	})
}

func TestStop_WaitsForRunningJob(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		q, w := startQueue(t, db, queue.Config{StopTimeout: 10 * time.Second})
		require.NoError(t, db.Jobs().Enqueue(ctx, sleepArgs{Name: "slow", For: 700 * time.Millisecond}))
		waitStarted(t, w, "slow")

		start := time.Now()
		require.NoError(t, q.Stop(ctx))
		took := time.Since(start)
		t.Logf("graceful stop took %s with a running 700ms job", took)
		require.Equal(t, int32(1), w.finished.Load(), "the running job finished")
		require.Zero(t, w.cancelled.Load())
		require.GreaterOrEqual(t, took, 300*time.Millisecond, "Stop waited for the job")

		var state string
		require.NoError(t, db.Bun().NewSelect().Table("river_job").Column("state").Where("kind = ?", "test_sleep").Scan(ctx, &state))
		require.Equal(t, string(rivertype.JobStateCompleted), state)
	})
}

func TestStop_CancelsAfterTimeout(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		q, w := startQueue(t, db, queue.Config{StopTimeout: 200 * time.Millisecond})
		require.NoError(t, db.Jobs().Enqueue(ctx, sleepArgs{Name: "stuck", For: time.Minute}))
		waitStarted(t, w, "stuck")

		start := time.Now()
		err := q.Stop(ctx)
		took := time.Since(start)
		t.Logf("stop with a stuck job took %s", took)
		require.ErrorIs(t, err, queue.ErrJobsCancelled)
		require.Less(t, took, 5*time.Second)
		require.Equal(t, int32(1), w.cancelled.Load())
		require.Zero(t, w.finished.Load())
	})
}

// TestSQLite_EnqueueInTxWhileClientPolls guards the single SQLite connection:
// transactions that enqueue and write, concurrently with River's pollers and
// workers, all finish and every job runs.
func TestEnqueueInTx_ConcurrentWithRunningClient(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx, cancelCtx := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancelCtx()
		q, _ := startQueue(t, db, queue.Config{})
		events, cancel := q.Client().Subscribe(river.EventKindJobCompleted)
		defer cancel()

		const n = 40
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				errs <- db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
					if err := tx.Audit().AppendAudit(ctx, &domain.AuditEntry{Action: domain.AuditChange,
						Operation: "test", SubjectType: "job", SubjectID: fmt.Sprint(i)}); err != nil {
						return err
					}
					if err := tx.Jobs().Enqueue(ctx, sleepArgs{Name: fmt.Sprint(i), For: time.Millisecond}); err != nil {
						return err
					}
					_, err := tx.Audit().FindAuditEntries(ctx, domain.AuditFilter{}, domain.Page{First: 1})
					return err
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		enqueued := time.Since(start)
		for range n {
			waitEvent(t, events, "test_sleep")
		}
		t.Logf("%s: %d enqueue-in-tx transactions in %s, all %d jobs worked after %s",
			db.Dialect(), n, enqueued, n, time.Since(start))
	})
}

// TestPostgres_RiverConfinedToTestSchema proves River uses the test's schema:
// a job enqueued in schema A is invisible in schema B, and B's running client
// never works it.
func TestPostgres_RiverConfinedToTestSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := storagetest.OpenPostgres(t), storagetest.OpenPostgres(t)
	sa, sb := riverSchema(t, a), riverSchema(t, b)
	require.NotEqual(t, sa, sb)
	require.Contains(t, sa, "test_")
	for _, s := range []string{sa, sb} {
		var n int
		require.NoError(t, a.Bun().QueryRowContext(ctx,
			"SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name IN ('river_job', 'river_leader', 'river_migration', 'river_queue')", s).Scan(&n))
		require.Equal(t, 4, n, "River's tables are in %s", s)
	}

	installInserter(t, a)
	_, _ = startQueue(t, b, queue.Config{})
	require.NoError(t, a.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
		return tx.Jobs().Enqueue(ctx, sleepArgs{Name: "a-only"})
	}))
	requireInserted(t, a, sleepArgs{Name: "a-only"})
	requireNotInserted(t, b, sleepArgs{Name: "a-only"})

	time.Sleep(300 * time.Millisecond) // many polls of B's client
	var state string
	require.NoError(t, a.Bun().NewSelect().Table("river_job").Column("state").Where("kind = ?", "test_sleep").Scan(ctx, &state))
	require.Equal(t, string(rivertype.JobStateAvailable), state, "B's client did not take A's job")
}

func TestMigrateDown_RemovesRiverTablesOnlyAtZero(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		installInserter(t, db)
		require.NoError(t, db.Jobs().Enqueue(ctx, domain.PruneRefreshTokensArgs{}))
		rolled, err := db.MigrateDown(ctx)
		require.NoError(t, err)
		require.Contains(t, rolled, "river/001_create_river_migration")
		_, err = db.Bun().NewSelect().Table("river_job").Count(ctx)
		require.Error(t, err, "river_job is gone after a full rollback")
		applied, err := db.MigrateUp(ctx)
		require.NoError(t, err)
		require.Contains(t, applied, "river/001_create_river_migration")
		require.Zero(t, countJobs(t, db, "prune_refresh_tokens"))
	})
}

// insertOffice writes an offices row directly (UpsertOffice belongs to
// another change in progress).
func insertOffice(t *testing.T, db *storage.DB, code, parent string) {
	t.Helper()
	var p any
	if parent != "" {
		p = parent
	}
	_, err := db.Bun().NewRaw("INSERT INTO offices (code, name, level, parent_code, division) VALUES (?, ?, ?, ?, ?)",
		code, "盘锦市公安局", "CITY_BUREAU", p, code[:6]).Exec(context.Background())
	require.NoError(t, err)
}

func waitStarted(t *testing.T, w *sleepWorker, name string) {
	t.Helper()
	select {
	case got := <-w.started:
		require.Equal(t, name, got)
	case <-time.After(15 * time.Second):
		t.Fatalf("job %s never started", name)
	}
}

func waitEvent(t *testing.T, events <-chan *river.Event, kind string) *river.Event {
	t.Helper()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.Job.Kind == kind {
				return ev
			}
		case <-timeout:
			t.Fatalf("no event for a %s job", kind)
			return nil
		}
	}
}
