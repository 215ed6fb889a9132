// Package migrations embeds the versioned SQL migrations of both dialects.
// Each migration ID exists in both folders (a test checks it), so a database
// of either kind walks the same schema history (6.1.2).
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
