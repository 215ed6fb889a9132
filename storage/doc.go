// Package storage persists hukou's domain in PostgreSQL or SQLite through bun,
// and implements the domain's repository ports over either dialect.
//
// Dialect differences, kept here so nothing else needs to know them:
//   - SQLite runs with one open connection (River and modernc want it), WAL,
//     foreign keys on and a busy timeout; code inside a transaction must use
//     the transaction, never the pool, or it waits on itself.
//   - PostgreSQL keeps name search on a pg_trgm GIN index; SQLite uses a plain
//     index and LIKE.
//   - Both get the same migration IDs (storage/migrations/{postgres,sqlite}),
//     checked by a test; timestamps are timestamptz in PostgreSQL and text in
//     SQLite, which bun converts both ways.
//   - Bulk loads use COPY on PostgreSQL and multi-row INSERTs on SQLite.
package storage
