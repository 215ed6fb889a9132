package domain

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// IdempotencyRecord remembers one mutation made with an idempotency key
// (issue 18 item 6): who made it (Owner, the caller's user ID), the hash of
// the request, and the answer once there is one. A retry with the same key
// and the same request gets the same answer without running the mutation
// again; the same key with another request is a conflict.
type IdempotencyRecord struct {
	Owner       string
	Key         string
	RequestHash string
	// Response is the answer as sent (JSON); nil while the mutation runs.
	Response []byte
	// CommittedAt is when a transaction of the mutation committed: set in
	// that transaction (MarkIdempotentCommit), so a reservation without an
	// answer whose mutation took effect is never run again.
	CommittedAt *time.Time
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// IdempotencyRepository stores idempotency records.
type IdempotencyRepository interface {
	// ReserveIdempotencyKey inserts rec without a response; CodeConflict
	// when the owner has a record of that key (a unique constraint decides,
	// so of two concurrent first requests exactly one runs).
	ReserveIdempotencyKey(ctx context.Context, rec *IdempotencyRecord) error
	// FindIdempotencyKey returns the owner's record of key, or CodeNotFound.
	FindIdempotencyKey(ctx context.Context, owner, key string) (*IdempotencyRecord, error)
	// CompleteIdempotencyKey stores the response of a reserved key.
	CompleteIdempotencyKey(ctx context.Context, owner, key string, response []byte) error
	// DeleteIdempotencyKey forgets the owner's record of key.
	DeleteIdempotencyKey(ctx context.Context, owner, key string) error
	// PruneIdempotencyKeys deletes the records that expired before before.
	PruneIdempotencyKeys(ctx context.Context, before time.Time) (int, error)
	// CommitIdempotencyKey sets the committed time of the owner's record of
	// key (inside the mutation's transaction).
	CommitIdempotencyKey(ctx context.Context, owner, key string, at time.Time) error
}

// DefaultIdempotencyTTL is how long an answer is kept for retries.
const DefaultIdempotencyTTL = 24 * time.Hour

// idempotencyLockTimeout is how long a reservation without an answer
// blocks its key. A request that outlives it (its process died between
// running the mutation and storing the answer) no longer holds the key.
const idempotencyLockTimeout = 2 * time.Minute

// MaxIdempotencyKeyLength bounds a key.
const MaxIdempotencyKeyLength = 255

// IdempotencyService makes every mutation idempotent under a client-chosen
// key. The transport calls Begin before a mutation runs and Finish or
// Abandon after; no mutation knows about it.
type IdempotencyService struct {
	DB  Database
	Now func() time.Time
	// TTL is how long answers are kept; 0 means DefaultIdempotencyTTL.
	TTL time.Duration
}

// IdempotentCall is a mutation admitted under a key: either Replay holds
// the stored answer to send again, or the mutation runs and its answer is
// given to Finish (or Abandon, to let a retry run it again).
type IdempotentCall struct {
	svc    *IdempotencyService
	owner  string
	key    string
	Replay []byte
	// committed is set once a transaction of the mutation committed with
	// the key marked (MarkIdempotentCommit).
	committed atomic.Bool
}

type idempotentCallCtx struct{}

// WithIdempotentCall returns ctx carrying call: every transaction the
// mutation runs under ctx marks the key committed in that transaction
// (the storage's InTx calls MarkIdempotentCommit).
func WithIdempotentCall(ctx context.Context, call *IdempotentCall) context.Context {
	if call == nil {
		return ctx
	}
	return context.WithValue(ctx, idempotentCallCtx{}, call)
}

// MarkIdempotentCommit records, in tx, that the mutation admitted under
// ctx's idempotency key takes effect when tx commits (no-op without a
// key, and once the key is marked). The Database's InTx calls it as the
// last statement of each transaction, so the mark and the mutation commit
// or roll back together: a retry after a crash between the commit and the
// stored answer finds the mark and does not run the mutation again.
func MarkIdempotentCommit(ctx context.Context, tx Repos) error {
	call, _ := ctx.Value(idempotentCallCtx{}).(*IdempotentCall)
	if call == nil || call.Replay != nil || call.committed.Load() {
		return nil
	}
	if err := tx.Idempotency().CommitIdempotencyKey(ctx, call.owner, call.key, call.svc.Now().UTC()); err != nil {
		return fmt.Errorf("mark idempotency key committed: %w", err)
	}
	tx.AfterCommit(func() { call.committed.Store(true) })
	return nil
}

// Committed reports whether a transaction of the mutation committed.
func (c *IdempotentCall) Committed() bool { return c.committed.Load() }

// CheckIdempotencyKey validates a key: 1 to MaxIdempotencyKeyLength
// printable ASCII characters. Errors: CodeInvalid (field idempotencyKey,
// reason idempotency.key).
func CheckIdempotencyKey(key string) error {
	if key == "" || len(key) > MaxIdempotencyKeyLength {
		return FieldErrorf("idempotencyKey", "an idempotency key has 1 to %d characters", MaxIdempotencyKeyLength).WithReason("idempotency.key")
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return FieldErrorf("idempotencyKey", "an idempotency key is printable ASCII without spaces (a UUID is a good one)").WithReason("idempotency.key")
		}
	}
	return nil
}

