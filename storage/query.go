package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// Query views (1.5.x): a checked domain.QueryPlan compiled to one SELECT
// through bun. Identifiers come from the sources' declarations only (checked
// by domain.QuerySource.Validate) and are quoted; every value is an argument
// that bun formats as a literal of its type (never spliced as text). A
// field stored in a JSON text column is read with `#>>` after a cast to
// jsonb on PostgreSQL (an expression index can match it) and with
// json_extract on SQLite; both give the value as text.

// queryCompiler compiles plans for one dialect.
type queryCompiler struct{ dialect Dialect }

// expr is the SQL expression of a field.
func (c queryCompiler) expr(f *domain.QueryField) string {
	st := f.Store
	if st.Doc == "" {
		return `"` + st.Column + `"`
	}
	if c.dialect == Postgres {
		return `("` + st.Doc + `"::jsonb #>> '{` + strings.Join(st.Path, ",") + `}')`
	}
	return `json_extract("` + st.Doc + `", '$.` + strings.Join(st.Path, ".") + `')`
}

// textual reports whether f is compared as text (so an empty text counts
// as null).
func textual(f *domain.QueryField) bool {
	if f.Store.Doc != "" {
		return true
	}
	switch f.Type {
	case domain.QueryDate, domain.QueryDateTime, domain.QueryInteger:
		return false
	}
	return true
}

// where compiles n into a condition with ? placeholders and its arguments.
func (c queryCompiler) where(n *domain.QueryNode, b *strings.Builder, args []any) ([]any, error) {
	if n.Group != "" {
		if len(n.Children) == 0 {
			return nil, fmt.Errorf("query: empty group")
		}
		sep := " AND "
		if n.Group == domain.GroupOr {
			sep = " OR "
		}
		b.WriteByte('(')
		for i, ch := range n.Children {
			if i > 0 {
				b.WriteString(sep)
			}
			var err error
			if args, err = c.where(ch, b, args); err != nil {
				return nil, err
			}
		}
		b.WriteByte(')')
		return args, nil
	}
	if n.Field == nil {
		return nil, fmt.Errorf("query: a condition without a field")
	}
	e := c.expr(n.Field)
	want := map[domain.QueryOperator]int{domain.OpIsNull: 0, domain.OpNotNull: 0, domain.OpRangeIncl: 2, domain.OpRangeExcl: 2}
	if k, fixed := want[n.Op]; (fixed && len(n.Args) != k) || (!fixed && len(n.Args) == 0) || (!fixed && n.Op != domain.OpIn && len(n.Args) != 1) {
		return nil, fmt.Errorf("query: %s on %s with %d arguments", n.Op, n.Field.Name, len(n.Args))
	}
	switch n.Op {
	case domain.OpEq:
		b.WriteString(e + " = ?")
	case domain.OpNe:
		b.WriteString("(" + e + " IS NULL OR " + e + " <> ?)")
	case domain.OpIn:
		b.WriteString(e + " IN (?)")
		return append(args, bun.List(n.Args)), nil
	case domain.OpPrefix, domain.OpContains:
		s, ok := n.Args[0].(string)
		if !ok {
			return nil, fmt.Errorf("query: %s on %s needs a text", n.Op, n.Field.Name)
		}
		pattern := likePrefix(s)
		if n.Op == domain.OpContains {
			pattern = "%" + pattern
		}
		b.WriteString(e + ` LIKE ? ESCAPE '\'`)
		return append(args, pattern), nil
	case domain.OpIsNull:
		if textual(n.Field) {
			b.WriteString("(" + e + " IS NULL OR " + e + " = '')")
		} else {
			b.WriteString(e + " IS NULL")
		}
		return args, nil
	case domain.OpNotNull:
		if textual(n.Field) {
			b.WriteString("(" + e + " IS NOT NULL AND " + e + " <> '')")
		} else {
			b.WriteString(e + " IS NOT NULL")
		}
		return args, nil
	case domain.OpRangeIncl:
		b.WriteString("(" + e + " >= ? AND " + e + " <= ?)")
		return append(args, c.arg(n.Args[0]), c.arg(n.Args[1])), nil
	case domain.OpRangeExcl:
		b.WriteString("(" + e + " >= ? AND " + e + " < ?)")
		return append(args, c.arg(n.Args[0]), c.arg(n.Args[1])), nil
	case domain.OpAtLeast:
		b.WriteString(e + " >= ?")
	default:
		return nil, fmt.Errorf("query: operator %q cannot be compiled", n.Op)
	}
	return append(args, c.arg(n.Args[0])), nil
}

