package storage

import (
	"context"
	"database/sql"
	"sync/atomic"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// repos implements domain.Repos over a bun.IDB: the pool or one transaction.
// tx is the *sql.Tx behind idb when idb is a transaction (nil on the pool), so
// Jobs() can enqueue on the same transaction.
type repos struct {
	idb bun.IDB
	db  *DB
	tx  *sql.Tx
	// pending holds collaboration events to publish after commit (SQLite;
	// PostgreSQL uses NOTIFY, which the server delivers on commit).
	pending *[]domain.CollabEvent
	// committed holds the AfterCommit functions of the transaction.
	committed *[]func()
}

func (r repos) Offices() domain.OfficeRepository    { return officeRepo{r.idb} }
func (r repos) Register() domain.RegisterRepository { return registerRepo{r.idb, r.poolStmts()} }
func (r repos) Users() domain.UserRepository        { return userRepo{r.idb} }
func (r repos) Audit() domain.AuditRepository       { return auditRepo{r.idb} }
func (r repos) Jobs() domain.JobQueue               { return jobQueue{db: r.db, tx: r.tx} }
func (r repos) Collab() domain.CollabRepository     { return collabRepo{r} }
func (r repos) Cases() domain.CaseRepository        { return caseRepo{r.idb} }
func (r repos) Hcybsh() domain.HcybshRepository     { return hcybshRepo{r.idb} }
func (r repos) Files() domain.CaseFileRepository    { return caseFileRepo{r.idb} }
func (r repos) Queries() domain.QueryRepository {
	return queryRepo{r.idb, r.db.dialect, r.queryReads()}
}
func (r repos) Integrators() domain.IntegratorRepository {
	return integratorRepo{r.idb}
}
func (r repos) Idempotency() domain.IdempotencyRepository {
	return idempotencyRepo{r.idb}
}
func (r repos) Online() domain.OnlineRepository { return onlineRepo{r.idb} }
func (r repos) PortalMessages() domain.PortalMessageRepository {
	return portalMessageRepo{r.idb}
}
func (r repos) FoundCards() domain.FoundCardRepository { return foundCardRepo{r.idb} }
func (r repos) HukouBooks() domain.HukouBookRepository { return hukouBookRepo{r.idb} }

// AfterCommit implements domain.Repos.
func (r repos) AfterCommit(fn func()) {
	if r.committed == nil {
		fn()
		return
	}
	*r.committed = append(*r.committed, fn)
}

// poolStmts returns the prepared statements of the pool (PostgreSQL), or nil
// in a transaction or on SQLite, where the repositories build their queries.
func (r repos) poolStmts() *stmtCache {
	if r.tx != nil || r.db == nil {
		return nil
	}
	return r.db.stmts
}

// Offices implements domain.Repos on the pool.
func (db *DB) Offices() domain.OfficeRepository { return db.pool().Offices() }

// Register implements domain.Repos on the pool.
func (db *DB) Register() domain.RegisterRepository { return db.pool().Register() }

// Users implements domain.Repos on the pool.
func (db *DB) Users() domain.UserRepository { return db.pool().Users() }

// Audit implements domain.Repos on the pool.
func (db *DB) Audit() domain.AuditRepository { return db.pool().Audit() }

// Queries implements domain.Repos on the pool.
func (db *DB) Queries() domain.QueryRepository { return db.pool().Queries() }

// FoundCards implements domain.Repos on the pool.
func (db *DB) FoundCards() domain.FoundCardRepository { return db.pool().FoundCards() }

// HukouBooks implements domain.Repos on the pool.
func (db *DB) HukouBooks() domain.HukouBookRepository { return db.pool().HukouBooks() }

// PortalMessages implements domain.Repos on the pool.
func (db *DB) PortalMessages() domain.PortalMessageRepository { return db.pool().PortalMessages() }

// Online implements domain.Repos on the pool.
func (db *DB) Online() domain.OnlineRepository { return db.pool().Online() }

// Idempotency implements domain.Repos on the pool.
func (db *DB) Idempotency() domain.IdempotencyRepository { return db.pool().Idempotency() }

// Integrators implements domain.Repos on the pool.
func (db *DB) Integrators() domain.IntegratorRepository { return db.pool().Integrators() }

// Cases implements domain.Repos on the pool.
func (db *DB) Cases() domain.CaseRepository { return db.pool().Cases() }

// Collab implements domain.Repos on the pool.
func (db *DB) Collab() domain.CollabRepository { return db.pool().Collab() }

// Jobs implements domain.Repos on the pool: each Enqueue inserts in its own
// short transaction. On SQLite (one connection) never call it while an InTx
// is open; use the tx's Jobs() there.
func (db *DB) Jobs() domain.JobQueue { return db.pool().Jobs() }

// AfterCommit implements domain.Repos on the pool: fn runs at once.
func (db *DB) AfterCommit(fn func()) { fn() }

// queryReads is where query views read: the replica, on the pool, when
// there is one.
func (r repos) queryReads() bun.IDB {
	if r.tx == nil && r.db.replica != nil {
		return r.db.replica
	}
	return r.idb
}

func (db *DB) pool() repos { return repos{idb: db.bun, db: db} }

// InTx implements domain.Database: fn's repositories share one transaction,
// committed when fn returns nil and rolled back otherwise. Jobs enqueued
// through tx.Jobs() are inserted on that transaction.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx domain.Repos) error) error {
	var (
		pending   []domain.CollabEvent
		committed []func()
	)
	err := db.bun.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		ctx = context.WithValue(ctx, txKey{}, tx)
		pending, committed = pending[:0], committed[:0]
		r := repos{idb: tx, db: db, tx: tx.Tx, pending: &pending, committed: &committed}
		if err := fn(ctx, r); err != nil {
			return err
		}
		// A mutation made with an idempotency key marks it committed in
		// its own transaction (issue 18): never run twice after a crash.
		return domain.MarkIdempotentCommit(ctx, r)
	})
	if err == nil {
		for _, e := range pending {
			db.events.broadcast(e)
		}
		for _, f := range committed {
			f()
		}
	}
	return err
}