// Begin admits a mutation of the calling user made with key, whose request
// (operation, variables, uploaded files) hashes to requestHash. It returns
// the stored answer to replay when the same request was answered before,
// or reserves the key for this call. Errors: CodeUnauthenticated without a
// caller; CodeInvalid for a bad key; CodeConflict with reason
// idempotency.mismatch when the key was used for another request, or
// idempotency.in_progress while the first request with the key still runs.
func (s *IdempotencyService) Begin(ctx context.Context, key, requestHash string) (*IdempotentCall, error) {
	actor, err := RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := CheckIdempotencyKey(key); err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	ttl := s.TTL
	if ttl <= 0 {
		ttl = DefaultIdempotencyTTL
	}
	call := &IdempotentCall{svc: s, owner: actor.UserID, key: key}
	for attempt := 0; attempt < 3; attempt++ {
		rec := &IdempotencyRecord{Owner: actor.UserID, Key: key, RequestHash: requestHash, CreatedAt: now, ExpiresAt: now.Add(ttl)}
		err := s.DB.Idempotency().ReserveIdempotencyKey(ctx, rec)
		if err == nil {
			return call, nil
		} else if ErrorCode(err) != CodeConflict {
			return nil, fmt.Errorf("reserve idempotency key: %w", err)
		}
		held, err := s.DB.Idempotency().FindIdempotencyKey(ctx, actor.UserID, key)
		if ErrorCode(err) == CodeNotFound {
			continue // released meanwhile: try again
		} else if err != nil {
			return nil, err
		}
		stale := !now.Before(held.ExpiresAt) || (held.Response == nil && held.CommittedAt == nil && now.Sub(held.CreatedAt) > idempotencyLockTimeout)
		switch {
		case stale:
			if err := s.DB.Idempotency().DeleteIdempotencyKey(ctx, actor.UserID, key); err != nil {
				return nil, err
			}
			continue
		case held.RequestHash != requestHash:
			return nil, Errorf(CodeConflict, "the idempotency key %q was used for a different request; use a new key for a new request", key).
				WithReason("idempotency.mismatch").WithField("idempotencyKey")
		case held.Response == nil && held.CommittedAt != nil && now.Sub(*held.CommittedAt) > idempotencyLockTimeout:
			// The mutation took effect but its answer was never stored
			// (its process died in between): running it again would do
			// it twice.
			return nil, Errorf(CodeConflict, "the request with the idempotency key %q was carried out but its answer was lost; read its result (for an online application, onlineApplications by your reference) instead of sending it again", key).
				WithReason("idempotency.answer_lost").WithField("idempotencyKey")
		case held.Response == nil:
			return nil, &Error{Code: CodeConflict, Reason: "idempotency.in_progress", Field: "idempotencyKey", RetryAfter: time.Second,
				Message: fmt.Sprintf("the first request with the idempotency key %q is still running; try again in a moment", key)}
		default:
			call.Replay = held.Response
			return call, nil
		}
	}
	return nil, Errorf(CodeConflict, "the idempotency key %q is contended; try again", key).WithReason("idempotency.in_progress")
}

// Finish stores the answer of a mutation admitted by Begin, for retries.
// Storing it is best effort for the caller: the mutation already committed.
func (c *IdempotentCall) Finish(ctx context.Context, response []byte) error {
	return c.svc.DB.Idempotency().CompleteIdempotencyKey(ctx, c.owner, c.key, response)
}

// Abandon frees the key of a mutation whose answer must not be replayed
// (it failed for a reason a retry may not meet: a service was unavailable,
// the caller was throttled, an internal error), so a retry runs it again.
// A mutation that already committed a transaction keeps its key: its
// response is stored as Finish does, since running it again would repeat
// what took effect.
func (c *IdempotentCall) Abandon(ctx context.Context, response []byte) error {
	if c.committed.Load() {
		return c.Finish(ctx, response)
	}
	return c.svc.DB.Idempotency().DeleteIdempotencyKey(ctx, c.owner, c.key)
}
