package storage

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

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
		rows[i] = auditRow{At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, OfficeCode: e.OfficeCode,
			Action: string(e.Action), Operation: e.Operation, SubjectType: e.SubjectType, SubjectID: e.SubjectID,
			Detail: e.Detail, RemoteAddr: e.RemoteAddr}
	}
	_, err := r.idb.NewInsert().Model(&rows).Exec(ctx)
	return translate(err, "audit entries")
}

func (r auditRepo) FindAuditEntries(ctx context.Context, f domain.AuditFilter, p domain.Page) (*domain.AuditPage, error) {
	var rows []auditRow
	q := r.idb.NewSelect().Model(&rows).Order("id DESC").Limit(int64(p.First + 1))
	if f.ActorID != "" {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
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

// AuditWriter implements domain.AuditSink: it batches read-audit entries and
// writes them in multi-row INSERTs, so auditing every read costs one round
// trip per batch instead of one commit per read. Close flushes what is left;
// entries are lost only if the process dies within one flush interval.
type AuditWriter struct {
	db       *DB
	ch       chan *domain.AuditEntry
	flush    chan chan struct{}
	done     chan struct{}
	once     sync.Once
	interval time.Duration
}

// NewAuditWriter starts a writer that flushes every interval or every 500 entries.
func NewAuditWriter(db *DB, interval time.Duration) *AuditWriter {
	w := &AuditWriter{db: db, ch: make(chan *domain.AuditEntry, 10000), flush: make(chan chan struct{}), done: make(chan struct{}), interval: interval}
	go w.run()
	return w
}

// Record queues e. When the queue is full it writes synchronously rather
// than drop an entry.
func (w *AuditWriter) Record(ctx context.Context, e *domain.AuditEntry) {
	select {
	case w.ch <- e:
	default:
		if err := w.db.Audit().AppendAudit(context.WithoutCancel(ctx), e); err != nil {
			slog.ErrorContext(ctx, "audit write", "err", err)
		}
	}
}

// Flush writes every entry recorded before the call, then returns.
func (w *AuditWriter) Flush(ctx context.Context) {
	ack := make(chan struct{})
	select {
	case w.flush <- ack:
		<-ack
	case <-w.done:
	case <-ctx.Done():
	}
}

// Close flushes and stops the writer.
func (w *AuditWriter) Close() {
	w.once.Do(func() { close(w.ch) })
	<-w.done
}

func (w *AuditWriter) run() {
	defer close(w.done)
	t := time.NewTicker(w.interval)
	defer t.Stop()
	batch := make([]*domain.AuditEntry, 0, 500)
	for {
		select {
		case e, ok := <-w.ch:
			if !ok {
				w.write(context.Background(), batch)
				return
			}
			batch = append(batch, e)
			if len(batch) >= 500 {
				w.write(context.Background(), batch)
				batch = batch[:0]
			}
		case <-t.C:
			w.write(context.Background(), batch)
			batch = batch[:0]
		case ack := <-w.flush:
			for drained := false; !drained; {
				select {
				case e, ok := <-w.ch:
					if ok {
						batch = append(batch, e)
					} else {
						drained = true
					}
				default:
					drained = true
				}
			}
			w.write(context.Background(), batch)
			batch = batch[:0]
			close(ack)
		}
	}
}

func (w *AuditWriter) write(ctx context.Context, batch []*domain.AuditEntry) {
	if len(batch) == 0 {
		return
	}
	if err := w.db.Audit().AppendAudit(ctx, batch...); err != nil {
		slog.ErrorContext(ctx, "audit write", "entries", len(batch), "err", err)
	}
}
