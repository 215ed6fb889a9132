package storage

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// caseFileRow is the bun model of case_files.
type caseFileRow struct {
	bun.BaseModel `bun:"table:case_files"`
	ID            string    `bun:"id,pk"`
	CaseID        string    `bun:"case_id"`
	Category      string    `bun:"category"`
	MaterialCode  string    `bun:"material_code"`
	Name          string    `bun:"name"`
	ContentType   string    `bun:"content_type"`
	Size          int64     `bun:"size"`
	BlobKey       string    `bun:"blob_key"`
	Revision      int       `bun:"revision"`
	Restriction   string    `bun:"restriction"`
	Valid         bool      `bun:"valid"`
	DeleteReason  string    `bun:"delete_reason"`
	Pages         int       `bun:"pages"`
	PageSet       string    `bun:"page_set"`
	CreatedBy     string    `bun:"created_by"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
	Version       int       `bun:"version"`
}

func caseFileFromDomain(f *domain.CaseFile) *caseFileRow {
	return &caseFileRow{ID: f.ID, CaseID: f.CaseID, Category: string(f.Category), MaterialCode: f.MaterialCode, Name: f.Name,
		ContentType: f.ContentType, Size: f.Size, BlobKey: f.BlobKey, Revision: f.Revision, Restriction: string(f.Restriction),
		Valid: f.Valid, DeleteReason: f.DeleteReason, Pages: max(f.Pages, 1), PageSet: f.PageSet, CreatedBy: f.CreatedBy, CreatedAt: f.CreatedAt.UTC(), UpdatedAt: f.UpdatedAt.UTC(), Version: f.Version}
}

func (r *caseFileRow) toDomain() *domain.CaseFile {
	return &domain.CaseFile{ID: r.ID, CaseID: r.CaseID, Category: domain.CaseFileCategory(r.Category), MaterialCode: r.MaterialCode,
		Name: r.Name, ContentType: r.ContentType, Size: r.Size, BlobKey: strings.TrimSpace(r.BlobKey), Revision: r.Revision,
		Restriction: domain.ArchiveRestriction(r.Restriction), Valid: r.Valid, DeleteReason: r.DeleteReason, Pages: max(r.Pages, 1), PageSet: r.PageSet, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt,
		UpdatedAt: r.UpdatedAt, Version: r.Version}
}

// caseFileRepo implements domain.CaseFileRepository on a bun.IDB.
type caseFileRepo struct{ idb bun.IDB }

func (r caseFileRepo) CreateCaseFile(ctx context.Context, f *domain.CaseFile) error {
	f.Version, f.Pages = 1, max(f.Pages, 1)
	_, err := r.idb.NewInsert().Model(caseFileFromDomain(f)).Exec(ctx)
	return translate(err, "case file "+f.Name)
}

func (r caseFileRepo) FindCaseFileByID(ctx context.Context, id string) (*domain.CaseFile, error) {
	var row caseFileRow
	if err := r.idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, translate(err, "case file")
	}
	return row.toDomain(), nil
}

func (r caseFileRepo) FindCaseFiles(ctx context.Context, caseID string, category domain.CaseFileCategory) ([]*domain.CaseFile, error) {
	var rows []caseFileRow
	q := r.idb.NewSelect().Model(&rows).Where("case_id = ?", caseID).Where("valid = ?", true).
		Order("material_code", "revision", "created_at", "id")
	if category != "" {
		q = q.Where("category = ?", category)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "case files")
	}
	return mapRows(rows, (*caseFileRow).toDomain), nil
}

func (r caseFileRepo) UpdateCaseFile(ctx context.Context, f *domain.CaseFile) error {
	row := caseFileFromDomain(f)
	row.Version = f.Version + 1
	res, err := r.idb.NewUpdate().Model(row).
		Column("material_code", "name", "content_type", "size", "blob_key", "restriction", "valid", "delete_reason", "pages", "page_set", "updated_at", "version").
		Where("id = ? AND version = ?", f.ID, f.Version).Exec(ctx)
	if err != nil {
		return translate(err, "case file")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeConflict, "the file was changed by someone else meanwhile; reload it and try again").WithReason("archive.stale")
	}
	f.Version = row.Version
	return nil
}

func (r caseFileRepo) MaxDocumentRevision(ctx context.Context, caseID, kind string) (int, error) {
	var n int
	err := r.idb.NewRaw("SELECT coalesce(max(revision), 0) FROM case_files WHERE case_id = ? AND category = ? AND material_code = ?",
		caseID, domain.FileDocument, kind).Scan(ctx, &n)
	return n, translate(err, "case files")
}

// caseFileVersionRow is the bun model of case_file_versions.
type caseFileVersionRow struct {
	bun.BaseModel `bun:"table:case_file_versions"`
	FileID        string    `bun:"file_id,pk"`
	Version       int       `bun:"version,pk"`
	MaterialCode  string    `bun:"material_code"`
	Name          string    `bun:"name"`
	ContentType   string    `bun:"content_type"`
	Size          int64     `bun:"size"`
	OldBlobKey    string    `bun:"old_blob_key"`
	Pages         int       `bun:"pages"`
	PageSet       string    `bun:"page_set"`
	ReplacedBy    string    `bun:"replaced_by"`
	ReplacedAt    time.Time `bun:"replaced_at"`
}

func (r caseFileRepo) AppendCaseFileVersion(ctx context.Context, v *domain.CaseFileVersion) error {
	row := &caseFileVersionRow{FileID: v.FileID, Version: v.Version, MaterialCode: v.MaterialCode, Name: v.Name,
		ContentType: v.ContentType, Size: v.Size, OldBlobKey: v.BlobKey, Pages: max(v.Pages, 1), PageSet: v.PageSet, ReplacedBy: v.ReplacedBy, ReplacedAt: v.ReplacedAt.UTC()}
	_, err := r.idb.NewInsert().Model(row).Exec(ctx)
	return translate(err, "archive version")
}

func (r caseFileRepo) FindCaseFileVersions(ctx context.Context, fileID string) ([]*domain.CaseFileVersion, error) {
	var rows []caseFileVersionRow
	if err := r.idb.NewSelect().Model(&rows).Where("file_id = ?", fileID).Order("version").Scan(ctx); err != nil {
		return nil, translate(err, "archive versions")
	}
	out := make([]*domain.CaseFileVersion, len(rows))
	for i, v := range rows {
		out[i] = &domain.CaseFileVersion{FileID: v.FileID, Version: v.Version, MaterialCode: v.MaterialCode, Name: v.Name,
			ContentType: v.ContentType, Size: v.Size, BlobKey: strings.TrimSpace(v.OldBlobKey), Pages: v.Pages, PageSet: v.PageSet, ReplacedBy: v.ReplacedBy, ReplacedAt: v.ReplacedAt}
	}
	return out, nil
}

// caseFilePageRow is the bun model of case_file_pages.
type caseFilePageRow struct {
	bun.BaseModel `bun:"table:case_file_pages"`
	FileID        string    `bun:"file_id,pk"`
	PageSet       string    `bun:"page_set,pk"`
	Page          int       `bun:"page,pk"`
	Name          string    `bun:"name"`
	ContentType   string    `bun:"content_type"`
	Size          int64     `bun:"size"`
	PageBlobKey   string    `bun:"page_blob_key"`
	CreatedAt     time.Time `bun:"created_at"`
}

func (r caseFileRepo) AppendCaseFilePages(ctx context.Context, pages []*domain.CaseFilePage) error {
	if len(pages) == 0 {
		return nil
	}
	rows := make([]caseFilePageRow, len(pages))
	for i, p := range pages {
		rows[i] = caseFilePageRow{FileID: p.FileID, PageSet: p.PageSet, Page: p.Page, Name: p.Name, ContentType: p.ContentType,
			Size: p.Size, PageBlobKey: p.BlobKey, CreatedAt: p.CreatedAt.UTC()}
	}
	_, err := r.idb.NewInsert().Model(&rows).Exec(ctx)
	return translate(err, "archive pages")
}

func (r caseFileRepo) FindCaseFilePages(ctx context.Context, fileID, pageSet string) ([]*domain.CaseFilePage, error) {
	var rows []caseFilePageRow
	if err := r.idb.NewSelect().Model(&rows).Where("file_id = ? AND page_set = ?", fileID, pageSet).Order("page").Scan(ctx); err != nil {
		return nil, translate(err, "archive pages")
	}
	out := make([]*domain.CaseFilePage, len(rows))
	for i, p := range rows {
		out[i] = &domain.CaseFilePage{FileID: p.FileID, PageSet: p.PageSet, Page: p.Page, Name: p.Name, ContentType: p.ContentType,
			Size: p.Size, BlobKey: strings.TrimSpace(p.PageBlobKey), CreatedAt: p.CreatedAt}
	}
	return out, nil
}

// Files implements domain.Repos on the pool.
func (db *DB) Files() domain.CaseFileRepository { return db.pool().Files() }
