package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// auditRow is the bun model of audit_log, which only ever gets INSERTs.
type auditRow struct {
	bun.BaseModel `bun:"table:audit_log"`
	ID            int64     `bun:"id,pk,autoincrement"`
	At            time.Time `bun:"at"`
	ActorID       string    `bun:"actor_id"`
	ActorName     string    `bun:"actor_name"`
	OfficeCode    string    `bun:"office_code"`
	Action        string    `bun:"action"`
	Operation     string    `bun:"operation"`
	SubjectType   string    `bun:"subject_type"`
	SubjectID     string    `bun:"subject_id"`
	Detail        string    `bun:"detail"`
	RemoteAddr    string    `bun:"remote_addr"`
}

type auditRepo struct{ idb bun.IDB }

func (r auditRepo) AppendAudit(ctx context.Context, entries ...*domain.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		// Every field is bounded here, whatever the caller passed: a hostile
		// value (a 1 MB username, a NUL byte) must neither bloat the
		// undeletable log nor make the INSERT fail and with it the read.
		rows[i] = auditRow{At: e.At.UTC(), ActorID: bounded(e.ActorID, 36), ActorName: bounded(e.ActorName, 64),
			OfficeCode: bounded(e.OfficeCode, 12), Action: string(e.Action), Operation: bounded(e.Operation, 100),
			SubjectType: bounded(e.SubjectType, 30), SubjectID: bounded(e.SubjectID, 64),
			Detail: bounded(e.Detail, auditDetailMax), RemoteAddr: bounded(e.RemoteAddr, 64)}
	}
	_, err := r.idb.NewInsert().Model(&rows).Exec(ctx)
	return translate(err, "audit entries")
}

func (r auditRepo) FindLoginFailures(ctx context.Context, f domain.LoginFailureFilter) ([]time.Time, error) {
	var at []time.Time
	q := r.idb.NewSelect().Model((*auditRow)(nil)).Column("at").
		Where("detail = ?", domain.LoginFailed).Where("at >= ?", f.Since.UTC()).
		OrderExpr("id DESC").Limit(int64(max(f.Limit, 1)))
	if f.Operation != "" {
		q = q.Where("operation = ?", bounded(f.Operation, 64))
	} else {
		q = q.Where("action = 'LOGIN'")
	}
	switch {
	case f.Username != "" && f.Operation == "":
		name := bounded(f.Username, 64) // as it was written
		q = q.Where("actor_name = ?", name).
			Where("id > coalesce((SELECT max(id) FROM audit_log WHERE action = 'LOGIN' AND actor_name = ? AND detail = ? AND at >= ?), 0)",
				name, domain.LoginOK, f.Since.UTC())
	case f.RemoteAddr != "":
		q = q.Where("remote_addr = ?", bounded(f.RemoteAddr, 64))
	default:
		return nil, nil
	}
	if err := q.Scan(ctx, &at); err != nil {
		return nil, translate(err, "audit log")
	}
	return at, nil
}

// auditDetailMax bounds audit_log.detail in bytes: a page of 200 residents
// lists 200 IDs (7.4 kB).
const auditDetailMax = 16 << 10

