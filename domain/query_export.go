package domain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Background exports (1.5.x, issue 15): an export of more rows than
// QueryService.ExportThreshold runs as a durable job (QueryExportArgs) that
// writes its file to the blob store; its owner follows its progress (rows
// written of the total counted when it started), then downloads the file
// until it expires. Only the owner sees or downloads it; it is masked as
// the owner reads, and audited when it starts, ends (rows, SHA-256) and at
// each download.

// QueryExportState is where a background export stands.
type QueryExportState string

// Export states.
const (
	ExportQueued  QueryExportState = "QUEUED"
	ExportRunning QueryExportState = "RUNNING"
	ExportDone    QueryExportState = "DONE"
	ExportFailed  QueryExportState = "FAILED"
)

// QueryExport is a background export.
type QueryExport struct {
	ID      string
	OwnerID string
	Source  string
	Format  ExportFormat
	Request QueryRequest
	State   QueryExportState
	// Total is the count of rows when the export started; Rows those written.
	Total, Rows int
	// BlobKey, SHA256 (equal: the store is content-addressed) and Size name
	// the file once Done.
	BlobKey, SHA256 string
	Size            int64
	Error           string // why it failed, for the owner
	CreatedAt       time.Time
	UpdatedAt       time.Time
	ExpiresAt       *time.Time // the download's end, once Done
}

// Finished reports whether the export ended (done or failed).
func (e *QueryExport) Finished() bool { return e.State == ExportDone || e.State == ExportFailed }

// QueryExportArgs is the job that writes a background export.
type QueryExportArgs struct {
	ExportID string `json:"exportId"`
}

// Kind implements JobArgs.
func (QueryExportArgs) Kind() string { return "query_export" }

// QueryExportRepository keeps background exports (part of QueryRepository).
type QueryExportRepository interface {
	CreateQueryExport(ctx context.Context, e *QueryExport) error
	// UpdateQueryExport writes e's state, counts, file, error, times.
	UpdateQueryExport(ctx context.Context, e *QueryExport) error
	// FindQueryExport returns CodeNotFound when there is none.
	FindQueryExport(ctx context.Context, id string) (*QueryExport, error)
	// ExpireQueryExports drops the file references of exports expired
	// before now and returns how many.
	ExpireQueryExports(ctx context.Context, now time.Time) (int, error)
}

// ExpireQueryExportsArgs is the periodic job that lets go of the files of
// expired background exports.
type ExpireQueryExportsArgs struct{}

// Kind implements JobArgs.
func (ExpireQueryExportsArgs) Kind() string { return "expire_query_exports" }

// ExpireExports lets go of the files of exports whose download expired
// (ExportTTL after they were done): the orphan blob sweeper deletes them
// after its grace, the rows stay as the audit's record. Returns how many.
func (s *QueryService) ExpireExports(ctx context.Context) (int, error) {
	return s.DB.Queries().ExpireQueryExports(ctx, s.Now())
}

// Defaults of a QueryService's background exports.
const (
	DefaultExportThreshold = 50_000 // the server's EXPORT_BACKGROUND_ROWS
	DefaultExportTTL       = 24 * time.Hour
	// exportProgressEvery is how often a running export records its rows.
	exportProgressEvery = 500 * time.Millisecond
)

// StartExport starts a background export of the query in format for the
// caller and returns it (Queued). The job is enqueued in the transaction
// that records it. Errors as Export, and CodeUnavailable without a blob
// store.
func (s *QueryService) StartExport(ctx context.Context, req QueryRequest, format ExportFormat) (*QueryExport, error) {
	actor, err := Authorize(ctx, QueryRoles...)
	if err != nil {
		return nil, err
	}
	if format != ExportCSV && format != ExportXLSX {
		return nil, FieldErrorf("format", "an export is CSV or XLSX").WithReason("query.format")
	}
	if s.Blobs == nil {
		return nil, Errorf(CodeUnavailable, "background exports need a file store, which this server has none of").WithReason("query.export_unavailable")
	}
	p, err := s.plan(ctx, actor, req)
	if err != nil {
		return nil, err
	}
	total, err := s.DB.Queries().CountQuery(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("count export %s: %w", req.Source, err)
	}
	if total > MaxExportRows {
		return nil, FieldErrorf("condition", "an export has at most %d rows, this one %d; narrow the conditions", MaxExportRows, total).WithReason("query.export_too_large")
	}
	now := s.Now()
	req.Page = Page{}
	e := &QueryExport{ID: s.NewID(), OwnerID: actor.UserID, Source: req.Source, Format: format, Request: req, State: ExportQueued,
		Total: total, CreatedAt: now, UpdatedAt: now}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if err := tx.Queries().CreateQueryExport(ctx, e); err != nil {
			return err
		}
		if err := tx.Jobs().Enqueue(ctx, QueryExportArgs{ExportID: e.ID}, WithMaxAttempts(1)); err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditRead, "query.export", "QueryExport", e.ID,
			auditDetail(req.Condition, map[string]any{"source": req.Source, "format": format, "state": "queued", "total": total})))
	})
	if err != nil {
		return nil, fmt.Errorf("start export: %w", err)
	}
	return e, nil
}

// ExportStatus returns the caller's background export id; CodeNotFound for
// anyone else's (the same as for none).
func (s *QueryService) ExportStatus(ctx context.Context, id string) (*QueryExport, error) {
	actor, err := Authorize(ctx, QueryRoles...)
	if err != nil {
		return nil, err
	}
	e, err := s.DB.Queries().FindQueryExport(ctx, id)
	missing := notFound("export not found")
	if err != nil {
		return nil, orMissing(err, missing)
	}
	if e.OwnerID != actor.UserID {
		return nil, missing
	}
	return e, nil
}

