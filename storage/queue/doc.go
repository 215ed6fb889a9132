// Package queue runs hukou's durable background jobs on River, over the same
// database as everything else: riverdatabasesql (lib/pq, polling) on
// PostgreSQL and riversqlite (modernc) on SQLite.
//
// Jobs are enqueued through domain.Repos.Jobs(), inside the caller's
// transaction, so a job exists exactly when the state change that caused it
// commits. New installs the queue's Inserter on the storage.DB for that;
// processes that only enqueue use NewInserter and storage.DB.SetJobInserter.
//
// Every worker is registered in one place, register in workers.go. River's
// tables are created by storage.DB.MigrateUp.
package queue
