package queue

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"

	"hukou/domain"
	"hukou/storage"
)

// Inserter inserts jobs through a River client that need not be running. It
// implements storage.JobInserter, which backs domain.Repos.Jobs().
type Inserter struct {
	client *river.Client[*sql.Tx]
}

var _ storage.JobInserter = (*Inserter)(nil)

// NewInserter returns an insert-only Inserter for db (no workers, never
// started). Install it with db.SetJobInserter in processes that enqueue jobs
// but do not work them; New does this itself for the full queue.
func NewInserter(ctx context.Context, db *storage.DB) (*Inserter, error) {
	schema, err := db.RiverSchema(ctx)
	if err != nil {
		return nil, err
	}
	client, err := river.NewClient(db.RiverDriver(), &river.Config{
		Schema: schema,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return nil, fmt.Errorf("river insert-only client: %w", err)
	}
	return &Inserter{client: client}, nil
}

// InsertTx inserts the job on tx: it exists only if tx commits.
func (i *Inserter) InsertTx(ctx context.Context, tx *sql.Tx, args domain.JobArgs, opts ...domain.JobOption) error {
	if _, err := i.client.InsertTx(ctx, tx, args, insertOpts(opts)); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Insert inserts the job in a transaction of its own on the pool.
func (i *Inserter) Insert(ctx context.Context, args domain.JobArgs, opts ...domain.JobOption) error {
	if _, err := i.client.Insert(ctx, args, insertOpts(opts)); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// insertOpts maps domain job options onto River's.
func insertOpts(opts []domain.JobOption) *river.InsertOpts {
	o := domain.ResolveJobOptions(opts...)
	io := &river.InsertOpts{Queue: o.Queue, MaxAttempts: o.MaxAttempts, ScheduledAt: o.ScheduledAt}
	if o.UniqueByArgs {
		io.UniqueOpts = river.UniqueOpts{ByArgs: true, ByPeriod: o.UniquePeriod}
	}
	return io
}