// arg is a value as the dialect stores it: times in UTC, as the rows are.
func (c queryCompiler) arg(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.UTC()
	}
	return v
}

// selectQuery is the plan's SELECT: the row ID, the sort value and the
// columns, in the caller's jurisdiction, ordered for keyset pagination.
func (c queryCompiler) selectQuery(idb bun.IDB, p *domain.QueryPlan) (*bun.SelectQuery, error) {
	src := p.Source
	q := idb.NewSelect().TableExpr(`"` + src.Table + `"`).ColumnExpr(`"` + src.IDColumn + `"`)
	if p.Sort != nil {
		q = q.ColumnExpr(c.expr(p.Sort))
	}
	for _, f := range p.Columns {
		q = q.ColumnExpr(c.expr(f))
	}
	q, err := c.filter(q, p)
	if err != nil {
		return nil, err
	}
	if p.Sort != nil {
		dir, cmp := " ASC", ">"
		if p.Descending {
			dir, cmp = " DESC", "<"
		}
		se, id := c.expr(p.Sort), `"`+src.IDColumn+`"`
		if p.AfterID != "" {
			v := c.arg(p.AfterValue)
			q = q.Where("("+se+" "+cmp+" ? OR ("+se+" = ? AND "+id+" "+cmp+" ?))", v, v, p.AfterID)
		}
		q = q.OrderExpr(se + dir).OrderExpr(id + dir)
	}
	if p.Limit > 0 {
		q = q.Limit(int64(p.Limit + 1))
	}
	return q, nil
}

// filter adds the source's kind, the jurisdiction and the conditions.
func (c queryCompiler) filter(q *bun.SelectQuery, p *domain.QueryPlan) (*bun.SelectQuery, error) {
	src := p.Source
	if src.KindColumn != "" {
		q = q.Where(`"`+src.KindColumn+`" = ?`, src.Kind)
	}
	if p.OfficePrefix != "" {
		q = q.Where(`"`+src.OfficeColumn+`" LIKE ? ESCAPE '\'`, likePrefix(p.OfficePrefix))
	}
	if p.Where != nil {
		var b strings.Builder
		args, err := c.where(p.Where, &b, nil)
		if err != nil {
			return nil, err
		}
		q = q.Where(b.String(), args...)
	}
	return q, nil
}

type queryRepo struct {
	idb     bun.IDB
	dialect Dialect
	// reads runs the query views' pages, counts and exports: the read
	// replica on the pool when one is configured (DB.OpenReplica), idb
	// otherwise and inside a transaction. Views and histories are written
	// and read on idb.
	reads bun.IDB
}

func (r queryRepo) compiler() queryCompiler { return queryCompiler{r.dialect} }

func (r queryRepo) RunQuery(ctx context.Context, p *domain.QueryPlan) ([]*domain.QueryRow, error) {
	var out []*domain.QueryRow
	err := r.StreamQuery(ctx, p, func(row *domain.QueryRow) error {
		out = append(out, row)
		return nil
	})
	return out, err
}

func (r queryRepo) CountQuery(ctx context.Context, p *domain.QueryPlan) (int, error) {
	q := r.reads.NewSelect().TableExpr(`"` + p.Source.Table + `"`).ColumnExpr("count(*)")
	q, err := r.compiler().filter(q, p)
	if err != nil {
		return 0, err
	}
	var n int
	if err := q.Scan(ctx, &n); err != nil {
		return 0, translate(err, "query count")
	}
	return n, nil
}

