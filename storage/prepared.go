package storage

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// stmtCache holds the pool's prepared statements for the hot read paths
// (PostgreSQL only). database/sql prepares each statement once per pooled
// connection, so a read costs PostgreSQL a Bind/Execute instead of a parse
// and plan, and costs Go no query building. The number of distinct
// statements is bounded: past maxPrepared, callers fall back to bun.
type stmtCache struct {
	sqldb *sql.DB
	m     sync.Map // query → *sql.Stmt
	n     atomic.Int32
	mu    sync.Mutex // serialises Prepare of new statements
}

const maxPrepared = 64

// stmt returns the prepared statement for query, preparing it on first use;
// ok is false when the cache is full (use an unprepared query instead).
func (c *stmtCache) stmt(ctx context.Context, query string) (s *sql.Stmt, ok bool, err error) {
	if v, hit := c.m.Load(query); hit {
		return v.(*sql.Stmt), true, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, hit := c.m.Load(query); hit {
		return v.(*sql.Stmt), true, nil
	}
	if c.n.Load() >= maxPrepared {
		return nil, false, nil
	}
	s, err = c.sqldb.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil, false, err
	}
	c.m.Store(query, s)
	c.n.Add(1)
	return s, true, nil
}

func (c *stmtCache) close() {
	c.m.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
}