// bounded returns s as valid UTF-8 without NUL bytes (PostgreSQL refuses
// both in text), cut to at most n bytes on a character boundary with "…"
// marking the cut. The column limits (varchar(n) counts characters) hold
// because n bytes are never more than n characters.
func bounded(s string, n int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	if len(s) <= n {
		return s
	}
	const mark = "…" // 3 bytes
	cut := n - len(mark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}

func (r auditRepo) FindAuditEntries(ctx context.Context, f domain.AuditFilter, p domain.Page) (*domain.AuditPage, error) {
	var rows []auditRow
	q := r.idb.NewSelect().Model(&rows).Order("id DESC").Limit(int64(p.First + 1))
	if f.ActorID != "" {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.ActorName != "" {
		q = q.Where("actor_name = ?", f.ActorName)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.Operation != "" {
		q = q.Where("operation = ?", f.Operation)
	}
	if f.SubjectType != "" {
		q = q.Where("subject_type = ?", f.SubjectType)
	}
	if f.SubjectID != "" {
		q = q.Where("subject_id = ?", f.SubjectID)
	}
	if f.Since != nil {
		q = q.Where("at >= ?", *f.Since)
	}
	if f.Until != nil {
		q = q.Where("at < ?", *f.Until)
	}
	if f.OfficePrefix != "" {
		q = q.Where("office_code LIKE ? ESCAPE '\\'", likePrefix(f.OfficePrefix))
	}
	if p.After != "" {
		c, err := decodeCursor(p.After)
		if err != nil {
			return nil, err
		}
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			return nil, domain.FieldErrorf("after", "the cursor is not one this server issued; start again from the first page").WithReason("page.cursor")
		}
		q = q.Where("id < ?", id)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "audit log")
	}
	page := &domain.AuditPage{}
	if len(rows) > p.First {
		page.HasNextPage, rows = true, rows[:p.First]
	}
	for i := range rows {
		r := &rows[i]
		page.Entries = append(page.Entries, &domain.AuditEntry{ID: r.ID, At: r.At, ActorID: r.ActorID, ActorName: r.ActorName,
			OfficeCode: r.OfficeCode, Action: domain.AuditAction(r.Action), Operation: r.Operation,
			SubjectType: r.SubjectType, SubjectID: r.SubjectID, Detail: r.Detail, RemoteAddr: r.RemoteAddr})
	}
	if len(rows) > 0 {
		page.EndCursor = encodeCursor(strconv.FormatInt(rows[len(rows)-1].ID, 10))
	}
	return page, nil
}

// AuditWriter implements domain.AuditSink with group commit: Record returns
// only once its entry is committed, and the entries of concurrent requests
// share one commit. Requests enqueue their entry and wait; one goroutine
// takes everything queued, writes it in one multi-row INSERT (one
// transaction), wakes every waiter with the outcome, and starts the next
// batch as soon as that commit returns. There is no timer: a lone read pays
// one commit, and under load a batch is everything that arrived during the
// previous commit, so commits per second stay bounded while reads per second
// grow with concurrency.
type AuditWriter struct {
	db       *DB
	maxBatch int

	mu     sync.Mutex
	queue  []auditRequest
	closed bool
	wake   chan struct{} // capacity 1: "the queue is not empty"
	done   chan struct{} // closed when run returns

	batches, entries atomic.Int64
}

type auditRequest struct {
	entry *domain.AuditEntry
	done  chan error // capacity 1
}

// auditMaxBatch bounds one INSERT; a longer queue is written in several.
const auditMaxBatch = 1000

// NewAuditWriter starts a group-commit writer on db; Close stops it.
//
// One committer, not several: on PostgreSQL a second one only queues at the
// same WAL flush (measured with make bench: 2 or 4 committers made fewer
// entries per commit and no more reads per second), and SQLite has one
// connection.
func NewAuditWriter(db *DB) *AuditWriter {
	w := &AuditWriter{db: db, maxBatch: auditMaxBatch, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go w.run()
	return w
}

// Record implements domain.AuditSink: it returns nil once e is committed,
// or a CodeUnavailable error when it cannot be (the database refused the
// batch, the writer is closed, or ctx ended first — in that last case the
// entry may still be committed, which errs on the side of the audit).
//
// A read's entry in a query whose answer is held (domain.AnswerHold) is
// only enqueued here: Record returns nil at once and the hold waits for the
// commit before the answer's first byte.
func (w *AuditWriter) Record(ctx context.Context, e *domain.AuditEntry) error {
	req := auditRequest{entry: e, done: make(chan error, 1)}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return errAuditUnavailable(errors.New("the audit writer is closed"))
	}
	w.queue = append(w.queue, req)
	select {
	case w.wake <- struct{}{}:
	default: // already signalled; a committer will find this entry too
	}
	w.mu.Unlock()
	if domain.DeferReadAudit(ctx, e, req.wait) {
		return nil
	}
	return req.wait(ctx)
}

// wait returns once the entry is committed (nil) or cannot be.
func (r auditRequest) wait(ctx context.Context) error {
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return errAuditUnavailable(ctx.Err())
	}
}

// Stats reports how many commits the writer made and how many entries they
// held (entries/batches is the mean group size).
func (w *AuditWriter) Stats() (batches, entries int64) {
	return w.batches.Load(), w.entries.Load()
}

// Close commits every entry already recorded, then stops the writer; later
// Records fail with CodeUnavailable.
func (w *AuditWriter) Close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.wake) // the committer drains the queue and returns
	}
	w.mu.Unlock()
	<-w.done
}

// run is the committer: it takes the whole queue whenever woken, commits it,
// and waits to be woken again.
func (w *AuditWriter) run() {
	defer close(w.done)
	var spare []auditRequest
	take := func() []auditRequest {
		w.mu.Lock()
		defer w.mu.Unlock()
		batch := w.queue
		w.queue = spare[:0]
		return batch
	}
	for range w.wake {
		batch := take()
		for len(batch) > 0 {
			n := min(len(batch), w.maxBatch)
			w.commit(batch[:n])
			batch = batch[n:]
		}
		spare = batch[:0]
	}
	for batch := take(); len(batch) > 0; batch = batch[min(len(batch), w.maxBatch):] {
		w.commit(batch[:min(len(batch), w.maxBatch)])
	}
}

// commit writes batch in one INSERT and tells each waiter the outcome. When
// the batch fails and holds more than one entry, each entry is retried alone,
// so one entry the database refuses cannot fail its neighbours' reads.
func (w *AuditWriter) commit(batch []auditRequest) {
	ctx := context.Background()
	entries := make([]*domain.AuditEntry, len(batch))
	for i, r := range batch {
		entries[i] = r.entry
	}
	err := w.db.Audit().AppendAudit(ctx, entries...)
	w.batches.Add(1)
	if err == nil {
		w.entries.Add(int64(len(batch)))
		for _, r := range batch {
			r.done <- nil
		}
		return
	}
	if len(batch) == 1 {
		slog.ErrorContext(ctx, "audit write", "entries", 1, "err", err)
		batch[0].done <- errAuditUnavailable(err)
		return
	}
	slog.ErrorContext(ctx, "audit write; retrying entry by entry", "entries", len(batch), "err", err)
	for _, r := range batch {
		w.commit([]auditRequest{r})
	}
}

func errAuditUnavailable(cause error) error {
	return fmt.Errorf("%w: %s", domain.Errorf(domain.CodeUnavailable,
		"the audit log cannot be written, so the request was refused; try again shortly").WithReason("audit.unavailable"), cause.Error())
}