func (r queryRepo) StreamQuery(ctx context.Context, p *domain.QueryPlan, fn func(*domain.QueryRow) error) error {
	q, err := r.compiler().selectQuery(r.reads, p)
	if err != nil {
		return err
	}
	rows, err := q.Rows(ctx) //nolint:rowserrcheck // checked below
	if err != nil {
		return translate(err, "query")
	}
	defer rows.Close()
	extra := 1
	if p.Sort != nil {
		extra = 2
	}
	vals := make([]any, extra+len(p.Columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return translate(err, "query")
		}
		row := &domain.QueryRow{ID: text(vals[0]), Values: make([]*string, len(p.Columns))}
		if p.Sort != nil {
			row.SortKey = sortKey(vals[1])
		}
		for i, f := range p.Columns {
			row.Values[i] = formatValue(f, vals[extra+i])
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return translate(rows.Err(), "query")
}

// text is a scanned value as text.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	default:
		return fmt.Sprint(x)
	}
}

// sortKey is a sort value as the cursor keeps it: a time as RFC 3339 in
// UTC (SQLite may return a time column as text).
func sortKey(v any) string {
	if s, ok := v.(string); ok {
		if t, ok := parseStoredTime(s); ok {
			return t.UTC().Format(time.RFC3339Nano)
		}
	}
	return strings.TrimSpace(text(v))
}

// storedTimeLayouts are the texts a time column may come back as on SQLite.
var storedTimeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", time.DateOnly}

