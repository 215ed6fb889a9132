package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// queryExportRow is the bun model of query_exports (background exports).
type queryExportRow struct {
	bun.BaseModel `bun:"table:query_exports"`
	ID            string         `bun:"id,pk"`
	OwnerID       string         `bun:"owner_id"`
	Source        string         `bun:"source"`
	Format        string         `bun:"format"`
	Request       string         `bun:"request"`
	State         string         `bun:"state"`
	Total         int            `bun:"total"`
	Rows          int            `bun:"rows_written"`
	BlobKey       sql.NullString `bun:"blob_key"`
	SHA256        string         `bun:"sha256"`
	Size          int64          `bun:"size"`
	Error         string         `bun:"error"`
	CreatedAt     time.Time      `bun:"created_at"`
	UpdatedAt     time.Time      `bun:"updated_at"`
	ExpiresAt     *time.Time     `bun:"expires_at"`
}

// exportRequest is the stored form of an export's query.
type exportRequest struct {
	Source    string                 `json:"source"`
	Condition *domain.QueryCondition `json:"condition,omitempty"`
	Columns   []string               `json:"columns,omitempty"`
	Sort      *domain.QuerySort      `json:"sort,omitempty"`
}

func queryExportFromDomain(e *domain.QueryExport) (*queryExportRow, error) {
	req, err := json.Marshal(exportRequest{Source: e.Request.Source, Condition: e.Request.Condition, Columns: e.Request.Columns, Sort: e.Request.Sort})
	if err != nil {
		return nil, fmt.Errorf("encode export request: %w", err)
	}
	r := &queryExportRow{ID: e.ID, OwnerID: e.OwnerID, Source: e.Source, Format: string(e.Format), Request: string(req), State: string(e.State),
		Total: e.Total, Rows: e.Rows, BlobKey: sql.NullString{String: e.BlobKey, Valid: e.BlobKey != ""}, SHA256: e.SHA256, Size: e.Size,
		Error: e.Error, CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC()}
	if e.ExpiresAt != nil {
		t := e.ExpiresAt.UTC()
		r.ExpiresAt = &t
	}
	return r, nil
}

func (r *queryExportRow) toDomain() (*domain.QueryExport, error) {
	var req exportRequest
	if err := json.Unmarshal([]byte(r.Request), &req); err != nil {
		return nil, fmt.Errorf("decode export %s: %w", r.ID, err)
	}
	return &domain.QueryExport{ID: r.ID, OwnerID: r.OwnerID, Source: r.Source, Format: domain.ExportFormat(r.Format),
		Request: domain.QueryRequest{Source: req.Source, Condition: req.Condition, Columns: req.Columns, Sort: req.Sort},
		State:   domain.QueryExportState(r.State), Total: r.Total, Rows: r.Rows, BlobKey: r.BlobKey.String, SHA256: r.SHA256,
		Size: r.Size, Error: r.Error, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, ExpiresAt: r.ExpiresAt}, nil
}

func (r queryRepo) CreateQueryExport(ctx context.Context, e *domain.QueryExport) error {
	row, err := queryExportFromDomain(e)
	if err != nil {
		return err
	}
	_, err = r.idb.NewInsert().Model(row).Exec(ctx)
	return translate(err, "query export")
}

func (r queryRepo) UpdateQueryExport(ctx context.Context, e *domain.QueryExport) error {
	row, err := queryExportFromDomain(e)
	if err != nil {
		return err
	}
	res, err := r.idb.NewUpdate().Model(row).Column("state", "total", "rows_written", "blob_key", "sha256", "size", "error", "updated_at", "expires_at").
		WherePK().Exec(ctx)
	if err != nil {
		return translate(err, "query export")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeNotFound, "query export not found")
	}
	return nil
}

func (r queryRepo) FindQueryExport(ctx context.Context, id string) (*domain.QueryExport, error) {
	var row queryExportRow
	if err := r.idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, translate(err, "query export")
	}
	return row.toDomain()
}

// ExpireQueryExports lets go of the files of exports whose download expired
// before now: blob_key becomes NULL, so nothing references the blob and the
// orphan sweeper deletes it after its grace. The rows stay (the audit names
// them). It returns how many exports it expired.
func (r queryRepo) ExpireQueryExports(ctx context.Context, now time.Time) (int, error) {
	res, err := r.idb.NewUpdate().Model((*queryExportRow)(nil)).Set("blob_key = NULL").Set("updated_at = ?", now).
		Where("expires_at < ?", now).Where("blob_key IS NOT NULL").Exec(ctx)
	if err != nil {
		return 0, translate(err, "query export")
	}
	n, err := res.RowsAffected()
	return int(n), err
}
