package storage

import (
	"github.com/uptrace/bun"

	"hukou/domain"
)

// CompileForTest returns the SQL the compiler makes of plan on idb (tests
// read its plan with EXPLAIN).
func CompileForTest(idb bun.IDB, d Dialect, plan *domain.QueryPlan) (string, error) {
	q, err := queryCompiler{d}.selectQuery(idb, plan)
	if err != nil {
		return "", err
	}
	return q.String(), nil
}
