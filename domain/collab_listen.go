package domain

import (
	"context"
	"log/slog"
	"time"
)

// InboxWaiter is a Platform that can hold an inbox request until a message
// arrives (the contract's long poll, `wait`). With it, CollabService.Listen
// applies a message within milliseconds of its acceptance instead of at the
// next periodic pull.
type InboxWaiter interface {
	// WaitInbox reports, within about wait, whether office's inbox holds an
	// unacknowledged message after cursor. Errors: CodeUnavailable.
	WaitInbox(ctx context.Context, office, cursor string, wait time.Duration) (bool, error)
}

// Drain pulls the inbox and applies what is ready until the platform has
// nothing new. The periodic pull job and Listen both call it; within one
// process they take turns.
func (s *CollabService) Drain(ctx context.Context) error {
	s.drainMu.Lock()
	defer s.drainMu.Unlock()
	for {
		n, err := s.PullInbox(ctx, 200)
		if err != nil {
			return err
		}
		if _, err := s.ApplyReceived(ctx); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
}

// Listen keeps one long poll of the inbox open (for up to wait each) and
// drains the inbox as soon as the platform reports a message, until ctx is
// done. It returns at once when the platform cannot hold requests or wait is
// not positive; the periodic pull stays the fallback either way, so a failed
// poll only backs off (1 s doubling to 30 s) and never loses a message.
func (s *CollabService) Listen(ctx context.Context, wait time.Duration) {
	waiter, ok := s.Platform.(InboxWaiter)
	if !ok || wait <= 0 {
		return
	}
	const maxBackoff = 30 * time.Second
	backoff := time.Second
	pause := func(d time.Duration) bool {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		}
	}
	for ctx.Err() == nil {
		cursor, err := s.DB.Collab().Cursor(ctx, "inbox")
		start := time.Now()
		var ready bool
		if err == nil {
			ready, err = waiter.WaitInbox(ctx, s.Office, cursor, wait)
		}
		if err == nil && ready {
			err = s.Drain(ctx)
		}
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			slog.WarnContext(ctx, "inbox long poll", "err", err, "retry_in", backoff)
			if !pause(backoff) {
				return
			}
			backoff = min(2*backoff, maxBackoff)
			continue
		case !ready && time.Since(start) < wait/2:
			// The platform answered an empty inbox early: it does not hold
			// requests, so do not spin against it.
			if !pause(wait / 2) {
				return
			}
		}
		backoff = time.Second
	}
}

// deliverSoon hands an outgoing message to the platform now, in the
// background, once the transaction that logged it has committed (see
// DeliverOnCommit). Failures are left to the DeliverMessage job, which was
// enqueued in the same transaction.
func (s *CollabService) deliverSoon(tx Repos, messageID string) {
	if !s.DeliverOnCommit {
		return
	}
	tx.AfterCommit(func() {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := s.Deliver(ctx, messageID, false); err != nil {
				slog.DebugContext(ctx, "deliver on commit; the delivery job retries", "message_id", messageID, "err", err)
			}
		}()
	})
}
