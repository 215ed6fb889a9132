package domain

import (
	"context"
	"sync"
)

// AnswerHold lets the read audits of one query commit while the rest of
// the query runs, and holds its answer until they have (#20). Without it a
// read waits for its audit commit (one fsync) before the query can go on to
// its other fields, the related rows and the encoding of the answer; with
// it that work overlaps the commit, and still no byte of the answer leaves
// before every audit entry of the request is durable: the transport calls
// Release before writing, and answers an error instead of the data when an
// entry could not be committed.
//
// Only AuditRead entries are deferred, and only once Open is called (for
// query operations): a refusal's entry (AuditDenied) and anything recorded
// by a mutation keep waiting for their commit in place, since what follows
// them may have effects.
type AnswerHold struct {
	mu    sync.Mutex
	open  bool
	done  bool
	waits []func(context.Context) error
}

type answerHoldKey struct{}

// WithAnswerHold returns ctx carrying a new hold, closed until Open.
func WithAnswerHold(ctx context.Context) (context.Context, *AnswerHold) {
	h := &AnswerHold{}
	return context.WithValue(ctx, answerHoldKey{}, h), h
}

// AnswerHoldFrom returns the hold of ctx, nil when there is none.
func AnswerHoldFrom(ctx context.Context) *AnswerHold {
	h, _ := ctx.Value(answerHoldKey{}).(*AnswerHold)
	return h
}

// Open lets the hold take read audits (a query operation has begun).
func (h *AnswerHold) Open() {
	h.mu.Lock()
	h.open = true
	h.mu.Unlock()
}

// DeferReadAudit hands wait, the commit wait of entry e, to the hold of ctx
// and reports true when the hold took it; false means the caller waits in
// place (no hold, not open, already released, or e is not a read).
func DeferReadAudit(ctx context.Context, e *AuditEntry, wait func(context.Context) error) bool {
	h := AnswerHoldFrom(ctx)
	if h == nil || e.Action != AuditRead {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.open || h.done {
		return false
	}
	h.waits = append(h.waits, wait)
	return true
}

// Release waits for every deferred entry and returns the first failure
// (CodeUnavailable); later reads of the request, if any, wait in place.
func (h *AnswerHold) Release(ctx context.Context) error {
	h.mu.Lock()
	waits := h.waits
	h.waits, h.done = nil, true
	h.mu.Unlock()
	var first error
	for _, wait := range waits {
		if err := wait(ctx); err != nil && first == nil {
			first = err
		}
	}
	return first
}