// txKey carries the bun.Tx of an InTx in its context, for repositories on
// the pool that may be called inside one (see ambient).
type txKey struct{}

// onContextTx returns the transaction of the InTx that ctx is inside, or
// idb. Pool repositories that a port below the domain (a document's
// stamper) reads through while a step's transaction is open use it: on
// SQLite's single connection a pool statement there would wait for the
// transaction holding it.
func onContextTx(ctx context.Context, idb bun.IDB) bun.IDB {
	if tx, ok := ctx.Value(txKey{}).(bun.Tx); ok {
		return tx
	}
	return idb
}

// JobInserter inserts durable background jobs for Repos.Jobs().
// storage/queue implements it over River; install one with SetJobInserter.
type JobInserter interface {
	// InsertTx inserts on tx: the job exists only if tx commits.
	InsertTx(ctx context.Context, tx *sql.Tx, args domain.JobArgs, opts ...domain.JobOption) error
	// Insert inserts on the pool, committed at once.
	Insert(ctx context.Context, args domain.JobArgs, opts ...domain.JobOption) error
}

// jobSlot holds the JobInserter of a DB; it is a field of DB.
type jobSlot struct {
	p atomic.Pointer[jobInserterRef]
}

type jobInserterRef struct{ JobInserter }

// SetJobInserter installs the inserter behind Repos.Jobs() (nil removes it).
// It is safe to call concurrently with Enqueue.
func (db *DB) SetJobInserter(ins JobInserter) {
	if ins == nil {
		db.jobs.p.Store(nil)
		return
	}
	db.jobs.p.Store(&jobInserterRef{ins})
}

// jobQueue implements domain.JobQueue on the pool (tx nil) or on a transaction.
type jobQueue struct {
	db *DB
	tx *sql.Tx
}

func (q jobQueue) Enqueue(ctx context.Context, args domain.JobArgs, opts ...domain.JobOption) error {
	ref := q.db.jobs.p.Load()
	if ref == nil {
		return domain.Errorf(domain.CodeInternal, "no job queue is configured (storage/queue installs one)")
	}
	if q.tx != nil {
		return ref.InsertTx(ctx, q.tx, args, opts...)
	}
	return ref.Insert(ctx, args, opts...)
}

var _ domain.Database = (*DB)(nil)