func parseStoredTime(s string) (time.Time, bool) {
	for _, l := range storedTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// formatValue is a column's value as the API shows it: dates as
// YYYY-MM-DD, times as RFC 3339 in UTC, fixed-width codes trimmed; nil
// for null.
func formatValue(f *domain.QueryField, v any) *string {
	if v == nil {
		return nil
	}
	s := strings.TrimSpace(text(v))
	switch f.Type {
	case domain.QueryDate:
		if t, ok := v.(time.Time); ok {
			s = t.Format(time.DateOnly)
		} else if len(s) >= 10 {
			if _, ok := parseStoredTime(s); ok {
				s = s[:10]
			}
		}
	case domain.QueryDateTime:
		if t, ok := v.(time.Time); ok {
			s = t.UTC().Format(time.RFC3339)
		} else if t, ok := parseStoredTime(s); ok && f.Store.Doc == "" {
			s = t.UTC().Format(time.RFC3339)
		}
	}
	return &s
}

// queryViewRow is the bun model of query_views.
type queryViewRow struct {
	bun.BaseModel `bun:"table:query_views"`
	ID            string         `bun:"id,pk"`
	OwnerID       string         `bun:"owner_id"`
	OwnerName     string         `bun:"owner_name"`
	Source        string         `bun:"source"`
	Name          string         `bun:"name"`
	SharedOffice  sql.NullString `bun:"shared_office"`
	Spec          string         `bun:"spec"`
	CreatedAt     time.Time      `bun:"created_at"`
	UpdatedAt     time.Time      `bun:"updated_at"`
	Version       int            `bun:"version"`
}

func queryViewFromDomain(v *domain.QueryView) (*queryViewRow, error) {
	spec, err := json.Marshal(v.Spec)
	if err != nil {
		return nil, fmt.Errorf("encode view spec: %w", err)
	}
	return &queryViewRow{ID: v.ID, OwnerID: v.OwnerID, OwnerName: v.OwnerName, Source: v.Source, Name: v.Name,
		SharedOffice: sql.NullString{String: v.SharedOffice, Valid: v.SharedOffice != ""}, Spec: string(spec),
		CreatedAt: v.CreatedAt.UTC(), UpdatedAt: v.UpdatedAt.UTC(), Version: v.Version}, nil
}

func (r *queryViewRow) toDomain() (*domain.QueryView, error) {
	v := &domain.QueryView{ID: r.ID, OwnerID: r.OwnerID, OwnerName: r.OwnerName, Source: r.Source, Name: r.Name,
		SharedOffice: strings.TrimSpace(r.SharedOffice.String), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
	if err := json.Unmarshal([]byte(r.Spec), &v.Spec); err != nil {
		return nil, fmt.Errorf("decode spec of view %s: %w", r.ID, err)
	}
	return v, nil
}

func (r queryRepo) CreateQueryView(ctx context.Context, v *domain.QueryView) error {
	v.Version = 1
	row, err := queryViewFromDomain(v)
	if err != nil {
		return err
	}
	_, err = r.idb.NewInsert().Model(row).Exec(ctx)
	return translate(err, "query view")
}

func (r queryRepo) UpdateQueryView(ctx context.Context, v *domain.QueryView) error {
	row, err := queryViewFromDomain(v)
	if err != nil {
		return err
	}
	row.Version = v.Version + 1
	res, err := r.idb.NewUpdate().Model(row).Column("name", "shared_office", "spec", "updated_at", "version").
		Where("id = ? AND version = ?", v.ID, v.Version).Exec(ctx)
	if err != nil {
		return translate(err, "query view")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return staleView()
	}
	v.Version = row.Version
	return nil
}

func staleView() error {
	return domain.Errorf(domain.CodeConflict, "the view was changed meanwhile; reload it and try again").WithReason("query.view_stale")
}

func (r queryRepo) DeleteQueryView(ctx context.Context, id string, version int) error {
	res, err := r.idb.NewDelete().TableExpr("query_views").Where("id = ? AND version = ?", id, version).Exec(ctx)
	if err != nil {
		return translate(err, "query view")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return staleView()
	}
	return nil
}

func (r queryRepo) FindQueryViewByID(ctx context.Context, id string) (*domain.QueryView, error) {
	var row queryViewRow
	if err := r.idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, translate(err, "query view")
	}
	return row.toDomain()
}

func (r queryRepo) FindQueryViews(ctx context.Context, source, ownerID, office string) ([]*domain.QueryView, error) {
	var rows []queryViewRow
	err := r.idb.NewSelect().Model(&rows).Where("source = ?", source).
		Where("(owner_id = ? OR shared_office = ?)", ownerID, office).Order("name", "id").Limit(500).Scan(ctx)
	if err != nil {
		return nil, translate(err, "query views")
	}
	out := make([]*domain.QueryView, 0, len(rows))
	for i := range rows {
		v, err := rows[i].toDomain()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// queryHistoryRow is the bun model of query_history.
type queryHistoryRow struct {
	bun.BaseModel `bun:"table:query_history"`
	ID            string    `bun:"id,pk"`
	UserID        string    `bun:"user_id"`
	Source        string    `bun:"source"`
	Hash          string    `bun:"hash"`
	Conditions    string    `bun:"conditions"`
	At            time.Time `bun:"at"`
}

func (r queryRepo) AddRecentQuery(ctx context.Context, e *domain.RecentQuery, keep int) error {
	cond, err := json.Marshal(e.Condition)
	if err != nil {
		return fmt.Errorf("encode recent query: %w", err)
	}
	row := &queryHistoryRow{ID: e.ID, UserID: e.UserID, Source: e.Source, Hash: e.Hash, Conditions: string(cond), At: e.At.UTC()}
	_, err = r.idb.NewInsert().Model(row).On("CONFLICT (user_id, source, hash) DO UPDATE").Set("at = EXCLUDED.at").Exec(ctx)
	if err != nil {
		return translate(err, "query history")
	}
	_, err = r.idb.NewDelete().TableExpr("query_history").Where("user_id = ? AND source = ?", e.UserID, e.Source).
		Where("id NOT IN (?)", r.idb.NewSelect().TableExpr("query_history").Column("id").
			Where("user_id = ? AND source = ?", e.UserID, e.Source).Order("at DESC", "id DESC").Limit(int64(keep))).Exec(ctx)
	return translate(err, "query history")
}

func (r queryRepo) FindRecentQueries(ctx context.Context, userID, source string) ([]*domain.RecentQuery, error) {
	var rows []queryHistoryRow
	err := r.idb.NewSelect().Model(&rows).Where("user_id = ? AND source = ?", userID, source).Order("at DESC", "id DESC").Scan(ctx)
	if err != nil {
		return nil, translate(err, "query history")
	}
	out := make([]*domain.RecentQuery, len(rows))
	for i, row := range rows {
		e := &domain.RecentQuery{ID: row.ID, UserID: row.UserID, Source: row.Source, Hash: strings.TrimSpace(row.Hash), At: row.At}
		if err := json.Unmarshal([]byte(row.Conditions), &e.Condition); err != nil {
			return nil, fmt.Errorf("decode recent query %s: %w", row.ID, err)
		}
		out[i] = e
	}
	return out, nil
}
