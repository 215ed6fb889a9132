package storage

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// SearchArchives implements domain.ArchiveSearcher (1.4.8): archives joined
// with their cases, every condition a bound argument; a person is matched
// in the JSON documents of the case through the paths its kind declares
// (the same expressions as query views), so the condition names no kind.
// Keyset pages on (created_at, id), newest first (case_files_search_idx).
func (db *DB) SearchArchives(ctx context.Context, q domain.ArchiveQuery, p domain.Page) (*domain.ArchivePage, error) {
	var rows []caseFileRow
	sel := db.bun.NewSelect().Model(&rows).ModelTableExpr("case_files AS f").ColumnExpr("f.*").
		Join("JOIN cases AS c ON c.id = f.case_id").
		Where("f.category = ?", domain.FileArchive).
		OrderExpr("f.created_at DESC, f.id DESC").Limit(int64(p.First + 1))
	if q.Jurisdiction != "" {
		sel = sel.Where("c.office LIKE ? ESCAPE '\\'", likePrefix(q.Jurisdiction))
	}
	if q.OfficePrefix != "" {
		sel = sel.Where("c.office LIKE ? ESCAPE '\\'", likePrefix(q.OfficePrefix))
	}
	if q.Kind != "" {
		sel = sel.Where("c.kind = ?", q.Kind)
	}
	if q.CollabNo != "" {
		sel = sel.Where("c.collab_no = ?", q.CollabNo)
	}
	if q.MaterialCode != "" {
		sel = sel.Where("f.material_code = ?", q.MaterialCode)
	}
	if !q.CapturedFrom.IsZero() {
		sel = sel.Where("f.created_at >= ?", q.CapturedFrom.UTC())
	}
	if !q.CapturedBefore.IsZero() {
		sel = sel.Where("f.created_at < ?", q.CapturedBefore.UTC())
	}
	switch q.Status {
	case domain.ArchiveValid:
		sel = sel.Where("f.valid = ?", true)
	case domain.ArchiveDeleted:
		sel = sel.Where("f.valid = ?", false)
	}
	if q.Restriction != "" {
		sel = sel.Where("f.restriction = ?", q.Restriction)
	}
	if q.PersonName != "" || q.PersonIDNumber != "" {
		sel = sel.WhereGroup(" AND ", func(g *bun.SelectQuery) *bun.SelectQuery {
			for _, pf := range q.Persons {
				g = g.WhereGroup(" OR ", func(k *bun.SelectQuery) *bun.SelectQuery {
					k = k.Where("c.kind = ?", pf.Kind)
					if q.PersonName != "" {
						k = db.anyEquals(k, pf.Names, q.PersonName)
					}
					if q.PersonIDNumber != "" {
						k = db.anyEquals(k, pf.IDNumbers, q.PersonIDNumber)
					}
					return k
				})
			}
			return g
		})
	}
	if p.After != "" {
		key, err := decodeCursor(p.After)
		if err != nil {
			return nil, err
		}
		ts, id, ok := strings.Cut(key, "|")
		nanos, perr := strconv.ParseInt(ts, 10, 64)
		if !ok || perr != nil {
			return nil, domain.FieldErrorf("after", "the cursor is not one this server issued; start again from the first page").WithReason("page.cursor")
		}
		at := time.Unix(0, nanos).UTC()
		sel = sel.Where("(f.created_at < ? OR (f.created_at = ? AND f.id < ?))", at, at, id)
	}
	if err := sel.Scan(ctx); err != nil {
		return nil, translate(err, "archives")
	}
	page := &domain.ArchivePage{}
	if len(rows) > p.First {
		page.HasNextPage, rows = true, rows[:p.First]
	}
	if len(rows) == 0 {
		return page, nil
	}
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.CaseID)
	}
	var cases []caseRow
	if err := db.bun.NewSelect().Model(&cases).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, translate(err, "cases")
	}
	byID := make(map[string]*domain.Case, len(cases))
	for i := range cases {
		byID[cases[i].ID] = cases[i].toDomain()
	}
	for i := range rows {
		page.Hits = append(page.Hits, &domain.ArchiveHit{File: rows[i].toDomain(), Case: byID[rows[i].CaseID]})
	}
	page.EndCursor = domain.ArchiveCursor(page.Hits[len(page.Hits)-1].File)
	return page, nil
}

// anyEquals adds "one of stores equals v" to q: the stores are declared
// JSON paths of the case's documents, quoted as query views quote them.
func (db *DB) anyEquals(q *bun.SelectQuery, stores []domain.QueryStore, v string) *bun.SelectQuery {
	if len(stores) == 0 {
		return q.Where("1 = 0")
	}
	return q.WhereGroup(" AND ", func(g *bun.SelectQuery) *bun.SelectQuery {
		for _, st := range stores {
			var expr string
			if db.dialect == Postgres {
				expr = `(c."` + st.Doc + `"::jsonb #>> '{` + strings.Join(st.Path, ",") + `}')`
			} else {
				expr = `json_extract(c."` + st.Doc + `", '$.` + strings.Join(st.Path, ".") + `')`
			}
			g = g.WhereOr(expr+" = ?", v)
		}
		return g
	})
}

var _ domain.ArchiveSearcher = (*DB)(nil)

// ArchiveMaterialCodes implements domain.ArchiveSearcher.
func (db *DB) ArchiveMaterialCodes(ctx context.Context, jurisdiction string, limit int) ([]domain.ArchiveMaterialCode, error) {
	var rows []struct {
		Kind     string `bun:"kind"`
		Province string `bun:"province"`
		Code     string `bun:"code"`
	}
	q := db.bun.NewSelect().TableExpr("case_files AS f").Join("JOIN cases AS c ON c.id = f.case_id").
		ColumnExpr("DISTINCT c.kind AS kind, c.registration_province AS province, f.material_code AS code").
		Where("f.category = ?", domain.FileArchive).OrderExpr("3, 1, 2").Limit(int64(limit))
	if jurisdiction != "" {
		q = q.Where("c.office LIKE ? ESCAPE '\\'", likePrefix(jurisdiction))
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, translate(err, "archive material codes")
	}
	out := make([]domain.ArchiveMaterialCode, len(rows))
	for i, r := range rows {
		out[i] = domain.ArchiveMaterialCode{Kind: domain.CaseKind(r.Kind), Province: r.Province, Code: r.Code}
	}
	return out, nil
}
