package storage

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// blobColumnName is the convention that makes a column a blob reference:
// it is named blob_key or ends in _blob_key. The orphan sweeper finds every
// such column of every table, so a table added later that keeps blob keys
// is protected by its column's name alone (docs/DESIGN.md, "Blobs and archives").
var blobColumnName = regexp.MustCompile(`^([a-z0-9_]+_)?blob_key$`)

// blobJSONColumns are JSON text columns whose documents hold blob keys
// (e.g. an online application's materials before a clerk makes them a
// case's archives). The naming convention cannot see inside a document, so
// a table that keeps blob keys in JSON must be listed here, or the sweeper
// would take its blobs for orphans. TestReferencedBlobs_JSON keeps this
// list honest for the tables that exist.
var blobJSONColumns = [][2]string{
	{"online_applications", "materials"},
}

// identifier guards the names the catalogue returns before they are put
// into SQL.
var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// blobColumns lists the (table, column) pairs that hold blob keys, from the
// database's own catalogue.
func (db *DB) blobColumns(ctx context.Context) ([][2]string, error) {
	var q string
	if db.dialect == Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns
		     WHERE table_schema = current_schema() AND column_name LIKE '%blob_key'
		     AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE')
		     ORDER BY 1, 2`
	} else {
		q = `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		     WHERE m.type = 'table' AND p.name LIKE '%blob_key' ORDER BY 1, 2`
	}
	rows, err := db.bun.QueryContext(ctx, q)
	if err != nil {
		return nil, translate(err, "blob columns")
	}
	defer rows.Close()
	var cols [][2]string
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			return nil, translate(err, "blob columns")
		}
		table, column = strings.ToLower(table), strings.ToLower(column)
		if blobColumnName.MatchString(column) && identifier.MatchString(table) {
			cols = append(cols, [2]string{table, column})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "blob columns")
	}
	return cols, nil
}

// ReferencedBlobs implements domain.BlobReferences: the keys among keys
// that some row of any blob-key column refers to. It refuses to answer when
// it finds no such column at all (an unmigrated database), so the sweeper
// never takes every blob for an orphan.
func (db *DB) ReferencedBlobs(ctx context.Context, keys []string) (map[string]bool, error) {
	cols, err := db.blobColumns(ctx)
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("blob references: no blob_key column in the database; is it migrated?")
	}
	used := map[string]bool{}
	if len(keys) == 0 {
		return used, nil
	}
	parts := make([]string, len(cols))
	args := make([]any, len(cols))
	for i, c := range cols {
		// char(64) on PostgreSQL pads nothing (keys are 64 characters), but
		// trim anyway so a wider column still matches.
		parts[i] = fmt.Sprintf("SELECT DISTINCT trim(%[2]s) AS k FROM %[1]s WHERE %[2]s IN (?)", c[0], c[1])
		args[i] = bun.List(keys)
	}
	var found []string
	if err := db.bun.NewRaw(strings.Join(parts, " UNION "), args...).Scan(ctx, &found); err != nil {
		return nil, translate(err, "blob references")
	}
	for _, k := range found {
		used[k] = true
	}
	// Keys still unreferenced may sit inside a JSON document: few after the
	// columns' check, so one LIKE per key and column is cheap.
	for _, c := range blobJSONColumns {
		for _, k := range keys {
			if used[k] || !blobKeyText.MatchString(k) {
				continue
			}
			var n int
			err := db.bun.NewRaw(fmt.Sprintf("SELECT count(*) FROM %s WHERE %s LIKE ?", c[0], c[1]), "%\""+k+"\"%").Scan(ctx, &n)
			if err != nil {
				return nil, translate(err, "blob references in "+c[0])
			}
			if n > 0 {
				used[k] = true
			}
		}
	}
	return used, nil
}

// blobKeyText is what a blob key looks like (the hex SHA-256 of the
// content); anything else is never looked for inside a JSON document.
var blobKeyText = regexp.MustCompile(`^[0-9a-f]{64}$`)

var _ domain.BlobReferences = (*DB)(nil)