// OpenExport returns the file of the caller's finished export, audited
// with its rows and SHA-256. Errors: CodeNotFound for another's export or
// none; CodeInvalid (reason query.export_not_ready) before it is done;
// CodeNotFound (reason query.export_expired) after it expired.
func (s *QueryService) OpenExport(ctx context.Context, id string) (io.ReadCloser, *QueryExport, error) {
	e, err := s.ExportStatus(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	actor := ActorFromContext(ctx)
	switch {
	case e.State != ExportDone:
		return nil, nil, Errorf(CodeInvalid, "the export is not ready yet (%s): wait until it is done", e.State).WithReason("query.export_not_ready")
	case e.ExpiresAt != nil && !s.Now().Before(*e.ExpiresAt):
		return nil, nil, Errorf(CodeNotFound, "the export's download expired; export again").WithReason("query.export_expired")
	case s.Blobs == nil:
		return nil, nil, Errorf(CodeUnavailable, "this server has no file store").WithReason("query.export_unavailable")
	}
	if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "query.export.download", "QueryExport", e.ID,
		auditDetail(e.Request.Condition, map[string]any{"source": e.Source, "format": e.Format, "rows": e.Rows, "sha256": e.SHA256}))); err != nil {
		return nil, nil, err
	}
	rc, _, err := s.Blobs.Open(ctx, e.BlobKey)
	if err != nil {
		return nil, nil, fmt.Errorf("open export %s: %w", e.ID, err)
	}
	return rc, e, nil
}

// RunExportJob writes background export id (the job's work): as its owner
// reads now (roles, office, masking; a disabled owner or one without a
// query role fails it), streaming rows into the blob store with flat
// memory and recording progress every half second. A finished export is
// left alone (the job may be delivered twice). The export ends Done or
// Failed; the error returned is only for failing to record that.
func (s *QueryService) RunExportJob(ctx context.Context, id string) error {
	e, err := s.DB.Queries().FindQueryExport(ctx, id)
	if err != nil {
		return err
	}
	if e.Finished() {
		return nil
	}
	e.State, e.UpdatedAt = ExportRunning, s.Now()
	if err := s.DB.Queries().UpdateQueryExport(ctx, e); err != nil {
		return err
	}
	fail := func(cause error) error {
		slog.WarnContext(ctx, "background export failed", "export", e.ID, "err", cause)
		e.State, e.UpdatedAt, e.Error = ExportFailed, s.Now(), "导出失败，请重新导出"
		if ErrorCode(cause) != CodeInternal {
			e.Error = ErrorMessage(cause)
		}
		return s.DB.Queries().UpdateQueryExport(context.WithoutCancel(ctx), e)
	}
	actor, err := s.owner(ctx, e.OwnerID)
	if err != nil {
		return fail(err)
	}
	if s.Blobs == nil {
		return fail(Errorf(CodeUnavailable, "this server has no file store"))
	}
	ctx = WithActor(ctx, actor)
	// Progress is recorded apart from the stream: on SQLite's single
	// connection the write waits until the rows are read, and the stream
	// must never wait for it.
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(exportProgressEvery)
		defer t.Stop()
		recorded := int64(0)
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			if n := written.Load(); n != recorded {
				recorded = n
				p := *e
				p.Rows, p.UpdatedAt = int(n), s.Now()
				if err := s.DB.Queries().UpdateQueryExport(ctx, &p); err != nil {
					slog.WarnContext(ctx, "export progress not recorded", "export", e.ID, "err", err)
				}
			}
		}
	}()
	pr, pw := io.Pipe()
	type result struct {
		n   int
		sum string
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, sum, err := s.export(ctx, e.Request, e.Format, pw, map[string]any{"export": e.ID, "background": true}, func(n int) { written.Store(int64(n)) })
		pw.CloseWithError(err)
		done <- result{n, sum, err}
	}()
	ref, perr := s.Blobs.Put(ctx, pr, exportContentType(e.Format))
	_ = pr.CloseWithError(errors.New("export: the file store stopped reading"))
	res := <-done
	close(stop)
	wg.Wait()
	if res.err != nil {
		return fail(res.err)
	}
	if perr != nil {
		return fail(perr)
	}
	now := s.Now()
	exp := now.Add(s.exportTTL())
	e.State, e.Rows, e.BlobKey, e.SHA256, e.Size, e.UpdatedAt, e.ExpiresAt = ExportDone, res.n, ref.Key, res.sum, ref.Size, now, &exp
	return s.DB.Queries().UpdateQueryExport(context.WithoutCancel(ctx), e)
}

func (s *QueryService) exportTTL() time.Duration {
	if s.ExportTTL > 0 {
		return s.ExportTTL
	}
	return DefaultExportTTL
}

func exportContentType(f ExportFormat) string {
	if f == ExportXLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv"
}

// owner is the Actor of an export's owner as stored now: a disabled user,
// or one who lost every query role, exports nothing.
func (s *QueryService) owner(ctx context.Context, userID string) (*Actor, error) {
	u, err := s.DB.Users().FindUserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	gone := Errorf(CodeForbidden, "the export's owner may no longer query").WithReason("query.export_owner")
	if u.Disabled {
		return nil, gone
	}
	office, err := s.DB.Offices().FindOfficeByCode(ctx, u.OfficeCode)
	if err != nil {
		return nil, err
	}
	a := &Actor{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, OfficeCode: u.OfficeCode, Office: office, Roles: u.Roles}
	if !a.HasRole(QueryRoles...) {
		return nil, gone
	}
	return a, nil
}
