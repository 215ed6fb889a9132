package domain

import (
	"context"
	"time"
)

// JobArgs is the payload of a durable background job. It is structurally
// identical to river.JobArgs, so domain stays free of River: the arguments are
// stored as JSON and Kind names the worker that runs them. A Kind is part of
// the stored data, so never rename one.
type JobArgs interface {
	Kind() string
}

// JobQueue enqueues durable background jobs. The queue from Repos.Jobs()
// inside Database.InTx inserts on that transaction: the job exists if and
// only if the transaction commits.
type JobQueue interface {
	Enqueue(ctx context.Context, args JobArgs, opts ...JobOption) error
}

// JobOptions is the resolved form of the JobOption values passed to Enqueue.
// Zero fields mean the queue's defaults.
type JobOptions struct {
	// Queue names the queue to run in; "" is the default queue.
	Queue string
	// MaxAttempts caps how often a failing job is tried; 0 is the default (25).
	MaxAttempts int
	// ScheduledAt delays the job until then; zero runs it as soon as possible.
	ScheduledAt time.Time
	// UniqueByArgs skips the insert when a job of the same kind and arguments
	// is already waiting, running or retrying (within UniquePeriod when set).
	UniqueByArgs bool
	// UniquePeriod, with UniqueByArgs, narrows uniqueness to jobs inserted in
	// the same period (e.g. 24h: at most one a day).
	UniquePeriod time.Duration
}

// JobOption adjusts how one job is enqueued.
type JobOption func(*JobOptions)

// ResolveJobOptions applies opts in order to zero JobOptions.
func ResolveJobOptions(opts ...JobOption) JobOptions {
	var o JobOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// InQueue runs the job in the named queue.
func InQueue(name string) JobOption { return func(o *JobOptions) { o.Queue = name } }

// WithMaxAttempts caps the number of attempts.
func WithMaxAttempts(n int) JobOption { return func(o *JobOptions) { o.MaxAttempts = n } }

// ScheduledAt delays the job until t.
func ScheduledAt(t time.Time) JobOption { return func(o *JobOptions) { o.ScheduledAt = t } }

// UniqueByArgs makes the insert a no-op while an equal job (same kind and
// arguments) is pending; a non-zero period limits that to jobs inserted in the
// same period.
func UniqueByArgs(period time.Duration) JobOption {
	return func(o *JobOptions) { o.UniqueByArgs, o.UniquePeriod = true, period }
}

// RefreshTokenRetention is how long an expired refresh token is kept before
// PruneRefreshTokensArgs deletes it.
const RefreshTokenRetention = 7 * 24 * time.Hour

// PruneRefreshTokensArgs is the daily job that deletes refresh tokens expired
// more than RefreshTokenRetention ago.
type PruneRefreshTokensArgs struct{}

// Kind implements JobArgs.
func (PruneRefreshTokensArgs) Kind() string { return "prune_refresh_tokens" }
