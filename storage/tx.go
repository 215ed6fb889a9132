package storage

import (
	"context"
	"database/sql"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// repos implements domain.Repos over a bun.IDB: the pool or one transaction.
type repos struct{ idb bun.IDB }

func (r repos) Offices() domain.OfficeRepository    { return officeRepo{r.idb} }
func (r repos) Register() domain.RegisterRepository { return registerRepo{r.idb} }
func (r repos) Users() domain.UserRepository         { return userRepo{r.idb} }
func (r repos) Audit() domain.AuditRepository        { return auditRepo{r.idb} }

// Offices implements domain.Repos on the pool.
func (db *DB) Offices() domain.OfficeRepository { return repos{db.bun}.Offices() }

// Register implements domain.Repos on the pool.
func (db *DB) Register() domain.RegisterRepository { return repos{db.bun}.Register() }

// Users implements domain.Repos on the pool.
func (db *DB) Users() domain.UserRepository { return repos{db.bun}.Users() }

// Audit implements domain.Repos on the pool.
func (db *DB) Audit() domain.AuditRepository { return repos{db.bun}.Audit() }

// InTx implements domain.Database: fn's repositories share one transaction,
// committed when fn returns nil and rolled back otherwise.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx domain.Repos) error) error {
	return db.bun.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		return fn(ctx, repos{tx})
	})
}

var _ domain.Database = (*DB)(nil)
